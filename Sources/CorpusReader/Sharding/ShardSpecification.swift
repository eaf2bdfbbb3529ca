import Foundation

/// Which part of a corpus one worker of an array job handles: shard `index` (0-based) of `count`.
///
/// Given as `--shard I/N`, or found in the environment an array-job scheduler sets:
/// Slurm's `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`) with `SLURM_ARRAY_TASK_COUNT`, or
/// a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` with the count given by `--shard-count N`
/// (Kubernetes does not export the number of completions). An explicit `--shard` wins over the
/// environment; a value that is missing, malformed or out of range is an error naming the flag
/// or variable, never a silent whole-corpus run.
public struct ShardSpecification: Sendable, Hashable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(CorpusError) {
        guard count >= 1 else {
            throw .invalidShard(
                source: "--shard", reason: "the number of shards must be at least 1; \(count) was given.")
        }
        guard (0..<count).contains(index) else {
            throw .invalidShard(
                source: "--shard",
                reason: "shard \(index) does not exist among \(count) shards; shards are numbered 0 to \(count - 1).")
        }
        self.index = index
        self.count = count
    }

    /// `I/N`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// Parses `I/N` (both decimal, `0 ≤ I < N`).
    public init(parsing text: String) throws(CorpusError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw .invalidShard(
                source: "--shard",
                reason: "'\(text)' is not of the form I/N (shard I of N, counted from 0), for example 0/4.")
        }
        try self.init(index: index, count: count)
    }

    /// Environment variables read by ``resolve(flag:count:environment:)``.
    public static let slurmTaskID = "SLURM_ARRAY_TASK_ID"
    public static let slurmTaskCount = "SLURM_ARRAY_TASK_COUNT"
    public static let slurmTaskMin = "SLURM_ARRAY_TASK_MIN"
    public static let slurmTaskStep = "SLURM_ARRAY_TASK_STEP"
    public static let kubernetesIndex = "JOB_COMPLETION_INDEX"

    /// The shard to run, or nil for the whole corpus.
    ///
    /// - Parameters:
    ///   - flag: `--shard I/N`, if given (wins over the environment).
    ///   - count: `--shard-count N`, if given: the index then comes from `JOB_COMPLETION_INDEX`,
    ///     else from Slurm's variables (whose count must then agree).
    ///   - environment: the process environment.
    public static func resolve(flag: String?, count: Int?, environment: [String: String]) throws(CorpusError)
        -> ShardSpecification?
    {
        if let flag {
            if count != nil {
                throw .invalidShard(
                    source: "--shard-count",
                    reason:
                        "--shard \(flag) already gives the number of shards; give --shard I/N alone, or --shard-count "
                            + "N with the index in \(kubernetesIndex) or \(slurmTaskID)."
                )
            }
            return try ShardSpecification(parsing: flag)
        }
        if let count {
            guard count >= 1 else {
                throw .invalidShard(
                    source: "--shard-count", reason: "the number of shards must be at least 1; \(count) was given.")
            }
            if let text = environment[kubernetesIndex] {
                let index = try integer(text, variable: kubernetesIndex)
                guard index < count else {
                    throw .invalidShard(
                        source: kubernetesIndex,
                        reason:
                            "index \(index) is not below --shard-count \(count); set the Job's completions to "
                                + "\(count) or --shard-count to the completions."
                    )
                }
                return try ShardSpecification(index: index, count: count)
            }
            if environment[slurmTaskID] != nil {
                let slurm = try fromSlurm(environment)
                guard slurm.count == count else {
                    throw .invalidShard(
                        source: slurmTaskCount,
                        reason:
                            "the array has \(slurm.count) tasks but --shard-count says \(count); drop --shard-count "
                                + "(Slurm's count is used) or make them agree."
                    )
                }
                return slurm
            }
            throw .invalidShard(
                source: kubernetesIndex,
                reason:
                    "--shard-count \(count) needs this shard's index, but neither \(kubernetesIndex) (a Kubernetes "
                        + "Indexed Job) nor \(slurmTaskID) (a Slurm array) is set; give --shard I/\(count) instead."
            )
        }
        if environment[slurmTaskID] != nil { return try fromSlurm(environment) }
        if environment[kubernetesIndex] != nil {
            throw .invalidShard(
                source: kubernetesIndex,
                reason:
                    "it is set (a Kubernetes Indexed Job), but the number of shards is not known; add --shard-count N "
                        + "(the Job's completions), or --shard 0/1 to read the whole corpus in every pod."
            )
        }
        return nil
    }

    private static func fromSlurm(_ environment: [String: String]) throws(CorpusError) -> ShardSpecification {
        let id = try integer(environment[slurmTaskID] ?? "", variable: slurmTaskID)
        guard let countText = environment[slurmTaskCount] else {
            throw .invalidShard(
                source: slurmTaskCount,
                reason:
                    "\(slurmTaskID) is set (\(id)) but \(slurmTaskCount) is not, so the number of shards is unknown; "
                        + "give --shard I/N."
            )
        }
        let count = try integer(countText, variable: slurmTaskCount)
        if let step = environment[slurmTaskStep], step != "1" {
            throw .invalidShard(
                source: slurmTaskStep,
                reason:
                    "the array steps by \(step); shards need consecutive task ids (for example --array=0-63), or give "
                        + "--shard I/N."
            )
        }
        let minimum =
            try environment[slurmTaskMin].map { (text) throws(CorpusError) in try integer(text, variable: slurmTaskMin)
            } ?? 0
        let index = id - minimum
        guard count >= 1, (0..<count).contains(index) else {
            throw .invalidShard(
                source: slurmTaskID,
                reason:
                    "task \(id) (less \(slurmTaskMin) \(minimum)) is not among the \(count) tasks of "
                        + "\(slurmTaskCount); the array's ids must be consecutive, or give --shard I/N."
            )
        }
        return try ShardSpecification(index: index, count: count)
    }

    private static func integer(_ text: String, variable: String) throws(CorpusError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw .invalidShard(source: variable, reason: "'\(text)' is not a non-negative integer.")
        }
        return value
    }
}
