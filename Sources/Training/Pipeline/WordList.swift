import CorpusReader
import Foundation
import Support
import TokenShards
import Tokenization

/// The word VAE's records: `RUN/words.txt`, the distinct words of the inputs, most frequent
/// first, one per line — written once when the run starts (atomically), then read like any
/// line corpus at the character level. It is a vocabulary, bounded by `data.words.max_words`,
/// so holding it (for novelty) is bounded too.
public enum WordList {
    public static let fileName = "words.txt"

    /// What the build kept and left out.
    public struct Outcome: Sendable {
        public var words: Int
        /// Distinct tokens seen that were not words (digits, symbols) or fell under min_count or
        /// beyond max_words.
        public var leftOut: Int
        public var records: Int
    }

    /// Counts the words of `pipeline`'s inputs and writes the list into `runDirectory`.
    static func build(
        _ pipeline: ResolvedPipeline, settings: ResolvedPipeline.WordsSettings, workers: Int,
        into runDirectory: URL
    ) async throws -> Outcome {
        let tokenizer: TokenizerConfiguration
        switch settings.source {
        case .tokens:
            tokenizer = TokenizerConfiguration(
                level: .word, normalization: pipeline.tokenizer.configuration.normalization,
                lowercaseLocale: settings.lowercase ? "" : nil, keepsPunctuation: false)
        case .lines:
            tokenizer = TokenizerConfiguration(
                level: .whitespace, normalization: pipeline.tokenizer.configuration.normalization,
                lowercaseLocale: settings.lowercase ? "" : nil, keepsPunctuation: true)
        }
        let reader = try CorpusReader(inputs: pipeline.source.inputs, options: pipeline.source.reader)
        // Room for the four special entries; tokens that are not words are filtered after.
        let pass = VocabularyPass(
            configuration: tokenizer, maxSize: settings.maxWords + 4, minCount: settings.minCount,
            maxDistinctTokens: pipeline.vocabulary.maxDistinctTokens, workers: workers)
        let outcome = try await pass.run(reader)
        var words: [String] = []
        for id in 4..<outcome.vocabulary.count {
            guard let token = outcome.vocabulary.token(for: Int32(id)) else { continue }
            let isWord = token.allSatisfy { $0.isLetter || $0 == "'" || $0 == "-" || $0 == "’" }
            if isWord && token.first?.isLetter == true {
                words.append(token)
            }
        }
        guard !words.isEmpty else {
            throw TrainingError.noTrainingData(
                "the inputs hold no word (letters only) seen at least \(settings.minCount) times")
        }
        try AtomicFile.write(
            Data((words.joined(separator: "\n") + "\n").utf8), to: runDirectory.appendingPathComponent(fileName))
        return Outcome(
            words: words.count, leftOut: max(0, outcome.counter.distinctTokens - words.count),
            records: outcome.report.records)
    }

    /// The run's word list.
    public static func read(from runDirectory: URL) throws -> [String] {
        let url = runDirectory.appendingPathComponent(fileName)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TrainingError.corruptCheckpoint(url.path, reason: "the word VAE's word list is missing or not UTF-8")
        }
        return text.split(separator: "\n").map(String.init)
    }
}

extension ResolvedPipeline {
    /// The pipeline reading the run's word list (one word per line) instead of its inputs: what
    /// the word VAE trains on, at the start and on resume alike.
    func readingWordList(in runDirectory: URL) -> ResolvedPipeline {
        var copy = self
        copy.source.inputs = [CorpusInput(argument: runDirectory.appendingPathComponent(WordList.fileName).path)]
        var reader = ReaderOptions()
        reader.format = .lines
        copy.source.reader = reader
        return copy
    }
}
