import CorpusReader
import CorpusTestSupport
import Foundation
import Testing
import TokenShards
import Tokenization

@testable import Embeddings

/// A vocabulary of `tokens` (after the four special tokens), with descending counts so that ids
/// follow the given order: tokens[0] gets id 4.
func embeddingVocabulary(_ tokens: [String]) throws -> Vocabulary {
    var counter = TokenCounter()
    for (index, token) in tokens.enumerated() { counter.add(token, count: 1000 - index) }
    return try Vocabulary(counter: counter, configuration: TokenizerConfiguration(level: .whitespace))
}

/// Loads `contents` written to a file named `name`.
func loadEmbeddings(
    _ contents: Data, name: String = "vectors.txt", vocabulary: Vocabulary,
    _ configure: (inout EmbeddingOptions) -> Void = { _ in }
) async throws -> EmbeddingMatrix {
    let directory = try TemporaryDirectory()
    let path = try directory.write(name, contents)
    var options = EmbeddingOptions()
    configure(&options)
    return try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
}

func loadEmbeddings(_ text: String, vocabulary: Vocabulary, _ configure: (inout EmbeddingOptions) -> Void = { _ in })
    async throws -> EmbeddingMatrix
{
    try await loadEmbeddings(Data(text.utf8), vocabulary: vocabulary, configure)
}

extension EmbeddingMatrix {
    func vector(_ token: String, in vocabulary: Vocabulary) -> [Float] {
        Array(row(Int(vocabulary.id(for: token))))
    }
}

@Suite struct EmbeddingsLoaderTests {
    let glove = corporaDirectory.appendingPathComponent("glove.6B.50d.top50k.txt.gz").path

