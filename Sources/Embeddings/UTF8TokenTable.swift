import Foundation

/// An open-addressing hash table from a vocabulary's tokens, as UTF-8 bytes, to their ids.
///
/// The vectors scanner looks up each line's token straight from the decompressed bytes, so the
/// hundreds of thousands of tokens that are not kept never become a `String`. Keys are stored
/// back to back in one buffer; slots hold entry indexes (linear probing, load ≤ ½).
final class UTF8TokenTable: @unchecked Sendable {
    // @unchecked: every buffer is written in init and only read afterwards.
    private let keyBytes: UnsafeMutablePointer<UInt8>
    private let keyOffsets: UnsafeMutablePointer<Int>  // count + 1
    private let hashes: UnsafeMutablePointer<UInt64>
    private let slots: UnsafeMutablePointer<Int32>  // -1 empty
    private let mask: Int
    let count: Int
    /// Whether a token contains a space or tab, which can only be matched by the slow path for
    /// lines whose token has spaces.
    let hasSeparatorTokens: Bool

    /// `tokens[id]` gets `id`; a repeated token keeps its first id.
    init(tokens: [String]) {
        count = tokens.count
        let totalBytes = tokens.reduce(0) { $0 + $1.utf8.count }
        keyBytes = .allocate(capacity: max(1, totalBytes))
        keyOffsets = .allocate(capacity: count + 1)
        hashes = .allocate(capacity: max(1, count))
        var capacity = 16
        while capacity < count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: -1, count: capacity)
        var offset = 0
        var separators = false
        for (id, token) in tokens.enumerated() {
            keyOffsets[id] = offset
            for byte in token.utf8 {
                keyBytes[offset] = byte
                offset += 1
                if byte == 0x20 || byte == 0x09 { separators = true }
            }
            let start = keyBytes + keyOffsets[id]
            let length = offset - keyOffsets[id]
            let hash = Self.hash(start, length)
            hashes[id] = hash
            var slot = Int(truncatingIfNeeded: hash) & mask
            var duplicate = false
            while slots[slot] >= 0 {
                let other = Int(slots[slot])
                if hashes[other] == hash && keyOffsets[other + 1] - keyOffsets[other] == length
                    && memcmp(keyBytes + keyOffsets[other], start, length) == 0
                {
                    duplicate = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if !duplicate { slots[slot] = Int32(id) }
        }
        keyOffsets[count] = offset
        hasSeparatorTokens = separators
    }

    deinit {
        keyBytes.deallocate()
        keyOffsets.deallocate()
        hashes.deallocate()
        slots.deallocate()
    }

    /// The id of the token `[start, start + length)`, or -1.
    @inline(__always)
    func find(_ start: UnsafePointer<UInt8>, _ length: Int) -> Int {
        let hash = Self.hash(start, length)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return -1 }
            if hashes[entry] == hash && keyOffsets[entry + 1] - keyOffsets[entry] == length
                && memcmp(keyBytes + keyOffsets[entry], start, length) == 0
            {
                return entry
            }
            slot = (slot + 1) & mask
        }
    }

    /// FNV-1a, finished with a multiply-xorshift so the low bits (the slot) mix well. Tokens
    /// are short; this is not where the time goes.
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<length {
            hash = (hash ^ UInt64(start[index])) &* 0x0000_0100_0000_01B3
        }
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        return hash ^ (hash >> 32)
    }
}
