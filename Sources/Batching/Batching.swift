// # Batching
//
// The stages between token ids and training batches: sequence sources (token shards or the live
// corpus), length policy, validation split, shuffling, bucketing, padding, character windows and
// epoch positions for exact resumption.

/// The version of the Batching module's API.
public enum Batching {
    public static let version = "0.1.0"
}
