import ArgumentParser
import CorpusReader
import Foundation

/// Which shard of an array job this process is: shared by `vocab` and `tokenize`.
///
/// The count goes by `--shard-count`, not `--shards`, because `train --shards` and
/// `batches --shards` name a directory of token shards.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Process shard I of N (0-based) of the corpus, as one worker of an array job; wins over "
                + "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT and JOB_COMPLETION_INDEX.",
            valueName: "I/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "The number of shards, with the index from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job; its "
                + "completions) or SLURM_ARRAY_TASK_ID.",
            valueName: "N"))
    var shardCount: Int?

    @Option(
        help: ArgumentHelp(
            "With fewer input files than shards: records per block of the record partition (block b goes to shard b "
                + "mod N; default \(ShardPlan.defaultBlockRecords)).",
            valueName: "records"))
    var shardBlockRecords: Int?

    func validate() throws {
        if let shard { _ = try ShardSpecification(parsing: shard) }
        if let shardCount, shardCount < 1 {
            throw ValidationError("--shard-count must be at least 1; \(shardCount) was given.")
        }
        if let shardBlockRecords, shardBlockRecords < 1 {
            throw ValidationError("--shard-block-records must be at least 1; \(shardBlockRecords) was given.")
        }
    }

    /// This process's part of the corpus `inputs`, from the flags or the scheduler's
    /// environment; nil for the whole corpus. A line on standard error says which shard when
    /// it came from the environment, since nothing on the command line shows it.
    func plan(inputs: [String]) throws -> ShardPlan? {
        let environment = ProcessInfo.processInfo.environment
        guard
            let specification = try ShardSpecification.resolve(flag: shard, count: shardCount, environment: environment)
        else {
            if shardBlockRecords != nil {
                throw ValidationError(
                    "--shard-block-records applies to a sharded run; add --shard I/N (or run as an array job) or drop "
                        + "it."
                )
            }
            return nil
        }
        if shard == nil { printError("shard       \(specification) (from the environment)") }
        return try ShardPlan(shard: specification, inputs: inputs, blockRecords: shardBlockRecords)
    }
}
