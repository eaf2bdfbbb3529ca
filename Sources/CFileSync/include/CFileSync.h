#ifndef CFILESYNC_H
#define CFILESYNC_H
// Linux's `sync_file_range`, which Glibc's Swift module leaves out (it is a GNU extension).
// Only Sources/Support/Files/FileSystemCalls.swift calls it.

#include <stdint.h>

/// Asks the kernel to start writing the file's dirty pages to disk and returns at once
/// (`SYNC_FILE_RANGE_WRITE` over the whole file). A hint: it forces nothing, and the caller
/// still calls `fsync` before relying on the data. Returns 0, or -1 with `errno` set.
int cfs_start_writeback(int descriptor);

#endif
