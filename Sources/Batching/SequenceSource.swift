import CorpusReader
import Foundation
import TokenShards
import Tokenization

/// Where sequences come from. Both give the same sequences, at the same positions and in the
/// same order, for the same corpus, vocabulary and encoding options (without shuffling: with a
/// shuffle buffer, shards are also visited in a seeded order per epoch).
///
/// Sequences leave a source without `<bos>`/`<eos>` — shards written with them are stripped —
/// so that ``BatchingOptions/addBeginAndEnd`` alone decides whether batches have them.
public enum SequenceSource: Sendable {
    /// A directory written by `vae-pipeline tokenize` (memory-mapped, read in order). Every id
    /// must lie in `0..<vocabularySize` (default: the manifest's vocabulary size), so a damaged
    /// or foreign shard is an error naming the file and position rather than a crash in the model.
    case shards(directory: URL, vocabularySize: Int? = nil)
    /// The corpus itself, tokenized on `workers` cores in order with a known vocabulary.
    /// `encoding` is the tokenizer's length policy (as for `tokenize`); its `addBeginAndEnd`
    /// only reserves room for the markers when truncating, like the shards.
    /// Standard input can be read for one epoch only.
    case live(inputs: [CorpusInput], reader: ReaderOptions, tokenizer: TokenizerConfiguration, vocabulary: Vocabulary, encoding: EncodingOptions, workers: Int)
}
