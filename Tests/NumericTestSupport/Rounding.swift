/// Tolerances derived from float32 arithmetic, for properties that hold exactly in real numbers
/// but whose last bits depend on how a product is evaluated: a BLAS may tile, split or order a
/// dot product differently when the number of rows (the batch, the padding, a data-parallel
/// slice) or the kernel path changes, and the tests must pass on every path.
///
/// The bound used: a float32 dot product of k terms computed in any order differs from the exact
/// value by at most γ_k · Σ|xᵢyᵢ|, γ_k = k·u / (1 − k·u), u = 2⁻²⁴ (Higham, "Accuracy and
/// Stability of Numerical Algorithms", §3.1); two evaluations differ by at most twice that.
public enum Rounding {
    /// The unit roundoff of Float32.
    public static let unit = 0x1p-24

    /// γ_k for k terms.
    public static func gamma(_ k: Int) -> Double {
        let ku = Double(k) * unit
        precondition(ku < 0.5, "Rounding.gamma: \(k) terms is beyond the bound's range.")
        return ku / (1 - ku)
    }

    /// The largest difference between two evaluations of a dot product of `terms` terms whose
    /// absolute values sum to at most `absoluteSum`.
    public static func dotProduct(terms: Int, absoluteSum: Double) -> Double {
        2 * gamma(terms) * absoluteSum
    }

    /// The largest difference between two evaluations of a quantity computed through `stages`
    /// dependent dot products of at most `terms` terms each, every one's Σ|xᵢyᵢ| at most
    /// `magnitude`, when each stage passes its input error on with a gain of at most 1 — true
    /// where activations' derivatives are at most 1 and weights are small, as in the tests'
    /// layers (first order: the errors' products are negligible).
    public static func chain(stages: Int, terms: Int, magnitude: Double) -> Double {
        Double(max(1, stages)) * dotProduct(terms: terms, absoluteSum: magnitude)
    }

    /// The largest |value| of an array (for magnitudes).
    public static func maxMagnitude<C: Collection>(_ values: C) -> Double where C.Element: BinaryFloatingPoint {
        values.reduce(0) { max($0, abs(Double($1))) }
    }
}
