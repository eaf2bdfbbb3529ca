import Foundation
import Testing

@testable import CorpusReader

/// The reader's C scanners (``ByteScanning``, CScan) give the same answers on every instruction
/// set this machine runs as on the portable reference, and so does the CSV parser built on them:
/// on adversarial bytes placed across 32- and 64-byte blocks and across the pieces the
/// decompressing thread hands over. `CK_ISA` caps ``ByteScanning/best`` for whole runs;
/// here each path is bound explicitly.
@Suite struct ByteScanningPathTests {
    static let paths = ByteScanning.InstructionSet.allCases.filter(\.isSupported)

    /// xorshift64: reproducible inputs without Foundation's generators.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Bytes that matter to some scanner: structure, NUL, UTF-8 leads and continuations of every
    /// kind, overlong and surrogate starts, bytes that are never UTF-8.
    static let interesting: [UInt8] = [
        0x61, 0x20, 0x09, 0x22, 0x2C, 0x0A, 0x0D, 0x00, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
        0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF
    ]
    static let sequences: [[UInt8]] = ["é", "€", "😀", "\u{D7FF}", "\u{E000}", "\u{10FFFF}"].map { Array($0.utf8) }

    static func randomBytes(_ generator: inout Generator, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        let mode = generator.below(3)
        while bytes.count < count {
            switch mode {
            case 0: bytes.append(interesting[generator.below(interesting.count)])
            case 1:
                // Mostly valid text with a rare bad byte: the case where validation must look closely.
                if generator.below(4) == 0 {
                    bytes += sequences[generator.below(sequences.count)]
                } else {
                    bytes.append(UInt8(ascii: "a") + UInt8(generator.below(26)))
                }
                if generator.below(300) == 0 {
                    bytes[bytes.count - 1] = interesting[generator.below(interesting.count)]
                }
            default: bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            }
        }
        return Array(bytes.prefix(count))
    }

