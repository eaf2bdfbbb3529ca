import ArgumentParser

@main
struct VAEPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-pipeline",
        abstract: "Stream large text corpora into text variational autoencoders.",
        discussion: """
            Inputs may be plain, gzip, bzip2, xz, zstd or lz4 files, or zip and tar archives \
            (compression is detected from the bytes); '-' reads standard input.
            """,
        subcommands: [Inspect.self, Vocab.self, Tokenize.self, Embeddings.self, Batches.self, Train.self, Sample.self, Reconstruct.self,
                      Encode.self, Interpolate.self, Neighbors.self, Eval.self, Report.self]
    )
}
