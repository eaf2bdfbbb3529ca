/// An insert-only open-addressing hash set of UTF-16 token texts, stored back to back in one
/// arena, shared by `TokenCounter` (entry → count) and `Vocabulary` (entry → id).
///
/// Lookups take a UTF-16 slice straight from the tokenizer, so the hot path never builds a
/// `String`. Entries get dense indices 0, 1, 2… in insertion order; removal happens only by
/// rebuilding (see `TokenCounter`'s pruning).
///
/// Layout, chosen because a lookup's cost is mostly branch mispredictions on the (random) token
/// length and cache misses: linear probing over a power-of-two array of 24-byte slots, at most
/// 3/4 full. A slot holds the token's first and last four UTF-16 units, its length, 16 bits of
/// hash and its entry index, so tokens of up to 8 units — nearly all words — are found or rejected
/// by touching one slot with branch-free key arithmetic; longer ones then compare in the arena.
/// The hash is unseeded (deterministic), which is fine for corpus statistics.
struct TokenTable: Sendable {
    /// One probe position. `meta == 0` marks an empty slot.
    struct Slot: Sendable {
        /// The first four units, little-endian; for 1–3 units the first, middle and last unit.
        var prefix: UInt64
        /// The last four units (overlapping `prefix` for 4–7 units); 0 for 1–3 units.
        var last: UInt64
        /// length (16 bits, 0xFFFF = "look in starts") << 48 | hash tag (16 bits) << 32 | (entry + 1).
        var meta: UInt64
    }

    /// All entries' units, back to back.
    private(set) var arena: [UInt16] = []
    /// Entry `i` occupies `arena[starts[i] ..< starts[i + 1]]`; `starts[0] == 0`.
    private(set) var starts: [Int] = [0]
    private var slots: [Slot]
    /// Number of entries.
    private(set) var count = 0

    /// A second, small table of the first entries of at most eight units (the commonest words
    /// and punctuation arrive first and are mostly short), looked in first once the table is
    /// large. Built once, when the table first grows past `frontThreshold` slots: a big slot
    /// array does not stay in the core's cache next to the text being tokenized, so a lookup
    /// there costs a cache miss; these 96 KiB stay. Up to eight units, the packed ends and the
    /// length identify a token (no arena comparison). Empty until built; never changes after.
    private var front: [Slot] = []
    private static let frontThreshold = 16384
    private static let frontSlotCount = 4096
    private static let frontCapacity = 3072

    private static let emptySlot = Slot(prefix: 0, last: 0, meta: 0)
    private static let keyMask: UInt64 = 0xFFFF_FFFF_0000_0000

    /// The bits of the hash tag a slot keeps: all 16, or none for tests (`usesHashTags: false`),
    /// which then prove that the packed ends, the length and the arena alone tell tokens apart.
    private let tagMask: UInt64

    init(minimumCapacity: Int = 64, usesHashTags: Bool = true) {
        tagMask = usesHashTags ? 0xFFFF : 0
        var slotCount = 16
        while slotCount * 3 < minimumCapacity * 4 { slotCount <<= 1 }
        slots = [Slot](repeating: Self.emptySlot, count: slotCount)
        starts.reserveCapacity(minimumCapacity + 1)
    }

    /// The units of entry `index`.
    func units(at index: Int) -> ArraySlice<UInt16> { arena[starts[index]..<starts[index + 1]] }

    /// The text of entry `index`.
    func string(at index: Int) -> String { String(decoding: units(at: index), as: UTF16.self) }

