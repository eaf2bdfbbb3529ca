import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

/// gzip files are inflated by ISA-L with every member's CRC-32 and length checked.
@Suite struct GzipDecoderTests {
    let lines = (1...2_000).map { "line \($0): \($0 * 7919 % 10_007) the quick brown fox" }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// Several MB of varied text: words from a seeded generator, so deflate finds matches but
    /// the output is not trivially repetitive.
    static func randomishText(megabytes: Int) -> String {
        let words = [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
            "lambda", "mu", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "\"quoted, field\""
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var out = ""
        out.reserveCapacity(megabytes << 20)
        var line = 1
        while out.utf8.count < megabytes << 20 {
            out += "\(line)"
            for _ in 0..<(3 + Int(state >> 60)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                out += " " + words[Int(state >> 33) % words.count] + String(state >> 50, radix: 36)
            }
            out += "\n"
            line += 1
        }
        return out
    }

    /// Decompresses a whole file with the decoder directly, reading the file in `blockSize`
    /// pieces (tiny pieces put every member boundary and trailer across reads).
    func decode(_ path: String, blockSize: Int = 1 << 20, outputSize: Int = 65_536) throws -> (
        bytes: [UInt8], members: Int
    ) {
        let decoder = GzipDecoder(source: try ByteSource(.file(path)), inputBlockSize: blockSize)
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: outputSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try decoder.read(into: buffer)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return (bytes, decoder.membersVerified)
    }

    func gzip(_ directory: TemporaryDirectory, _ name: String, _ contents: String, arguments: [String] = []) throws
        -> String
    {
        let plain = try directory.write(name, contents)
        try runTool(["gzip", "-k", "-f"] + arguments + [plain])
        return plain + ".gz"
    }

    func expectCorrupt(_ outcome: ReadOutcome, path: String, mentioning phrase: String) throws {
        let error = try #require(outcome.error as? CorpusError)
        guard case let .corruptInput(errorPath, _, _, _, reason) = error else {
            Issue.record("expected corruptInput, got \(error)")
            return
        }
        #expect(errorPath == path)
        #expect(reason.contains(phrase), "\(reason)")
        #expect(error.localizedDescription.contains(URL(fileURLWithPath: path).lastPathComponent))
    }

    @Test func aSingleMemberIsReadAndVerified() async throws {
        let directory = try TemporaryDirectory()
        let path = try gzip(directory, "one.txt", text)
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.verifiedChecksums == 1)
        #expect(outcome.report.members.first?.compression == ["gzip"])
        #expect(outcome.report.members.first?.container == "raw")
        #expect(try decode(path).members == 1)
    }