    /// `scripts/test-kernel-paths.sh` runs the reader's suites under each `CK_ISA`: the cap must hold.
    @Test func theBestPathHonoursTheCap() {
        let caps: [String: ByteScanning.InstructionSet] = ["portable": .portable, "avx2": .avx2, "avx512": .avx512]
        if let cap = ProcessInfo.processInfo.environment["CK_ISA"].flatMap({ caps[$0] }) {
            #expect(ByteScanning.best.rawValue <= cap.rawValue)
            if cap.isSupported { #expect(ByteScanning.best == cap) }
        }
        #expect(ByteScanning.best.isSupported)
    }

    @Test func scannersAgreeWithThePortablePathOnEveryLengthAndOffset() {
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<20_000 {
            // Now and then longer than a record: whole stream pieces take 64-byte steps.
            let bytes = Self.randomBytes(
                &generator, count: round % 40 == 0 ? 1000 + generator.below(3000) : generator.below(200))
            let offset = bytes.isEmpty ? 0 : generator.below(bytes.count)
            bytes.withUnsafeBufferPointer { all in
                let part = UnsafeBufferPointer(rebasing: all[offset...])
                let base = part.baseAddress ?? all.baseAddress ?? UnsafePointer(bitPattern: 1)!
                func results(_ isa: ByteScanning.InstructionSet) -> [Int] {
                    var feeds = 0
                    let quote = ByteScanning.firstQuote(
                        isa, base, part.count, quote: UInt8(ascii: "\""), lineFeeds: &feeds)
                    let any = ByteScanning.firstOf(isa, base, part.count, UInt8(ascii: ","), 0x0A, 0x0D)
                    let nulDelimited = ByteScanning.firstOf(isa, base, part.count, 0, 0x0A, 0x0D)
                    let valid = ByteScanning.isValidUTF8(isa, part) ? 1 : 0
                    let (scalars, words) = ByteScanning.measure(isa, part)
                    return [quote, feeds, any, nulDelimited, valid, scalars, words]
                }
                let reference = results(.portable)
                for isa in Self.paths where isa != .portable {
                    #expect(results(isa) == reference, "round \(round), \(isa), \(Array(part))")
                }
                #expect(reference[4] == (String(validating: part, as: UTF8.self) != nil ? 1 : 0), "\(Array(part))")
            }
        }
    }

    /// The in-register probe for short unquoted fields finds the same first byte as a plain
    /// loop over its eight bytes, or none, on words mostly made of the pattern bytes and their
    /// neighbours just above and below (which the borrow of the zero-byte test could confuse),
    /// bytes with the high bit set, NUL as a delimiter, and buffers shorter than eight bytes.
    @Test func theWordProbeFindsTheFirstMatchOfEightBytes() {
        var generator = Generator(state: 0x6A09_E667_F3BC_C908)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), 0] {
            let patterns = ByteScanning.WordPatterns(delimiter, 0x0A, 0x0D)
            let targets: Set<UInt8> = [delimiter, 0x0A, 0x0D]
            let near = Array(Set(targets.flatMap { [$0 &- 1, $0, $0 &+ 1] } + [0x80, 0xFF, 0x8A, 0x8D, 0x61]))
            for round in 0..<50_000 {
                let length = round % 16 == 0 ? generator.below(8) : 8 + generator.below(4)
                let bytes = (0..<length).map { _ in
                    generator.below(3) == 0 ? UInt8(truncatingIfNeeded: generator.next()) : near[generator.below(near.count)]
                }
                let found = bytes.withUnsafeBufferPointer {
                    ByteScanning.firstOfInWord($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, patterns)
                }
                let expected = length < 8 ? nil : bytes.prefix(8).firstIndex(where: targets.contains)
                #expect(found == expected, "delimiter \(delimiter), \(bytes)")
            }
        }
    }

    /// Measuring a chunk's records in one call gives each record's own measure, on every path:
    /// empty records, records across 64-byte blocks, words cut by a record's end.
    @Test func measuringRecordsTogetherMatchesMeasuringEachAlone() {
        var generator = Generator(state: 0x2545_F491_4F6C_DD1D)
        for round in 0..<2_000 {
            let bytes = Self.randomBytes(&generator, count: generator.below(round % 10 == 0 ? 5000 : 400))
            var ends: [Int] = []
            while (ends.last ?? 0) < bytes.count {
                ends.append(min(bytes.count, (ends.last ?? 0) + generator.below(generator.below(4) == 0 ? 3 : 150)))
            }
            bytes.withUnsafeBufferPointer { all in
                for isa in Self.paths {
                    var scalars = [Int](repeating: -1, count: ends.count)
                    var words = [Int](repeating: -1, count: ends.count)
                    ends.withUnsafeBufferPointer { ends in
                        scalars.withUnsafeMutableBufferPointer { scalars in
                            words.withUnsafeMutableBufferPointer { words in
                                ByteScanning.measureRecords(isa, all, ends: ends, scalars: scalars, words: words)
                            }
                        }
                    }
                    var start = 0
                    for (index, end) in ends.enumerated() {
                        let alone = ByteScanning.measure(isa, UnsafeBufferPointer(rebasing: all[start..<end]))
                        #expect(
                            scalars[index] == alone.scalars && words[index] == alone.words, "round \(round), \(isa)")
                        start = end
                    }
                }
            }
        }
    }

    /// Validating a stream piece by piece (pieces splitting characters anywhere) says what
    /// validating it whole says, and never vouches for bytes up to an ASCII byte (where a record
    /// may end) that are not valid.
    @Test func streamValidationAgreesWithWholeValidation() {
        var generator = Generator(state: 0x5EED_F00D)
        for round in 0..<5_000 {
            let bytes = Self.randomBytes(&generator, count: generator.below(300))
            let whole = String(validating: bytes, as: UTF8.self) != nil
            for isa in Self.paths {
                var stream = ByteScanning.UTF8Stream()
                var position = 0
                var soFar = true
                bytes.withUnsafeBufferPointer { all in
                    while position < all.count {
                        let piece = 1 + generator.below(generator.below(2) == 0 ? 4 : 70)
                        let end = min(all.count, position + piece)
                        soFar = stream.validate(isa, UnsafeBufferPointer(rebasing: all[position..<end]))
                        position = end
                        if soFar, let lastASCII = all[..<end].lastIndex(where: { $0 < 0x80 }) {
                            // Records end at ASCII bytes: everything up to the last one must be valid.
                            #expect(
                                String(validating: all[...lastASCII], as: UTF8.self) != nil,
                                "round \(round), \(isa): \(lastASCII + 1) bytes called valid")
                        }
                    }
                }
                #expect((soFar && stream.isComplete) == whole, "round \(round), \(isa), \(bytes)")
            }
        }
    }

    /// A CSV row of quoted and unquoted fields with escapes, embedded line breaks, CRLF, lone CR,
    /// invalid UTF-8, NUL bytes and wrong field counts, padded so that structure lands near
    /// 32- and 64-byte boundaries.
    static func adversarialCSV(_ generator: inout Generator, rows: Int, delimiter: UInt8) -> [UInt8] {
        var bytes = Array(
            "id\(Character(UnicodeScalar(delimiter)))text\(Character(UnicodeScalar(delimiter)))more\n".utf8)
        for row in 0..<rows {
            let fields = generator.below(10) == 0 ? 2 + generator.below(3) : 3
            for field in 0..<fields {
                if field > 0 { bytes.append(delimiter) }
                // Pad so the next structural byte falls at a block edge (±1) now and then.
                let pad =
                    generator.below(3) == 0
                    ? (64 - bytes.count % 64 + generator.below(3) - 1 + 64) % 64 : generator.below(8)
                let body = randomBytes(&generator, count: pad).map { $0 == delimiter ? UInt8(ascii: "x") : $0 }
                if generator.below(2) == 0 {
                    bytes.append(UInt8(ascii: "\""))
                    for byte in body {
                        bytes.append(byte)
                        if byte == UInt8(ascii: "\"") { bytes.append(byte) }  // escaped, or left odd below
                    }
                    if generator.below(40) == 0 { bytes.append(UInt8(ascii: "\"")) }
                    bytes.append(UInt8(ascii: "\""))
                    if generator.below(30) == 0 { bytes += Array("tail".utf8) }  // text after the closing quote
                } else {
                    bytes += body.filter { $0 != 0x0A && $0 != 0x0D }
                    bytes += Array("\(row)".utf8)
                }
            }
            switch generator.below(6) {
            case 0: bytes += [0x0D, 0x0A]
            case 1: bytes.append(0x0D)
            case 2: bytes += [0x0A, 0x0A]  // a blank line
            default: bytes.append(0x0A)
            }
        }
        if generator.below(2) == 0 { bytes += Array("\"never closed".utf8) }
        return bytes
    }

    struct Parsed: Equatable {
        var utf8: [UInt8], ends: [Int], lines: [Int], fields: [Int]
        var issues: [RecordIssue], events: [ReaderEvent], blankLines: Int, repaired: Int
        var error: String?
    }

    static func parse(
        _ bytes: [UInt8], delimiter: UInt8, columns: [ColumnSelector], invalidUTF8: InvalidUTF8Policy,
        pieceBytes: Int, on isa: ByteScanning.InstructionSet
    ) -> Parsed {
        var options = ReaderOptions()
        options.delimiter = delimiter
        options.columns = columns
        options.invalidUTF8 = invalidUTF8
        options.maxRecordBytes = 100
        return ByteScanning.$instructionSet.withValue(isa) {
            bytes.withUnsafeBytes { raw in
                do {
                    let chunk = try CorpusReader.parse(raw, format: .csv, options: options, pieceBytes: pieceBytes)
                    return Parsed(
                        utf8: chunk.utf8, ends: chunk.ends, lines: chunk.lines, fields: chunk.fields,
                        issues: chunk.issues,
                        events: chunk.events, blankLines: chunk.blankLines, repaired: chunk.repairedRecords, error: nil)
                } catch {
                    return Parsed(
                        utf8: [], ends: [], lines: [], fields: [], issues: [], events: [], blankLines: 0, repaired: 0,
                        error: "\(error)")
                }
            }
        }
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "\t"), 0])
    func csvRecordsAreIdenticalOnEveryPathAndPieceSize(delimiter: UInt8) {
        var generator = Generator(state: 0xC5A_2026 ^ UInt64(delimiter))
        for round in 0..<60 {
            let bytes = Self.adversarialCSV(&generator, rows: 40, delimiter: delimiter)
            let columns: [ColumnSelector] = round % 2 == 0 ? [] : [.name("more"), .name("text")]
            let policy: InvalidUTF8Policy = round % 3 == 0 ? .skip : .replace
            let reference = Self.parse(
                bytes, delimiter: delimiter, columns: columns, invalidUTF8: policy, pieceBytes: bytes.count + 1,
                on: .portable)
            #expect(reference.error == nil || round % 2 == 1, "round \(round): \(reference.error ?? "")")
            for isa in Self.paths {
                for piece in [1, 2, 31, 32, 33, 63, 64, 65, 127, 4096] {
                    let parsed = Self.parse(
                        bytes, delimiter: delimiter, columns: columns, invalidUTF8: policy, pieceBytes: piece, on: isa)
                    #expect(parsed == reference, "round \(round), \(isa), pieces of \(piece)")
                }
            }
        }
    }
}
