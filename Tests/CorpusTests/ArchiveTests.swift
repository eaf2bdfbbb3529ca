import Testing
@testable import Corpus

@Test func libarchiveIsLinked() {
    #expect(ArchiveSystemCalls.versionString.hasPrefix("libarchive"))
}