    @Test func concatenatedMembersAreOneStreamAndEachIsVerified() async throws {
        let directory = try TemporaryDirectory()
        let first = try gzip(directory, "a.txt", lines[..<700].joined(separator: "\n") + "\n")
        let empty = try gzip(directory, "empty.txt", "")
        let second = try gzip(directory, "b.txt", lines[700...].joined(separator: "\n") + "\n", arguments: ["-9"])
        let joined = directory.path("joined.gz")
        try runTool(["sh", "-c", "cat '\(first)' '\(empty)' '\(second)' > '\(joined)'"])
        let outcome = try await readAll([joined])
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.verifiedChecksums == 1)
        // Every member boundary and trailer split across reads of 1, 3 and 7 bytes.
        for blockSize in [1, 3, 7, 4096] {
            let decoded = try decode(joined, blockSize: blockSize, outputSize: 1000)
            #expect(decoded.bytes == Array(text.utf8), "block size \(blockSize)")
            #expect(decoded.members == 3)
        }
    }

    @Test func anEmptyMemberGivesNoRecords() async throws {
        let directory = try TemporaryDirectory()
        let path = try gzip(directory, "empty.csv", "")
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records.isEmpty)
        #expect(outcome.report.verifiedChecksums == 1)
    }

    @Test func aWrongCRCOrLengthIsAnErrorNamingTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = try gzip(directory, "x.txt", text)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        var badCRC = whole
        badCRC[whole.count - 8] ^= 0xFF
        let crcPath = try directory.write("bad-crc.gz", badCRC)
        let crcOutcome = try await readAll([crcPath])
        try expectCorrupt(crcOutcome, path: crcPath, mentioning: "CRC-32 check of gzip member 1 failed")
        var badLength = whole
        badLength[whole.count - 4] ^= 0x01
        let lengthPath = try directory.write("bad-length.gz", badLength)
        try expectCorrupt(
            try await readAll([lengthPath]), path: lengthPath, mentioning: "length check of gzip member 1 failed")
        // The second member of two is checked as well.
        let joined = try directory.write("joined.gz", whole + badCRC)
        let joinedOutcome = try await readAll([joined])
        try expectCorrupt(joinedOutcome, path: joined, mentioning: "CRC-32 check of gzip member 2 failed")
    }

    @Test func aTruncatedStreamIsAnErrorWhereverItEnds() async throws {
        let directory = try TemporaryDirectory()
        let path = try gzip(directory, "x.txt", Self.randomishText(megabytes: 1))
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let cuts: [(Int, String)] = [
            (5, "inside the gzip header"),
            (whole.count / 2, "inside the compressed data of gzip member 1"),
            (whole.count - 3, "inside the 8-byte trailer of gzip member 1")
        ]
        for (length, phrase) in cuts {
            let cut = try directory.write("cut-\(length).gz", whole.prefix(length))
            try expectCorrupt(try await readAll([cut]), path: cut, mentioning: phrase)
        }
        // A second member cut inside its header.
        let cutSecond = try directory.write("cut-second.gz", whole + whole.prefix(4))
        try expectCorrupt(
            try await readAll([cutSecond]), path: cutSecond, mentioning: "inside the header of gzip member 2")
    }

    /// Zero padding after the last member is accepted (as gzip does); anything else is an error,
    /// not silently dropped: it may be the damaged start of data the user expects.
    @Test func trailingGarbageIsAnErrorButZeroPaddingIsNot() async throws {
        let directory = try TemporaryDirectory()
        let whole = try Data(contentsOf: URL(fileURLWithPath: try gzip(directory, "x.txt", text)))
        let padded = try directory.write("padded.gz", whole + Data(count: 1000))
        let paddedOutcome = try await readAll([padded])
        #expect(paddedOutcome.error == nil)
        #expect(paddedOutcome.records == lines)
        let garbage = try directory.write("garbage.gz", whole + Data("not gzip\n".utf8))
        let garbageOutcome = try await readAll([garbage])
        try expectCorrupt(garbageOutcome, path: garbage, mentioning: "trailing garbage")
        #expect(garbageOutcome.records == lines)
        let paddedGarbage = try directory.write("padded-garbage.gz", whole + Data(count: 10) + Data([1, 2]))
        try expectCorrupt(try await readAll([paddedGarbage]), path: paddedGarbage, mentioning: "trailing garbage")
    }

    /// Python's gzip module writes the file name (FNAME); the other optional fields are written
    /// by hand around zlib's raw deflate, as other tools write them.
    @Test func headersWithNameExtraCommentAndHeaderCRCAreRead() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("plain.txt", text)
        try runTool(
            [
                "python3", "-c",
                """
                import gzip, struct, zlib
                data = open('plain.txt', 'rb').read()
                with gzip.open('named.gz', 'wb') as f:
                    f.write(data)
                def member(flags, extra=b'', name=b'', comment=b'', corrupt_hcrc=False):
                    header = b'\\x1f\\x8b\\x08' + bytes([flags]) + struct.pack('<I', 0) + b'\\x00\\xff'
                    if flags & 4: header += struct.pack('<H', len(extra)) + extra
                    if flags & 8: header += name + b'\\x00'
                    if flags & 16: header += comment + b'\\x00'
                    if flags & 2: header += struct.pack('<H', (zlib.crc32(header) ^ corrupt_hcrc) & 0xffff)
                    c = zlib.compressobj(6, zlib.DEFLATED, -15)
                    body = c.compress(data) + c.flush()
                    return header + body + struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff)
                open('all-fields.gz', 'wb').write(
                    member(2 | 4 | 8 | 16, b'AB\\x02\\x00xy', b'corpus.txt', b'made by hand'))
                open('extra-only.gz', 'wb').write(member(4, b'\\x00' * 300))
                open('bad-hcrc.gz', 'wb').write(member(2 | 8, name=b'x.txt', corrupt_hcrc=True))
                """
            ], in: directory.url)
        for name in ["named.gz", "all-fields.gz", "extra-only.gz"] {
            let outcome = try await readAll([directory.path(name)])
            #expect(outcome.error == nil, "\(name)")
            #expect(outcome.records == lines, "\(name)")
            #expect(outcome.report.verifiedChecksums == 1, "\(name)")
        }
        let bad = directory.path("bad-hcrc.gz")
        try expectCorrupt(try await readAll([bad]), path: bad, mentioning: "CRC-16")
    }

    /// Several MB through 4 kB chunks: records crossing every chunk boundary come out whole, the
    /// same as from the plain file.
    @Test func largeDataCrossesChunkBoundaries() async throws {
        let directory = try TemporaryDirectory()
        let contents = Self.randomishText(megabytes: 6)
        let path = try gzip(directory, "big.txt", contents)
        let compressed = try await readAll([path]) { $0.chunkBytes = 4096 }
        let plain = try await readAll([directory.path("big.txt")]) { $0.chunkBytes = 4096 }
        #expect(compressed.error == nil)
        #expect(compressed.records.count > 50_000)
        #expect(compressed.records == plain.records)
        #expect(compressed.locations.map(\.line) == plain.locations.map(\.line))
        #expect(try decode(path, blockSize: 4093, outputSize: 10_007).bytes == Array(contents.utf8))
    }

    /// The bytes ISA-L gives are libarchive's (zlib's) for the same file, and the records of a
    /// CSV with quoted line breaks match those read through libarchive from other compressions.
    @Test func matchesTheLibarchivePath() async throws {
        let directory = try TemporaryDirectory()
        var csv = "id,question1,question2\n"
        for row in 0..<20_000 {
            csv += "\(row),\"What is \(row * 31 % 977), really?\",\"Line one\nline \"\"two\"\" of \(row)\"\n"
        }
        let gz = try gzip(directory, "q.csv", csv)
        try runTool(["zstd", "-q", "-k", "-f", directory.path("q.csv")])
        try runTool(["xz", "-k", "-f", directory.path("q.csv")])
        let archive = ArchiveHandle()
        try archive.open(path: gz, blockSize: 1 << 20)
        _ = try archive.nextEntry()
        var viaLibarchive: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try archive.read(into: buffer)
            if count == 0 { break }
            viaLibarchive += buffer[0..<count]
        }
        #expect(try decode(gz).bytes == viaLibarchive)
        let configure: (inout ReaderOptions) -> Void = { $0.columns = [.name("question1"), .name("question2")] }
        let isal = try await readAll([gz], configure)
        #expect(isal.error == nil)
        #expect(isal.records.count == 40_000)
        for other in ["q.csv.zst", "q.csv.xz", "q.csv"] {
            let outcome = try await readAll([directory.path(other)], configure)
            #expect(outcome.records == isal.records, "\(other)")
            #expect(outcome.locations.map(\.line) == isal.locations.map(\.line), "\(other)")
        }
    }
}
