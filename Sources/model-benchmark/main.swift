// model-benchmark: train-step throughput (forward + backward + clip + Adam) of the models on the
// shapes of Benchmarks/python/torch_models.py, for side-by-side comparison with PyTorch.
//
//     model-benchmark MODEL --seconds S [--threads 2] [--shards 2] [--warmup 3] [--data FILE]
//                           [--json] [--result FILE]
//     model-benchmark gemm-peak [--seconds S] [--threads 2] [--json] [--result FILE]
//
// `gemm-peak` times cblas_sgemm at 512³ through NeuralCore (the ceiling the model figures'
// effective GFLOP/s are read against).
//
// MODEL: sentence_vae (seed 004), bowman (timbmg), char_rvae (seed 000), vrnn (seed 001).
//
// `--shards N` (every model; default 2 as in training): each batch runs as N slices on model
// replicas, one thread each, with single-threaded GEMMs (`DataParallel`, the wrapper `train`
// uses); `--shards 1` runs the whole batch at once with
// `--threads` OpenBLAS threads inside each GEMM.
//
// Word batches are random but realistic: Zipf-distributed word ids (rank r has weight 1/r, as
// word frequencies), lengths uniform in 5…15, post-padded to 15. Character batches are
// non-overlapping windows of `--data` (tiny Shakespeare, bytes clamped below 128, as the Python
// side; default Benchmarks/data/tiny_shakespeare.txt). All are prepared before timing. Tokens are
// the non-padding input tokens (what torch_models.py counts: batch × length for characters).
import Foundation
import Models
import NeuralCore
import Support

enum BatchData { case words, characters }

struct Spec {
    var network: ModelConfiguration
    var data: BatchData
    var batch: Int
    var length: Int
    var learningRate: Float
}

let specs: [String: Spec] = [
    // seed-004: frozen embedding 50, biLSTM 96, dense 96 + ELU, latent 32, LSTM decoder 96 fed z
    // at every step (no initial state from z), batch 100, length 15.
    "sentence_vae": Spec(
        network: .sentenceVAE(
            SentenceVAEConfiguration(
                vocabularySize: 12_001, embeddingDimension: 50, freezeEmbeddings: true, encoderCell: .lstm,
                encoderHidden: 96,
                bidirectional: true, encoderDense: 96, latent: 32, decoderCell: .lstm, decoderHidden: 96,
                latentToInitialState: false, latentAtEveryStep: true)), data: .words, batch: 100, length: 15,
        learningRate: 1e-3),
    // Bowman et al. as timbmg/Sentence-VAE: trainable embedding 300, GRU 256, latent 16, decoder
    // initialised from z, word dropout 0.5, batch 32, length 15.
    "bowman": Spec(
        network: .sentenceVAE(
            SentenceVAEConfiguration(
                vocabularySize: 12_003, embeddingDimension: 300, encoderCell: .gru, encoderHidden: 256, latent: 16,
                decoderCell: .gru, decoderHidden: 256, latentToInitialState: true, wordDropout: 0.5)),
        data: .words, batch: 32, length: 15, learningRate: 1e-3),
    // seed-000 character RVAE (CharacterVAE, the CharRVAE of torch_models.py): embedding 64 over 128
    // symbols, LSTM 256 encoder and decoder, latent 32 fed at every decoder step, length 50, batch 64.
    "char_rvae": Spec(
        network: .characterVAE(
            CharacterVAEConfiguration(
                vocabularySize: 128, embeddingDimension: 64, encoderHidden: 256, latent: 32, decoderHidden: 256)),
        data: .characters, batch: 64, length: 50, learningRate: 1e-3),
    // seed-001 VRNN: GRU cell 64, embedding 64, latent 64, 128 symbols, length 300, batch 64.
    "vrnn": Spec(
        network: .vrnn(VRNNConfiguration(vocabularySize: 128, embeddingDimension: 64, hidden: 64, latent: 64)),
        data: .characters, batch: 64, length: 300, learningRate: 1e-3)
]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("model-benchmark: \(message)\n".utf8))
    exit(2)
}

/// The command line's options after MODEL (both modes); `seconds` is nil when not given.
struct Options {
    var seconds: Double?
    var threads = 2, warmup = 3, shards = 2
    var json = false
    var resultPath: String?
    var dataPath = "Benchmarks/data/tiny_shakespeare.txt"

