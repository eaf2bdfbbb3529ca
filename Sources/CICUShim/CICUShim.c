#include "CICUShim.h"
#include <unicode/uchar.h>
#include <unicode/uversion.h>
#include <unicode/utypes.h>
#include <unicode/ustring.h>
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>
#include <string.h>

int32_t cicu_unicode_version(char *buffer, int32_t capacity) {
    UVersionInfo version;
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_getUnicodeVersion(version);
    u_versionToString(version, text);
    int32_t length = (int32_t)strlen(text);
    if (capacity > 0) {
        int32_t n = length < capacity - 1 ? length : capacity - 1;
        memcpy(buffer, text, (size_t)n);
        buffer[n] = 0;
    }
    return length;
}

const char *cicu_error_name(int32_t status) { return u_errorName((UErrorCode)status); }

int32_t cicu_buffer_overflow_status(void) { return (int32_t)U_BUFFER_OVERFLOW_ERROR; }

int32_t cicu_utf16_from_utf8(uint16_t *dest, int32_t capacity,
                             const uint8_t *src, int32_t length, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    int32_t written = 0;
    u_strFromUTF8WithSub((UChar *)dest, capacity, &written, (const char *)src, length,
                         0xFFFD, NULL, &code);
    *status = (int32_t)code;
    return written;
}

cicu_break_iterator *cicu_break_open(int32_t kind, const char *locale, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    UBreakIterator *iterator = ubrk_open((UBreakIteratorType)kind, locale, NULL, 0, &code);
    *status = (int32_t)code;
    if (U_FAILURE(code)) {
        if (iterator != NULL) ubrk_close(iterator);
        return NULL;
    }
    return (cicu_break_iterator *)iterator;
}

void cicu_break_close(cicu_break_iterator *iterator) {
    if (iterator != NULL) ubrk_close((UBreakIterator *)iterator);
}

void cicu_break_set_text(cicu_break_iterator *iterator, const uint16_t *text, int32_t length,
                         int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    ubrk_setText((UBreakIterator *)iterator, (const UChar *)text, length, &code);
    *status = (int32_t)code;
}

int32_t cicu_break_next(cicu_break_iterator *iterator) {
    return ubrk_next((UBreakIterator *)iterator);
}

int32_t cicu_break_rule_status(cicu_break_iterator *iterator) {
    return ubrk_getRuleStatus((UBreakIterator *)iterator);
}

int32_t cicu_break_next_batch(cicu_break_iterator *iterator, int32_t *boundaries,
                              int32_t *rule_statuses, int32_t capacity) {
    UBreakIterator *bi = (UBreakIterator *)iterator;
    int32_t count = 0;
    while (count < capacity) {
        int32_t boundary = ubrk_next(bi);
        if (boundary == UBRK_DONE) break;
        boundaries[count] = boundary;
        rule_statuses[count] = ubrk_getRuleStatus(bi);
        count++;
    }
    return count;
}

int32_t cicu_break_binary_rules(cicu_break_iterator *iterator, uint8_t *buffer, int32_t capacity,
                                int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    int32_t length = ubrk_getBinaryRules((UBreakIterator *)iterator, capacity > 0 ? buffer : NULL,
                                         capacity, &code);
    *status = (int32_t)code;
    return length;
}

const cicu_normalizer *cicu_normalizer_instance(int32_t form, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    const UNormalizer2 *normalizer = NULL;
    switch (form) {
    case CICU_NORMALIZE_NFC: normalizer = unorm2_getNFCInstance(&code); break;
    case CICU_NORMALIZE_NFKC: normalizer = unorm2_getNFKCInstance(&code); break;
    case CICU_NORMALIZE_NFKC_CASEFOLD: normalizer = unorm2_getNFKCCasefoldInstance(&code); break;
    default: code = U_ILLEGAL_ARGUMENT_ERROR; break;
    }
    *status = (int32_t)code;
    return U_FAILURE(code) ? NULL : (const cicu_normalizer *)normalizer;
}

int32_t cicu_normalizer_span_quick_check_yes(const cicu_normalizer *normalizer,
                                             const uint16_t *text, int32_t length, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    int32_t span = unorm2_spanQuickCheckYes((const UNormalizer2 *)normalizer, (const UChar *)text,
                                            length, &code);
    *status = (int32_t)code;
    return span;
}

