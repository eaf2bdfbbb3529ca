/// The first principal components of a set of points, by power iteration on the covariance
/// matrix with deflation — enough for a 2-D picture of latent means (dimension ≤ a few hundred).
public enum PrincipalComponents {
    /// Projects `points` (rows of length `dimension`) onto their first `components` principal axes.
    /// Returns the projected rows and the share of variance each axis explains.
    public static func project(_ points: [[Float]], components: Int = 2) -> (projected: [[Double]], explained: [Double])
    {
        guard let dimension = points.first?.count, dimension > 0, points.count > 1 else {
            return (points.map { _ in Array(repeating: 0, count: components) }, Array(repeating: 0, count: components))
        }
        let n = Double(points.count)
        var mean = [Double](repeating: 0, count: dimension)
        for point in points { for d in 0..<dimension { mean[d] += Double(point[d]) } }
        for d in 0..<dimension { mean[d] /= n }
        var covariance = [Double](repeating: 0, count: dimension * dimension)
        for point in points {
            for i in 0..<dimension {
                let a = Double(point[i]) - mean[i]
                for j in i..<dimension { covariance[i * dimension + j] += a * (Double(point[j]) - mean[j]) }
            }
        }
        for i in 0..<dimension {
            for j in i..<dimension {
                covariance[i * dimension + j] /= (n - 1)
                covariance[j * dimension + i] = covariance[i * dimension + j]
            }
        }
        let totalVariance = (0..<dimension).reduce(0.0) { $0 + covariance[$1 * dimension + $1] }
        var axes: [[Double]] = []
        var explained: [Double] = []
        for component in 0..<min(components, dimension) {
            // Deterministic start, not aligned with an earlier axis.
            var v = (0..<dimension).map { 1.0 + Double(($0 * 7 + component * 13) % 11) / 10 }
            var eigenvalue = 0.0
            for _ in 0..<200 {
                var w = [Double](repeating: 0, count: dimension)
                for i in 0..<dimension {
                    var sum = 0.0
                    for j in 0..<dimension { sum += covariance[i * dimension + j] * v[j] }
                    w[i] = sum
                }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm < 1e-30 { break }
                w = w.map { $0 / norm }
                let change = zip(w, v).reduce(0) { $0 + abs($1.0 - $1.1) }
                v = w
                eigenvalue = norm
                if change < 1e-10 { break }
            }
            // Deflate so the next iteration finds the next axis.
            for i in 0..<dimension {
                for j in 0..<dimension { covariance[i * dimension + j] -= eigenvalue * v[i] * v[j] }
            }
            axes.append(v)
            explained.append(totalVariance > 0 ? eigenvalue / totalVariance : 0)
        }
        while axes.count < components { axes.append([Double](repeating: 0, count: dimension)); explained.append(0) }
        let projected = points.map { point in
            axes.map { axis in (0..<dimension).reduce(0.0) { $0 + (Double(point[$1]) - mean[$1]) * axis[$1] } }
        }
        return (projected, explained)
    }
}
