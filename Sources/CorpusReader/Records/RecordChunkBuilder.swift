#if canImport(Glibc)
    import Glibc
#endif

/// Fills a ``RecordChunk``: validates each record's UTF-8 once, applies the invalid-UTF-8
/// policy, and files skipped records as issues. Parsers call it; they never touch the chunk.
struct RecordChunkBuilder {
    private(set) var chunk = RecordChunk()
    let invalidUTF8: InvalidUTF8Policy
    /// Whether records may hold NUL bytes (set when the member's bytes showed one), so that the
    /// usual record is not searched for them.
    var checksNUL = false
    /// Whether the parser's records are known to be well-formed UTF-8 without looking: set by
    /// the reader when every byte of the member up to the end of the piece being parsed was
    /// validated as a stream (``RecordStreamValidation``), for formats whose records are runs of
    /// those bytes cut at ASCII bytes. Validating 256 KiB at once costs a fraction of validating
    /// its thousands of records one by one.
    var recordsAreValidUTF8 = false
    /// The scanners' path, read once per chunk (a task-local lookup per record would cost more).
    private let isa = ByteScanning.instructionSet

    init(member: MemberInfo?, firstRecordIndex: Int, invalidUTF8: InvalidUTF8Policy) {
        self.invalidUTF8 = invalidUTF8
        chunk.member = member
        chunk.firstRecordIndex = firstRecordIndex
    }

    var recordCount: Int { chunk.count }

    /// Reserves room for the records of `count` input bytes, so that appending never
    /// reallocates (and copies) in the common case.
    mutating func reserve(forInputBytes count: Int) {
        chunk.utf8.reserveCapacity(count)
        let records = count / 32
        chunk.ends.reserveCapacity(records)
        chunk.lines.reserveCapacity(records)
        chunk.fields.reserveCapacity(records)
    }
    var member: MemberInfo? { chunk.member }

    /// Adds one record (skipping or repairing invalid UTF-8 as the policy says).
    mutating func emit(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, field: Int) {
        // NUL is valid UTF-8 but never text: binary data, or UTF-16/32 without a byte-order
        // mark. Such a record is skipped and counted, whatever the UTF-8 policy.
        if checksNUL, let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
            skip(.containsNUL, line: line)
            return
        }
        if recordsAreValidUTF8 || UTF8Validation.isValid(bytes, on: isa) {
            chunk.utf8.append(contentsOf: bytes)
        } else if invalidUTF8 == .replace {
            // String's decoder substitutes U+FFFD for each maximal invalid subsequence.
            var repaired = String(decoding: bytes, as: UTF8.self)
            repaired.withUTF8 { chunk.utf8.append(contentsOf: $0) }
            chunk.repairedRecords += 1
            chunk.issues.append(RecordIssue(location: location(line), reason: .invalidUTF8Repaired))
        } else {
            skip(.invalidUTF8, line: line)
            return
        }
        chunk.ends.append(chunk.utf8.count)
        chunk.lines.append(line)
        chunk.fields.append(field)
    }

    /// Whether records can be kept as they are, unexamined: known to be valid UTF-8, with no NUL
    /// byte to look for.
    var takesRecordsUnexamined: Bool { recordsAreValidUTF8 && !checksNUL }

    /// Adds the first `count` records of a row, lying back to back in `bytes` (record `i`, from
    /// field `i`, ends at `ends[i]`), with one copy for the row rather than one per record. Only
    /// when ``takesRecordsUnexamined``: the result is that of ``emit(_:line:field:)`` per record.
    mutating func emitRow(_ bytes: UnsafeBufferPointer<UInt8>, ends: [Int], count: Int, line: Int) {
        let start = chunk.utf8.count
        chunk.utf8.append(contentsOf: bytes)
        for field in 0..<count {
            chunk.ends.append(start + ends[field])
            chunk.lines.append(line)
            chunk.fields.append(field)
        }
    }

    /// Files a skipped record.
    mutating func skip(_ reason: RecordIssueReason, line: Int) {
        chunk.issues.append(RecordIssue(location: location(line), reason: reason))
    }

    mutating func blankLine() { chunk.blankLines += 1 }

    mutating func record(_ event: ReaderEvent) { chunk.events.append(event) }

    mutating func setProgress(_ progress: ReadProgress) { chunk.progress = progress }

    /// Whether anything worth delivering was gathered.
    var hasContent: Bool {
        !chunk.ends.isEmpty || !chunk.issues.isEmpty || !chunk.events.isEmpty || chunk.blankLines > 0
    }

    func location(_ line: Int) -> RecordLocation {
        RecordLocation(input: chunk.member?.input ?? "-", member: chunk.member?.name, line: line)
    }
}
