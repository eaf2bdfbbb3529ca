#ifndef CICUSHIM_H
#define CICUSHIM_H
// Version-free, prefixed entry points into ICU. ICU's own headers rename every function per
// release (ubrk_open → ubrk_open_72) with macros the Swift importer cannot follow; this shim is
// compiled by clang, which can, so Swift sees only stable `cicu_*` names and opaque handles.
//
// Conventions: every `status` is an ICU UErrorCode passed as int32_t; callers initialise it to 0.
// Positive values are failures, negative values are warnings (U_FAILURE(x) is x > 0).
// UTF-16 text is `uint16_t` (ICU's UChar in C); lengths and offsets are in UTF-16 code units.
#include <stdint.h>

/// Writes ICU's Unicode version ("15.0") into `buffer` (NUL-terminated); returns its length.
int32_t cicu_unicode_version(char *buffer, int32_t capacity);

/// ICU's symbolic name for a status code, e.g. "U_BUFFER_OVERFLOW_ERROR" (static storage).
const char *cicu_error_name(int32_t status);

/// The status value ICU uses for "destination buffer too small" (U_BUFFER_OVERFLOW_ERROR).
int32_t cicu_buffer_overflow_status(void);

// MARK: Conversion

/// UTF-8 → UTF-16 (u_strFromUTF8WithSub; ill-formed bytes become U+FFFD). Returns the UTF-16
/// length, which may exceed `capacity` (then status is U_BUFFER_OVERFLOW_ERROR).
int32_t cicu_utf16_from_utf8(uint16_t *dest, int32_t capacity,
                             const uint8_t *src, int32_t length, int32_t *status);

// MARK: Break iteration

/// Which ICU break iterator to open (UBreakIteratorType).
enum {
    CICU_BREAK_CHARACTER = 0,
    CICU_BREAK_WORD = 1,
    CICU_BREAK_LINE = 2,
    CICU_BREAK_SENTENCE = 3
};

/// Opaque ICU break iterator (a UBreakIterator).
typedef struct cicu_break_iterator cicu_break_iterator;

/// Opens a break iterator of `kind` for `locale` ("" = root). NULL on failure (see status).
cicu_break_iterator *cicu_break_open(int32_t kind, const char *locale, int32_t *status);
void cicu_break_close(cicu_break_iterator *iterator);
/// Points the iterator at `text` (not copied: it must stay valid while iterating).
void cicu_break_set_text(cicu_break_iterator *iterator, const uint16_t *text, int32_t length,
                         int32_t *status);
/// Next boundary after the current one, or -1 when done (UBRK_DONE).
int32_t cicu_break_next(cicu_break_iterator *iterator);
/// Rule status of the boundary just returned (e.g. UBRK_WORD_LETTER = 200..299).
int32_t cicu_break_rule_status(cicu_break_iterator *iterator);
/// Fills up to `capacity` next boundaries and their rule statuses; returns how many were written
/// (0 when the text is exhausted). One C call per batch instead of two per token.
int32_t cicu_break_next_batch(cicu_break_iterator *iterator, int32_t *boundaries,
                              int32_t *rule_statuses, int32_t capacity);
/// Copies the iterator's compiled rules (ubrk_getBinaryRules: state tables and character
/// classes) into `buffer`; returns their length, which may exceed `capacity` (then nothing is
/// copied). Two iterators with equal binary rules find the same boundaries outside dictionaries.
int32_t cicu_break_binary_rules(cicu_break_iterator *iterator, uint8_t *buffer, int32_t capacity,
                                int32_t *status);

// MARK: Normalization

/// Which Normalizer2 instance (all are ICU-owned singletons: never freed).
enum {
    CICU_NORMALIZE_NFC = 0,
    CICU_NORMALIZE_NFKC = 1,
    CICU_NORMALIZE_NFKC_CASEFOLD = 2
};

typedef struct cicu_normalizer cicu_normalizer;

const cicu_normalizer *cicu_normalizer_instance(int32_t form, int32_t *status);
/// Length of the prefix of `text` that is certainly normalized already (unorm2_spanQuickCheckYes).
int32_t cicu_normalizer_span_quick_check_yes(const cicu_normalizer *normalizer,
                                             const uint16_t *text, int32_t length, int32_t *status);
/// Appends the normalization of `second` to the normalized `first` (unorm2_normalizeSecondAndAppend);
/// returns the new length of `first`, which may exceed `capacity` (then status is overflow).
int32_t cicu_normalizer_normalize_second_and_append(const cicu_normalizer *normalizer,
                                                    uint16_t *first, int32_t first_length,
                                                    int32_t capacity, const uint16_t *second,
                                                    int32_t second_length, int32_t *status);

// MARK: Case mapping and properties

/// Full, locale-sensitive lowercasing (u_strToLower). Returns the result length, which may exceed
/// `capacity` (then status is overflow).
int32_t cicu_to_lower(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length,
                      const char *locale, int32_t *status);

/// 1 when `locale` is the root locale ("") or its language subtag is an ISO 639 language ICU knows.
int32_t cicu_locale_is_known(const char *locale);

/// Writes the canonical language subtag of `locale` ("tr" for "tr_TR" or "tr-TR"); returns its length.
int32_t cicu_locale_language(const char *locale, char *buffer, int32_t capacity, int32_t *status);

/// 1 when `code_point` has the Unicode White_Space property (u_isUWhiteSpace).
int32_t cicu_is_white_space(uint32_t code_point);

/// Word_Break property values (UAX #29) as the shim names them, independent of ICU's enum.
enum {
    CICU_WB_OTHER = 0,
    CICU_WB_ALETTER,
    CICU_WB_CR,
    CICU_WB_DOUBLE_QUOTE,
    CICU_WB_EXTEND,
    CICU_WB_EXTENDNUMLET,
    CICU_WB_FORMAT,
    CICU_WB_HEBREW_LETTER,
    CICU_WB_KATAKANA,
    CICU_WB_LF,
    CICU_WB_MIDLETTER,
    CICU_WB_MIDNUM,
    CICU_WB_MIDNUMLET,
    CICU_WB_NEWLINE,
    CICU_WB_NUMERIC,
    CICU_WB_REGIONAL_INDICATOR,
    CICU_WB_SINGLE_QUOTE,
    CICU_WB_WSEGSPACE,
    CICU_WB_ZWJ,
    CICU_WB_UNKNOWN  // a value this shim does not know (a newer ICU)
};

/// The Word_Break property of `code_point` in ICU's data (u_getIntPropertyValue, UCHAR_WORD_BREAK).
int32_t cicu_word_break(uint32_t code_point);

/// 1 when ICU's word rules may hand `code_point` to a dictionary or treat it apart from UAX #29's
/// classes: Line_Break=Complex_Context (Thai, Lao, …), Han, Hiragana, Katakana, Hangul, and
/// Extended_Pictographic (emoji rules).
int32_t cicu_word_break_is_special(uint32_t code_point);

/// 1 when `code_point` is assigned (General_Category is not Cn).
int32_t cicu_is_assigned(uint32_t code_point);

/// 1 when normalization never interacts across a boundary before `code_point`
/// (unorm2_hasBoundaryBefore): text made only of such characters normalizes character by character.
int32_t cicu_normalizer_has_boundary_before(const cicu_normalizer *normalizer, uint32_t code_point);

#endif
