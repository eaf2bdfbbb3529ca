#if canImport(Glibc)
    import CMalloc
#endif

/// How the C allocator keeps the memory a read frees, for programs that do little but read.
public enum ReaderMemory {
    /// Keeps freed memory in the process for the next chunk instead of returning it to the
    /// system at once.
    ///
    /// A read builds and frees a chunk of records (a few hundred KiB) for every piece of input.
    /// By default glibc gives the free top of a heap back to the system as soon as it passes a
    /// few hundred KiB, and every next chunk then faults its pages back in one by one, paying
    /// kernel time again for memory the process just had. With a fixed 4 MiB mmap threshold and
    /// an 8 MiB trim threshold the same memory is reused; what stays resident is bounded by the
    /// largest amount in use at once, as before. Process-wide and permanent, so only for
    /// commands whose memory is mostly the reader's (not training, whose large buffers would
    /// lose glibc's adaptive mmap threshold).
    public static func keepFreedChunks() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
        #endif
    }
}
