import Foundation
import NeuralCore

/// A model's trainable parameters laid out for the exchanges between the processes of a group
/// (``DataParallel`` across a ``ProcessGroup``), and those exchanges.
///
/// **Layout.** The dense parameters' gradients and weights live in two contiguous buffers, in the
/// model's parameter order, each parameter from a 64-byte boundary: the parameters' `gradient`
/// and `value` tensors are views of them (`Parameter.moveGradient(into:)`, `moveValue(into:)`),
/// so nothing is copied in or out around an exchange. A sparse parameter (an embedding) keeps its
/// own tensors; only the rows some process touched travel, packed after the dense part.
///
/// **Shares.** The dense part is cut into one share per process, balanced by elements. A cut
/// falls between parameters or inside one at a multiple of ``squaredNormBlock`` from its start,
/// so each process computes whole blocks of the gradient norm and each element is updated by the
/// arithmetic one process would use. The last process's share also holds the packed sparse rows.
///
/// **A sharded step**: the processes agree on the touched rows (an allgather of their row
/// masks, a bit per row) and pack their gradient of them; one reduce-scatter, in place, leaves
/// each process the summed gradient of its share (``reduceScatter()``); the norm is rebuilt
/// from every share's pieces (``fillNormPieces(_:)``, ``norm(fromPieces:)``); the optimiser
/// updates the share's elements (the exchange is the ``GradientRegions``); one allgather
/// brings every share's new weights to all (``allgatherWeights()``). These are the bytes of one
/// allreduce, in two halves, and each process runs the optimiser over its share only, keeping
/// its state current there (``gatherState(_:)`` brings the shares together before a
/// checkpoint). ``allreduce()`` instead leaves every process the whole summed gradient.
final class GradientExchange: GradientRegions {
    /// A dense parameter's place in the buffers and its first block among all dense blocks.
    private struct Dense {
        let name: String
        let parameter: Parameter
        let offset: Int
        let firstBlock: Int
        var count: Int { parameter.value.count }
        var blocks: Int { (count + squaredNormBlock - 1) / squaredNormBlock }
    }

    /// A trainable parameter in the model's order.
    private enum Entry {
        case dense(Int), sparse(Int)
    }

    private let group: any ProcessGroup
    private let meter: CommunicationMeter
    private let dense: [Dense]
    private let sparse: [NamedParameter]
    private let order: [Entry]
    private let entries: [ObjectIdentifier: Entry]
    /// Elements of the dense part of the buffers (padding included).
    private let denseCount: Int
    /// Dense norm blocks in all.
    private let blockCount: Int
    /// Process r's share of the dense part is `cuts[r] ..< cuts[r + 1]`.
    let cuts: [Int]
    /// Gradients, then (reserved, touched only as far as used) room for every sparse row packed.
    private let gradients: Tensor
    /// Weights, laid out as `gradients`.
    private let weights: Tensor

    /// The rows of each sparse parameter that some process touched this step, sorted.
    private var rows: [[Int]]
    /// Elements packed after the dense part this step.
    private var packedCount = 0

