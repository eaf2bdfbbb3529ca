// The reader's byte scanners: portable reference, AVX2 and AVX-512 paths (see CScan.h).
#include "CScan.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#define CS_X86 1
#include <immintrin.h>
#else
#define CS_X86 0
#endif

// MARK: Dispatch

static int detect_hardware(void) {
    int best = CS_ISA_PORTABLE;
#if CS_X86
    // __builtin_cpu_supports also requires the OS to save the vector registers (XCR0).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("popcnt")) {
        best = CS_ISA_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
            best = CS_ISA_AVX512;
    }
#endif
    return best;
}

// Racing first calls all compute the same values, so relaxed caches are enough.
static int cached_hardware = -1, cached_best = -1;

int cs_isa_supported(int isa) {
    int hw = __atomic_load_n(&cached_hardware, __ATOMIC_RELAXED);
    if (hw < 0) {
        hw = detect_hardware();
        __atomic_store_n(&cached_hardware, hw, __ATOMIC_RELAXED);
    }
    return isa >= CS_ISA_PORTABLE && isa <= hw;
}

int cs_isa_best(void) {
    int v = __atomic_load_n(&cached_best, __ATOMIC_RELAXED);
    if (v < 0) {
        int hw = CS_ISA_AVX512;
        while (!cs_isa_supported(hw)) hw--;
        v = hw;
        // The same cap as NeuralCore's kernels, so one variable forces a whole program's path.
        const char *cap = getenv("CK_ISA");
        if (cap != NULL) {
            int limit = hw;
            if (strcmp(cap, "portable") == 0) limit = CS_ISA_PORTABLE;
            else if (strcmp(cap, "avx2") == 0) limit = CS_ISA_AVX2;
            else if (strcmp(cap, "avx512") == 0) limit = CS_ISA_AVX512;
            if (limit < v) v = limit;
        }
        __atomic_store_n(&cached_best, v, __ATOMIC_RELAXED);
    }
    return v;
}

// MARK: Portable reference

static size_t find_quote_portable(const uint8_t *p, size_t n, uint8_t quote, size_t *line_feeds) {
    size_t lf = 0, i = 0;
    for (; i < n && p[i] != quote; i++) lf += p[i] == '\n';
    *line_feeds += lf;
    return i;
}

static size_t find_any3_portable(const uint8_t *p, size_t n, uint8_t a, uint8_t b, uint8_t c) {
    size_t i = 0;
    while (i < n && p[i] != a && p[i] != b && p[i] != c) i++;
    return i;
}

static int utf8_valid_portable(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        const uint8_t lead = p[i];
        if (lead < 0x80) {
            i++;
            continue;
        }
        size_t needed;
        uint8_t lower = 0x80, upper = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) needed = 1;
        else if (lead == 0xE0) needed = 2, lower = 0xA0;
        else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) needed = 2;
        else if (lead == 0xED) needed = 2, upper = 0x9F;
        else if (lead == 0xF0) needed = 3, lower = 0x90;
        else if (lead >= 0xF1 && lead <= 0xF3) needed = 3;
        else if (lead == 0xF4) needed = 3, upper = 0x8F;
        else return 0;
        if (i + needed >= n) return 0;
        if (p[i + 1] < lower || p[i + 1] > upper) return 0;
        for (size_t k = 2; k <= needed; k++)
            if ((p[i + k] & 0xC0) != 0x80) return 0;
        i += needed + 1;
    }
    return 1;
}

static void measure_portable(const uint8_t *p, size_t n, size_t *scalars, size_t *words) {
    size_t continuation = 0, starts = 0;
    int previous_non_space = 0;
    for (size_t i = 0; i < n; i++) {
        continuation += (p[i] & 0xC0) == 0x80;
        const int non_space = p[i] > 0x20;
        starts += non_space && !previous_non_space;
        previous_non_space = non_space;
    }
    *scalars = n - continuation;
    *words = starts;
}

#if CS_X86

