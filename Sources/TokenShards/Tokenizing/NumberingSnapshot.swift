import Synchronization
import Tokenization

/// A read-only copy of a ``ProvisionalNumbering``'s tokens, published by the consumer for the
/// workers: a token found here is numbered by the worker itself (its entry), so the consumer
/// only adds its count instead of hashing it again. Tokens that are not here take the local
/// path as before.
///
/// A snapshot belongs to a *lineage*: the numbering it was taken from, between two prunes.
/// Within a lineage entries are only appended, so entry `e` of the snapshot is entry `e` of the
/// numbering for as long as the lineage lasts; after a prune (or when the numbering was copied
/// and the copies diverged) the lineage changes and chunks numbered against an older snapshot
/// are absorbed by their tokens' text, exactly as without snapshots.
final class NumberingSnapshot: Sendable {
    let index: TokenIndex
    let lineage: UInt64

    init(index: TokenIndex, lineage: UInt64) {
        self.index = index
        self.lineage = lineage
    }

    private static let lastLineage = Atomic<UInt64>(0)

    /// A lineage number never used before in this process.
    static func newLineage() -> UInt64 {
        lastLineage.add(1, ordering: .relaxed).newValue
    }
}