int32_t cicu_normalizer_normalize_second_and_append(const cicu_normalizer *normalizer,
                                                    uint16_t *first, int32_t first_length,
                                                    int32_t capacity, const uint16_t *second,
                                                    int32_t second_length, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    int32_t length = unorm2_normalizeSecondAndAppend((const UNormalizer2 *)normalizer,
                                                     (UChar *)first, first_length, capacity,
                                                     (const UChar *)second, second_length, &code);
    *status = (int32_t)code;
    return length;
}

int32_t cicu_to_lower(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length,
                      const char *locale, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    int32_t written = u_strToLower((UChar *)dest, capacity, (const UChar *)src, length, locale, &code);
    *status = (int32_t)code;
    return written;
}

int32_t cicu_locale_language(const char *locale, char *buffer, int32_t capacity, int32_t *status) {
    UErrorCode code = (UErrorCode)*status;
    char canonical[ULOC_FULLNAME_CAPACITY];
    int32_t length = uloc_canonicalize(locale, canonical, ULOC_FULLNAME_CAPACITY, &code);
    if (U_SUCCESS(code) && length >= ULOC_FULLNAME_CAPACITY) code = U_BUFFER_OVERFLOW_ERROR;
    if (U_FAILURE(code)) { *status = (int32_t)code; return 0; }
    length = uloc_getLanguage(canonical, buffer, capacity, &code);
    *status = (int32_t)code;
    return length;
}

int32_t cicu_locale_is_known(const char *locale) {
    if (locale == NULL || locale[0] == 0 || strcmp(locale, "root") == 0) return 1;  // root locale
    char language[ULOC_LANG_CAPACITY + 1];
    int32_t status = 0;
    int32_t length = cicu_locale_language(locale, language, ULOC_LANG_CAPACITY, &status);
    if (status > 0 || length <= 0 || length >= ULOC_LANG_CAPACITY) return 0;
    language[length] = 0;
    for (const char *const *known = uloc_getISOLanguages(); *known != NULL; known++) {
        if (strcmp(*known, language) == 0) return 1;
    }
    return 0;
}

int32_t cicu_is_white_space(uint32_t code_point) {
    return u_isUWhiteSpace((UChar32)code_point) ? 1 : 0;
}

int32_t cicu_word_break(uint32_t code_point) {
    switch ((UWordBreakValues)u_getIntPropertyValue((UChar32)code_point, UCHAR_WORD_BREAK)) {
    case U_WB_OTHER: return CICU_WB_OTHER;
    case U_WB_ALETTER: return CICU_WB_ALETTER;
    case U_WB_CR: return CICU_WB_CR;
    case U_WB_DOUBLE_QUOTE: return CICU_WB_DOUBLE_QUOTE;
    case U_WB_EXTEND: return CICU_WB_EXTEND;
    case U_WB_EXTENDNUMLET: return CICU_WB_EXTENDNUMLET;
    case U_WB_FORMAT: return CICU_WB_FORMAT;
    case U_WB_HEBREW_LETTER: return CICU_WB_HEBREW_LETTER;
    case U_WB_KATAKANA: return CICU_WB_KATAKANA;
    case U_WB_LF: return CICU_WB_LF;
    case U_WB_MIDLETTER: return CICU_WB_MIDLETTER;
    case U_WB_MIDNUM: return CICU_WB_MIDNUM;
    case U_WB_MIDNUMLET: return CICU_WB_MIDNUMLET;
    case U_WB_NEWLINE: return CICU_WB_NEWLINE;
    case U_WB_NUMERIC: return CICU_WB_NUMERIC;
    case U_WB_REGIONAL_INDICATOR: return CICU_WB_REGIONAL_INDICATOR;
    case U_WB_SINGLE_QUOTE: return CICU_WB_SINGLE_QUOTE;
    case U_WB_WSEGSPACE: return CICU_WB_WSEGSPACE;
    case U_WB_ZWJ: return CICU_WB_ZWJ;
    default: return CICU_WB_UNKNOWN;
    }
}

int32_t cicu_word_break_is_special(uint32_t code_point) {
    UChar32 c = (UChar32)code_point;
    if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT) return 1;
    if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC)) return 1;
    if (u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) != U_HST_NOT_APPLICABLE) return 1;
    UErrorCode code = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &code);
    if (U_FAILURE(code)) return 1;
    return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA;
}

int32_t cicu_is_assigned(uint32_t code_point) {
    return u_charType((UChar32)code_point) != U_UNASSIGNED ? 1 : 0;
}

int32_t cicu_normalizer_has_boundary_before(const cicu_normalizer *normalizer, uint32_t code_point) {
    return unorm2_hasBoundaryBefore((const UNormalizer2 *)normalizer, (UChar32)code_point) ? 1 : 0;
}
