import ArgumentParser
import Foundation
import NeuralCore
import Training

@main
struct VAEPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-pipeline",
        abstract: "Stream large text corpora into text variational autoencoders.",
        discussion: """
            Inputs may be plain, gzip, bzip2, xz, zstd or lz4 files, or zip and tar archives \
            (compression is detected from the bytes); '-' reads standard input.
            """,
        version: "vae-pipeline \(version)\n" + LinearAlgebra.machineDescription,
        subcommands: [
            Inspect.self, Vocab.self, Tokenize.self, Embeddings.self, Batches.self, Train.self, Sample.self,
            Reconstruct.self,
            Encode.self, Interpolate.self, Neighbors.self, Eval.self, Report.self
        ]
    )

    static let version = "0.5.0"

    /// Refuses to start when a kernel choice the user asked for cannot be honoured (an unknown
    /// `VAE_PIPELINE_BLAS_CORE`, or one this CPU cannot run), before any work is done.
    static func main() async {
        if ProcessInfo.processInfo.environment["VAE_PIPELINE_BLAS_CORE"] != nil,
            let problem = LinearAlgebra.backend.problem
        {
            FileHandle.standardError.write(Data("Error: \(problem)\n".utf8))
            Foundation.exit(2)
        }
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "--version" {
            // Here rather than in `configuration.version`, so that only --version loads libmpi.
            print("vae-pipeline \(version)\n" + LinearAlgebra.machineDescription + "\n" + MPIWorld.versionLine)
            return
        }
        if let launch = MPIWorld.launch(), launch.size > 1, arguments.first != "train", arguments.first != "--help",
            arguments.first != "-h"
        {
            FileHandle.standardError.write(
                Data(
                    ("Error: rank \(launch.rank) of \(launch.size): only 'vae-pipeline train' runs under mpirun "
                        + "(the other commands are single processes, or array jobs with --shard I/N).\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
