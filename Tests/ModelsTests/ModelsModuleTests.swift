import Testing

@testable import Models

@Test func moduleVersionIsSet() {
    #expect(!Models.version.isEmpty)
}