    init(_ named: [NamedParameter], group: any ProcessGroup, meter: CommunicationMeter) {
        self.group = group
        self.meter = meter
        var dense: [Dense] = [], sparse: [NamedParameter] = [], order: [Entry] = []
        var entries: [ObjectIdentifier: Entry] = [:]
        var end = 0, blocks = 0
        for np in named where np.parameter.isTrainable {
            let entry: Entry
            if np.parameter.isSparse {
                sparse.append(np)
                entry = .sparse(sparse.count - 1)
            } else {
                let d = Dense(name: np.name, parameter: np.parameter, offset: Self.aligned(end), firstBlock: blocks)
                dense.append(d)
                end = d.offset + d.count
                blocks += d.blocks
                entry = .dense(dense.count - 1)
            }
            precondition(
                entries.updateValue(entry, forKey: ObjectIdentifier(np.parameter)) == nil,
                "GradientExchange: the parameter \(np.name) is listed twice")
            order.append(entry)
        }
        (self.dense, self.sparse, self.order, self.entries) = (dense, sparse, order, entries)
        denseCount = Self.aligned(end)
        blockCount = blocks
        rows = Array(repeating: [], count: sparse.count)
        cuts = Self.cuts(dense.map { ($0.offset, $0.count) }, end: denseCount, parts: group.size)
        let sparseCapacity = sparse.reduce(0) { $0 + $1.parameter.value.count }
        gradients = Tensor(uninitialized: [denseCount + sparseCapacity])
        weights = Tensor(uninitialized: [denseCount + sparseCapacity])
        // The padding between parameters travels too; keep it zero. The room for packed rows is
        // written before it is read.
        gradients.data.update(repeating: 0, count: denseCount)
        weights.data.update(repeating: 0, count: denseCount)
        for d in dense {
            d.parameter.moveGradient(into: gradients.rows(d.offset..<(d.offset + d.count)))
            d.parameter.moveValue(into: weights.rows(d.offset..<(d.offset + d.count)))
        }
    }

    /// 16 floats: 64 bytes, the alignment of every tensor's storage.
    private static func aligned(_ n: Int) -> Int { (n + 15) / 16 * 16 }

    /// Boundaries of `parts` shares of a dense part of `end` elements holding `parameters`
    /// (offset, count): near equal shares, each cut at the nearest block boundary of the
    /// parameter it falls in (or between parameters).
    static func cuts(_ parameters: [(offset: Int, count: Int)], end: Int, parts: Int) -> [Int] {
        var cuts = [0]
        for r in 1..<max(1, parts) {
            let target = r * end / parts
            var cut = end
            if let p = parameters.first(where: { $0.offset + $0.count > target }) {
                if target <= p.offset {
                    cut = p.offset
                } else {
                    let blocks = (target - p.offset + squaredNormBlock / 2) / squaredNormBlock
                    cut = p.offset + blocks * squaredNormBlock
                    if cut >= p.offset + p.count { cut = aligned(p.offset + p.count) }
                }
            }
            cuts.append(max(cut, cuts[r - 1]))
        }
        cuts.append(end)
        return cuts
    }

    private var rank: Int { group.rank }
    private var isLast: Bool { group.rank == group.size - 1 }

    /// The elements of each process's part of an exchange: its dense share, and the packed
    /// rows for the last.
    private var partCounts: [Int] {
        (0..<group.size).map { r in cuts[r + 1] - cuts[r] + (r == group.size - 1 ? packedCount : 0) }
    }

    // MARK: - Touched rows

    /// Agrees with the other processes on every sparse parameter's touched rows (the union of
    /// theirs; `rows`) and packs this process's gradient of those rows after the dense part
    /// (zero rows it did not touch). The rows travel as one bit per row, every process's mask
    /// gathered to all in one call: a few hundred bytes for a vocabulary of thousands.
    private func packTouchedRows() {
        packedCount = 0
        guard !sparse.isEmpty else { return }
        let n = group.size
        let firstWords = sparse.reduce(into: [0]) { $0.append($0[$0.count - 1] + Self.maskWords($1.parameter)) }
        let words = firstWords[sparse.count]
        var masks = [UInt32](repeating: 0, count: n * words)
        for (s, np) in sparse.enumerated() {
            let mine = rank * words + firstWords[s]
            for row in np.parameter.touchedRows { masks[mine + row / 32] |= 1 << UInt32(row % 32) }
        }
        masks.withUnsafeMutableBufferPointer { all in
            all.withMemoryRebound(to: Int32.self) { buffer in
                meter.measure(bytes: words * 4) { group.allgather(buffer, counts: Array(repeating: words, count: n)) }
            }
        }
        let base = gradients.data + denseCount
        for (s, np) in sparse.enumerated() {
            let w = np.parameter.rowWidth, g = np.parameter.gradient.data
            rows[s].removeAll(keepingCapacity: true)
            for word in 0..<(firstWords[s + 1] - firstWords[s]) {
                var bits = (0..<n).reduce(UInt32(0)) { $0 | masks[$1 * words + firstWords[s] + word] }
                while bits != 0 {
                    let row = word * 32 + bits.trailingZeroBitCount
                    bits &= bits - 1
                    rows[s].append(row)
                    (base + packedCount).update(from: g + row * w, count: w)
                    packedCount += w
                }
            }
        }
    }

