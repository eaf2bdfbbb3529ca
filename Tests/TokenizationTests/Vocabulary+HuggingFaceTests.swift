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
        " aer banknote berlitz calloway centrust cluett fromstein gitano guterman hydro-quebec ipo kia memotec mlx "
            + "nahb punts rake regatta rubens sim snack-food ssangyong swapo wachter ",
        " pierre <unk> N years old will join the board as a nonexecutive director nov. N ",
        " mr. <unk> is chairman of <unk> n.v. the dutch publishing group ",
        " the <unk> company said N shares "
    ]
    /// Simple English: no contractions, number separators or adjacent punctuation, where ICU and
    /// the Hugging Face `Whitespace` pre-tokenizer disagree (ICU: ")" "."; HF: ").").
    static let englishLines = [
        "The cat sat on the mat.",
        "Hello, world! How are you today?",
        "I like green eggs and ham; Sam likes them too.",
        "The dog and the cat are friends, mostly."
    ]

    /// Text the old `Whitespace` export split differently from ICU (2 of 5 agreed).
    static let trickyLines = [
        "Don't pay $1,000.50 to the U.S. government... ever!",
        "It’s 3.14159 or 2,5 — who knows? “Quoted” text (with parens).",
        "can't won't o'clock rock'n'roll 1990's 'quoted' 5'11\"",
        "Emoji 👩‍👩‍👧 and flags 🇯🇵🇺🇸 and 👍🏽, ½ and ² and Café ﬁne "
            + "Ａｂｃ １２３ foo_bar __init__ _x",
        "Ελληνικά και שלום עולם and مرحبا بالعالم and हिन्दी भाषा"
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var configuration: TokenizerConfiguration
        var training: [String]
        var probes: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "whitespace-ptb", configuration: TokenizerConfiguration(level: .whitespace), training: ptbLines,
            probes: ptbLines + [" the dutch company said N nonexecutive shares ", "unseen words\u{A0}here <unk>"]),
        Case(
            name: "word-english",
            configuration: TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "en"),
            training: englishLines,
            probes: englishLines + ["THE CAT, the dog; and SAM!", "Unseen words are unknown here."]),
        Case(
            name: "character-nfc", configuration: TokenizerConfiguration(level: .character, normalization: .nfc),
            training: ["Héllo wörld 👩‍👩‍👧!", "cafe\u{301} 🇯🇵\r\n"],
            probes: ["Héllo 👩‍👩‍👧 🇯🇵 wörld!", "cafe\u{301}\r\nxyz"]),
        // Where ICU's word break and the old `Whitespace` pre-tokenizer disagreed: contractions,
        // numbers with separators, abbreviations, runs of punctuation, "_" joins, emoji.
        Case(
            name: "word-icu-rules", configuration: TokenizerConfiguration(level: .word, normalization: .nfc),
            training: trickyLines, probes: trickyLines + ["Don't say U.S. costs 2,000.75... ok?! foo_bar"]),
        Case(
            name: "word-drop-punctuation",
            configuration: TokenizerConfiguration(level: .word, normalization: .nfc, keepsPunctuation: false),
            training: trickyLines, probes: trickyLines + ["!!! ... __ 👍🏽", "(Hello), world_ _"]),
        Case(
            name: "word-turkish-lowercase",
            configuration: TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "tr"),
            training: ["İstanbul IRMAK ılık Iğdır", "KIŞ geldi. I\u{307}ki"],
            probes: ["İSTANBUL ırmak IĞDIR", "I\u{307}ki kış"]),
        Case(
            name: "keras", configuration: .keras(), training: englishLines,
            probes: englishLines + ["Hello, World! It's a test-case\twith\r\nstuff (ok).", "THE CAT sat--on the mat..."]
        )
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
            #expect(
                exported == (try String(contentsOf: fixture, encoding: .utf8)),
                "\(name): export changed; regenerate with UPDATE_TOKENIZATION_FIXTURES=1 if intended")
        }
    }

    @Test func exportIsValidJSONWithWordLevelModel() throws {
        let vocabulary = try vocabulary(for: Self.cases[0])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(vocabulary.huggingFaceTokenizerJSON().utf8)) as? [String: Any])
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
            TokenizerConfiguration(level: .word, normalization: .nfkcCasefold),
            TokenizerConfiguration(level: .whitespace, lowercaseLocale: "tr"),
            TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "lt")
        ]
        for configuration in refused {
            let vocabulary = try Vocabulary(counter: TokenCounter(), configuration: configuration)
            #expect(throws: TokenizationError.self) { try vocabulary.huggingFaceTokenizerJSON() }
        }
    }

    /// The export never fails a command: an inexpressible configuration is skipped with a reason,
    /// and a tokenizer.json left by an earlier run (describing another tokenizer) is removed.
    @Test func inexpressibleExportIsSkippedAndRemovesAStaleFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tokenizer.json")
        try Data("stale".utf8).write(to: file)
        for configuration in [
            TokenizerConfiguration(level: .word, normalization: .nfkcCasefold),
            TokenizerConfiguration(level: .word, lowercaseLocale: "tr")
        ] {
            let vocabulary = try Vocabulary(counter: TokenCounter(), configuration: configuration)
            let outcome = try vocabulary.exportHuggingFaceTokenizerIfExpressible(to: file)
            guard case .skipped(let reason) = outcome else { Issue.record("\(outcome)"); continue }
            #expect(!reason.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
        let punctuationDropped = try Vocabulary(
            counter: TokenCounter(), configuration: TokenizerConfiguration(level: .word, keepsPunctuation: false))
        #expect(try punctuationDropped.exportHuggingFaceTokenizerIfExpressible(to: file) == .written(differences: nil))
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    /// Inputs the exported word splitting cannot reproduce are named when the vocabulary shows
    /// the corpus has them.
    @Test func knownDifferencesAreNamedFromTheVocabulary() throws {
        let configuration = TokenizerConfiguration(level: .word, normalization: .nfc, lowercaseLocale: "")
        let tokenizer = try configuration.makeTokenizer()
        var counter = TokenCounter()
        try counter.addTokens(of: "plain english words only.", using: tokenizer)
        #expect(try Vocabulary(counter: counter, configuration: configuration).huggingFaceDifferences() == nil)
        try counter.addTokens(of: "中华人民共和国 mail a@b.com ΟΔΟΣ", using: tokenizer)
        let differences = try #require(
            try Vocabulary(counter: counter, configuration: configuration).huggingFaceDifferences())
        #expect(differences.contains("Chinese"))
        #expect(differences.contains("'@'"))
        #expect(differences.contains("sigma"))
    }

    @Test func kerasFiltersBecomeARegexCharacterClass() {
        #expect(Vocabulary.regexCharacterClass("!-]\\a\t") == "[\\!\\-\\]\\\\a\t]")
    }

    @Test(
        .enabled(
            if: PythonTokenizers.isAvailable,
            "Python package `tokenizers` is not importable (pip install tokenizers to run this comparison)"))
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
            expected[testCase.name] = try testCase.probes.map {
                try vocabulary.encode($0, using: tokenizer).map(Int.init)
            }
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
