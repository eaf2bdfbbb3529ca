import Foundation

/// What the word VAE's samples say about invention: the share of sampled words that are not in
/// its word list (novel), the share that are (remembered), and their lengths against the list's.
public struct WordSampleReport: Codable, Sendable, Equatable {
    public var samples: Int
    /// Samples not in the word list (and not empty).
    public var novelShare: Double
    /// Samples that are words of the list.
    public var knownShare: Double
    /// Empty samples (`<eos>` first).
    public var emptyShare: Double
    public var meanSampleLength: Double
    public var meanWordLength: Double
    /// Share of samples (index = length in characters, last bucket: that length or more).
    public var sampleLengths: [Double]
    /// The same for the word list.
    public var wordLengths: [Double]
    /// A few novel samples, for people.
    public var novelExamples: [String]

    enum CodingKeys: String, CodingKey {
        case samples
        case novelShare = "novel_share"
        case knownShare = "known_share"
        case emptyShare = "empty_share"
        case meanSampleLength = "mean_sample_length"
        case meanWordLength = "mean_word_length"
        case sampleLengths = "sample_lengths"
        case wordLengths = "word_lengths"
        case novelExamples = "novel_examples"
    }

    /// Lengths are in extended grapheme clusters (Swift `Character`s), as the tokenizer counts.
    public init(samples: [String], words: Set<String>) {
        self.samples = samples.count
        let n = Double(max(1, samples.count))
        let novel = samples.filter { !$0.isEmpty && !words.contains($0) }
        novelShare = Double(novel.count) / n
        knownShare = Double(samples.filter { words.contains($0) }.count) / n
        emptyShare = Double(samples.filter(\.isEmpty).count) / n
        meanSampleLength = Double(samples.reduce(0) { $0 + $1.count }) / n
        meanWordLength = Double(words.reduce(0) { $0 + $1.count }) / Double(max(1, words.count))
        sampleLengths = Self.histogram(samples.map(\.count))
        wordLengths = Self.histogram(words.map(\.count))
        var seen = Set<String>()
        novelExamples = Array(novel.filter { seen.insert($0).inserted }.prefix(20))
    }

    static let longest = 20

    static func histogram(_ lengths: [Int]) -> [Double] {
        var counts = [Double](repeating: 0, count: longest + 1)
        for l in lengths { counts[min(l, longest)] += 1 }
        let total = Double(max(1, lengths.count))
        return counts.map { $0 / total }
    }
}
