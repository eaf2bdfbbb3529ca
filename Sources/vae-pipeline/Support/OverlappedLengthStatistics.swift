import CorpusReader

/// ``RecordLengthStatistics`` measured on another core while the reader parses the next chunk,
/// when there is a core for it. Compressed input is inflated on one core and parsed on another,
/// so measuring in the background only pays with a third: on two cores it takes turns with the
/// parser and slows the inflating thread the whole read waits for, and chunks are measured in
/// line instead. At most one chunk is being measured at a time, so memory stays bounded.
final class OverlappedLengthStatistics: @unchecked Sendable {
    // @unchecked: `statistics` is touched only by the one measuring task at a time; `add` and
    // `finish` wait for the previous task before starting another or reading the result.
    private var statistics = RecordLengthStatistics()
    private var measuring: Task<Void, Never>?
    private let overlaps: Bool

    /// `cores`: the cores this process may use.
    init(cores: Int = ProcessInfoCores.active) {
        overlaps = cores >= 3
    }

    /// Measures `chunk`, in the background when there is a core for it (after waiting for the
    /// previous chunk's measurement).
    func add(_ chunk: RecordChunk) async {
        guard overlaps else {
            statistics.add(chunk)
            return
        }
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
