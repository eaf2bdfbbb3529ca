import Foundation
import Testing

/// Issue #17 §1 at the command line: inputs that used to give a complete-looking output with
/// nothing (or too little) read.
@Suite struct SilentLossCommandTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("silent-loss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    let nulStarted = Data(count: 1024) + Data("hidden first line\nsecond line\nthird line\n".utf8)

    @Test func textBeginningWithNULBytesOnStandardInputIsReadAndCounted() throws {
        let result = try CommandRunner.run(["inspect", "-", "--json"], standardInput: nulStarted)
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(report["records"] as? Int == 2)
        #expect((report["skipped"] as? [String: Int])?["nul-bytes"] == 1)
        #expect((report["members"] as? [[String: Any]])?.first?["container"] as? String == "raw")
    }

    @Test func tokenizeOfTextBeginningWithNULBytesSaysSo() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("nul.txt")
        try nulStarted.write(to: input)
        let out = directory.appendingPathComponent("tokens").path
        let result = try CommandRunner.run(["tokenize", input.path, "--out", out])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("records     2 (skipped 1)"))
        #expect(result.standardOutput.contains("nul-bytes"))
    }

    @Test func aZipWithABadCRCFailsWithoutAManifest() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try CommandRunner.runTool(
            [
                "python3", "-c",
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
                """
            ], in: directory)
        let out = directory.appendingPathComponent("tokens")
        let result = try CommandRunner.run([
            "tokenize", directory.appendingPathComponent("bad.zip").path, "--out", out.path
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("big.txt"))
        #expect(result.standardError.contains("CRC"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
    }

    @Test func anOverlongCSVHeaderNamesTheOptionToRaise() throws {
        let csv = String(repeating: "h", count: 100) + ",b\n1,2\n"
        let result = try CommandRunner.run(
            ["inspect", "-", "--format", "csv", "--max-record-bytes", "32"], standardInput: Data(csv.utf8))
        #expect(result.status != 0)
        #expect(result.standardError.contains("-:1"))
        #expect(result.standardError.contains("--max-record-bytes"))
    }

    /// A record is held in memory whole: the bound itself is bounded, with a sentence.
    @Test func aMaxRecordSizeAboveOneGiBIsRefused() throws {
        let result = try CommandRunner.run(
            ["inspect", "-", "--max-record-bytes", "\((1 << 30) + 1)"], standardInput: Data("a\n".utf8))
        #expect(result.status != 0)
        #expect(result.standardError.contains("--max-record-bytes must be at most 1073741824"))
    }

    @Test func anEmptyInputIsReported() throws {
        let result = try CommandRunner.run(["inspect", "-"], standardInput: Data())
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("warning: '-' is empty"))
    }
}
