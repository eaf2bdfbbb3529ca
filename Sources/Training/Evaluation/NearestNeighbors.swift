/// The `k` items most similar to a query by cosine similarity, kept while a corpus streams by:
/// memory is k items whatever the corpus size.
public struct NearestNeighbors: Sendable {
    public struct Neighbor: Sendable, Equatable {
        public var similarity: Double
        public var text: String
        /// Where the sentence came from (file:line), for finding it again.
        public var location: String
    }

    public let k: Int
    private let query: [Float]
    private let queryNorm: Double
    /// Kept sorted by descending similarity (k is small, so insertion is cheap).
    public private(set) var neighbors: [Neighbor] = []
    public private(set) var scored = 0

    public init(query: [Float], k: Int) {
        self.query = query
        self.k = k
        queryNorm = query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    public mutating func consider(_ vector: [Float], text: String, location: String) {
        scored += 1
        var dot = 0.0, norm = 0.0
        for i in 0..<min(vector.count, query.count) {
            dot += Double(vector[i]) * Double(query[i])
            norm += Double(vector[i]) * Double(vector[i])
        }
        let similarity = norm > 0 && queryNorm > 0 ? dot / (norm.squareRoot() * queryNorm) : 0
        if neighbors.count == k, let last = neighbors.last, similarity <= last.similarity { return }
        let index = neighbors.firstIndex { $0.similarity < similarity } ?? neighbors.count
        neighbors.insert(Neighbor(similarity: similarity, text: text, location: location), at: index)
        if neighbors.count > k { neighbors.removeLast() }
    }
}