// MARK: UTF-8 validation tables
//
// Keiser and Lemire's "lookup" validation (Validating UTF-8 in less than one instruction per
// byte, 2021): each byte pair (previous byte's high and low nibble, this byte's high nibble) is
// looked up in three 16-entry tables whose AND is non-zero exactly for the invalid pairs; the
// third and fourth bytes of long sequences are checked by comparing "must be a continuation"
// with what the pair tables said.

enum {
    TOO_SHORT = 1 << 0,  // 11______ followed by 0_______ or 11______
    TOO_LONG = 1 << 1,   // 0_______ followed by 10______
    OVERLONG_3 = 1 << 2, // 11100000 100_____
    TOO_LARGE = 1 << 3,  // 11110100 1001____, 11110100 101_____, 11110101+ 10______
    SURROGATE = 1 << 4,  // 11101101 101_____
    OVERLONG_2 = 1 << 5, // 1100000_ 10______
    TOO_LARGE_1000 = 1 << 6, // 11110101+ 1000____
    OVERLONG_4 = 1 << 6, // 11110000 1000____
    TWO_CONTS = 1 << 7,  // 10______ 10______
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

#define CS_TABLE(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)                            \
    (char)(a0), (char)(a1), (char)(a2), (char)(a3), (char)(a4), (char)(a5), (char)(a6), (char)(a7), (char)(a8),      \
        (char)(a9), (char)(a10), (char)(a11), (char)(a12), (char)(a13), (char)(a14), (char)(a15)

#define CS_BYTE_1_HIGH                                                                                              \
    CS_TABLE(TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TWO_CONTS, TWO_CONTS,    \
             TWO_CONTS, TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,            \
             TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4)
#define CS_BYTE_1_LOW                                                                                               \
    CS_TABLE(CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY, CARRY | TOO_LARGE,       \
             CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,                                 \
             CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,                                 \
             CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,                                 \
             CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,                                 \
             CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, CARRY | TOO_LARGE | TOO_LARGE_1000,                     \
             CARRY | TOO_LARGE | TOO_LARGE_1000)
#define CS_BYTE_2_HIGH                                                                                              \
    CS_TABLE(TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,                 \
             TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,                           \
             TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,                                             \
             TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                                              \
             TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT)

// MARK: AVX2

#define CS_AVX2 __attribute__((target("avx2,bmi,popcnt")))

/// `count` (< 32) bytes into a zeroed vector, without reading past them.
CS_AVX2 static inline __m256i load_tail_avx2(const uint8_t *p, size_t count) {
    uint8_t buffer[32] = {0};
    memcpy(buffer, p, count);
    return _mm256_loadu_si256((const __m256i *)buffer);
}

CS_AVX2 static size_t find_quote_avx2(const uint8_t *p, size_t n, uint8_t quote, size_t *line_feeds) {
    const __m256i q = _mm256_set1_epi8((char)quote), lf = _mm256_set1_epi8('\n');
    size_t count = 0, i = 0;
    for (; i < n; i += 32) {
        const size_t left = n - i;
        const __m256i v = left >= 32 ? _mm256_loadu_si256((const __m256i *)(p + i)) : load_tail_avx2(p + i, left);
        uint32_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, q));
        uint32_t feeds = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, lf));
        if (left < 32) {
            // Zero padding could equal a NUL quote or delimiter; only real bytes count.
            const uint32_t real = (1u << left) - 1;
            quotes &= real;
            feeds &= real;
        }
        if (quotes) {
            const unsigned at = (unsigned)__builtin_ctz(quotes);
            *line_feeds += count + (size_t)__builtin_popcount(feeds & ((1u << at) - 1));
            return i + at;
        }
        count += (size_t)__builtin_popcount(feeds);
    }
    *line_feeds += count;
    return n;
}

