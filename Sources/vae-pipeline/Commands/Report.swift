import ArgumentParser
import Foundation
import Training

extension VAEPipeline {
    /// `vae-pipeline report`: (re)writes a run's HTML report.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run's report.html (curves, validation figures, latent PCA, samples); works mid-run too.")

        @Argument(help: ArgumentHelp("A run directory written by 'vae-pipeline train'.", valueName: "run"))
        var runDirectory: String

        func run() throws {
            let url = try ReportWriter.write(runDirectory: URL(fileURLWithPath: runDirectory))
            print(url.path)
        }
    }
}
