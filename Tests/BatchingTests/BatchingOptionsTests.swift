import Foundation
import Testing
@testable import Batching

@Suite struct BatchingOptionsTests {
    @Test func decodingFillsMissingFieldsWithDefaults() throws {
        let options = try JSONDecoder().decode(BatchingOptions.self, from: Data(#"{"batchSize": 100, "window": 50, "stride": 1, "padding": "pre"}"#.utf8))
        var expected = BatchingOptions(batchSize: 100, padding: .pre, window: 50, stride: 1)
        #expect(options == expected)
        expected.bucketBoundaries = [10, 20]
        expected.shuffleSeed = 42
        #expect(try JSONDecoder().decode(BatchingOptions.self, from: JSONEncoder().encode(expected)) == expected)
    }
}
