// The tokenizer's word scan for plain text: portable reference and AVX2 path (see CScan.h).
//
// Sixty-four units at a time, every unit becomes a bit in a few masks (word part, letter, digit,
// joins letters, joins digits, whitespace). Which mid units join their neighbours, where tokens
// start and where they end are then a handful of shifts and ands per block, instead of a branch
// per unit whose outcome (where a word ends) a CPU cannot predict.
#include "CScan.h"

#if defined(__x86_64__)
#define CS_X86 1
#include <immintrin.h>
#else
#define CS_X86 0
#endif

enum { BLOCK = 64 };

/// One block's units as bit masks (bit i: unit i of the block).
typedef struct {
    uint64_t word, letter, digit, joins_letters, joins_digits, space;
} word_masks;

/// Classifies `n` (≤ 64) units through the table; the rest of the block is whitespace.
/// Returns 0 when a unit is complex or outside the table.
static inline __attribute__((always_inline)) int classify_with_table(const uint16_t *units, size_t n,
                                                                     const uint8_t *kinds, size_t kinds_count,
                                                                     word_masks *m) {
    word_masks r = {0, 0, 0, 0, 0, n < BLOCK ? ~0ULL << n : 0};
    for (size_t i = 0; i < n; i++) {
        const uint16_t u = units[i];
        if (u >= kinds_count) return 0;
        const uint64_t k = kinds[u];
        if (k & CS_UNIT_COMPLEX) return 0;
        r.word |= (k & CS_UNIT_WORD) << i;
        r.letter |= ((k >> 1) & 1) << i;
        r.digit |= ((k >> 2) & 1) << i;
        r.joins_letters |= ((k >> 3) & 1) << i;
        r.joins_digits |= ((k >> 4) & 1) << i;
        r.space |= ((k >> 5) & 1) << i;
    }
    *m = r;
    return 1;
}

/// Appends the positions `base + i` of the bits set in `mask`, in order.
static inline __attribute__((always_inline)) size_t emit_positions(uint64_t mask, uint32_t base, uint32_t *out,
                                                                   size_t n) {
    while (mask) {
        out[n++] = base + (uint32_t)__builtin_ctzll(mask);
        mask &= mask - 1;
    }
    return n;
}

/// What the blocks so far leave for the next one: the top unit's bits.
typedef struct {
    uint64_t letter, digit, run, token;
} block_carry;

/// Finds the token starts and ends of block `cur` (whose units begin at `base`), given the next
/// block's masks (for joins across the boundary) and the previous block's top unit.
static inline __attribute__((always_inline)) void spans_of_block(const word_masks *cur, const word_masks *next,
                                                                 block_carry *carry, uint32_t base,
                                                                 uint32_t *starts, size_t *n_starts,
                                                                 uint32_t *ends, size_t *n_ends) {
    const uint64_t letter_left = (cur->letter << 1) | carry->letter;
    const uint64_t letter_right = (cur->letter >> 1) | (next->letter << 63);
    const uint64_t digit_left = (cur->digit << 1) | carry->digit;
    const uint64_t digit_right = (cur->digit >> 1) | (next->digit << 63);
    // A mid unit between two letters (MidLetter, MidNumLet) or two digits (MidNum, MidNumLet)
    // is inside the word: "can't", "e.g", "1,000.50".
    const uint64_t joined = (cur->joins_letters & letter_left & letter_right) |
                            (cur->joins_digits & digit_left & digit_right);
    // Runs of word parts and joined mids are words; every other unit but whitespace is a
    // token of its own.
    const uint64_t run = cur->word | joined;
    const uint64_t token = ~cur->space;
    const uint64_t continues = run & ((run << 1) | carry->run);
    const uint64_t first = token & ~continues;
    const uint64_t after_last = ((token << 1) | carry->token) & ~continues;
    *n_starts = emit_positions(first, base, starts, *n_starts);
    *n_ends = emit_positions(after_last, base, ends, *n_ends);
    carry->letter = cur->letter >> 63;
    carry->digit = cur->digit >> 63;
    carry->run = run >> 63;
    carry->token = token >> 63;
}

/// Classifies block `block` of `units[0 ..< count]` (a short last block as if padded with
/// spaces); 0 when a unit is complex or outside the table.
typedef int (*block_classifier)(const uint16_t *units, size_t count, size_t block, const uint8_t *kinds,
                                size_t kinds_count, word_masks *m);

