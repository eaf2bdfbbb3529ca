import Support

/// A model that can continue a start string: its generated sequences begin with `prefix`
/// (forced through the generative process) and go on from it. The character models.
public protocol PrefixGenerating: TextModel {
    func generate(count: Int, prefix: [Int32], maxLength: Int, strategy: DecodingStrategy, rng: inout RandomGenerator)
        -> [[Int32]]
}
