// model-benchmark: train-step throughput (forward + backward + clip + Adam) of the models on the
// shapes of Benchmarks/python/torch_models.py, for side-by-side comparison with PyTorch.
//
//     model-benchmark MODEL --seconds S [--threads 2] [--warmup 3] [--json] [--result FILE]
//
// Batches are random but realistic: Zipf-distributed word ids (rank r has weight 1/r, as word
// frequencies), lengths uniform in 5…15, post-padded to 15, prepared before timing. Tokens are
// the non-padding input tokens (what torch_models.py counts); positions are batch × length.
import Foundation
import Models
import NeuralCore

struct Spec {
    var configuration: SentenceVAEConfiguration
    var batch: Int
    var length: Int
    var learningRate: Float
}

let specs: [String: Spec] = [
    // seed-004: frozen embedding 50, biLSTM 96, dense 96 + ELU, latent 32, LSTM decoder 96 fed z
    // at every step (no initial state from z), batch 100, length 15.
    "sentence_vae": Spec(configuration: SentenceVAEConfiguration(
        vocabularySize: 12_001, embeddingDimension: 50, freezeEmbeddings: true, encoderCell: .lstm, encoderHidden: 96,
        bidirectional: true, encoderDense: 96, latent: 32, decoderCell: .lstm, decoderHidden: 96,
        latentToInitialState: false, latentAtEveryStep: true), batch: 100, length: 15, learningRate: 1e-3),
    // Bowman et al. as timbmg/Sentence-VAE: trainable embedding 300, GRU 256, latent 16, decoder
    // initialised from z, word dropout 0.5, batch 32, length 15.
    "bowman": Spec(configuration: SentenceVAEConfiguration(
        vocabularySize: 12_003, embeddingDimension: 300, encoderCell: .gru, encoderHidden: 256, latent: 16,
        decoderCell: .gru, decoderHidden: 256, latentToInitialState: true, wordDropout: 0.5),
        batch: 32, length: 15, learningRate: 1e-3),
]
let notBuilt = ["vrnn", "char_rvae"]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("model-benchmark: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let model = arguments.first, !model.hasPrefix("-") else {
    fail("usage: model-benchmark MODEL --seconds S [--threads 2] [--warmup 3] [--json] [--result FILE]; MODEL: \(specs.keys.sorted().joined(separator: ", "))")
}
arguments.removeFirst()
if notBuilt.contains(model) { fail("\(model): model not built yet in vae-pipeline (only \(specs.keys.sorted().joined(separator: ", ")))") }
guard let spec = specs[model] else { fail("unknown model \(model); known: \(specs.keys.sorted().joined(separator: ", "))") }

var seconds = 20.0, threads = 2, warmup = 3, json = false
var resultPath: String? = nil
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(flag) needs a value") }
        return arguments.removeFirst()
    }
    switch flag {
    case "--seconds": guard let v = Double(value()) else { fail("--seconds needs a number") }; seconds = v
    case "--threads": guard let v = Int(value()) else { fail("--threads needs an integer") }; threads = v
    case "--warmup": guard let v = Int(value()) else { fail("--warmup needs an integer") }; warmup = v
    case "--json": json = true
    case "--result": resultPath = value()
    default: fail("unknown option \(flag)")
    }
}

LinearAlgebra.setThreadCount(threads)
var rng = RandomGenerator(seed: 0)
let c = spec.configuration
let vae = SentenceVAE(configuration: c, rng: &rng)
let params = vae.namedParameters
var adam = Adam(learningRate: spec.learningRate)

// Zipf over the word ids 4..<V: inverse CDF by binary search.
let words = c.vocabularySize - 4
var cumulative = [Double](repeating: 0, count: words)
var total = 0.0
for r in 0..<words { total += 1 / Double(r + 1); cumulative[r] = total }
@MainActor func zipf(_ rng: inout RandomGenerator) -> Int32 {
    let u = Double(rng.nextUniform()) * total
    var lo = 0, hi = words - 1
    while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
    return Int32(4 + lo)
}
let batches: [TokenBatch] = (0..<64).map { _ in
    let sentences = (0..<spec.batch).map { _ in (0..<(5 + rng.nextInt(below: 11))).map { _ in zipf(&rng) } }
    return TokenBatch(sentences: sentences, time: spec.length)
}

var lastLoss = 0.0
@MainActor func step(_ b: TokenBatch) {
    params.zeroGradients()
    let m = vae.trainStep(b, objective: ObjectiveSettings(beta: 1), rng: &rng)
    clipGradientNorm(params, maxNorm: 5)
    adam.update(params)
    lastLoss = m.loss
}

for i in 0..<warmup { step(batches[i % batches.count]) }
var steps = 0, tokens = 0
let start = DispatchTime.now().uptimeNanoseconds
var elapsed = 0.0
repeat {
    let b = batches[steps % batches.count]
    step(b)
    steps += 1
    tokens += b.lengths.reduce(0, +)
    elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
} while elapsed < seconds

let positions = steps * spec.batch * spec.length
let trainable = params.filter(\.parameter.isTrainable).reduce(0) { $0 + $1.parameter.value.count }
let result: [String: Any] = [
    "model": model, "tool": "vae-pipeline", "steps": steps, "seconds": elapsed, "tokens": tokens, "positions": positions,
    "tokens_per_s": Double(tokens) / elapsed, "positions_per_s": Double(positions) / elapsed,
    "seconds_per_step": elapsed / Double(steps), "final_loss": lastLoss, "threads": threads, "params": trainable,
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted])
if let resultPath { try data.write(to: URL(fileURLWithPath: resultPath)) }
if json {
    print(String(decoding: data, as: UTF8.self))
} else {
    print(String(format: "%@: %d steps in %.2f s — %.0f tokens/s, %.0f positions/s, %.4f s/step (threads %d, loss %.3f)",
                 model, steps, elapsed, Double(tokens) / elapsed, Double(positions) / elapsed, elapsed / Double(steps), threads, lastLoss))
}