CS_AVX2 static size_t find_any3_avx2(const uint8_t *p, size_t n, uint8_t a, uint8_t b, uint8_t c) {
    const __m256i va = _mm256_set1_epi8((char)a), vb = _mm256_set1_epi8((char)b), vc = _mm256_set1_epi8((char)c);
    for (size_t i = 0; i < n; i += 32) {
        const size_t left = n - i;
        const __m256i v = left >= 32 ? _mm256_loadu_si256((const __m256i *)(p + i)) : load_tail_avx2(p + i, left);
        const __m256i hit = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, va), _mm256_cmpeq_epi8(v, vb)),
                                            _mm256_cmpeq_epi8(v, vc));
        uint32_t mask = (uint32_t)_mm256_movemask_epi8(hit);
        if (left < 32) mask &= (1u << left) - 1;
        if (mask) return i + (size_t)__builtin_ctz(mask);
    }
    return n;
}

/// The error bits of one 32-byte block of the lookup validation, given the block before it.
CS_AVX2 static inline __m256i utf8_block_errors_avx2(__m256i input, __m256i previous) {
    const __m256i shifted = _mm256_permute2x128_si256(previous, input, 0x21);
    const __m256i prev1 = _mm256_alignr_epi8(input, shifted, 15);
    const __m256i prev2 = _mm256_alignr_epi8(input, shifted, 14);
    const __m256i prev3 = _mm256_alignr_epi8(input, shifted, 13);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i byte_1_high = _mm256_shuffle_epi8(_mm256_setr_epi8(CS_BYTE_1_HIGH, CS_BYTE_1_HIGH),
                                                    _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble));
    const __m256i byte_1_low = _mm256_shuffle_epi8(_mm256_setr_epi8(CS_BYTE_1_LOW, CS_BYTE_1_LOW),
                                                   _mm256_and_si256(prev1, nibble));
    const __m256i byte_2_high = _mm256_shuffle_epi8(_mm256_setr_epi8(CS_BYTE_2_HIGH, CS_BYTE_2_HIGH),
                                                    _mm256_and_si256(_mm256_srli_epi16(input, 4), nibble));
    const __m256i special = _mm256_and_si256(_mm256_and_si256(byte_1_high, byte_1_low), byte_2_high);
    // High bit set where the byte must be the third or fourth of a sequence.
    const __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    const __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    const __m256i must23 = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(must23, special);
}

/// Non-zero where the block's last bytes start a sequence it does not finish.
CS_AVX2 static inline __m256i utf8_incomplete_avx2(__m256i input) {
    const __m256i limits = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, (char)(0xF0 - 1),
                                            (char)(0xE0 - 1), (char)(0xC0 - 1));
    return _mm256_subs_epu8(input, limits);
}

/// Validation over full blocks and a zero-padded tail `tail_of` supplies (AVX2: a copy).
CS_AVX2 static int utf8_valid_avx2(const uint8_t *p, size_t n) {
    // Most records are ASCII through and through: settle them with one OR pass (not whole
    // pieces of a stream, which nearly always hold something else somewhere).
    if (n <= 1024) {
        __m256i seen = _mm256_setzero_si256();
        for (size_t i = 0; i < n; i += 32) {
            const size_t left = n - i;
            seen = _mm256_or_si256(seen, left >= 32 ? _mm256_loadu_si256((const __m256i *)(p + i)) : load_tail_avx2(p + i, left));
        }
        if (_mm256_movemask_epi8(seen) == 0) return 1;
    }
    __m256i previous = _mm256_setzero_si256(), error = _mm256_setzero_si256(), incomplete = _mm256_setzero_si256();
    for (size_t i = 0; i < n; i += 32) {
        const size_t left = n - i;
        const __m256i input = left >= 32 ? _mm256_loadu_si256((const __m256i *)(p + i)) : load_tail_avx2(p + i, left);
        if (_mm256_movemask_epi8(input) == 0) {
            // ASCII: valid unless the block before left a sequence unfinished.
            error = _mm256_or_si256(error, incomplete);
        } else {
            error = _mm256_or_si256(error, utf8_block_errors_avx2(input, previous));
            incomplete = utf8_incomplete_avx2(input);
        }
        previous = input;
        // Padding zeros after an unfinished sequence are caught as TOO_SHORT in the block itself.
        if (left <= 32) error = _mm256_or_si256(error, utf8_incomplete_avx2(input));
    }
    return _mm256_testz_si256(error, error);
}