    /// Parses `arguments`; a flag outside `allowed` is an error (gemm-peak takes fewer).
    init(_ arguments: [String], allowed: Set<String>) {
        var arguments = arguments
        while !arguments.isEmpty {
            let flag = arguments.removeFirst()
            guard allowed.contains(flag) else { fail("unknown option \(flag)") }
            func value() -> String {
                guard !arguments.isEmpty else { fail("\(flag) needs a value") }
                return arguments.removeFirst()
            }
            switch flag {
            case "--seconds": guard let v = Double(value()) else { fail("--seconds needs a number") }; seconds = v
            case "--threads": guard let v = Int(value()) else { fail("--threads needs an integer") }; threads = v
            case "--warmup": guard let v = Int(value()) else { fail("--warmup needs an integer") }; warmup = v
            case "--shards":
                guard let v = Int(value()), v >= 1 else { fail("--shards needs a positive integer") }; shards = v
            case "--json": json = true
            case "--result": resultPath = value()
            case "--data": dataPath = value()
            default: fail("unknown option \(flag)")
            }
        }
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let model = arguments.first, !model.hasPrefix("-") else {
    fail(
        "usage: model-benchmark MODEL --seconds S [--threads 2] [--warmup 3] [--json] [--result FILE]; MODEL: "
            + "\(specs.keys.sorted().joined(separator: ", "))"
    )
}
arguments.removeFirst()
if model == "gemm-peak" {
    runGEMMPeak(Options(arguments, allowed: ["--seconds", "--threads", "--json", "--result"]))
}
guard let spec = specs[model] else {
    fail("unknown model \(model); known: \(specs.keys.sorted().joined(separator: ", "))")
}

let options = Options(
    arguments, allowed: ["--seconds", "--threads", "--warmup", "--shards", "--json", "--result", "--data"])
let seconds = options.seconds ?? 20, threads = options.threads, warmup = options.warmup, json = options.json
let shards = options.shards, resultPath = options.resultPath, dataPath = options.dataPath
// Slices are the parallelism, each on one OpenBLAS thread as in `train`; only a whole batch
// (`--shards 1`) runs `--threads` OpenBLAS threads inside each product.
if shards == 1 { LinearAlgebra.setThreadCount(threads) }
var rng = RandomGenerator(seed: 0)

// The library's model interface and data-parallel wrapper, as `train` uses them.
let network = spec.network.makeModel(rng: &rng)
let trainer = makeBatchTrainer(network, shards: shards)
let params = network.namedParameters
var adam = Adam(learningRate: spec.learningRate)

/// One training step on a batch (forward + backward + clip + Adam); returns the loss.
@MainActor func step(_ batch: TokenBatch) -> Double {
    params.zeroGradients()
    let metrics = trainer.trainStep(batch, objective: ObjectiveSettings(beta: 1), rng: &rng)
    clipGradientNorm(params, maxNorm: 5)
    adam.update(params)
    return metrics.loss
}

let batches: [TokenBatch]
switch spec.data {
case .words:
    guard case .sentenceVAE(let c) = spec.network else { fail("word batches need a sentence model") }
    // Zipf over the word ids 4..<V: inverse CDF by binary search.
    let words = c.vocabularySize - 4
    var cumulative = [Double](repeating: 0, count: words)
    var total = 0.0
    for r in 0..<words { total += 1 / Double(r + 1); cumulative[r] = total }
    func zipf(_ rng: inout RandomGenerator) -> Int32 {
        let u = Double(rng.nextUniform()) * total
        var lo = 0, hi = words - 1
        while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
        return Int32(4 + lo)
    }
    batches = (0..<64).map { _ in
        let sentences = (0..<spec.batch).map { _ in (0..<(5 + rng.nextInt(below: 11))).map { _ in zipf(&rng) } }
        return TokenBatch(sentences: sentences, time: spec.length)
    }
case .characters:
    guard let text = FileManager.default.contents(atPath: dataPath) else {
        fail("cannot read \(dataPath) (character data; Benchmarks/run.sh makes it with `python3 generate.py chars`)")
    }
    let symbols = text.map { Int32(min($0, 127)) }
    let windows = symbols.count / spec.length
    guard windows >= spec.batch else {
        fail("\(dataPath): \(symbols.count) bytes make fewer than \(spec.batch) windows of \(spec.length)")
    }
    // Windows in a seeded random order, cut into batches (at most 64, as the word batches).
    var order = Array(0..<windows)
    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
    batches = (0..<min(64, windows / spec.batch)).map { k in
        let sentences = (0..<spec.batch).map { j -> [Int32] in
            let w = order[k * spec.batch + j]
            return Array(symbols[(w * spec.length)..<((w + 1) * spec.length)])
        }
        return TokenBatch(sentences: sentences, time: spec.length)
    }
}

var lastLoss = 0.0
for i in 0..<warmup { lastLoss = step(batches[i % batches.count]) }
var steps = 0, tokens = 0
let start = DispatchTime.now().uptimeNanoseconds
var elapsed = 0.0
repeat {
    let b = batches[steps % batches.count]
    lastLoss = step(b)
    steps += 1
    tokens += b.lengths.reduce(0, +)
    elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
} while elapsed < seconds

let positions = steps * spec.batch * spec.length
let trainable = params.filter(\.parameter.isTrainable).reduce(0) { $0 + $1.parameter.value.count }
let flopsPerPosition = effectiveFLOPsPerPosition(params, length: spec.length)
let result: [String: Any] = [
    "model": model, "tool": "vae-pipeline", "steps": steps, "seconds": elapsed, "tokens": tokens,
    "positions": positions,
    "tokens_per_s": Double(tokens) / elapsed, "positions_per_s": Double(positions) / elapsed,
    "seconds_per_step": elapsed / Double(steps), "final_loss": lastLoss, "threads": threads, "shards": shards,
    "params": trainable, "effective_flops_per_position": flopsPerPosition,
    "effective_gflops": Double(positions) * flopsPerPosition / elapsed / 1e9
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted])
if let resultPath { try AtomicFile.write(data, to: URL(fileURLWithPath: resultPath)) }
if json {
    print(String(decoding: data, as: UTF8.self))
} else {
    print(
        String(
            format:
                "%@: %d steps in %.2f s — %.0f tokens/s, %.0f positions/s, %.1f effective GFLOP/s, %.4f s/step "
                    + "(threads %d, shards %d, loss %.3f)",
            model, steps, elapsed, Double(tokens) / elapsed, Double(positions) / elapsed,
            Double(positions) * flopsPerPosition / elapsed / 1e9, elapsed / Double(steps), threads, shards, lastLoss))
}

/// The model's multiply-add work per position (batch × length, padding included), as a dense
/// implementation does it: 2 FLOPs per weight entry for the forward product and twice that for
/// the backward ones (input and weight gradients). Weights applied at every position count
/// whole; the per-sequence heads (dense, μ, log σ², latent → state) count once per sequence;
/// embedding tables are lookups and count nothing. Elementwise work is left out, so this is a
/// lower bound of the arithmetic and the same formula applies to PyTorch's positions/s.
func effectiveFLOPsPerPosition(_ params: [NamedParameter], length: Int) -> Double {
    let perSequence = ["encoder_dense.", "to_mean.", "to_log_variance.", "latent_to_state.", "mu.", "logvar."]
    var flops = 0.0
    for named in params where named.parameter.value.shape.count == 2 {
        if named.name.hasPrefix("emb") { continue }  // embedding.weight, emb.weight
        let entries = Double(named.parameter.value.count)
        flops += perSequence.contains { named.name.hasPrefix($0) } ? 6 * entries / Double(length) : 6 * entries
    }
    return flops
}

/// cblas_sgemm at 512³ (C = A·B, row-major), repeated for `--seconds` after one warm-up call.
func runGEMMPeak(_ options: Options) -> Never {
    let seconds = options.seconds ?? 3, threads = options.threads, json = options.json, resultPath = options.resultPath
    LinearAlgebra.setThreadCount(threads)
    let size = 512
    var rng = RandomGenerator(seed: 1)
    let a = Tensor.uniform([size, size], low: -1, high: 1, rng: &rng)
    let b = Tensor.uniform([size, size], low: -1, high: 1, rng: &rng)
    let c = Tensor(zeros: [size, size])
    Tensor.gemm(a, b, into: c)
    var calls = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed = 0.0
    repeat {
        Tensor.gemm(a, b, into: c)
        calls += 1
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    } while elapsed < seconds
    let gflops = 2 * Double(size * size * size) * Double(calls) / elapsed / 1e9
    let result: [String: Any] = [
        "model": "gemm-peak", "tool": "vae-pipeline", "size": size, "calls": calls, "seconds": elapsed,
        "threads": threads, "gflops": gflops, "blas_core": LinearAlgebra.backend.core,
        "blas": LinearAlgebra.backend.description
    ]
    if let data = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted]) {
        if let resultPath { try? AtomicFile.write(data, to: URL(fileURLWithPath: resultPath)) }
        if json { print(String(decoding: data, as: UTF8.self)); exit(0) }
    }
    print(
        String(
            format: "cblas_sgemm %d³, %d thread(s): %.1f GFLOP/s (%d calls in %.2f s)", size, threads, gflops, calls,
            elapsed))
    exit(0)
}
