import TokenShards

/// A vocabulary's embedding matrix: row `id` is the vector of token `id`, row-major float32.
public struct EmbeddingMatrix: Sendable {
    /// `rows × dimension` values, row after row.
    public var values: [Float]
    /// The vocabulary size.
    public var rows: Int
    public var dimension: Int
    public var report: EmbeddingReport

    public init(values: [Float], rows: Int, dimension: Int, report: EmbeddingReport) {
        precondition(values.count == rows * dimension)
        self.values = values
        self.rows = rows
        self.dimension = dimension
        self.report = report
    }

    /// The vector of token `id`.
    public func row(_ id: Int) -> ArraySlice<Float> {
        values[id * dimension..<(id + 1) * dimension]
    }

    /// Writes the matrix as a 2-D float32 `.npy` file of shape (rows, dimension), atomically.
    public func writeNpy(to path: String) throws(NpyError) {
        try NpyMatrixWriter.write(values, rows: rows, columns: dimension, to: path)
    }
}