    /// 32-bit words of a touched-rows mask of `parameter`'s rows.
    private static func maskWords(_ parameter: Parameter) -> Int { ((parameter.value.shape.first ?? 0) + 31) / 32 }

    // MARK: - Exchanges

    /// Sums the gradient over the processes, whole on every process: the dense gradients in
    /// place, the touched rows into the sparse parameters' gradients (marked touched).
    func allreduce() {
        packTouchedRows()
        let count = denseCount + packedCount
        meter.measure(bytes: count * 4) {
            group.allreduce(UnsafeMutableBufferPointer(start: gradients.data, count: count), .sum)
        }
        var packed = gradients.data + denseCount
        for (s, np) in sparse.enumerated() {
            let p = np.parameter, w = p.rowWidth
            for row in rows[s] {
                (p.gradient.data + row * w).update(from: packed, count: w)
                p.markTouched(row)
                packed += w
            }
        }
    }

    /// Sums the gradient over the processes in place, leaving this process the sum of its share
    /// only: the parameters' gradients elsewhere hold partial sums until they are next zeroed.
    func reduceScatter() {
        packTouchedRows()
        let count = denseCount + packedCount
        meter.measure(bytes: count * 4) {
            group.reduceScatter(
                UnsafeMutableBufferPointer(start: gradients.data, count: count), counts: partCounts, .sum)
        }
    }

    /// Sends this process's share of the weights — updated by the optimiser since
    /// `reduceScatter()` — to all, and takes theirs.
    func allgatherWeights() {
        let packed = weights.data + denseCount
        if isLast {
            forEachPackedRow { p, row, at in
                (packed + at).update(from: p.value.data + row * p.rowWidth, count: p.rowWidth)
            }
        }
        let counts = partCounts
        let all = UnsafeMutableBufferPointer(start: weights.data, count: denseCount + packedCount)
        meter.measure(bytes: counts[rank] * 4) { group.allgather(all, counts: counts) }
        if !isLast {
            forEachPackedRow { p, row, at in
                (p.value.data + row * p.rowWidth).update(from: packed + at, count: p.rowWidth)
            }
        }
    }

    /// `body(parameter, row, offset)` for every packed row, its offset after the dense part.
    private func forEachPackedRow(_ body: (Parameter, Int, Int) -> Void) {
        var at = 0
        for (s, np) in sparse.enumerated() {
            for row in rows[s] {
                body(np.parameter, row, at)
                at += np.parameter.rowWidth
            }
        }
    }

    // MARK: - The gradient norm and clipping

    /// Slots for the pieces of the gradient norm: one per dense block, then one per packed row.
    var normPieceCount: Int { blockCount + rows.reduce(0) { $0 + $1.count } }

    /// Writes the pieces of the norm this process holds (after `reduceScatter()`) into their
    /// slots of `pieces` (`normPieceCount`, zero-filled): each dense block's and each packed
    /// row's Σg², as `gradientNorm` computes them.
    func fillNormPieces(_ pieces: UnsafeMutableBufferPointer<Double>) {
        let (low, high) = (cuts[rank], cuts[rank + 1])
        for d in dense {
            for k in 0..<d.blocks {
                let position = d.offset + k * squaredNormBlock
                guard position >= low && position < high else { continue }
                let length = min(squaredNormBlock, d.count - k * squaredNormBlock)
                pieces[d.firstBlock + k] = blockSumOfSquares(gradients.data + position, length)
            }
        }
        guard isLast else { return }
        var slot = blockCount
        let packed = gradients.data + denseCount
        forEachPackedRow { p, _, at in
            pieces[slot] = sumOfSquares(packed + at, p.rowWidth)
            slot += 1
        }
    }

