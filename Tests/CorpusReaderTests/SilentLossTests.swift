import CorpusTestSupport
import Foundation
import Testing

@testable import CorpusReader

/// Inputs that used to be lost without a word (issue #17): each must now be read, or fail with
/// an error naming the input and member, or be counted in the report.
@Suite struct SilentLossTests {
    /// Runs `python3 -c script` in `directory`.
    func python(_ script: String, in directory: TemporaryDirectory) throws {
        try runTool(["python3", "-c", script], in: directory.url)
    }

    // MARK: NUL bytes

    @Test(arguments: ["plain", "gzip", "zstd", "xz"])
    func textBeginningWithNULBytesIsNotAnEmptyArchive(compression: String) async throws {
        let directory = try TemporaryDirectory()
        try python(
            "open('nul.txt', 'wb').write(b'\\0' * 1500 + b'tail of first line\\nsecond line\\nthird line\\n')",
            in: directory)
        var path = directory.path("nul.txt")
        if compression != "plain" {
            try runTool(["sh", "-c", "\(compression) -q -c nul.txt > nul.bin"], in: directory.url)
            path = directory.path("nul.bin")
        }
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records == ["second line", "third line"])
        #expect(outcome.report.members.first?.container == "raw")
        #expect(outcome.report.skippedByKind == ["nul-bytes": 1])
        #expect(outcome.report.examples.first?.location == RecordLocation(input: path, member: nil, line: 1))

