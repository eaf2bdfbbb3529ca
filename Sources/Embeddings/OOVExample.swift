/// A vocabulary token without a vector, with its corpus count.
public struct OOVExample: Sendable, Equatable {
    public var token: String
    public var count: Int
}
