// libarchive, as a system library. Only Sources/CorpusReader/Archive/ArchiveSystemCalls.swift imports it.
#include <archive.h>
#include <archive_entry.h>