    /// Calls `body` with entry `index`'s units (no copy).
    @inline(__always)
    func withUnits<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt16>) -> R) -> R {
        let start = starts[index], end = starts[index + 1]
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    // MARK: Keys

    /// What a lookup compares: the packed ends (`prefix`, `last`), the length/tag half of
    /// `Slot.meta`, and the full hash (whose low bits pick the first slot; the tag is its top 16).
    struct Key {
        var prefix: UInt64
        var last: UInt64
        var lengthAndTag: UInt64
        var hash: UInt64

        static let zero = Key(prefix: 0, last: 0, lengthAndTag: 0, hash: 0)
    }

    /// Packs the token's ends and hashes them. For 1–8 units this is branch-free (selects
    /// compile to conditional moves): 1–3 units are read as first, middle and last unit (with the
    /// length, that identifies them), 4–8 units as first and last four units (overlapping). Only
    /// longer tokens loop over their middle. The hash is one 64×64→128-bit multiply, folded (as in
    /// wyhash), so the slot address is ready soon.
    @inline(__always)
    func key(_ token: UnsafeBufferPointer<UInt16>) -> Key {
        let count = token.count
        guard let base = token.baseAddress, count > 0 else {
            return Key(prefix: 0, last: 0, lengthAndTag: 0, hash: 0)
        }
        var seed: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: count)
        // 1–3 units: first, middle, last unit. Reads stay inside the token.
        let small = UInt64(base[0]) | UInt64(base[count >> 1]) << 16 | UInt64(base[count - 1]) << 32
        // 4+ units: first and last four. Short tokens read 16 zero bytes instead (the address, not
        // the value, is selected, and masks replace selects, so the compiler keeps it branch-free).
        let shortMask = UInt64(bitPattern: Int64(count - 4) >> 63)  // all ones when count < 4
        var zeros: (UInt64, UInt64) = (0, 0)
        let (first, end) = withUnsafeBytes(of: &zeros) { zeroBytes in
            let zeroAddress = UInt(bitPattern: zeroBytes.baseAddress!)
            let tokenAddress = UInt(bitPattern: UnsafeRawPointer(base))
            let mask = UInt(truncatingIfNeeded: shortMask)
            let raw = UnsafeRawPointer(bitPattern: (zeroAddress & mask) | (tokenAddress & ~mask))!
            let lastOffset = (count - 4) & ~Int(truncatingIfNeeded: shortMask)
            return (
                raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: lastOffset * 2, as: UInt64.self)
            )
        }
        let prefix = first | (small & shortMask)
        if count > 8 {
            let raw = UnsafeRawPointer(base)
            var index = 4
            while index + 4 < count {
                seed = Self.fold(seed ^ raw.loadUnaligned(fromByteOffset: index * 2, as: UInt64.self), 0x9E37_79B9_7F4A_7C15)
                index += 4
            }
        }
        let h = Self.fold(prefix ^ seed ^ 0xA076_1D64_78BD_642F, end ^ 0xE703_7ED1_A0B4_28DB)
        let length = UInt64(min(count, 0xFFFF))
        return Key(prefix: prefix, last: end, lengthAndTag: length << 48 | ((h >> 48) & tagMask) << 32, hash: h)
    }

    /// The 128-bit product of `a` and `b`, high half xor low half.
    @inline(__always)
    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    // MARK: Lookup and insertion

    /// The index of `token`, or nil.
    @inline(__always)
    func index(of token: UnsafeBufferPointer<UInt16>) -> Int? {
        index(of: token, key: key(token))
    }

    @inline(__always)
    private func index(of token: UnsafeBufferPointer<UInt16>, key: Key) -> Int? {
        front.withUnsafeBufferPointer { front in
            slots.withUnsafeBufferPointer { slots in
                index(of: token, key: key, front: front, slots: slots)
            }
        }
    }

    /// The lookup itself, over the two slot arrays' storage.
    @inline(__always)
    private func index(
        of token: UnsafeBufferPointer<UInt16>, key: Key, front: UnsafeBufferPointer<Slot>,
        slots: UnsafeBufferPointer<Slot>
    ) -> Int? {
        if token.count <= 8 && !front.isEmpty, let entry = Self.frontIndex(key, in: front) { return entry }
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: key.hash) & mask
        while true {
            let slot = slots[position]
            if slot.meta == 0 { return nil }
            let difference =
                (slot.prefix ^ key.prefix) | (slot.last ^ key.last)
                | ((slot.meta & Self.keyMask) ^ key.lengthAndTag)
            if difference == 0 {
                let entry = Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
                // Ends and length equal: a token of ≤ 8 units matches outright.
                if token.count <= 8 || restMatches(entry, token) { return entry }
            }
            position = (position + 1) & mask
        }
    }

    /// The entry of a token of at most eight units in `front`, or nil (it may still be in `slots`).
    @inline(__always)
    private static func frontIndex(_ key: Key, in front: UnsafeBufferPointer<Slot>) -> Int? {
        let mask = front.count - 1
        var position = Int(truncatingIfNeeded: key.hash) & mask
        while true {
            let slot = front[position]
            if slot.meta == 0 { return nil }
            if (slot.prefix ^ key.prefix) | (slot.last ^ key.last) | ((slot.meta & keyMask) ^ key.lengthAndTag) == 0 {
                return Int(truncatingIfNeeded: slot.meta & 0xFFFF_FFFF) - 1
            }
            position = (position + 1) & mask
        }
    }

    /// The entry of each token of `tokens`, or -1, in `entries[0 ..< tokens.count]`.
    ///
    /// The same answers as ``index(of:)`` token by token, in less time: the keys of a group of
    /// tokens are computed first and the slot each lookup starts at begins loading at once, so
    /// the group's cache misses overlap instead of following one another.
    func lookUp(_ tokens: TokenSpans, into entries: UnsafeMutablePointer<Int>) {
        front.withUnsafeBufferPointer { front in
            slots.withUnsafeBufferPointer { slots in
                lookUp(tokens, into: entries, front: front, slots: slots)
            }
        }
    }

    private func lookUp(
        _ tokens: TokenSpans, into entries: UnsafeMutablePointer<Int>, front: UnsafeBufferPointer<Slot>,
        slots: UnsafeBufferPointer<Slot>
    ) {
        let group = 16
        // Keys of the group: a tuple on the stack, not an allocation.
        var keys = (
            Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero,
            Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero, Key.zero
        )
        withUnsafeMutableBytes(of: &keys) { raw in
            let keys = raw.baseAddress!.assumingMemoryBound(to: Key.self)
            var first = 0
            while first < tokens.count {
                let size = min(group, tokens.count - first)
                for offset in 0..<size {
                    let token = tokens[first + offset]
                    let key = self.key(token)
                    keys[offset] = key
                    let hash = Int(truncatingIfNeeded: key.hash)
                    if token.count <= 8 && !front.isEmpty {
                        TokenScanning.prefetch(front.baseAddress! + (hash & (front.count - 1)))
                    } else {
                        TokenScanning.prefetch(slots.baseAddress! + (hash & (slots.count - 1)))
                    }
                }
                for offset in 0..<size {
                    let token = tokens[first + offset]
                    entries[first + offset] = index(of: token, key: keys[offset], front: front, slots: slots) ?? -1
                }
                first += size
            }
        }
    }

    /// Fills `front` with the first entries of at most eight units (see there).
    private mutating func buildFront() {
        var front = [Slot](repeating: Self.emptySlot, count: Self.frontSlotCount)
        var placed = 0
        for entry in 0..<count where placed < Self.frontCapacity && starts[entry + 1] - starts[entry] <= 8 {
            let key = withUnits(at: entry) { self.key($0) }
            var position = Int(truncatingIfNeeded: key.hash) & (Self.frontSlotCount - 1)
            while front[position].meta != 0 { position = (position + 1) & (Self.frontSlotCount - 1) }
            front[position] = Slot(prefix: key.prefix, last: key.last, meta: key.lengthAndTag | UInt64(entry + 1))
            placed += 1
        }
        self.front = front
    }

    /// Compares entry `entry` with `token` (whose ends already matched) unit by unit.
    @inline(never)
    private func restMatches(_ entry: Int, _ token: UnsafeBufferPointer<UInt16>) -> Bool {
        starts.withUnsafeBufferPointer { starts in
            arena.withUnsafeBufferPointer { arena in
                let start = starts[entry]
                guard starts[entry + 1] - start == token.count else { return false }
                let stored = arena.baseAddress! + start
                let probe = token.baseAddress!
                for index in 4..<token.count - 4 where stored[index] != probe[index] { return false }
                return true
            }
        }
    }

    /// The index of `token`, inserting it if absent; `inserted` tells which happened.
    @inline(__always)
    mutating func insert(_ token: UnsafeBufferPointer<UInt16>) -> (index: Int, inserted: Bool) {
        let key = self.key(token)
        if let existing = index(of: token, key: key) { return (existing, false) }
        return (append(token, key: key), true)
    }

    /// Adds `token`, which must be absent, and returns its new index.
    private mutating func append(_ token: UnsafeBufferPointer<UInt16>, key: Key) -> Int {
        let entry = count
        precondition(entry < Int(UInt32.max - 1), "TokenTable holds at most 2^32 - 2 entries")
        arena.append(contentsOf: token)
        starts.append(arena.count)
        count += 1
        if count * 4 > slots.count * 3 {
            grow()
        } else {
            place(entry, key: key)
        }
        return entry
    }

    private mutating func place(_ entry: Int, key: Key) {
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var position = Int(truncatingIfNeeded: key.hash) & mask
            while slots[position].meta != 0 { position = (position + 1) & mask }
            slots[position] = Slot(prefix: key.prefix, last: key.last, meta: key.lengthAndTag | UInt64(entry + 1))
        }
    }

    /// Doubles the slot array, re-keying every entry from the arena (rare: amortized).
    private mutating func grow() {
        slots = [Slot](repeating: Self.emptySlot, count: slots.count * 2)
        for entry in 0..<count {
            place(entry, key: withUnits(at: entry) { self.key($0) })
        }
        if front.isEmpty && slots.count >= Self.frontThreshold { buildFront() }
    }

    /// String convenience: index of `token`, or nil.
    func index(of token: String) -> Int? {
        let units = Array(token.utf16)
        return units.withUnsafeBufferPointer { index(of: $0) }
    }

    /// String convenience for insertion.
    mutating func insert(_ token: String) -> (index: Int, inserted: Bool) {
        let units = Array(token.utf16)
        return units.withUnsafeBufferPointer { insert($0) }
    }
}
