import CScan

/// The one place where Corpus calls its C byte scanners (CScan, `cs_*`): the CSV parser's
/// searches for quotes, delimiters and line breaks, UTF-8 validation of every record, and the
/// character and word counts of ``RecordLengthStatistics``.
///
/// Why C: these loops run on every byte of the corpus, on the core that is not inflating, and
/// Swift compiled for baseline x86-64 does eight bytes a step; the scanners do 32 (AVX2) or 64
/// (AVX-512), picked at run time. Every path gives the same results.
enum ByteScanning {
    /// The instruction sets the scanners can run on (`CS_ISA_*`).
    enum InstructionSet: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case portable = 0, avx2 = 1, avx512 = 2

        /// Whether this CPU and OS can run this path.
        var isSupported: Bool { cs_isa_supported(rawValue) != 0 }

        var description: String {
            switch self {
            case .portable: "portable"
            case .avx2: "AVX2"
            case .avx512: "AVX-512"
            }
        }
    }

    /// The best supported path, capped by `CK_ISA` (`portable`, `avx2`, `avx512`) like
    /// NeuralCore's kernels.
    static let best = InstructionSet(rawValue: cs_isa_best()) ?? .portable

    /// The path for scanners set up in the current task: ``best`` unless a test bound another
    /// (`ByteScanning.$instructionSet.withValue(.portable) { … }`). Read once per parser, chunk
    /// or record batch, never per byte run.
    @TaskLocal static var instructionSet: InstructionSet = best

    /// The offset of the first `quote` in `count` bytes at `start` (`count` if none), adding the
    /// line feeds before it to `lineFeeds`.
    @inline(__always)
    static func firstQuote(
        _ isa: InstructionSet, _ start: UnsafePointer<UInt8>, _ count: Int, quote: UInt8, lineFeeds: inout Int
    ) -> Int {
        var feeds = 0
        let found = cs_find_quote_counting_line_feeds(isa.rawValue, start, count, quote, &feeds)
        lineFeeds += feeds
        return found
    }

    /// The offset of the first byte equal to `a`, `b` or `c` in `count` bytes at `start`, or `count`.
    @inline(__always)
    static func firstOf(
        _ isa: InstructionSet, _ start: UnsafePointer<UInt8>, _ count: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8
    ) -> Int {
        cs_find_any_of_three(isa.rawValue, start, count, a, b, c)
    }

    /// Three bytes, each repeated across a 64-bit word.
    struct WordPatterns {
        let a: UInt64, b: UInt64, c: UInt64
        init(_ a: UInt8, _ b: UInt8, _ c: UInt8) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            self.a = ones &* UInt64(a)
            self.b = ones &* UInt64(b)
            self.c = ones &* UInt64(c)
        }
    }

    /// The offset of the first of `patterns`' bytes among the first eight at `start`, or nil
    /// when none of them is one (or fewer than eight bytes are left): a step on a register, for
    /// the short runs where calling a vector scanner costs more than the search.
    @inline(__always)
    static func firstOfInWord(_ start: UnsafePointer<UInt8>, _ count: Int, _ patterns: WordPatterns) -> Int? {
        guard count >= 8 else { return nil }
        let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A byte of `x` is zero where `word` holds the pattern's byte; (x − 1s) & ~x & highs marks
        // the lowest zero byte exactly (bits above it may be false marks, never below).
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let marks = zeroBytes(word ^ patterns.a) | zeroBytes(word ^ patterns.b) | zeroBytes(word ^ patterns.c)
        return marks == 0 ? nil : marks.trailingZeroBitCount >> 3
    }

    /// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
    @inline(__always)
    static func isValidUTF8(_ isa: InstructionSet, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return cs_utf8_is_valid(isa.rawValue, base, bytes.count) != 0
    }

    /// A member's bytes validated as UTF-8 piece by piece (pieces may split a character).
    struct UTF8Stream {
        private var state = cs_utf8_stream()

        /// Validates the next piece: true when every byte so far is well-formed UTF-8, apart
        /// from an unfinished character at the very end (which the next piece must finish).
        mutating func validate(_ isa: InstructionSet, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let base = bytes.baseAddress else { return state.failed == 0 }
            return cs_utf8_stream_validate(isa.rawValue, &state, base, bytes.count) != 0
        }

        /// Whether every byte so far is well-formed and no character is left unfinished.
        var isComplete: Bool {
            var copy = state
            return cs_utf8_stream_is_complete(&copy) != 0
        }
    }

    /// Unicode scalars and whitespace-separated words of valid UTF-8 `bytes` (see
    /// ``RecordLengthStatistics``).
    @inline(__always)
    static func measure(_ isa: InstructionSet, _ bytes: UnsafeBufferPointer<UInt8>) -> (scalars: Int, words: Int) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return (0, 0) }
        var scalars = 0, words = 0
        cs_measure_text(isa.rawValue, base, bytes.count, &scalars, &words)
        return (scalars, words)
    }

    /// ``measure(_:_:)`` of each of the records stored back to back in `bytes`, record `i` ending
    /// at `ends[i]`, into `scalars[i]` and `words[i]`.
    @inline(__always)
    static func measureRecords(
        _ isa: InstructionSet, _ bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>,
        scalars: UnsafeMutableBufferPointer<Int>, words: UnsafeMutableBufferPointer<Int>
    ) {
        precondition(scalars.count >= ends.count && words.count >= ends.count && (ends.last ?? 0) <= bytes.count)
        guard let endsBase = ends.baseAddress, let scalarsBase = scalars.baseAddress, let wordsBase = words.baseAddress
        else { return }
        cs_measure_records(isa.rawValue, bytes.baseAddress, endsBase, ends.count, scalarsBase, wordsBase)
    }
}
