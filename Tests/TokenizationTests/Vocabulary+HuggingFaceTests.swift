import Foundation
import Testing
@testable import Tokenization

/// Runs Python when the `tokenizers` package is importable (checked once).
enum PythonTokenizers {
    static let isAvailable: Bool = (try? run(["-c", "import tokenizers"]))?.status == 0

    /// Runs `python3` (found on PATH) with `arguments`; returns the exit status and stdout.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }
}

@Suite struct VocabularyHuggingFaceTests {
    /// Penn Treebank lines (ptb.train.txt) for the whitespace level.
    static let ptbLines = [
        " aer banknote berlitz calloway centrust cluett fromstein gitano guterman hydro-quebec ipo kia memotec mlx nahb punts rake regatta rubens sim snack-food ssangyong swapo wachter ",
        " pierre <unk> N years old will join the board as a nonexecutive director nov. N ",
        " mr. <unk> is chairman of <unk> n.v. the dutch publishing group ",
        " the <unk> company said N shares ",
    ]
    /// Simple English: no contractions, number separators or adjacent punctuation, where ICU and
    /// the Hugging Face `Whitespace` pre-tokenizer disagree (ICU: ")" "."; HF: ").").
    static let englishLines = [
        "The cat sat on the mat.",
        "Hello, world! How are you today?",
        "I like green eggs and ham; Sam likes them too.",
        "The dog and the cat are friends, mostly.",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var configuration: TokenizerConfiguration
        var training: [String]
        var probes: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "whitespace-ptb", configuration: TokenizerConfiguration(level: .whitespace), training: ptbLines,
             probes: ptbLines + [" the dutch company said N nonexecutive shares ", "unseen words\u{A0}here <unk>"]),
        Case(name: "word-english", configuration: TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "en"),
             training: englishLines, probes: englishLines + ["THE CAT, the dog; and SAM!", "Unseen words are unknown here."]),
        Case(name: "character-nfc", configuration: TokenizerConfiguration(level: .character, normalization: .nfc),
             training: ["Héllo wörld 👩‍👩‍👧!", "cafe\u{301} 🇯🇵\r\n"], probes: ["Héllo 👩‍👩‍👧 🇯🇵 wörld!", "cafe\u{301}\r\nxyz"]),
        Case(name: "keras", configuration: .keras(), training: englishLines,
             probes: englishLines + ["Hello, World! It's a test-case\twith\r\nstuff (ok).", "THE CAT sat--on the mat..."]),
    ]

    private func vocabulary(for testCase: Case) throws -> Vocabulary {
        let tokenizer = try testCase.configuration.makeTokenizer()
        var counter = TokenCounter()
        for line in testCase.training { try counter.addTokens(of: line, using: tokenizer) }
        return try Vocabulary(counter: counter, configuration: testCase.configuration)
    }

    @Test func exportMatchesCheckedInFixture() throws {
        for name in ["whitespace-ptb", "word-english"] {
            let testCase = try #require(Self.cases.first { $0.name == name })
            let exported = try vocabulary(for: testCase).huggingFaceTokenizerJSON()
            let fixture = TestSupport.resources.appendingPathComponent("\(name).tokenizer.json")
            if ProcessInfo.processInfo.environment["UPDATE_TOKENIZATION_FIXTURES"] == "1" {
                try exported.write(to: fixture, atomically: true, encoding: .utf8)
            }
            #expect(exported == (try String(contentsOf: fixture, encoding: .utf8)), "\(name): export changed; regenerate with UPDATE_TOKENIZATION_FIXTURES=1 if intended")
        }
    }

    @Test func exportIsValidJSONWithWordLevelModel() throws {
        let vocabulary = try vocabulary(for: Self.cases[0])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(vocabulary.huggingFaceTokenizerJSON().utf8)) as? [String: Any])
        let model = try #require(object["model"] as? [String: Any])
        #expect(model["type"] as? String == "WordLevel")
        #expect(model["unk_token"] as? String == "<unk>")
        let vocab = try #require(model["vocab"] as? [String: Int])
        #expect(vocab.count == vocabulary.count)
        #expect(vocab["<unk>"] == 1 && vocab["the"] == Int(vocabulary.id(for: "the")))
        #expect((object["pre_tokenizer"] as? [String: Any])?["type"] as? String == "WhitespaceSplit")
        #expect(object["normalizer"] is NSNull)
    }

    @Test func unsupportedConfigurationsAreRefused() throws {
        let refused: [TokenizerConfiguration] = [
            TokenizerConfiguration(level: .sentence),
            TokenizerConfiguration(level: .word, keepsPunctuation: false),
            TokenizerConfiguration(level: .word, normalization: .nfkcCasefold),
            TokenizerConfiguration(level: .whitespace, lowercaseLocale: "tr"),
        ]
        for configuration in refused {
            let vocabulary = try Vocabulary(counter: TokenCounter(), configuration: configuration)
            #expect(throws: TokenizationError.self) { try vocabulary.huggingFaceTokenizerJSON() }
        }
    }

    @Test func kerasFiltersBecomeARegexCharacterClass() {
        #expect(Vocabulary.regexCharacterClass("!-]\\a\t") == "[\\!\\-\\]\\\\a\t]")
    }

    @Test(.enabled(if: PythonTokenizers.isAvailable, "Python package `tokenizers` is not importable (pip install tokenizers to run this comparison)"))
    func pythonTokenizersLoadsIdenticalIds() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var requests: [[String: Any]] = []
        var expected: [String: [[Int]]] = [:]
        for testCase in Self.cases {
            let vocabulary = try vocabulary(for: testCase)
            let tokenizer = try testCase.configuration.makeTokenizer()
            let file = directory.appendingPathComponent("\(testCase.name).json")
            try vocabulary.exportHuggingFaceTokenizer(to: file)
            requests.append(["name": testCase.name, "file": file.path, "texts": testCase.probes])
            expected[testCase.name] = try testCase.probes.map { try vocabulary.encode($0, using: tokenizer).map(Int.init) }
        }
        let requestFile = directory.appendingPathComponent("requests.json")
        try JSONSerialization.data(withJSONObject: requests).write(to: requestFile)
        let script = """
        import json, sys
        from tokenizers import Tokenizer
        out = {}
        for r in json.load(open(sys.argv[1], encoding="utf-8")):
            t = Tokenizer.from_file(r["file"])
            out[r["name"]] = [t.encode(text, add_special_tokens=False).ids for text in r["texts"]]
        print(json.dumps(out))
        """
        let (status, output) = try PythonTokenizers.run(["-c", script, requestFile.path])
        #expect(status == 0)
        let actual = try #require(try JSONSerialization.jsonObject(with: output) as? [String: [[Int]]])
        for testCase in Self.cases {
            #expect(actual[testCase.name] == expected[testCase.name], "\(testCase.name)")
        }
    }
}
