// libzstd, as a system library, for its streaming decompression: reading zstd directly saves
// libarchive's copy of every decompressed byte. Only Sources/CorpusReader/Zstd/ZstdSystemCalls.swift
// imports it.
#include <zstd.h>