CS_AVX2 static void measure_avx2(const uint8_t *p, size_t n, size_t *scalars, size_t *words) {
    const __m256i top2 = _mm256_set1_epi8((char)0xC0), cont = _mm256_set1_epi8((char)0x80);
    const __m256i space_limit = _mm256_set1_epi8(0x21);
    size_t continuation = 0, starts = 0;
    uint32_t carry = 0;  // 1 when the byte before the block was not a space
    for (size_t i = 0; i < n; i += 32) {
        const size_t left = n - i;
        const __m256i v = left >= 32 ? _mm256_loadu_si256((const __m256i *)(p + i)) : load_tail_avx2(p + i, left);
        // Padding zeros are neither continuation bytes nor word bytes.
        const uint32_t continuations = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(v, top2), cont));
        const uint32_t non_space = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(v, space_limit), v));
        continuation += (size_t)__builtin_popcount(continuations);
        starts += (size_t)__builtin_popcount(non_space & ~((non_space << 1) | carry));
        carry = non_space >> 31;
    }
    *scalars = n - continuation;
    *words = starts;
}

// MARK: AVX-512

#define CS_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,bmi,popcnt")))

/// Mask of the first `count` (≤ 64) lanes.
CS_AVX512 static inline __mmask64 first_lanes(size_t count) {
    return count >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << count) - 1);
}

CS_AVX512 static size_t find_quote_avx512(const uint8_t *p, size_t n, uint8_t quote, size_t *line_feeds) {
    const __m512i q = _mm512_set1_epi8((char)quote), lf = _mm512_set1_epi8('\n');
    size_t count = 0;
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 real = first_lanes(n - i);
        // Masked loads never touch the bytes past the end (faults are suppressed).
        const __m512i v = _mm512_maskz_loadu_epi8(real, p + i);
        const uint64_t quotes = _mm512_mask_cmpeq_epi8_mask(real, v, q);
        const uint64_t feeds = _mm512_mask_cmpeq_epi8_mask(real, v, lf);
        if (quotes) {
            const unsigned at = (unsigned)__builtin_ctzll(quotes);
            *line_feeds += count + (size_t)__builtin_popcountll(feeds & ((1ull << at) - 1));
            return i + at;
        }
        count += (size_t)__builtin_popcountll(feeds);
    }
    *line_feeds += count;
    return n;
}

CS_AVX512 static size_t find_any3_avx512(const uint8_t *p, size_t n, uint8_t a, uint8_t b, uint8_t c) {
    const __m512i va = _mm512_set1_epi8((char)a), vb = _mm512_set1_epi8((char)b), vc = _mm512_set1_epi8((char)c);
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 real = first_lanes(n - i);
        const __m512i v = _mm512_maskz_loadu_epi8(real, p + i);
        const uint64_t hits = _mm512_mask_cmpeq_epi8_mask(real, v, va) | _mm512_mask_cmpeq_epi8_mask(real, v, vb) |
                              _mm512_mask_cmpeq_epi8_mask(real, v, vc);
        if (hits) return i + (size_t)__builtin_ctzll(hits);
    }
    return n;
}

