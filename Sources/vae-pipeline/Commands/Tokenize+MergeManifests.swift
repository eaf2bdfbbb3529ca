import ArgumentParser
import CorpusReader
import Foundation
import TokenShards

extension VAEPipeline.Tokenize {
    /// `vae-pipeline tokenize merge-manifests`: one dataset over the directories the workers of
    /// a sharded tokenize wrote.
    struct MergeManifests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge-manifests",
            abstract:
                "Write one manifest over the shard directories of a sharded tokenize, for 'train --shards' and NumPy.",
            discussion: """
                Reads each worker's manifest.json, checks that every shard 0…N-1 is there once and \
                that all agree (partition, vocabulary, tokenizer, sequence and reading settings), and \
                writes into --out vocab.json, tokenizer.json and manifest.json. The manifest lists \
                the workers' shard files by paths relative to --out, in part order: read in that \
                order, the sequences are those of a single 'tokenize' of the corpus, id for id. \
                The shard files stay where they are; keep the directories together.
                """
        )

        @Argument(
            help: ArgumentHelp("The directories the workers wrote (tokenize --shard I/N --out DIR).", valueName: "dir"))
        var directories: [String] = []

        @Option(help: ArgumentHelp("The dataset directory to write the merged manifest into.", valueName: "dir"))
        var out: String

        @Flag(help: "Replace a manifest already in --out.")
        var overwrite = false

        func validate() throws {
            if directories.isEmpty {
                throw ValidationError("Name the directories the workers wrote (for example tokens/part-*).")
            }
        }

        func run() async throws {
            let output = URL(fileURLWithPath: out)
            let existing = output.appendingPathComponent(ShardManifest.fileName)
            let isInput = directories.contains {
                URL(fileURLWithPath: $0).standardizedFileURL == output.standardizedFileURL
            }
            if FileManager.default.fileExists(atPath: existing.path) && !overwrite && !isInput {
                throw ValidationError(
                    "'\(output.path)' already holds a manifest.json; pass --overwrite to replace it, or choose "
                        + "another --out."
                )
            }
            let manifest = try ShardManifest.merging(directories.map { URL(fileURLWithPath: $0) }, into: output)
            print("shards      \(directories.count) workers, \(manifest.shards.count) shard files")
            print(TokenizeSummary(manifest: manifest, report: nil, directory: output).text)
        }
    }
}
