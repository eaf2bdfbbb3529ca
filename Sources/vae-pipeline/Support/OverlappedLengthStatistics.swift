import CorpusReader

/// ``RecordLengthStatistics`` measured on another core while the reader parses the next chunk:
/// with gzip inflated on one core, parsing and measuring in turn on the other was what limited
/// `inspect`. At most one chunk is being measured at a time, so memory stays bounded.
final class OverlappedLengthStatistics: @unchecked Sendable {
    // @unchecked: `statistics` is touched only by the one measuring task at a time; `add` and
    // `finish` wait for the previous task before starting another or reading the result.
    private var statistics = RecordLengthStatistics()
    private var measuring: Task<Void, Never>?

    /// Waits for the previous chunk's measurement, then measures `chunk` in the background.
    func add(_ chunk: RecordChunk) async {
        await measuring?.value
        measuring = Task { [self] in statistics.add(chunk) }
    }

    /// The statistics of every chunk added.
    func finish() async -> RecordLengthStatistics {
        await measuring?.value
        measuring = nil
        return statistics
    }
}