/// The lookup validation's error bits for one 64-byte block (the AVX2 steps, four lanes wide).
CS_AVX512 static inline __m512i utf8_block_errors_avx512(__m512i input, __m512i previous) {
    // Each 16-byte lane next to the lane before it (the last lane of `previous` for the first).
    const __m512i shifted = _mm512_alignr_epi32(input, previous, 12);
    const __m512i prev1 = _mm512_alignr_epi8(input, shifted, 15);
    const __m512i prev2 = _mm512_alignr_epi8(input, shifted, 14);
    const __m512i prev3 = _mm512_alignr_epi8(input, shifted, 13);
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    const __m512i byte_1_high = _mm512_shuffle_epi8(_mm512_broadcast_i32x4(_mm_setr_epi8(CS_BYTE_1_HIGH)),
                                                    _mm512_and_si512(_mm512_srli_epi16(prev1, 4), nibble));
    const __m512i byte_1_low = _mm512_shuffle_epi8(_mm512_broadcast_i32x4(_mm_setr_epi8(CS_BYTE_1_LOW)),
                                                   _mm512_and_si512(prev1, nibble));
    const __m512i byte_2_high = _mm512_shuffle_epi8(_mm512_broadcast_i32x4(_mm_setr_epi8(CS_BYTE_2_HIGH)),
                                                    _mm512_and_si512(_mm512_srli_epi16(input, 4), nibble));
    const __m512i special = _mm512_and_si512(_mm512_and_si512(byte_1_high, byte_1_low), byte_2_high);
    const __m512i third = _mm512_subs_epu8(prev2, _mm512_set1_epi8((char)(0xE0 - 0x80)));
    const __m512i fourth = _mm512_subs_epu8(prev3, _mm512_set1_epi8((char)(0xF0 - 0x80)));
    const __m512i must23 = _mm512_and_si512(_mm512_or_si512(third, fourth), _mm512_set1_epi8((char)0x80));
    return _mm512_xor_si512(must23, special);
}

/// Non-zero where the block's last three bytes start a sequence it does not finish.
CS_AVX512 static inline __m512i utf8_incomplete_avx512(__m512i input) {
    const __m512i limits = _mm512_set_epi64((long long)0xBFDFEFFFFFFFFFFFull, -1, -1, -1, -1, -1, -1, -1);
    return _mm512_subs_epu8(input, limits);
}

/// Long inputs (pieces of a stream): 64 bytes a step, masked tail.
CS_AVX512 static int utf8_valid_long_avx512(const uint8_t *p, size_t n) {
    __m512i previous = _mm512_setzero_si512(), error = _mm512_setzero_si512(), incomplete = _mm512_setzero_si512();
    for (size_t i = 0; i < n; i += 64) {
        const size_t left = n - i;
        const __m512i input = _mm512_maskz_loadu_epi8(first_lanes(left), p + i);
        if (_mm512_movepi8_mask(input) == 0) {
            error = _mm512_or_si512(error, incomplete);
        } else {
            error = _mm512_or_si512(error, utf8_block_errors_avx512(input, previous));
            incomplete = utf8_incomplete_avx512(input);
        }
        previous = input;
        if (left <= 64) error = _mm512_or_si512(error, utf8_incomplete_avx512(input));
    }
    return _mm512_test_epi8_mask(error, error) == 0;
}

// Records are short (tens of bytes), so their validation stays 32 bytes wide; AVX-512 spares the
// tail's copy with a masked load.
CS_AVX512 static int utf8_valid_avx512(const uint8_t *p, size_t n) {
    if (n > 1024) return utf8_valid_long_avx512(p, n);
    // Most records are ASCII through and through: one or two 64-byte steps settle them. (Not
    // for whole pieces of a stream, which nearly always hold something else somewhere.)
    if (n <= 1024) {
        __m512i seen = _mm512_setzero_si512();
        for (size_t i = 0; i < n; i += 64) seen = _mm512_or_si512(seen, _mm512_maskz_loadu_epi8(first_lanes(n - i), p + i));
        if (_mm512_movepi8_mask(seen) == 0) return 1;
    }
    __m256i previous = _mm256_setzero_si256(), error = _mm256_setzero_si256(), incomplete = _mm256_setzero_si256();
    for (size_t i = 0; i < n; i += 32) {
        const size_t left = n - i;
        const __m256i input = _mm256_maskz_loadu_epi8((__mmask32)first_lanes(left < 32 ? left : 32), p + i);
        if (_mm256_movemask_epi8(input) == 0) {
            error = _mm256_or_si256(error, incomplete);
        } else {
            error = _mm256_or_si256(error, utf8_block_errors_avx2(input, previous));
            incomplete = utf8_incomplete_avx2(input);
        }
        previous = input;
        if (left <= 32) error = _mm256_or_si256(error, utf8_incomplete_avx2(input));
    }
    return _mm256_testz_si256(error, error);
}

