/// Every element of a parameter (the touched rows of a sparse one) from the parameter's own
/// gradient: the update of a process training alone.
public struct WholeGradients: GradientRegions {
    public init() {}

    public func forEachRegion(
        of parameter: Parameter, _ body: (_ start: Int, _ count: Int, _ gradient: UnsafeMutablePointer<Float>) -> Void
    ) {
        let g = parameter.gradient.data
        forEachActiveRange(parameter) { start, count in body(start, count, g + start) }
    }
}