        let strict = try await readAll([path]) { $0.strict = true }
        guard case let .invalidRecord(issue)? = strict.error as? CorpusError else {
            Issue.record("expected invalidRecord, got \(String(describing: strict.error))")
            return
        }
        #expect(issue.reason == .containsNUL)
    }

    @Test func aFileOfOnlyNULBytesIsReportedNotEmpty() async throws {
        let directory = try TemporaryDirectory()
        // What an empty tar archive and a zero-filled file look like: no tar header.
        let path = try directory.write("zeros.tar", Data(count: 10240))
        let outcome = try await readAll([path])
        #expect(outcome.error == nil)
        #expect(outcome.records.isEmpty)
        #expect(outcome.report.skippedByKind == ["nul-bytes": 1])
    }

    @Test func nulBytesInACSVFieldSkipThatRecord() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("n.csv", Data("a,b\nx\u{0}y,ok\nfine,also\n".utf8))
        let outcome = try await readAll([path])
        #expect(outcome.records == ["ok", "fine", "also"])
        #expect(outcome.report.skippedByKind == ["nul-bytes": 1])
        #expect(outcome.report.examples.first?.location.line == 2)
    }

    @Test func aRecordSpanningChunksIsCheckedForNUL() async throws {
        let directory = try TemporaryDirectory()
        // The NUL is in the first chunk; the line ends in the second.
        let path = try directory.write(
            "span.txt", Data(("\u{0}" + String(repeating: "x", count: 6000) + "\nafter\n").utf8))
        let outcome = try await readAll([path]) { $0.chunkBytes = 4096 }
        #expect(outcome.records == ["after"])
        #expect(outcome.report.skippedByKind == ["nul-bytes": 1])
    }

    // MARK: libarchive errors and warnings inside members

    @Test func aZipMemberWithABadCRCIsAnErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        try python(
            """
            import zipfile, zlib
            data = ''.join(f'line {i} ' + 'x' * 40 + '\\n' for i in range(45000)).encode()
            with zipfile.ZipFile('z.zip', 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('big.txt', data)
            b = bytearray(open('z.zip', 'rb').read())
            crc = zlib.crc32(data).to_bytes(4, 'little')
            i = b.find(crc)
            while i != -1:
                b[i] ^= 0xFF
                i = b.find(crc, i + 1)
            open('bad.zip', 'wb').write(b)
            """, in: directory)
        let path = directory.path("bad.zip")
        let outcome = try await readAll([path])
        guard case let .corruptInput(input, member, _, _, reason)? = outcome.error as? CorpusError else {
            Issue.record("expected corruptInput, got \(String(describing: outcome.error))")
            return
        }
        #expect(input == path)
        #expect(member == "big.txt")
        #expect(reason.contains("CRC"))
        #expect(outcome.records.count < 45000)
    }

    @Test func anEncryptedZipMemberIsAnError() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "secret text\n")
        try runTool(["zip", "-q", "-P", "password", "enc.zip", "a.txt"], in: directory.url)
        let outcome = try await readAll([directory.path("enc.zip")])
        guard case let .corruptInput(_, member, _, _, reason)? = outcome.error as? CorpusError else {
            Issue.record("expected corruptInput, got \(String(describing: outcome.error))")
            return
        }
        #expect(member == "a.txt")
        #expect(reason.lowercased().contains("passphrase") || reason.lowercased().contains("encrypt"))
    }

    @Test func aTarWithATruncatedLastMemberIsAnError() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "alpha\n")
        try directory.write("last.txt", String(repeating: "a line of the last member\n", count: 4000))
        try runTool(["tar", "cf", "t.tar", "a.txt", "last.txt"], in: directory.url)
        let whole = try Data(contentsOf: directory.url.appendingPathComponent("t.tar"))
        let path = try directory.write("cut.tar", whole.prefix(whole.count / 2))
        let outcome = try await readAll([path])
        guard case let .corruptInput(_, member, _, _, _)? = outcome.error as? CorpusError else {
            Issue.record("expected corruptInput, got \(String(describing: outcome.error))")
            return
        }
        #expect(member == "last.txt")
    }

    @Test(arguments: [["bzip2", "-c"], ["xz", "-c"], ["lz4", "-q", "-c"], ["zstd", "-q", "-c"], ["gzip", "-c"]])
    func aTruncatedCompressedStreamIsAnError(command: [String]) async throws {
        let directory = try TemporaryDirectory()
        try directory.write("big.txt", (0..<100_000).map { "line \($0) of some text" }.joined(separator: "\n") + "\n")
        try runTool(["sh", "-c", "\(command.joined(separator: " ")) big.txt > big.bin"], in: directory.url)
        let whole = try Data(contentsOf: directory.url.appendingPathComponent("big.bin"))
        let path = try directory.write("cut.bin", whole.prefix(whole.count * 2 / 3))
        let outcome = try await readAll([path])
        let error = try #require(outcome.error as? CorpusError, "\(command[0])")
        switch error {
        case .corruptInput(let input, _, _, _, _), .unreadableInput(let input, _): #expect(input == path)
        default: Issue.record("unexpected \(error)")
        }
        #expect(outcome.records.count < 100_000)
    }

    // MARK: What a member holds

    @Test(arguments: ["gzip", "zstd", "xz", "bzip2", "lz4"])
    func compressedMembersOfATarAreDecompressed(compression: String) async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "alpha one\nalpha two\n")
        try directory.write("b.txt", "beta\n")
        let tool = ["gzip": "gzip -c", "zstd": "zstd -q -c", "xz": "xz -c", "bzip2": "bzip2 -c", "lz4": "lz4 -q -c"][
            compression]!
        try runTool(["sh", "-c", "\(tool) a.txt > a.txt.z && tar cf t.tar a.txt.z b.txt"], in: directory.url)
        let outcome = try await readAll([directory.path("t.tar")])
        #expect(outcome.error == nil)
        #expect(outcome.records == ["alpha one", "alpha two", "beta"])
        #expect(outcome.report.members.first?.compression == [compression])
        #expect(outcome.report.repairedRecords == 0)
    }

    @Test func aDamagedGzipMemberInsideATarIsAnErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        try python(
            """
            import gzip, tarfile, io
            data = bytearray(gzip.compress(b'some text\\n' * 1000))
            data[-8] ^= 0xFF  # the CRC-32 in the trailer
            with tarfile.open('t.tar', 'w') as t:
                info = tarfile.TarInfo('a.txt.gz'); info.size = len(data)
                t.addfile(info, io.BytesIO(bytes(data)))
            """, in: directory)
        let outcome = try await readAll([directory.path("t.tar")])
        guard case let .corruptInput(_, member, _, _, reason)? = outcome.error as? CorpusError else {
            Issue.record("expected corruptInput, got \(String(describing: outcome.error))")
            return
        }
        #expect(member == "a.txt.gz")
        #expect(reason.contains("gzip"))
    }

    @Test func anArchiveInsideAMemberIsRefusedWithTheReason() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "alpha\n")
        try runTool(
            [
                "sh", "-c",
                "tar cf inner.tar a.txt && zip -q inner.zip a.txt && tar cf outer.tar inner.tar "
                    + "&& tar cf outer2.tar inner.zip"
            ], in: directory.url)
        for (archive, member) in [("outer.tar", "inner.tar"), ("outer2.tar", "inner.zip")] {
            let outcome = try await readAll([directory.path(archive)])
            guard case let .corruptInput(_, name, _, _, reason)? = outcome.error as? CorpusError else {
                Issue.record("expected corruptInput, got \(String(describing: outcome.error))")
                continue
            }
            #expect(name == member)
            #expect(reason.contains("archive"))
        }
    }

    @Test(arguments: [
        ("utf-16-le", [0xFF, 0xFE] as [UInt8], "UTF-16LE"), ("utf-16-be", [0xFE, 0xFF], "UTF-16BE"),
        ("utf-32-le", [0xFF, 0xFE, 0, 0], "UTF-32LE"), ("utf-32-be", [0, 0, 0xFE, 0xFF], "UTF-32BE")
    ])
    func unicodeTextWithAByteOrderMarkIsTranscoded(codec: String, mark: [UInt8], name: String) async throws {
        let directory = try TemporaryDirectory()
        let lines = ["first line é", "second 😀 line", String(repeating: "long ü line ", count: 3000)]
        let text = lines.joined(separator: "\n") + "\n"
        let encoded: Data
        switch codec {
        case "utf-16-le": encoded = text.data(using: .utf16LittleEndian)!
        case "utf-16-be": encoded = text.data(using: .utf16BigEndian)!
        case "utf-32-le": encoded = text.data(using: .utf32LittleEndian)!
        default: encoded = text.data(using: .utf32BigEndian)!
        }
        let path = try directory.write("u.txt", Data(mark) + encoded)
        // Small chunks, so that surrogate pairs and units are cut between reads.
        let outcome = try await readAll([path]) { $0.chunkBytes = 4096 }
        #expect(outcome.error == nil)
        #expect(outcome.records == lines)
        #expect(outcome.report.members.first?.encoding == name)
        #expect(outcome.report.repairedRecords == 0)
        #expect(outcome.report.skipped == 0)

        // The same inside gzip, and as a member of a tar.
        try runTool(["sh", "-c", "gzip -c u.txt > u.txt.gz && tar cf u.tar u.txt"], in: directory.url)
        for other in ["u.txt.gz", "u.tar"] {
            let again = try await readAll([directory.path(other)])
            #expect(again.records == lines, "\(other)")
            #expect(again.report.members.first?.encoding == name)
        }
    }

    @Test func aUTF8ByteOrderMarkIsDroppedInEveryFormat() async throws {
        let directory = try TemporaryDirectory()
        let mark = Data([0xEF, 0xBB, 0xBF])
        let lines = try directory.write("l.txt", mark + Data("one\ntwo\n".utf8))
        let csv = try directory.write("c.csv", mark + Data("text\none\n".utf8))
        let jsonl = try directory.write("j.jsonl", mark + Data("{\"text\":\"one\"}\n".utf8))
        #expect(try await readAll([lines]).records == ["one", "two"])
        let csvOutcome = try await readAll([csv])
        #expect(csvOutcome.records == ["one"])
        #expect(csvOutcome.report.headers.first?.fields == ["text"])
        #expect(try await readAll([jsonl]).records == ["one"])
        #expect(try await readAll([lines]) { $0.format = .text }.records == ["one\ntwo\n"])
    }

    @Test func unpairedSurrogatesAreReplacedAndReported() async throws {
        let directory = try TemporaryDirectory()
        // "a", a lone high surrogate, "b", newline — UTF-16LE.
        let path = try directory.write("bad16.txt", Data([0xFF, 0xFE, 0x61, 0, 0x00, 0xD8, 0x62, 0, 0x0A, 0]))
        let outcome = try await readAll([path])
        #expect(outcome.records == ["a\u{FFFD}b"])
        #expect(outcome.report.warnings.contains { $0.contains("UTF-16LE") && $0.contains("U+FFFD") })
    }

    @Test func classifiesMemberStarts() {
        func classify(_ bytes: [UInt8]) -> MemberContent { bytes.withUnsafeBytes { MemberContent.classify($0) } }
        #expect(classify(Array("BZh9 is just text, not bzip2".utf8)) == .plain)
        #expect(classify([0x1F, 0x8B, 8, 0]) == .compressed("gzip"))
        #expect(classify(Array(repeating: 0, count: 512)) == .plain)
        #expect(classify([0xEF, 0xBB, 0xBF, 0x61]) == .plain)
    }

    // MARK: CSV header

    @Test func aCSVHeaderLongerThanTheLimitIsAnErrorNotSkipped() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("h.csv", String(repeating: "a", count: 40) + ",b\n1,2\n3,4\n")
        let outcome = try await readAll([path]) { $0.maxRecordBytes = 16 }
        #expect(outcome.records.isEmpty)
        guard case let .headerTooLarge(location, limit)? = outcome.error as? CorpusError else {
            Issue.record("expected headerTooLarge, got \(String(describing: outcome.error))")
            return
        }
        #expect(location == RecordLocation(input: path, member: nil, line: 1))
        #expect(limit == 16)
        #expect(outcome.error!.localizedDescription.contains("--max-record-bytes"))
    }

    // MARK: Inputs that yield nothing

    @Test func emptyInputsAndArchivesWithoutFilesAreReported() async throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write("empty.txt", "")
        try runTool(["sh", "-c", "gzip -c empty.txt > empty.txt.gz && mkdir d && tar cf dirs.tar d"], in: directory.url)
        for (path, phrase) in [
            (empty, "is empty"), (directory.path("empty.txt.gz"), "is empty"),
            (directory.path("dirs.tar"), "holds no files")
        ] {
            let outcome = try await readAll([path])
            #expect(outcome.error == nil)
            #expect(
                outcome.report.warnings.contains { $0.contains(path) && $0.contains(phrase) },
                "\(outcome.report.warnings)")
            #expect(outcome.report.issueSummary.contains { $0.hasPrefix("warning:") })
        }
    }

    @Test func anInputWhoseMembersMatchNoGlobIsReported() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.txt", "alpha\n")
        try directory.write("b.csv", "text\nbeta\n")
        try runTool(["sh", "-c", "tar cf one.tar a.txt && tar cf two.tar b.csv"], in: directory.url)
        let outcome = try await readAll([directory.path("one.tar"), directory.path("two.tar")]) {
            $0.memberPatterns = ["*.csv"]
        }
        #expect(outcome.error == nil)
        #expect(outcome.records == ["beta"])
        #expect(outcome.report.warnings.contains { $0.contains("one.tar") && $0.contains("*.csv") })
    }

    // MARK: Options of another format

    /// A record is held in memory whole: the bound itself has a bound (1 GiB, under the
    /// tokenizer's 2 GiB), refused with a sentence.
    @Test func aRecordBoundAboveOneGiBIsRefused() throws {
        var options = ReaderOptions()
        options.maxRecordBytes = (1 << 30) + 1
        #expect(throws: CorpusError.self) { try options.validate() }
        options.maxRecordBytes = 1 << 30
        try options.validate()
    }

    /// `--format auto` decides each archive member's format by its name; a CSV-only option on a
    /// member read as lines would be ignored, so it is refused naming the member.
    @Test func csvOptionsOnAMemberReadAsLinesAreRefusedNamingIt() async throws {
        let directory = try TemporaryDirectory()
        try python(
            """
            import zipfile
            with zipfile.ZipFile('a.zip', 'w') as z:
                z.writestr('good.csv', 'text,label\\nhello,1\\n')
                z.writestr('data.txt', 'text,label\\nworld,2\\n')
            """, in: directory)
        let path = directory.path("a.zip")
        let refused = try await readAll([path]) { $0.columns = [.index(0)] }
        guard case let .invalidOptions(sentence)? = refused.error as? CorpusError else {
            Issue.record("expected invalidOptions, got \(String(describing: refused.error))")
            return
        }
        #expect(sentence.contains("data.txt") && sentence.contains("--column") && sentence.contains("--format csv"))
        #expect(refused.records == ["hello"])
        // Only the CSV member: read as asked.
        let fine = try await readAll([path]) {
            $0.columns = [.index(0)]; $0.memberPatterns = ["*.csv"]
        }
        #expect(fine.error == nil && fine.records == ["hello"])
        // With --format csv every member is CSV.
        let forced = try await readAll([path]) {
            $0.columns = [.index(0)]; $0.format = .csv
        }
        #expect(forced.error == nil && forced.records == ["hello", "world"])
    }
}
