#ifndef CSCAN_H
#define CSCAN_H
// The corpus reader's byte scanners (`cs_*`): finding the structural bytes of CSV (quotes,
// delimiters, line breaks), validating UTF-8 and measuring records, sixty-four or thirty-two
// bytes at a time; and the tokenizer's word scan of plain text (`cs_plain_word_spans`). Swift is compiled for baseline x86-64 (SSE2) and its eight-byte SWAR loops
// made parsing, not inflating, the limit of a read; these reach AVX2 and AVX-512 through
// per-function target attributes and pick the path at run time.
//
// A target of its own rather than part of CKernels: CorpusReader and Tokenization must not depend
// on NeuralCore.
//
// Dispatch: every scanner takes the instruction set to run on (`CS_ISA_*`) explicitly, so tests
// run each path on the same inputs; callers normally pass `cs_isa_best()`, which honours the
// same `CK_ISA=portable|avx2|avx512` cap as NeuralCore's kernels. Every path returns exactly the
// same results (the portable path is the plain-C reference). No scanner reads a byte outside
// the buffer it is given (tails are masked loads or copies), so buffers need no padding.

#include <stddef.h>
#include <stdint.h>

/// The instruction sets a scanner can run on (the same numbers as CKernels' `CK_ISA_*`).
enum {
    CS_ISA_PORTABLE = 0,  ///< plain C
    CS_ISA_AVX2 = 1,      ///< AVX2, 32 bytes a step
    CS_ISA_AVX512 = 2,    ///< AVX-512 F + BW + VL, 64 bytes a step (masked tails)
};

/// Whether this CPU and OS can run scanners for `isa`.
int cs_isa_supported(int isa);

/// The best supported instruction set, capped by the environment variable `CK_ISA` when it is
/// set (`portable`, `avx2` or `avx512`). Detected once.
int cs_isa_best(void);

/// The index of the first `quote` in `bytes[0 ..< count]` (`count` when there is none), and in
/// `*line_feeds` the number of `\n` bytes before it (added to what it held).
size_t cs_find_quote_counting_line_feeds(int isa, const uint8_t *bytes, size_t count, uint8_t quote,
                                         size_t *line_feeds);

/// The index of the first byte equal to `a`, `b` or `c` in `bytes[0 ..< count]`, or `count`.
size_t cs_find_any_of_three(int isa, const uint8_t *bytes, size_t count, uint8_t a, uint8_t b, uint8_t c);

/// 1 when `bytes[0 ..< count]` is well-formed UTF-8 (no overlong forms, surrogates, values past
/// U+10FFFF, stray or missing continuation bytes), else 0.
int cs_utf8_is_valid(int isa, const uint8_t *bytes, size_t count);

/// Validation of a stream handed over in pieces that may split a character: what is left of
/// an unfinished sequence at a piece's end waits for the next piece. Zero-initialise to start.
typedef struct {
    uint8_t pending[4];     ///< the unfinished sequence's bytes so far
    uint8_t pending_count;  ///< how many of `pending` are used (0–3)
    uint8_t failed;         ///< 1 once an ill-formed sequence was met
} cs_utf8_stream;

/// Validates the next `count` bytes of the stream: 1 when everything so far, except an
/// unfinished sequence at the very end, is well-formed UTF-8; 0 from the first ill-formed byte on
/// (for the rest of the stream).
int cs_utf8_stream_validate(int isa, cs_utf8_stream *stream, const uint8_t *bytes, size_t count);

/// 1 when the stream so far is well-formed and does not end inside a sequence.
int cs_utf8_stream_is_complete(const cs_utf8_stream *stream);

/// Unicode scalars (bytes that are not continuation bytes `10xxxxxx`) and words (maximal runs of
/// bytes above 0x20: space, tab, line breaks and other controls separate words) of
/// `bytes[0 ..< count]`, which is valid UTF-8.
void cs_measure_text(int isa, const uint8_t *bytes, size_t count, size_t *scalars, size_t *words);

/// `cs_measure_text` for `count` records stored back to back: record `i` is
/// `bytes[ends[i - 1] ..< ends[i]]` (from 0 for the first). One call per chunk of records rather
/// than per record, whose call and dispatch cost as much as measuring a short record.
void cs_measure_records(int isa, const uint8_t *bytes, const intptr_t *ends, size_t count, intptr_t *scalars,
                        intptr_t *words);

/// What a plain-text unit is to `cs_plain_word_spans`: bits of one byte per code point.
enum {
    CS_UNIT_WORD = 1,           ///< part of a word: letter, digit, "_"
    CS_UNIT_LETTER = 2,         ///< a letter (joins across CS_UNIT_JOINS_LETTERS)
    CS_UNIT_DIGIT = 4,          ///< a digit (joins across CS_UNIT_JOINS_DIGITS)
    CS_UNIT_JOINS_LETTERS = 8,  ///< inside a word between two letters (MidLetter, MidNumLet)
    CS_UNIT_JOINS_DIGITS = 16,  ///< inside a word between two digits (MidNum, MidNumLet)
    CS_UNIT_SPACE = 32,         ///< whitespace: separates tokens, is never part of one
    CS_UNIT_COMPLEX = 64,       ///< not handled here (extends, formats, …): the caller's loop takes the text
};

/// Splits plain UTF-16 text into word-level tokens with punctuation kept: every maximal run of
/// word parts and joined mid units (a mid between two letters or two digits, as its bits say) is
/// a token, and so is every other unit that is not whitespace, alone. `kinds[u]` holds unit `u`'s
/// `CS_UNIT_*` bits for `u < kinds_count`.
///
/// Writes token `i` as `units[starts[i] ..< ends[i]]` (both arrays need room for `count`
/// entries) and returns the number of tokens; returns -1, with the arrays' contents undefined,
/// when a unit is CS_UNIT_COMPLEX or not below `kinds_count`. `units` has room for `capacity`
/// units: when that reaches `count` rounded up to a multiple of 64, the scan overwrites the units
/// past `count` with spaces (the last block is then read in place, not copied). The AVX2 path
/// classifies ASCII and the Latin letters U+00C0–U+024F (but × ÷) by comparison, as the
/// tokenizer's table does; the AVX-512 path is the AVX2 path.
ptrdiff_t cs_plain_word_spans(int isa, uint16_t *units, size_t count, size_t capacity, const uint8_t *kinds,
                              size_t kinds_count, uint32_t *starts, uint32_t *ends);

/// Asks the CPU to start loading the cache line holding `address` (a hint: it never faults).
static inline void cs_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
