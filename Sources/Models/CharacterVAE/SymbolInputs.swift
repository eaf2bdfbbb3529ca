import Foundation
import NeuralCore

/// The symbol side of a character model's LSTM input: an embedding whose rows, projected once
/// through the LSTM's input weights, give every step's gate inputs by lookup (see ``SymbolLSTM``),
/// and the gradients of those weights and rows from per-symbol sums of the gate gradients.
/// Shared by the character VAE and the LSTM language model.
struct SymbolInputs {
    let embedding: Embedding
    let vocabularySize: Int

    /// `[V, 4H]` per-symbol gate inputs `embed(v) W_symbolᵀ + b_ih + b_hh` of an LSTM whose input
    /// starts with the embedding (`W_symbol` = the first E columns of its `weight_ih`, `[4H, E]`).
    func table(_ layer: LSTMLayer, symbolWeights: Tensor) -> Tensor {
        let table = Tensor(uninitialized: [vocabularySize, 4 * layer.hiddenSize])
        let bias = layer.biasIH.value.copy()
        bias.add(layer.biasHH.value)
        for r in 0..<table.rowCount {
            (table.data + r * table.lastDimension).update(from: bias.data, count: bias.count)
        }
        Tensor.gemm(embedding.weight.value, symbolWeights, transposeB: true, into: table, beta: 1)
        return table
    }

    /// Gate gradients `[T·B, 4H]` (time-major) summed per symbol: `[V, 4H]`, and which symbols
    /// occur at real positions (only those embedding rows get a gradient).
    func gradientPerSymbol(_ dG: Tensor, ids: [Int], batch: TokenBatch) -> (sums: Tensor, present: [Bool]) {
        let B = batch.batchSize, T = batch.time, G = dG.lastDimension
        let sums = Tensor(zeros: [vocabularySize, G])
        var present = [Bool](repeating: false, count: vocabularySize)
        let sp = sums.data, gp = dG.data
        for b in 0..<B {
            for t in 0..<batch.lengths[b] {
                let id = ids[b * T + t], dst = sp + id * G, src = gp + (t * B + b) * G
                present[id] = true
                var j = 0
                while j + 8 <= G {
                    VRNNKernels.store(VRNNKernels.load(dst + j) + VRNNKernels.load(src + j), dst + j); j += 8
                }
                for j in j..<G { dst[j] += src[j] }
            }
        }
        return (sums, present)
    }

    /// dL/d(embedding rows) = (per-symbol gate gradients) · W_symbol, for the symbols present.
    func accumulateEmbeddingGradient(_ perSymbol: (sums: Tensor, present: [Bool]), symbolWeights: Tensor) {
        guard embedding.weight.isTrainable else { return }
        let E = embedding.dimension
        let rows = Tensor(uninitialized: [vocabularySize, E])
        Tensor.gemm(perSymbol.sums, symbolWeights, into: rows)
        let g = embedding.weight.gradient.data
        for (id, here) in perSymbol.present.enumerated() where here {
            embedding.weight.markTouched(id)
            let dst = g + id * E, src = rows.data + id * E
            for j in 0..<E { dst[j] += src[j] }
        }
    }
}
