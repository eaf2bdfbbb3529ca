import CArchive

enum ArchiveSystemCalls {
    static var versionString: String { String(cString: archive_version_string()) }
}
