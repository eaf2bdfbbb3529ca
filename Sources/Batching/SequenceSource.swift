import CorpusReader
import Foundation
import TokenShards
import Tokenization

/// Where sequences come from. Both give the same sequences, at the same positions and in the
/// same order, for the same corpus, vocabulary and encoding options (without shuffling: with a
/// shuffle buffer, shards are also visited in a seeded order per epoch).
///
/// Sequences leave a source as `tokenize` writes them, `<bos>`/`<eos>` included when the
/// encoding options add them; batching's length stage takes those off and puts on the batch's
/// own (``BatchingOptions/lengthPolicy``), so the options alone decide whether batches have them.
public enum SequenceSource: Sendable {
    /// A directory written by `vae-pipeline tokenize` (memory-mapped, read in order). Every id
    /// must lie in `0..<vocabularySize` (default: the manifest's vocabulary size), so a damaged
    /// or foreign shard is an error naming the file and position rather than a crash in the model.
    case shards(directory: URL, vocabularySize: Int? = nil)
    /// The corpus itself, tokenized on `workers` cores in order with a known vocabulary.
    /// `encoding` is the tokenizer's length policy (as for `tokenize`).
    /// Standard input can be read for one epoch only.
    case live(
        inputs: [CorpusInput], reader: ReaderOptions, tokenizer: TokenizerConfiguration, vocabulary: Vocabulary,
        encoding: EncodingOptions, workers: Int)
}
