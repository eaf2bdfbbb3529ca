/// Where an optimiser update finds the gradient of each parameter, and which of its elements it
/// changes.
///
/// One process updates every element from the parameter's own gradient (``WholeGradients``).
/// Data-parallel training across processes with a sharded optimiser (Models' `DataParallel`)
/// gives each process a share of the elements, whose gradient — summed over the processes —
/// lies in a buffer of its own; the other elements are updated by the other processes.
/// Either way each element is updated by the same arithmetic.
public protocol GradientRegions {
    /// Calls `body(start, count, gradient)` for each run of `count` elements of `parameter`, from
    /// element `start`, that the update changes, in increasing order; `gradient` points at the
    /// gradient of element `start` (the run's gradients are consecutive).
    func forEachRegion(
        of parameter: Parameter, _ body: (_ start: Int, _ count: Int, _ gradient: UnsafeMutablePointer<Float>) -> Void)
}
