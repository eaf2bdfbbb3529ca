/// Where the word VAE's words come from (`data.words.from`).
public enum WordsSource: String, Sendable, Codable, CaseIterable {
    /// The word tokens of any corpus (ICU word boundaries, punctuation and numbers left out).
    case tokens
    /// A word list, one word per line.
    case lines
}