    /// The gradient norm from every process's pieces, added as `gradientNorm` adds them: a
    /// dense parameter's blocks from zero, then parameter by parameter (a sparse one row by row).
    func norm(fromPieces pieces: UnsafeBufferPointer<Double>) -> Float {
        var total = 0.0
        var rowSlot = blockCount
        for entry in order {
            switch entry {
            case .dense(let i):
                var sum = 0.0
                for k in 0..<dense[i].blocks { sum += pieces[dense[i].firstBlock + k] }
                total += sum
            case .sparse(let s):
                for _ in rows[s] {
                    total += pieces[rowSlot]
                    rowSlot += 1
                }
            }
        }
        return Float(total.squareRoot())
    }

    /// Scales this process's share of the summed gradient by `k` (clipping).
    func scaleShare(by k: Float) {
        let g = gradients.data
        for i in cuts[rank]..<cuts[rank + 1] { g[i] *= k }
        guard isLast else { return }
        for i in denseCount..<(denseCount + packedCount) { g[i] *= k }
    }

    // MARK: - The optimiser's regions

    /// The elements of `parameter` in this process's share, with their summed gradient.
    func forEachRegion(
        of parameter: Parameter, _ body: (_ start: Int, _ count: Int, _ gradient: UnsafeMutablePointer<Float>) -> Void
    ) {
        guard let entry = entries[ObjectIdentifier(parameter)] else { return }
        let (low, high) = (cuts[rank], cuts[rank + 1])
        switch entry {
        case .dense(let i):
            let d = dense[i]
            let start = max(low, d.offset), end = min(high, d.offset + d.count)
            if start < end { body(start - d.offset, end - start, gradients.data + start) }
        case .sparse(let s):
            guard isLast else { return }
            let packed = gradients.data + denseCount
            forEachPackedRow { p, row, at in
                if p === sparse[s].parameter { body(row * p.rowWidth, p.rowWidth, packed + at) }
            }
        }
    }

    // MARK: - Optimiser state

    /// Brings every process's share of the per-element optimiser state to all: `state(name)`
    /// gives a parameter's state tensors (shaped like it), which each process kept current for
    /// its share only — the sparse parameters' on the last process. A collective call.
    func gatherState(_ state: (String) -> [Tensor]) {
        let denseState = dense.map { state($0.name) }, sparseState = sparse.map { state($0.name) }
        let slots = (denseState + sparseState).map(\.count).max() ?? 0
        guard slots > 0 else { return }
        let sparseCount = sparse.reduce(0) { $0 + $1.parameter.value.count }
        let scratch = Tensor(uninitialized: [denseCount + sparseCount])
        var counts = zip(cuts, cuts.dropFirst()).map { $1 - $0 }
        counts[counts.count - 1] += sparseCount
        for k in 0..<slots {
            let base = scratch.data
            for (d, tensors) in zip(dense, denseState) where k < tensors.count {
                let start = max(cuts[rank], d.offset), end = min(cuts[rank + 1], d.offset + d.count)
                if start < end { (base + start).update(from: tensors[k].data + (start - d.offset), count: end - start) }
            }
            var at = denseCount
            for (np, tensors) in zip(sparse, sparseState) {
                if isLast && k < tensors.count { (base + at).update(from: tensors[k].data, count: tensors[k].count) }
                at += np.parameter.value.count
            }
            group.allgather(UnsafeMutableBufferPointer(start: base, count: scratch.count), counts: counts)
            for (d, tensors) in zip(dense, denseState) where k < tensors.count {
                tensors[k].data.update(from: base + d.offset, count: d.count)
            }
            at = denseCount
            for (np, tensors) in zip(sparse, sparseState) {
                if k < tensors.count { tensors[k].data.update(from: base + at, count: tensors[k].count) }
                at += np.parameter.value.count
            }
        }
    }
}
