import Foundation

/// The regular members of a zip archive that match `--member` patterns, listed before the
/// read so that an ambiguous choice ("glove.6B.zip holds four files") is an error at once,
/// naming all candidates, instead of after the first member has been read.
///
/// Only zip is listed: libarchive reads its central directory and seeks past the data. Listing
/// a compressed tar would mean inflating it all, so other containers are not listed (the
/// loader then stops when a second member starts).
package enum ArchiveMemberListing {
    /// The matching members' paths, or `nil` when the input is not a zip file on disk.
    package static func zipMembers(of input: CorpusInput, patterns: [String]) -> [String]? {
        guard case let .file(path) = input else { return nil }
        let archive = ArchiveHandle()
        do throws(ArchiveFailure) {
            try archive.open(path: path, blockSize: 1 << 16)
            var names: [String] = []
            var first = true
            while let entry = try archive.nextEntry() {
                if first {
                    guard archive.formatName.uppercased().hasPrefix("ZIP") else { return nil }
                    first = false
                }
                guard entry.isRegularFile, let name = entry.pathname else { continue }
                if patterns.isEmpty || patterns.contains(where: { fnmatch($0, name, 0) == 0 }) { names.append(name) }
            }
            return first ? nil : names
        } catch {
            return nil  // the read itself reports what is wrong with the file
        }
    }
}
