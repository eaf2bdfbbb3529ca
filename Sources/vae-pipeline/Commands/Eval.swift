import ArgumentParser
import CorpusReader
import Foundation
import Models
import Training

extension VAEPipeline {
    /// `vae-pipeline eval`: test-set likelihood figures of a trained model.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Evaluate a trained model on a test corpus: −ELBO, importance-weighted NLL, perplexities, KL, mutual "
                    + "information, active units.",
            discussion: """
                Perplexities are per token with <eos> counted. The importance-weighted NLL uses K \
                samples from q(z|x) per sentence (Burda et al. 2016; 500 is the literature's \
                setting and costs K decoder passes per sentence — lower it with --samples for a \
                quick look, 0 skips it). The test corpus is streamed.
                """)

        @OptionGroup var model: RunOptions
        @OptionGroup var corpus: CorpusFileOptions
        @OptionGroup var workers: WorkerOptions

        @Option(help: "Importance samples per sentence (0: ELBO only).")
        var samples: Int = 500

        @Option(help: "Evaluate at most this many sentences.")
        var maxSentences: Int?

        @Option(help: "Seed of the posterior samples.")
        var seed: UInt64 = 1

        @Flag(help: "Print the figures as one JSON object.")
        var json = false

        func validate() throws {
            if samples < 0 { throw ValidationError("--samples must be 0 or more; \(samples) was given.") }
            if let maxSentences, maxSentences < 1 { throw ValidationError("--max-sentences must be at least 1.") }
        }

        /// A word VAE scores words: a line of several would be scored as one long "word" and the
        /// figures would mean nothing, so it is refused, naming the line.
        static func checkOneWord(_ text: String, at location: RecordLocation) throws {
            let word = text.trimmingCharacters(in: .whitespaces)
            guard word.contains(where: \.isWhitespace) else { return }
            throw ValidationError(
                "\(location): \"\(word.prefix(60))\" holds more than one word. A word VAE is evaluated on words, "
                    + "one per line, such as the \(WordList.fileName) of a run (the words it was trained on).")
        }

        func run() async throws {
            let trained = try model.load()
            var evaluator = Evaluator(model: trained.model, kind: trained.kind, importanceSamples: samples, seed: seed)
            var pending: [[Int32]] = []
            var taken = 0
            let limit = maxSentences ?? .max
            var progress = ProgressLine()
            if trained.kind.readsCharacters && trained.kind != .wordVAE {
                // Character models read windows of the stream (or lines with <eos>), as in training.
                for try await batch in try trained.characterBatches(
                    inputs: corpus.inputs, reader: corpus.readerOptions, workers: workers.workers)
                {
                    var tokenBatch = TokenBatch(batch)
                    if taken + tokenBatch.batchSize > limit { tokenBatch = tokenBatch.rows(0..<(limit - taken)) }
                    evaluator.add(tokenBatch)
                    taken += tokenBatch.batchSize
                    if taken >= limit { break }
                }
            } else {
                reading: for try await chunk in try corpus.makeReader() {
                    for index in 0..<chunk.count {
                        let text = chunk.text(index)
                        if trained.kind == .wordVAE { try Self.checkOneWord(text, at: chunk.location(index)) }
                        let ids = try trained.ids(of: text)
                        if ids.isEmpty { evaluator.skippedEmpty += 1; continue }
                        pending.append(ids)
                        taken += 1
                        if pending.count == 64 { evaluator.add(pending); pending.removeAll(keepingCapacity: true) }
                        if taken >= limit { break reading }
                    }
                    progress.update(chunk.progress, records: taken)
                }
            }
            evaluator.add(pending)
            progress.finish()
            evaluator.scoreReconstructions(maxLength: trained.defaultLength)
            let report = evaluator.report
            guard report.sentences > 0 else {
                throw ValidationError("The test corpus has no sentence with a token in it.")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            if let bits = report.bitsPerCharacter {
                let unit = trained.window != nil ? "windows of \(trained.window!) characters" : "lines"
                print(
                    "Sequences: \(Format.count(report.sentences)) \(unit) (\(Format.count(report.tokens)) characters, "
                        + "a line's end counted as one)"
                )
                print(
                    String(
                        format: trained.kind == .languageModel
                            ? "NLL: %.4f bits per character (exact); per sequence %.2f nats"
                            : "−ELBO: %.4f bits per character (an upper bound); per sequence %.2f nats = "
                                + "reconstruction %.2f + KL %.2f",
                        bits, report.negativeELBO, report.reconstruction, report.kl))
                if trained.kind == .characterVAE {
                    print(
                        String(
                            format: "Mutual information I(x; z): %.2f nats; active units %d of %d",
                            report.mutualInformation, report.activeUnits, report.latent))
                }
                print("Time: \(Format.duration(report.seconds))")
                return
            }
            print(
                "Sentences: \(Format.count(report.sentences)) (\(Format.count(report.tokens)) tokens with "
                    + "<eos>)\(report.skippedEmpty > 0 ? "; \(report.skippedEmpty) without tokens skipped" : "")"
            )
            print(
                String(
                    format: "−ELBO: %.2f per sentence = reconstruction %.2f + KL %.2f; perplexity (ELBO) %.2f",
                    report.negativeELBO, report.reconstruction, report.kl, report.perplexityELBO))
            if let nll = report.importanceWeightedNLL, let ppl = report.importanceWeightedPerplexity {
                print(
                    String(
                        format: "IW-NLL (K = %d): %.2f per sentence; perplexity %.2f", report.importanceSamples, nll,
                        ppl))
            }
            print(
                String(
                    format: "Mutual information I(x; z): %.2f nats; active units %d of %d", report.mutualInformation,
                    report.activeUnits, report.latent))
            if let f1 = report.reconstructionF1 {
                print(
                    String(
                        format:
                            "Reconstruction: token F1 %.3f (the first %d sentences against their greedy "
                                + "reconstructions from the posterior mean)",
                        f1, min(report.sentences, ReconstructionScore.sentences)))
            }
            print("Time: \(Format.duration(report.seconds))")
        }
    }
}
