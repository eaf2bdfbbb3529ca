import Testing
@testable import Batching

@Test func moduleVersionIsSet() {
    #expect(!Batching.version.isEmpty)
}
