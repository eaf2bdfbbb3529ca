import ArgumentParser
import CorpusReader
import Foundation
import Models
import Training

extension VAEPipeline {
    /// `vae-pipeline neighbors`: the corpus sentences closest to a sentence in latent space.
    struct Neighbors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the corpus sentences whose latent means are nearest (cosine) to a sentence's.",
            discussion: "The corpus is streamed and only the top k are kept, so it may be any size.")

        @OptionGroup var model: RunOptions

        @Argument(help: "The query sentence.")
        var sentence: String

        @OptionGroup var corpus: CorpusFileOptions

        @Option(name: .customLong("top"), help: "How many neighbours to show.")
        var k: Int = 10

        func validate() throws {
            if k < 1 { throw ValidationError("--top must be at least 1; \(k) was given.") }
        }

        func run() async throws {
            let trained = try model.load()
            let (query, _) = try trained.encode([sentence])
            var neighbors = NearestNeighbors(query: query[0], k: k)
            var pending: [(ids: [Int32], text: String, location: String)] = []
            let latentModel = try trained.latentModel(for: "find neighbours in a latent space")
            let latent = latentModel.latentWidth
            func flush() {
                guard !pending.isEmpty else { return }
                let (means, _) = latentModel.encode(TokenBatch(sentences: pending.map(\.ids)))
                for (row, item) in pending.enumerated() {
                    let vector = Array(UnsafeBufferPointer(start: means.data + row * latent, count: latent))
                    neighbors.consider(vector, text: item.text, location: item.location)
                }
                pending.removeAll(keepingCapacity: true)
            }
            var empty = 0
            for try await chunk in try corpus.makeReader() {
                for index in 0..<chunk.count {
                    let text = chunk.text(index)
                    let ids = try trained.ids(of: text)
                    if ids.isEmpty { empty += 1; continue }
                    pending.append((ids, text, "\(chunk.location(index))"))
                    if pending.count == 256 { flush() }
                }
            }
            flush()
            for neighbor in neighbors.neighbors {
                print(
                    String(format: "%.3f  ", neighbor.similarity) + Format.oneLine(neighbor.text, limit: 120)
                        + "  (\(neighbor.location))")
            }
            FileHandle.standardError.write(
                Data(
                    ("Scored \(Format.count(neighbors.scored)) sentences"
                        + "\(empty > 0 ? " (\(empty) without tokens skipped)" : "").\n").utf8))
        }
    }
}
