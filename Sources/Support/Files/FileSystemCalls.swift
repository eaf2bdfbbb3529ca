import CFileSync
import Glibc

/// The one place where the modules call the system for file I/O: `open`, `read`, `pread`,
/// `pwrite`, `fsync`, `sync_file_range`, `fstat`, `mmap`, `madvise`, `rename`, `unlink`. Interrupted calls (EINTR)
/// are retried; failures become ``FileSystemError``s naming the file.
enum FileSystemCalls {
    /// The descriptor of `path` opened for `access`.
    static func open(_ path: String, access: OpenFile.Access) throws(FileSystemError) -> Int32 {
        let flags =
            switch access {
            case .readOnly: O_RDONLY
            case .readWrite: O_RDWR
            case .createOrTruncate: O_WRONLY | O_CREAT | O_TRUNC
            }
        return try open(path, flags: flags)
    }

    /// The descriptor of `path`, opened with `flags` (`O_CLOEXEC` added); a file it creates gets
    /// mode 0644 (less the process's umask).
    @inline(never)
    static func open(_ path: String, flags: Int32) throws(FileSystemError) -> Int32 {
        while true {
            let descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw .cannotOpen(path: path, code: errno) }
        }
    }

    /// Closes `descriptor`; not retried on EINTR, which on Linux has closed it already.
    @inline(never)
    static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// Reads exactly `buffer.count` bytes at `offset`; a file that ends before is an I/O error
    /// (EIO).
    @inline(never)
    static func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
        path: String
    ) throws(FileSystemError) {
        var done = 0
        while done < buffer.count {
            let moved = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if moved > 0 {
                done += moved
            } else if moved == 0 {
                throw .cannotRead(path: path, code: EIO)
            } else if errno != EINTR {
                throw .cannotRead(path: path, code: errno)
            }
        }
    }

    /// Reads up to `buffer.count` bytes from where `descriptor` stands (a file, a pipe, a
    /// terminal): fewer when fewer are there yet, 0 only at the end.
    @inline(never)
    static func readSome(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer,
        path: String
    ) throws(FileSystemError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw .cannotRead(path: path, code: errno) }
        }
    }

    /// Writes all of `bytes` at `offset`.
    @inline(never)
    static func write(
        _ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int,
        path: String
    ) throws(FileSystemError) {
        var done = 0
        while done < bytes.count {
            let moved = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if moved >= 0 {
                done += moved
            } else if errno != EINTR {
                throw .cannotWrite(path: path, code: errno)
            }
        }
    }

    /// Cuts the file to `length` bytes (a file rewritten shorter in place).
    @inline(never)
    static func truncate(_ descriptor: Int32, to length: Int, path: String) throws(FileSystemError) {
        while ftruncate(descriptor, off_t(length)) != 0 {
            if errno != EINTR { throw .cannotWrite(path: path, code: errno) }
        }
    }

    /// Forces the file's data to disk.
    @inline(never)
    static func synchronize(_ descriptor: Int32, path: String) throws(FileSystemError) {
        while fsync(descriptor) != 0 {
            if errno != EINTR { throw .cannotSynchronize(path: path, code: errno) }
        }
    }

    /// Starts writing the file's dirty pages to disk without waiting (`sync_file_range`), so
    /// that a later ``synchronize(_:path:)`` finds less to do. Only a hint: a file system or
    /// kernel that refuses it leaves the data to that `fsync`, so failures are ignored.
    @inline(never)
    static func startWriteback(_ descriptor: Int32) {
        while cfs_start_writeback(descriptor) != 0, errno == EINTR {}
    }

    /// Forces the directory entry of a file just created or renamed in `directory` to disk.
    /// File systems that cannot synchronize a directory (EINVAL) are not an error.
    static func synchronizeDirectory(_ directory: String) throws(FileSystemError) {
        let descriptor = try open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        do throws(FileSystemError) {
            try synchronize(descriptor, path: directory)
        } catch {
            if case .cannotSynchronize(_, EINVAL) = error { return }
            throw error
        }
    }

    /// Whether `descriptor` is a regular file (which could be opened again by its path), not a
    /// pipe, device or directory.
    @inline(never)
    static func isRegularFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// The size of the open file in bytes.
    @inline(never)
    static func size(_ descriptor: Int32, path: String) throws(FileSystemError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .cannotOpen(path: path, code: errno) }
        return Int(status.st_size)
    }

    /// The first `length` bytes of the file mapped read-only (`length` > 0).
    @inline(never)
    static func mapReadOnly(
        _ descriptor: Int32, length: Int,
        path: String
    ) throws(FileSystemError) -> UnsafeRawPointer {
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw .cannotMap(path: path, code: errno)
        }
        return UnsafeRawPointer(mapped)
    }

    @inline(never)
    static func unmap(_ address: UnsafeRawPointer, length: Int) {
        munmap(UnsafeMutableRawPointer(mutating: address), length)
    }

    /// Tells the kernel that `length` bytes from `address` (a multiple of ``pageSize``) will not
    /// be read again, so their pages may leave this process's resident memory.
    @inline(never)
    static func releasePages(_ address: UnsafeRawPointer, length: Int) {
        madvise(UnsafeMutableRawPointer(mutating: address), length, MADV_DONTNEED)
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Moves `source` to `destination`, replacing it atomically.
    @inline(never)
    static func rename(_ source: String, to destination: String) throws(FileSystemError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw .cannotRename(from: source, to: destination, code: errno)
        }
    }

    /// Removes `path` if it is there; failures are ignored (used to clean up after a failure).
    @inline(never)
    static func removeIfPresent(_ path: String) {
        _ = unlink(path)
    }
}