/// The scan over all blocks, each classified one block ahead (joins look at the next unit).
static inline __attribute__((always_inline)) ptrdiff_t spans_by_blocks(block_classifier classify,
                                                                       const uint16_t *units, size_t count,
                                                                       const uint8_t *kinds, size_t kinds_count,
                                                                       uint32_t *starts, uint32_t *ends) {
    const size_t blocks = (count + BLOCK - 1) / BLOCK;
    const word_masks none = {0, 0, 0, 0, 0, ~0ULL};
    word_masks cur, next;
    if (!classify(units, count, 0, kinds, kinds_count, &cur)) return -1;
    block_carry carry = {0, 0, 0, 0};
    size_t n_starts = 0, n_ends = 0;
    for (size_t block = 0; block < blocks; block++) {
        if (block + 1 < blocks) {
            if (!classify(units, count, block + 1, kinds, kinds_count, &next)) return -1;
        } else {
            next = none;
        }
        spans_of_block(&cur, &next, &carry, (uint32_t)(block * BLOCK), starts, &n_starts, ends, &n_ends);
        cur = next;
    }
    if (carry.token) ends[n_ends++] = (uint32_t)count;
    return (ptrdiff_t)n_starts;
}

// MARK: AVX2

#if CS_X86
#define AVX2_TARGET __attribute__((target("avx2,bmi,popcnt")))

static inline AVX2_TARGET __m256i in_range_u8(__m256i v, uint8_t lo, uint8_t hi) {
    const __m256i clamped = _mm256_min_epu8(_mm256_max_epu8(v, _mm256_set1_epi8((char)lo)), _mm256_set1_epi8((char)hi));
    return _mm256_cmpeq_epi8(clamped, v);
}

static inline AVX2_TARGET __m256i equals_u8(__m256i v, uint8_t b) {
    return _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)b));
}

/// Units at or above U+0080 that are not Latin letters U+00C0–U+024F (× and ÷ are not letters).
static inline AVX2_TARGET __m256i unusual_u16(__m256i v) {
    const __m256i at_least_80 = _mm256_cmpeq_epi16(_mm256_max_epu16(v, _mm256_set1_epi16(0x80)), v);
    const __m256i latin = _mm256_cmpeq_epi16(
        _mm256_min_epu16(_mm256_max_epu16(v, _mm256_set1_epi16(0xC0)), _mm256_set1_epi16(0x24F)), v);
    const __m256i sign = _mm256_or_si256(_mm256_cmpeq_epi16(v, _mm256_set1_epi16(0xD7)),
                                         _mm256_cmpeq_epi16(v, _mm256_set1_epi16(0xF7)));
    return _mm256_andnot_si256(_mm256_andnot_si256(sign, latin), at_least_80);
}

/// Classifies 32 units. ASCII and Latin letters are classified by comparisons: the kinds ASCII
/// has in the table are fixed by the tokenizer (letters, "@", digits, "_", ". '" join letters
/// and digits, ", ;" join digits, space and tab … carriage return are whitespace), and every
/// Latin letter is a letter; tests check that these agree with the table. 32 units holding any
/// other character go through the table.
static inline AVX2_TARGET int classify32_avx2(const uint16_t *units, const uint8_t *kinds, size_t kinds_count,
                                              uint32_t masks[6]) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)units);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(units + 16));
    if (!_mm256_testz_si256(_mm256_or_si256(unusual_u16(a), unusual_u16(b)), _mm256_set1_epi8(-1))) {
        word_masks m;
        if (!classify_with_table(units, 32, kinds, kinds_count, &m)) return 0;
        masks[0] = (uint32_t)m.word;
        masks[1] = (uint32_t)m.letter;
        masks[2] = (uint32_t)m.digit;
        masks[3] = (uint32_t)m.joins_letters;
        masks[4] = (uint32_t)m.joins_digits;
        masks[5] = (uint32_t)m.space;
        return 1;
    }
    // To bytes, in order: Latin letters saturate to 0xC0–0xFF, ASCII stays.
    const __m256i bytes = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8);
    const __m256i high = _mm256_cmpgt_epi8(_mm256_setzero_si256(), bytes);
    const __m256i alpha = in_range_u8(_mm256_or_si256(bytes, _mm256_set1_epi8(0x20)), 'a', 'z');
    const __m256i letter = _mm256_or_si256(_mm256_or_si256(alpha, high), equals_u8(bytes, '@'));
    const __m256i digit = in_range_u8(bytes, '0', '9');
    const __m256i word = _mm256_or_si256(_mm256_or_si256(letter, digit), equals_u8(bytes, '_'));
    const __m256i joins_letters = _mm256_or_si256(equals_u8(bytes, '.'), equals_u8(bytes, '\''));
    const __m256i joins_digits =
        _mm256_or_si256(joins_letters, _mm256_or_si256(equals_u8(bytes, ','), equals_u8(bytes, ';')));
    const __m256i space = _mm256_or_si256(equals_u8(bytes, ' '), in_range_u8(bytes, 0x09, 0x0D));
    masks[0] = (uint32_t)_mm256_movemask_epi8(word);
    masks[1] = (uint32_t)_mm256_movemask_epi8(letter);
    masks[2] = (uint32_t)_mm256_movemask_epi8(digit);
    masks[3] = (uint32_t)_mm256_movemask_epi8(joins_letters);
    masks[4] = (uint32_t)_mm256_movemask_epi8(joins_digits);
    masks[5] = (uint32_t)_mm256_movemask_epi8(space);
    return 1;
}

