// # NeuralCore
//
// The numeric core of vae-pipeline: Float32 tensors, layers with hand-written backward passes,
// losses, optimisers and safetensors checkpoints, on the CPU with OpenBLAS.
//
// ## Design
//
// - **Tensor** (`Tensor.swift`; its buffer recycling in `BufferPool.swift`): a final class over manually allocated,
//   contiguous, row-major Float32 storage; shapes are `[Int]`. Reshapes and leading-dimension row ranges are views
//   sharing storage. Kernels loop over `UnsafeMutablePointer<Float>` (no ARC or bounds checks in inner loops). Matrix
//   products go through `Tensor.gemm` → `BLAS.sgemm` (`cblas_sgemm`). `BLAS.swift` is the only file that imports
//   COpenBLAS. Before the first product it checks OpenBLAS's kernel choice against the CPU's instruction sets
//   (`BLASCore`, `CPUInfo`) and sets one OpenBLAS thread per product, so results do not depend on the machine's cores
//   (`LinearAlgebra.backend` says what runs).
// - **Own kernels** (`Kernels.swift`, the only file that imports CKernels): for the recurrent
//   layers' per-step work, where OpenBLAS repacks the same weight on every small GEMM.
//   `PackedMatrix` packs a right-hand side once (W_hh per forward or backward pass) and
//   multiplies by it with register-tiled C kernels; the LSTM step kernels fuse the gate
//   nonlinearities and cell update (and their derivatives). Paths for AVX-512, AVX2 + FMA and
//   portable C are chosen at run time (`CK_ISA=portable|avx2` caps the choice; tests bind
//   `Kernels.instructionSet` per task to run every path).
// - **Randomness** (Support's `RandomGenerator`): xoshiro256** seeded via splitmix64, a value
//   type passed down as `inout`; no global state. Same seed → bit-identical runs.
// - **Differentiation: explicit forward/backward, no tape.** Every layer has `forward`, which
//   returns its output (and, for recurrent layers, a cache object), and `backward`, which takes
//   what forward produced plus the output gradient, *accumulates* parameter gradients into
//   `Parameter.gradient`, and returns the input gradient. Why not a tape/autograd:
//   * the models are a handful of fixed layers, so explicit calls are short to write;
//   * recurrent layers need hand-written BPTT anyway to fuse the gate nonlinearities and batch
//     the weight-gradient GEMMs over all time steps — a tape of elementwise ops would allocate
//     per op and per step and be several times slower;
//   * no per-op allocation or bookkeeping overhead, and memory use is visible (the caches);
//   * caches are held by the caller, not the layer, so one layer can be applied many times
//     (e.g. a cell at each VRNN step) and back-propagated in reverse order.
//   Stateless layers (`Linear`, activations) need the caller to keep their input/output; the
//   doc comment of each `backward` says what it needs.
// - **Parameters** (`Parameter.swift`, `NamedParameter.swift`, `Module.swift`): value + gradient
//   tensors; layers list them as `NamedParameter`s with PyTorch names (`weight`, `bias`,
//   `weight_ih_l0`, `…_reverse`), and
//   `Module.parameters(prefix:)` prefixes them (`encoder.lstm.weight_ih_l0`) for optimisers and
//   checkpoints. Embedding gradients are sparse: touched rows are tracked and only they are
//   zeroed, clipped and updated.
// - **Layers**: `Linear`, `Embedding`, `Activation` (tanh, sigmoid, ReLU, ELU), `Dropout`,
//   `LSTMLayer` / `GRULayer` (one direction over `[B, T, I]` with lengths; fused gate weights in
//   PyTorch gate order and layout), `LSTM` / `GRU` (`StackedRecurrent`: layers × directions,
//   PyTorch `nn.LSTM` names, optional inter-layer dropout), `LSTMCell` / `GRUCell` (one step, with
//   a per-row `active` mask). Recurrent layers compute the
//   input projection of all steps in one GEMM before the time loop, one GEMM per step for
//   h·W_hhᵀ (for LSTMs against W_hh packed once, `LSTM+Recurrence.swift`), one fused
// elementwise pass per step, and the weight gradients of all steps in one GEMM each. Padded steps (t ≥ length) carry
// the state through unchanged and output zero.
// - **Losses**: `softmaxCrossEntropy` is fused (log-sum-exp, loss and gradient in one sweep per
//   row, gradient written over the logits); `SampledSoftmax` (importance-sampled softmax for
//   large vocabularies, training only); `Gaussian` (reparameterisation, KL to N(0, I), KL between
//   diagonal Gaussians, Gaussian NLL) and `Bernoulli` NLL. Log-variances are clamped to [−20, 20]
//   before exponentiation (zero gradient outside); log-sum-exp subtracts the row max.
// - **Generation** (`Sampling.swift`): softmax with temperature, log-softmax, argmax, seeded
//   categorical sampling.
// - **Speed** (`FastMath.swift`, `Tensor.swift`): branch-free polynomial exp/tanh/sigmoid that
//   auto-vectorise (exp ≤ 1e−7 relative error; tanh, sigmoid ≤ 2e−7 absolute), SIMD sums and
//   maxima for softmax rows, and a `BufferPool` that recycles large buffers between batches
//   (a fresh 72 MB logits buffer otherwise costs ~40 ms of page faults per batch); sizes are
//   rounded up to size classes (≤ 12.5 % more) so that buffers whose size varies by batch (logits
//   of the real tokens only) are reused too. Adam and the GRU backward gate loop use explicit
//   SIMD8 (the compiler does not vectorise loops over possibly aliasing pointers).
// - **Optimisers** (`Optimizer.swift`: the protocol, `clipGradientNorm`, `checkFinite`;
//   `Adam.swift`, `SGD.swift`): explicit, named state; the learning-rate schedule in
//   `LearningRateDecay.swift` (what a pipeline's `training.optimizer.decay` sets).
// - **Checkpoints** (`SafeTensors.swift`): safetensors read/write, atomic writes, strict loading;
//   optimiser state in a second file (`adam.m.<name>`, `adam.v.<name>`, step in the metadata).
//
// ## A training step (sentence-VAE decoder part)
//
//     params.zeroGradients()
//     let x = embedding.forward(ids, shape: [B, T])                      // [B, T, E]
//     let dec = decoder.forward(x, lengths: lengths, initialStates: [RNNState(h: h0)])
//     let flat = dec.output.reshaped([B * T, H])
//     let logits = output.forward(flat)                                   // [B·T, V]
//     let ce = softmaxCrossEntropy(logits: logits, targets: targets, mask: mask, time: T,
//                                  gradientScale: 1 / Float(B))          // logits ← dL/dlogits
//     let dFlat = output.backward(input: flat, gradOutput: logits)!
//     let dDec = decoder.backward(dec.cache, gradOutput: dFlat.reshaped([B, T, H]))
//     embedding.backward(ids: ids, gradOutput: dDec.gradInput)
//     let norm = clipGradientNorm(params, maxNorm: 5)
//     try checkFinite(loss: ce.meanPerToken, gradientNorm: norm, step: step)
//     adam.update(params)
//
// `Tests/NeuralCoreTests/TrainingTests.swift` has a complete sentence VAE (encoder, KL,
// reparameterisation, decoder initialised from z) whose whole gradient is checked numerically.
//
// Concurrency: tensors, parameters and layers are reference types marked `@unchecked Sendable`
// so a model can be handed to another task, but they are not synchronised: use each from one task
// at a time. Parallelism comes from NeuralCore's own row splits (Support's `Parallelism`) and, in
// training, from model replicas on separate threads that share weights
// (`Parameter.shareValue(of:)`) and sum gradients (`Parameter.accumulateGradient(from:)`).
// Caches returned by `forward` are not Sendable.

/// The version of the NeuralCore module's API.
public enum NeuralCore {
    public static let version = "0.1.0"
}
