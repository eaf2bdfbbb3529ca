/// A trainable tensor: its value and the gradient accumulated by `backward` calls.
///
/// Gradients accumulate (`+=`) across backward calls until `zeroGradient()`. A parameter with
/// `sparseRows` enabled (embeddings) records which rows of the first dimension received a gradient;
/// zeroing, clipping and the optimisers then touch only those rows.
public final class Parameter: @unchecked Sendable {
    /// The current value. Replicas of a model (data-parallel training) share it: see
    /// `shareValue(of:)`.
    public private(set) var value: Tensor
    /// The accumulated gradient (same shape as `value`). Data-parallel training across processes
    /// keeps it in the buffer it exchanges: see `moveGradient(into:)`.
    public private(set) var gradient: Tensor
    /// False for frozen parameters: layers then skip gradient accumulation and optimisers skip them.
    public var isTrainable: Bool
    /// Whether gradient rows are tracked sparsely (see `touchedRows`).
    public let isSparse: Bool
    /// For sparse parameters, the sorted rows that currently hold a gradient.
    public private(set) var touchedRows: [Int] = []
    private var touchedFlags: [Bool]

    /// Wraps `value`; the gradient starts at zero.
    public init(_ value: Tensor, trainable: Bool = true, sparse: Bool = false) {
        self.value = value
        gradient = Tensor(zeros: value.shape)
        isTrainable = trainable
        isSparse = sparse
        touchedFlags = sparse ? [Bool](repeating: false, count: value.shape.first ?? 0) : []
    }

    /// Makes this parameter use `other`'s value tensor (same storage, so updates to one are seen
    /// by both) while keeping its own gradient. This is how a model replica on another thread
    /// reads the primary's weights without copying them each step.
    public func shareValue(of other: Parameter) {
        precondition(
            other.value.shape == value.shape, "Parameter.shareValue: shape \(other.value.shape) for \(value.shape).")
        value = other.value
    }

    /// Moves the value into `storage` (a tensor of the value's element count, e.g. a view of a
    /// larger buffer), which holds it from now on; layers read `value` afresh at every pass.
    /// Data-parallel training across processes gathers every process's updated weights into one
    /// contiguous buffer this way, without copying them in and out at each step. Replicas that
    /// shared the old value must share it again (`shareValue(of:)`).
    public func moveValue(into storage: Tensor) {
        precondition(
            storage.count == value.count, "Parameter.moveValue: \(storage.count) elements for \(value.shape).")
        let moved = storage.shape == value.shape ? storage : storage.reshaped(value.shape)
        moved.data.update(from: value.data, count: value.count)
        value = moved
    }

    /// Moves the gradient into `storage` (as `moveValue(into:)`): the gradients that processes sum
    /// then already lie in the buffer they exchange.
    public func moveGradient(into storage: Tensor) {
        precondition(
            storage.count == gradient.count,
            "Parameter.moveGradient: \(storage.count) elements for \(gradient.shape).")
        let moved = storage.shape == gradient.shape ? storage : storage.reshaped(gradient.shape)
        moved.data.update(from: gradient.data, count: gradient.count)
        gradient = moved
    }

    /// Adds `other`'s accumulated gradient to this one (only its touched rows when sparse, which
    /// become touched here too). Data-parallel training sums replicas' gradients this way.
    public func accumulateGradient(from other: Parameter) {
        precondition(
            other.gradient.shape == gradient.shape,
            "Parameter.accumulateGradient: shape \(other.gradient.shape) for \(gradient.shape).")
        let g = gradient.data, o = other.gradient.data
        if isSparse && other.isSparse {
            let w = rowWidth
            for r in other.touchedRows {
                markTouched(r)
                let dst = g + r * w, src = o + r * w
                for j in 0..<w { dst[j] += src[j] }
            }
        } else {
            parallelChunks(gradient.count) { offset, count in
                let dst = g + offset, src = o + offset
                for j in 0..<count { dst[j] += src[j] }
            }
        }
    }

    /// The row width for sparse bookkeeping (elements per first-dimension index).
    public var rowWidth: Int { value.shape.count <= 1 ? 1 : value.count / value.shape[0] }

    /// Records that `row` received gradient (sparse parameters only).
    @inline(__always) public func markTouched(_ row: Int) {
        if !touchedFlags[row] { touchedFlags[row] = true; touchedRows.append(row) }
    }

    /// Sorts `touchedRows` (deterministic order for optimisers).
    func sortTouchedRows() { touchedRows.sort() }

    /// Sets the gradient to zero (only the touched rows for sparse parameters).
    public func zeroGradient() {
        if isSparse {
            let w = rowWidth, g = gradient.data
            for r in touchedRows { (g + r * w).update(repeating: 0, count: w); touchedFlags[r] = false }
            touchedRows.removeAll(keepingCapacity: true)
        } else {
            gradient.zero()
        }
    }
}

extension Module {
    /// The parameters with names prefixed by `prefix` and a dot (no dot if `prefix` is empty).
    public func parameters(prefix: String = "") -> [NamedParameter] {
        namedParameters.map { NamedParameter(prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.parameter) }
    }

    /// Zeroes every gradient of this module.
    public func zeroGradients() { for p in namedParameters { p.parameter.zeroGradient() } }
}

extension Array where Element == NamedParameter {
    /// Zeroes every gradient in the list.
    public func zeroGradients() { for p in self { p.parameter.zeroGradient() } }
}
