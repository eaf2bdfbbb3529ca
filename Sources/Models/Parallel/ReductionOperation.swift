/// The element-wise reductions a ``ProcessGroup`` performs.
public enum ReductionOperation: Sendable {
    case sum, max, min
}
