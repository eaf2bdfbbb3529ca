import Foundation
import Testing

/// Python's Hugging Face `tokenizers`, installed once with pip when missing and the environment
/// allows it (VAE_PIPELINE_NO_PIP=1 forbids it; offline, pip fails fast and the tests skip).
enum HuggingFacePython {
    static let isAvailable: Bool = {
        if imports() { return true }
        if ProcessInfo.processInfo.environment["VAE_PIPELINE_NO_PIP"] == "1" { return false }
        let script = corporaDirectory.deletingLastPathComponent().appendingPathComponent(
            "scripts/install-python-tokenizers.sh"
        ).path
        _ = try? CommandRunner.runTool(["bash", script])
        return imports()
    }()

    static func imports() -> Bool { (try? CommandRunner.runTool(["python3", "-c", "import tokenizers"])) != nil }
}

/// tokenizer.json must give vae-pipeline's ids: every sentence of shipped corpora (the first
/// 5,000 lines of each, to stay fast) is tokenized by `vae-pipeline tokenize` and by Hugging Face
/// with the exported file, and the ids compared (scripts/hf-tokenizer-parity.py).
@Suite(
    .serialized,
    .enabled(
        if: HuggingFacePython.isAvailable,
        """
        Python package `tokenizers` is not importable and could not be installed \
        (bash scripts/install-python-tokenizers.sh); tokenizer.json parity not checked
        """
    ))
struct HuggingFaceParityTests {
    static let settings: [[String]] = [
        [], ["--lowercase"], ["--drop-punctuation"], ["--normalization", "nfkc", "--lowercase-locale", "tr"],
        ["--level", "character"], ["--level", "keras", "--lowercase"]
    ]

    @Test(arguments: ["web_sentences.txt.gz", "tiny_shakespeare.txt.gz"])
    func sameIdsOnEverySentence(corpus: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hf-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try CommandRunner.runTool(["gzip", "-dc", corporaDirectory.appendingPathComponent(corpus).path])
            .split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.prefix(5000)
        let input = directory.appendingPathComponent("lines.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let script = corporaDirectory.deletingLastPathComponent().appendingPathComponent(
            "scripts/hf-tokenizer-parity.py"
        ).path
        for setting in Self.settings {
            let out = directory.appendingPathComponent("out-\(setting.joined())").path
            let tokenized = try CommandRunner.run(["tokenize", input.path, "--out", out] + setting)
            #expect(tokenized.status == 0, "\(setting): \(tokenized.standardError)")
            #expect(!tokenized.standardError.contains("note"), "\(setting): \(tokenized.standardError)")
            let report =
                (try? CommandRunner.runTool(["python3", script, out, input.path]))
                ?? "(differs; run scripts/hf-tokenizer-parity.py \(out) \(input.path))"
            #expect(
                report.contains("\"differing\": 0, \"unmatched_sequences\": 0"),
                "\(corpus) \(setting): \(report.prefix(2000))")
        }
    }

    /// Where the vocabulary shows inputs the export cannot split alike, the file is still written
    /// and one line names them; the parity script shows those very lines differ, and only them.
    @Test func knownDifferencesAreNamedAndAreTheOnlyOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hf-parity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("lines.txt")
        try """
        Don't pay $1,000.50 to the U.S. government... ever!
        write to a@b.com today
        中华人民共和国 is long
        It’s 3.14159 or 2,5 — who knows? “Quoted” (text).

        """.write(to: input, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path
        let tokenized = try CommandRunner.run(["tokenize", input.path, "--out", out])
        #expect(tokenized.status == 0, "\(tokenized.standardError)")
        #expect(
            tokenized.standardError.contains("note        tokenizer.json gives other ids for Chinese"),
            "\(tokenized.standardError)")
        #expect(tokenized.standardError.contains("'@' next to letters or digits"))
        let script = corporaDirectory.deletingLastPathComponent().appendingPathComponent(
            "scripts/hf-tokenizer-parity.py"
        ).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, out, input.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let differing = (report["examples"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
        #expect(differing == [2, 3], "\(report)")
    }
}