CS_AVX512 static void measure_avx512(const uint8_t *p, size_t n, size_t *scalars, size_t *words) {
    const __m512i top2 = _mm512_set1_epi8((char)0xC0), cont = _mm512_set1_epi8((char)0x80);
    const __m512i space = _mm512_set1_epi8(0x20);
    size_t continuation = 0, starts = 0;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 real = first_lanes(n - i);
        const __m512i v = _mm512_maskz_loadu_epi8(real, p + i);
        const uint64_t continuations = _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, top2), cont);
        const uint64_t non_space = _mm512_cmpgt_epu8_mask(v, space);
        continuation += (size_t)__builtin_popcountll(continuations);
        starts += (size_t)__builtin_popcountll(non_space & ~((non_space << 1) | carry));
        carry = non_space >> 63;
    }
    *scalars = n - continuation;
    *words = starts;
}

#endif  // CS_X86

// MARK: Entry points

/// `cs_isa_supported` without the call: the scanners run per field, so the check is inlined.
static inline int supported(int isa) {
    const int hw = __atomic_load_n(&cached_hardware, __ATOMIC_RELAXED);
    return hw >= 0 ? isa <= hw : cs_isa_supported(isa);
}

size_t cs_find_quote_counting_line_feeds(int isa, const uint8_t *bytes, size_t count, uint8_t quote,
                                         size_t *line_feeds) {
#if CS_X86
    if (isa == CS_ISA_AVX512 && supported(CS_ISA_AVX512)) return find_quote_avx512(bytes, count, quote, line_feeds);
    if (isa >= CS_ISA_AVX2 && supported(CS_ISA_AVX2)) return find_quote_avx2(bytes, count, quote, line_feeds);
#endif
    return find_quote_portable(bytes, count, quote, line_feeds);
}

size_t cs_find_any_of_three(int isa, const uint8_t *bytes, size_t count, uint8_t a, uint8_t b, uint8_t c) {
#if CS_X86
    if (isa == CS_ISA_AVX512 && supported(CS_ISA_AVX512)) return find_any3_avx512(bytes, count, a, b, c);
    if (isa >= CS_ISA_AVX2 && supported(CS_ISA_AVX2)) return find_any3_avx2(bytes, count, a, b, c);
#endif
    return find_any3_portable(bytes, count, a, b, c);
}

int cs_utf8_is_valid(int isa, const uint8_t *bytes, size_t count) {
#if CS_X86
    if (isa == CS_ISA_AVX512 && supported(CS_ISA_AVX512)) return utf8_valid_avx512(bytes, count);
    if (isa >= CS_ISA_AVX2 && supported(CS_ISA_AVX2)) return utf8_valid_avx2(bytes, count);
#endif
    return utf8_valid_portable(bytes, count);
}

void cs_measure_text(int isa, const uint8_t *bytes, size_t count, size_t *scalars, size_t *words) {
#if CS_X86
    if (isa == CS_ISA_AVX512 && supported(CS_ISA_AVX512)) {
        measure_avx512(bytes, count, scalars, words);
        return;
    }
    if (isa >= CS_ISA_AVX2 && supported(CS_ISA_AVX2)) {
        measure_avx2(bytes, count, scalars, words);
        return;
    }
#endif
    measure_portable(bytes, count, scalars, words);
}

