import Testing

@testable import Training

@Test func moduleVersionIsSet() {
    #expect(!Training.version.isEmpty)
}
