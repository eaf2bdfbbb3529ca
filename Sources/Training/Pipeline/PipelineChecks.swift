/// The refusals of one pipeline's settings, each naming the file and the key.
struct PipelineChecks {
    let file: String

    func invalid(_ key: String, _ reason: String) -> PipelineError {
        .invalidValue(file: file, key: key, reason: reason)
    }

    /// Refuses `value` outside `range`.
    func bound(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws(PipelineError) {
        guard range.contains(value) else {
            throw invalid(key, "must be between \(range.lowerBound) and \(range.upperBound); \(value) was given")
        }
    }

    /// Refuses the first of `keys` that is given (`true`) with `reason`: keys that shape another
    /// model family or stage are refused, never ignored.
    func refuse(_ keys: [(String, Bool)], _ reason: String) throws(PipelineError) {
        for (key, given) in keys where given { throw invalid(key, reason) }
    }
}
