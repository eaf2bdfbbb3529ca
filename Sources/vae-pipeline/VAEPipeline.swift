import ArgumentParser

@main
struct VAEPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-pipeline",
        abstract: "Stream large text corpora into text variational autoencoders.",
        subcommands: []
    )
}
