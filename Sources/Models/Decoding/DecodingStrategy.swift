/// How to turn the decoder's next-token distributions into a sentence.
public enum DecodingStrategy: Sendable, Hashable {
    /// The most probable token at every step.
    case greedy
    /// A token drawn from softmax(logits / temperature), restricted to the `topK` most probable
    /// tokens when given (Fan et al. 2018).
    case sample(temperature: Float, topK: Int?)
    /// Beam search with `width` hypotheses, scored by the summed log-probability (no length
    /// normalisation); width 1 is greedy decoding.
    case beam(width: Int)
}
