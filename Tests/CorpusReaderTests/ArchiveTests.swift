import Testing

@testable import CorpusReader

@Test func libarchiveIsLinkedWithTheCompressionLibraries() {
    let details = ArchiveHandle.versionDetails
    #expect(details.hasPrefix("libarchive"))
    for library in ["zlib", "liblzma", "bz2lib", "liblz4", "libzstd"] {
        #expect(details.contains(library), "libarchive lacks \(library): \(details)")
    }
}
