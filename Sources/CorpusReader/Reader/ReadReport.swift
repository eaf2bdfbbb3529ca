/// What a read met: records, skipped records by reason (with the first few locations),
/// members, headers and bytes. Built by adding chunks in order; cheap to copy.
public struct ReadReport: Sendable {
    /// How many issue locations are kept as examples (the counts are always complete).
    public static let exampleLimit = 5

    public private(set) var records = 0
    public private(set) var blankLines = 0
    /// Skipped records by ``RecordIssueReason/kind``.
    public private(set) var skippedByKind: [String: Int] = [:]
    /// Records kept after replacing invalid UTF-8.
    public private(set) var repairedRecords = 0
    /// The first few issues of each kind, for the user to look at.
    public private(set) var examples: [RecordIssue] = []
    public private(set) var members: [MemberInfo] = []
    /// The header of each CSV/TSV member, in order.
    public private(set) var headers: [(member: MemberInfo, fields: [String])] = []
    public private(set) var progress = ReadProgress()
    /// Notes about the input that are not bad records.
    public private(set) var warnings: [String] = []
    /// Members whose gzip CRC-32 was checked and matched.
    public private(set) var verifiedChecksums = 0

    public init() {}

    /// Records skipped for any reason.
    public var skipped: Int { skippedByKind.values.reduce(0, +) }

    /// Folds one chunk (in stream order) into the report.
    public mutating func add(_ chunk: RecordChunk) {
        records += chunk.count
        blankLines += chunk.blankLines
        repairedRecords += chunk.repairedRecords
        progress = chunk.progress
        for issue in chunk.issues {
            if issue.isSkip { skippedByKind[issue.reason.kind, default: 0] += 1 }
            if examples.lazy.filter({ $0.reason.kind == issue.reason.kind }).count < Self.exampleLimit {
                examples.append(issue)
            }
        }
        for event in chunk.events {
            switch event {
            case let .memberStarted(info): members.append(info)
            case let .header(fields, info): headers.append((info, fields))
            case let .warning(text): warnings.append(text)
            case .checksumVerified: verifiedChecksums += 1
            }
        }
    }

    /// A few lines for a person: counts by reason and example locations.
    public var issueSummary: [String] {
        var lines: [String] = []
        for (kind, count) in skippedByKind.sorted(by: { $0.key < $1.key }) {
            lines.append("skipped \(count) record\(count == 1 ? "" : "s"): \(kind)")
        }
        if repairedRecords > 0 {
            lines.append(
                "repaired \(repairedRecords) record\(repairedRecords == 1 ? "" : "s") with invalid UTF-8 (replaced by "
                    + "U+FFFD)"
            )
        }
        for issue in examples { lines.append("  \(issue)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines
    }
}
