import ArgumentParser
import Foundation
import TokenShards
import Training

extension VAEPipeline {
    /// `vae-pipeline encode`: sentences to latent means.
    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode sentences to their latent means (posterior μ), as a float32 .npy matrix or JSON.")

        @OptionGroup var model: RunOptions
        @OptionGroup var input: SentenceInput

        @Option(
            help: ArgumentHelp(
                "Write the means as a float32 .npy of shape (sentences, latent), atomically.", valueName: "file"))
        var out: String?

        @Flag(
            help: """
                Also write the log-variances: a "logVariance" member in JSON output; with --out, a second .npy \
                of the same shape named FILE with .npy replaced by .logvar.npy (z.npy → z.logvar.npy).
                """
        )
        var withVariance = false

        /// Where `--with-variance` puts the log-variances beside `--out`.
        static func varianceFile(for out: String) -> String {
            (out.hasSuffix(".npy") ? String(out.dropLast(4)) : out) + ".logvar.npy"
        }

        func run() throws {
            let trained = try model.load()
            let sentences = try input.read()
            let (means, logVariances) = try trained.encode(sentences)
            let latent = try trained.latentModel(for: "encode sentences").latentWidth
            if let out {
                try NpyMatrixWriter.write(means.flatMap { $0 }, rows: means.count, columns: latent, to: out)
                FileHandle.standardError.write(Data("Wrote \(means.count) × \(latent) latent means to \(out).\n".utf8))
                if withVariance {
                    let file = Self.varianceFile(for: out)
                    try NpyMatrixWriter.write(
                        logVariances.flatMap { $0 }, rows: logVariances.count, columns: latent, to: file)
                    FileHandle.standardError.write(
                        Data("Wrote \(logVariances.count) × \(latent) log-variances to \(file).\n".utf8))
                }
                return
            }
            struct Row: Encodable { var sentence: String; var mean: [Float]; var logVariance: [Float]? }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for (index, sentence) in sentences.enumerated() {
                let row = Row(
                    sentence: sentence, mean: means[index], logVariance: withVariance ? logVariances[index] : nil)
                print(String(decoding: try encoder.encode(row), as: UTF8.self))
            }
        }
    }
}