/// Classifies a block of 64 units (a whole block: the caller pads a short last one).
static inline AVX2_TARGET int classify64_avx2(const uint16_t *units, const uint8_t *kinds, size_t kinds_count,
                                              word_masks *m) {
    uint32_t low[6], high[6];
    if (!classify32_avx2(units, kinds, kinds_count, low) || !classify32_avx2(units + 32, kinds, kinds_count, high))
        return 0;
    m->word = low[0] | (uint64_t)high[0] << 32;
    m->letter = low[1] | (uint64_t)high[1] << 32;
    m->digit = low[2] | (uint64_t)high[2] << 32;
    m->joins_letters = low[3] | (uint64_t)high[3] << 32;
    m->joins_digits = low[4] | (uint64_t)high[4] << 32;
    m->space = low[5] | (uint64_t)high[5] << 32;
    return 1;
}

static AVX2_TARGET int classify_block_avx2(const uint16_t *units, size_t count, size_t block, const uint8_t *kinds,
                                           size_t kinds_count, word_masks *m) {
    const size_t start = block * BLOCK;
    if (start + BLOCK <= count) return classify64_avx2(units + start, kinds, kinds_count, m);
    // The last, short block, when the caller left no room to pad it in place: a padded copy.
    uint16_t padded[BLOCK];
    const __m256i spaces = _mm256_set1_epi16(0x20);
    for (size_t i = 0; i < BLOCK; i += 16) _mm256_storeu_si256((__m256i *)(padded + i), spaces);
    for (size_t i = 0; i < count - start; i++) padded[i] = units[start + i];
    return classify64_avx2(padded, kinds, kinds_count, m);
}

static AVX2_TARGET ptrdiff_t spans_avx2(uint16_t *units, size_t count, size_t capacity, const uint8_t *kinds,
                                        size_t kinds_count, uint32_t *starts, uint32_t *ends) {
    const size_t blocks = (count + BLOCK - 1) / BLOCK;
    if (capacity >= blocks * BLOCK) {
        // Spaces join nothing and make no token: the last block is padded with them in place.
        const __m256i spaces = _mm256_set1_epi16(0x20);
        for (size_t i = count; i < blocks * BLOCK; i += 16) _mm256_storeu_si256((__m256i *)(units + i), spaces);
        count = blocks * BLOCK;
    }
    return spans_by_blocks(classify_block_avx2, units, count, kinds, kinds_count, starts, ends);
}
#endif

// MARK: Portable reference

static int classify_block_portable(const uint16_t *units, size_t count, size_t block, const uint8_t *kinds,
                                   size_t kinds_count, word_masks *m) {
    const size_t start = block * BLOCK;
    const size_t n = count - start < BLOCK ? count - start : BLOCK;
    return classify_with_table(units + start, n, kinds, kinds_count, m);
}

static ptrdiff_t spans_portable(const uint16_t *units, size_t count, const uint8_t *kinds, size_t kinds_count,
                                uint32_t *starts, uint32_t *ends) {
    return spans_by_blocks(classify_block_portable, units, count, kinds, kinds_count, starts, ends);
}

// MARK: Entry point

ptrdiff_t cs_plain_word_spans(int isa, uint16_t *units, size_t count, size_t capacity, const uint8_t *kinds,
                              size_t kinds_count, uint32_t *starts, uint32_t *ends) {
    if (count == 0) return 0;
    if (count > UINT32_MAX - BLOCK) return -1;
#if CS_X86
    // The AVX-512 path is the AVX2 one: a block is two 32-unit halves either way.
    if (isa >= CS_ISA_AVX2 && cs_isa_supported(CS_ISA_AVX2))
        return spans_avx2(units, count, capacity, kinds, kinds_count, starts, ends);
#endif
    (void)capacity;
    (void)isa;
    return spans_portable(units, count, kinds, kinds_count, starts, ends);
}