// The same loop per path, so that each path's measure is inlined into it.
#define CS_MEASURE_RECORDS(measure)                                                                                 \
    size_t start = 0;                                                                                               \
    for (size_t i = 0; i < count; i++) {                                                                            \
        const size_t end = (size_t)ends[i];                                                                         \
        size_t s, w;                                                                                                \
        measure(bytes + start, end - start, &s, &w);                                                                \
        scalars[i] = (intptr_t)s;                                                                                   \
        words[i] = (intptr_t)w;                                                                                     \
        start = end;                                                                                                \
    }

static void measure_records_portable(const uint8_t *bytes, const intptr_t *ends, size_t count, intptr_t *scalars,
                                     intptr_t *words) {
    CS_MEASURE_RECORDS(measure_portable)
}

#if CS_X86
CS_AVX2 static void measure_records_avx2(const uint8_t *bytes, const intptr_t *ends, size_t count, intptr_t *scalars,
                                         intptr_t *words) {
    CS_MEASURE_RECORDS(measure_avx2)
}

CS_AVX512 static void measure_records_avx512(const uint8_t *bytes, const intptr_t *ends, size_t count,
                                             intptr_t *scalars, intptr_t *words) {
    CS_MEASURE_RECORDS(measure_avx512)
}
#endif

void cs_measure_records(int isa, const uint8_t *bytes, const intptr_t *ends, size_t count, intptr_t *scalars,
                        intptr_t *words) {
#if CS_X86
    if (isa == CS_ISA_AVX512 && supported(CS_ISA_AVX512)) {
        measure_records_avx512(bytes, ends, count, scalars, words);
        return;
    }
    if (isa >= CS_ISA_AVX2 && supported(CS_ISA_AVX2)) {
        measure_records_avx2(bytes, ends, count, scalars, words);
        return;
    }
#endif
    measure_records_portable(bytes, ends, count, scalars, words);
}

// MARK: Streams

/// The length of the sequence a lead byte starts (1 for ASCII and for bytes that cannot lead,
/// which validation rejects anyway).
static size_t sequence_length(uint8_t lead) {
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    if (lead >= 0xE0 && lead < 0xF0) return 3;
    if (lead >= 0xC2 && lead < 0xE0) return 2;
    return 1;
}

int cs_utf8_stream_validate(int isa, cs_utf8_stream *stream, const uint8_t *bytes, size_t count) {
    if (stream->failed) return 0;
    size_t start = 0;
    if (stream->pending_count > 0) {
        // Finish the sequence the last piece left open, then validate it alone.
        const size_t needed = sequence_length(stream->pending[0]);
        while (stream->pending_count < needed && start < count) {
            const uint8_t byte = bytes[start++];
            stream->pending[stream->pending_count++] = byte;
            // A byte that cannot continue the sequence (an ASCII delimiter, say) may end a record
            // in this very piece: fail now, not when the sequence would have been complete.
            if ((byte & 0xC0) != 0x80) {
                stream->failed = 1;
                return 0;
            }
        }
        // A piece shorter than the rest of the sequence: only continuation bytes so far, so no
        // record can end inside it; the whole sequence is checked once complete.
        if (stream->pending_count < needed) return 1;
        stream->pending_count = 0;
        if (!cs_utf8_is_valid(isa, stream->pending, needed)) {
            stream->failed = 1;
            return 0;
        }
    }
    // Hold back a sequence that the piece ends inside: its last lead byte within three of the end.
    size_t end = count;
    for (size_t back = 1; back <= 3 && back <= count - start; back++) {
        const uint8_t byte = bytes[count - back];
        if ((byte & 0xC0) == 0x80) continue;
        if (sequence_length(byte) > back) end = count - back;
        break;
    }
    if (!cs_utf8_is_valid(isa, bytes + start, end - start)) {
        stream->failed = 1;
        return 0;
    }
    for (size_t i = end; i < count; i++) stream->pending[stream->pending_count++] = bytes[i];
    return 1;
}

int cs_utf8_stream_is_complete(const cs_utf8_stream *stream) {
    return !stream->failed && stream->pending_count == 0;
}
