import Models
import Support
import Tokenization

/// How a model's ids read as text, for every command and the summary.
public struct SequenceText: Sendable {
    public let vocabulary: Vocabulary
    public let kind: ModelKind

    public init(vocabulary: Vocabulary, kind: ModelKind) {
        self.vocabulary = vocabulary
        self.kind = kind
    }

    /// Without `<bos>`/`<pad>` (`<unk>` shown as such). In a character model's stream `<eos>` ends
    /// a record (a line of the corpus), so it reads as a line break; elsewhere it is dropped.
    public func text(of ids: [Int32]) -> String {
        let lineBreaks = kind.readsCharacters && kind != .wordVAE
        var lines: [String] = []
        var current: [Int32] = []
        for id in ids {
            if id == SpecialToken.end.id {
                if lineBreaks {
                    lines.append(vocabulary.decode(current, skippingSpecialTokens: false)); current.removeAll()
                }
                continue
            }
            if id == SpecialToken.padding.id || id == SpecialToken.begin.id { continue }
            current.append(id)
        }
        lines.append(vocabulary.decode(current, skippingSpecialTokens: false))
        return lines.joined(separator: "\n")
    }
}