    @Test func shippedGloVeCoversTheSentencesVocabularyAndKeepsRowsExactly() async throws {
        let sentences = corporaDirectory.appendingPathComponent("web_sentences.txt.gz").path
        let reader = try CorpusReader(inputs: [.file(sentences)], options: ReaderOptions())
        let configuration = TokenizerConfiguration(level: .word, lowercaseLocale: "")
        let pass = VocabularyPass(configuration: configuration, maxSize: 5000, workers: 2)
        let vocabulary = try await pass.run(reader).vocabulary
        var options = EmbeddingOptions()
        options.oovPolicy = .zero
        let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(glove))
        let report = matrix.report
        #expect(
            matrix.rows == vocabulary.count && matrix.dimension == 50 && matrix.values.count == vocabulary.count * 50)
        #expect(report.format == .glove && report.compression == ["gzip"] && report.dimension == 50)
        #expect(report.linesRead == 50_000)
        #expect(report.skippedTotal == 0 && report.duplicates == 0)
        #expect(report.vocabularyTypes == vocabulary.count - 4)
        #expect(report.typeCoverage > 0.8, "\(report.typesFound) of \(report.vocabularyTypes)")
        #expect(report.tokenCoverage > 0.9 && report.tokenCoverage <= 1)
        #expect(report.oovExamples.count == 10)
        #expect(report.oovExamples.first?.token == "yahweh")  // the World English Bible's name for God
        #expect(report.bytesRead > 20_000_000)

        // The file's own line for "the", parsed with strtof (Float(String) is strtof).
        let lines = try await readAll([glove]).records
        let line = try #require(lines.first { $0.hasPrefix("the ") })
        let expected = line.split(separator: " ").dropFirst().map { Float(String($0))! }
        #expect(matrix.vector("the", in: vocabulary) == expected)
        #expect(matrix.row(0).allSatisfy { $0 == 0 })  // <pad>
        // Every token found has its file row; every missing one is zero (policy zero).
        let rows = Dictionary(
            lines.map { line -> (String, [Float]) in
                let fields = line.split(separator: " ")
                return (String(fields[0]), fields.dropFirst().map { Float(String($0))! })
            }, uniquingKeysWith: { first, _ in first })
        var checked = 0
        for (id, token) in vocabulary.tokens.enumerated() where id >= 4 {
            let row = Array(matrix.row(id))
            if let fileRow = rows[token] {
                #expect(row == fileRow, "\(token)"); checked += 1
            } else {
                #expect(row.allSatisfy { $0 == 0 })
            }
        }
        #expect(checked == report.typesFound)
    }

    @Test func everyMalformedLineIsSkippedAndCountedByReason() async throws {
        let vocabulary = try embeddingVocabulary(["the", "cat", "dog", "bird", "fish"])
        let text = """
            the 0.1 0.2 0.3
            cat 1 2
            dog 1 x 3
            lonely

            bird 1 2 3 4
            other 1 2
            the 9 9 9
            fish 4 5 6
            unknown 1 2 3
            """
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.oovPolicy = .zero }
        let report = matrix.report
        #expect(report.dimension == 3)
        #expect(report.linesRead == 10)
        #expect(report.skipped[.wrongDimension] == 3)  // cat (too few), bird (too many), other (not kept)
        #expect(report.skippedLines[.wrongDimension] == [2, 6, 7])
        #expect(report.skipped[.nonNumeric] == 1 && report.skippedLines[.nonNumeric] == [3])
        #expect(report.skipped[.tooFewFields] == 1 && report.skippedLines[.tooFewFields] == [4])
        #expect(report.skipped[.emptyLine] == 1)
        #expect(report.duplicates == 1)
        #expect(matrix.vector("the", in: vocabulary) == [0.1, 0.2, 0.3])  // the first occurrence wins
        #expect(matrix.vector("fish", in: vocabulary) == [4, 5, 6])
        #expect(matrix.vector("cat", in: vocabulary) == [0, 0, 0])
        #expect(report.typesFound == 2)
        #expect(report.oovExamples.map(\.token) == ["cat", "dog", "bird"])
    }

    @Test func strictModeNamesTheFileAndLine() async throws {
        let vocabulary = try embeddingVocabulary(["the", "cat", "dog"])
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.txt", "the 1 2 3\nthe 4 5 6\ncat 1 2\n\ndog 1 x 3\n")
        var options = EmbeddingOptions()
        options.strict = true
        let loader = EmbeddingLoader(vocabulary: vocabulary, options: options)
        await #expect(throws: EmbeddingError.invalidLine(path: path, member: nil, line: 3, reason: .wrongDimension)) {
            _ = try await loader.load(from: .file(path))
        }
        let message = EmbeddingError.invalidLine(path: path, member: nil, line: 3, reason: .wrongDimension)
            .localizedDescription
        #expect(message.contains("'\(path)', line 3"))
        // Without --strict the same file loads.
        options.strict = false
        let matrix = try await EmbeddingLoader(vocabulary: vocabulary, options: options).load(from: .file(path))
        #expect(matrix.report.skipped[.wrongDimension] == 1 && matrix.report.skipped[.nonNumeric] == 1)
    }

    @Test func tokensWithSpacesAndNonBreakingSpacesTakeTheLastFieldsAsNumbers() async throws {
        let vocabulary = try embeddingVocabulary(["new york", "a\u{00A0}b", "x"])
        let text = "x 1 1 1\nnew york 2 2 2\na\u{00A0}b 3 3 3\n. . . 4 4 4\nsan  francisco 5 5 5\n"
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary)
        #expect(matrix.vector("new york", in: vocabulary) == [2, 2, 2])
        #expect(matrix.vector("a\u{00A0}b", in: vocabulary) == [3, 3, 3])
        #expect(matrix.report.skippedTotal == 0)
        #expect(matrix.report.typesFound == 3)

        // A vocabulary without spaced tokens: such lines are neither kept nor counted as bad,
        // and a non-breaking space is part of the token, not a separator.
        let plain = try embeddingVocabulary(["\u{00A0}", "y"])
        let other = try await loadEmbeddings("y 1 2\n. . 3 4\n\u{00A0} 5 6\n", vocabulary: plain)
        #expect(other.report.skippedTotal == 0 && other.report.dimension == 2)
        #expect(other.vector("\u{00A0}", in: plain) == [5, 6])
    }

    @Test func theDimensionComesFromTheFirstVectorLineEvenWithASpacedToken() async throws {
        let vocabulary = try embeddingVocabulary(["y"])
        let matrix = try await loadEmbeddings(". . 1 2\ny 3 4\n", vocabulary: vocabulary)
        #expect(matrix.dimension == 2)
        #expect(matrix.vector("y", in: vocabulary) == [3, 4])
    }

    @Test func crlfLineEndsTrailingSpacesAndNoFinalNewline() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b", "c"])
        let matrix = try await loadEmbeddings("a 1.5 -2\r\nb 3 4 \r\nc 5e-1 6E2", vocabulary: vocabulary)
        #expect(matrix.vector("a", in: vocabulary) == [1.5, -2])
        #expect(matrix.vector("b", in: vocabulary) == [3, 4])
        #expect(matrix.vector("c", in: vocabulary) == [0.5, 600])
        #expect(matrix.report.skippedTotal == 0)
    }

    @Test func anEmptyFileOrOneWithoutVectorsIsAnError() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        await #expect(throws: EmbeddingError.self) { _ = try await loadEmbeddings("", vocabulary: vocabulary) }
        do {
            _ = try await loadEmbeddings("just words\nand more words\n", vocabulary: vocabulary)
            Issue.record("expected an error")
        } catch let error as EmbeddingError {
            guard case .noVectors = error else { Issue.record("\(error)"); return }
            #expect(error.localizedDescription.contains("holds no word vectors"))
        }
        // Vectors, but none for the vocabulary.
        do {
            _ = try await loadEmbeddings("zzz 1 2\n", vocabulary: vocabulary)
            Issue.record("expected an error")
        } catch let error as EmbeddingError {
            guard case .noTokenMatched = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func paddingIsAlwaysZero() async throws {
        let vocabulary = try embeddingVocabulary(["a"])
        for policy in OOVPolicy.allCases {
            let matrix = try await loadEmbeddings("<pad> 7 7\na 1 2\n<unk> 3 4\n", vocabulary: vocabulary) {
                $0.oovPolicy = policy
            }
            #expect(matrix.row(0).allSatisfy { $0 == 0 }, "\(policy)")
            #expect(matrix.vector("<unk>", in: vocabulary) == [3, 4])
        }
    }

    @Test func oovPolicies() async throws {
        let vocabulary = try embeddingVocabulary(["a", "b", "c", "missing", "absent"])
        let text = "a 1 2\nb 3 4\nc 5 6\n"
        let zero = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.oovPolicy = .zero }
        #expect(zero.vector("missing", in: vocabulary) == [0, 0])
        #expect(zero.vector("<unk>", in: vocabulary) == [0, 0])

        // unk without <unk> in the file: the mean of the matched vectors, copied to every missing token.
        let unk = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.oovPolicy = .unk }
        #expect(unk.vector("<unk>", in: vocabulary) == [3, 4])
        #expect(unk.vector("missing", in: vocabulary) == [3, 4] && unk.vector("<eos>", in: vocabulary) == [3, 4])
        #expect(unk.report.unknownVector == .mean)
        let withUnk = try await loadEmbeddings(text + "<unk> 9 8\n", vocabulary: vocabulary) { $0.oovPolicy = .unk }
        #expect(withUnk.vector("absent", in: vocabulary) == [9, 8])
        #expect(withUnk.report.unknownVector == .file)

        func random(_ seed: UInt64) async throws -> EmbeddingMatrix {
            try await loadEmbeddings(text, vocabulary: vocabulary) {
                $0.oovPolicy = .random; $0.seed = seed
            }
        }
        let first = try await random(7)
        let again = try await random(7)
        let other = try await random(8)
        #expect(first.values == again.values)
        #expect(first.vector("missing", in: vocabulary) != other.vector("missing", in: vocabulary))
        #expect(first.vector("a", in: vocabulary) == [1, 2])  // found rows untouched
        #expect(first.vector("missing", in: vocabulary) != first.vector("absent", in: vocabulary))
        #expect(first.row(0).allSatisfy { $0 == 0 })
    }

    @Test func randomOOVVectorsFollowTheMatchedValuesMeanAndSpread() async throws {
        let words = (0..<200).map { "w\($0)" }
        let vocabulary = try embeddingVocabulary(words)
        // Matched values: 10 ± 2 exactly (half 8, half 12); 100 of 200 words have vectors.
        let text = (0..<100).map {
            "w\($0) " + Array(repeating: $0 % 2 == 0 ? "8" : "12", count: 50).joined(separator: " ")
        }
        .joined(separator: "\n")
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.seed = 42 }
        let drawn = (100..<200).flatMap { matrix.vector("w\($0)", in: vocabulary) }.map(Double.init)
        let mean = drawn.reduce(0, +) / Double(drawn.count)
        let deviation = (drawn.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(drawn.count)).squareRoot()
        #expect(abs(mean - 10) < 0.15, "\(mean)")
        #expect(abs(deviation - 2) < 0.15, "\(deviation)")
    }

    @Test func caseInsensitiveFallbackNeverBeatsAnExactMatch() async throws {
        let vocabulary = try embeddingVocabulary(["the", "paris", "éclair", "berlin"])
        let text = "The 1 1\nPARIS 2 2\nthe 3 3\nÉclair 4 4\nBerlin 5 5\nberlin 6 6\nBERLIN 7 7\n"
        let folded = try await loadEmbeddings(text, vocabulary: vocabulary) {
            $0.caseInsensitive = true; $0.oovPolicy = .zero
        }
        #expect(folded.vector("the", in: vocabulary) == [3, 3])  // exact, though later
        #expect(folded.vector("paris", in: vocabulary) == [2, 2])  // lowercased
        #expect(folded.vector("éclair", in: vocabulary) == [4, 4])  // Unicode lowercasing
        #expect(folded.vector("berlin", in: vocabulary) == [6, 6])  // exact replaces the earlier fallback
        #expect(folded.report.caseInsensitiveMatches == 2)
        #expect(folded.report.duplicates == 0)
        let exact = try await loadEmbeddings(text, vocabulary: vocabulary) { $0.oovPolicy = .zero }
        #expect(exact.vector("paris", in: vocabulary) == [0, 0])
        #expect(exact.report.typesFound == 2)
    }

    @Test func coverageIsWeightedByTheVocabularyCounts() async throws {
        let vocabulary = try embeddingVocabulary(["common", "rare"])  // counts 1000 and 999
        let matrix = try await loadEmbeddings("rare 1 2\n", vocabulary: vocabulary)
        #expect(matrix.report.typesFound == 1 && matrix.report.vocabularyTypes == 2)
        #expect(matrix.report.typeCoverage == 0.5)
        #expect(matrix.report.occurrencesCovered == 999 && matrix.report.tokenOccurrences == 1999)
        #expect(matrix.report.oovExamples == [OOVExample(token: "common", count: 1000)])
    }

    @Test func linesLongerThanAChunkAndTheLimit() async throws {
        let vocabulary = try embeddingVocabulary(["long", "short"])
        let values = (0..<3000).map { "0.\($0 % 10)12345" }
        let longLine = "long " + values.joined(separator: " ")
        let huge = "huge " + String(repeating: "1 ", count: 3000)
        let text = longLine + "\n" + huge + "\nshort " + values.joined(separator: " ") + "\n"
        let matrix = try await loadEmbeddings(text, vocabulary: vocabulary) {
            $0.chunkBytes = 4096; $0.maxLineBytes = 30_000
        }
        #expect(matrix.dimension == 3000)
        #expect(matrix.vector("long", in: vocabulary) == values.map { Float($0)! })
        #expect(matrix.vector("short", in: vocabulary) == values.map { Float($0)! })
        #expect(matrix.report.skippedTotal == 0)
        // Over the line limit: skipped and counted, and the lines after it are read.
        let mixed = "long 1 2\n" + huge + "\nshort 3 4\n"
        let limited = try await loadEmbeddings(mixed, vocabulary: vocabulary) {
            $0.chunkBytes = 4096; $0.maxLineBytes = 2048
        }
        #expect(limited.report.skipped[.overlongLine] == 1 && limited.report.skippedLines[.overlongLine] == [2])
        #expect(limited.vector("short", in: vocabulary) == [3, 4])
    }
}
