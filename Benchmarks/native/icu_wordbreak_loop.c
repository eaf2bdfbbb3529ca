/*
 * Ceiling microbenchmark for ICU word segmentation on one core.
 *
 *   icu_wordbreak_loop FILE [MIN_SECONDS]
 *
 * FILE holds one text per line (UTF-8). The whole file is read into memory first, so the timed
 * part is only what a tokenizer cannot avoid: UTF-8 → UTF-16 conversion into a reused buffer,
 * ubrk_setText on one reused word iterator, and ubrk_next + ubrk_getRuleStatus per boundary.
 * Passes over the file repeat until MIN_SECONDS (default 2) have elapsed so the rate is stable.
 * Prints one JSON object: bytes (per pass, newlines excluded), passes, words (per pass), seconds,
 * mb_per_s (10^6 bytes of text per second).
 *
 * Build: cc -O2 icu_wordbreak_loop.c $(pkg-config --cflags --libs icu-uc icu-i18n)
 * (ICU's headers map ubrk_open etc. to their versioned names, so plain C needs nothing special.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [MIN_SECONDS]\n", argv[0]);
        return 2;
    }
    double min_seconds = argc > 2 ? atof(argv[2]) : 2.0;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    data[size] = '\0';

    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "en_US", NULL, 0, &status);
    if (U_FAILURE(status)) {
        fprintf(stderr, "ubrk_open: %s\n", u_errorName(status));
        return 1;
    }
    int32_t cap = 1 << 12;
    UChar *buf = malloc(sizeof(UChar) * (size_t)cap);

    long long text_bytes = 0, words = 0;
    int passes = 0;
    double t0 = now(), elapsed = 0;
    do {
        long long pass_bytes = 0, pass_words = 0;
        char *p = data, *end = data + size;
        while (p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            int32_t len = (int32_t)((nl ? nl : end) - p);
            int32_t ulen = 0;
            status = U_ZERO_ERROR;
            u_strFromUTF8(buf, cap, &ulen, p, len, &status);
            if (status == U_BUFFER_OVERFLOW_ERROR || ulen >= cap) {
                while (cap <= ulen) cap *= 2;
                buf = realloc(buf, sizeof(UChar) * (size_t)cap);
                status = U_ZERO_ERROR;
                u_strFromUTF8(buf, cap, &ulen, p, len, &status);
            }
            if (U_FAILURE(status)) {
                fprintf(stderr, "u_strFromUTF8: %s\n", u_errorName(status));
                return 1;
            }
            status = U_ZERO_ERROR;
            ubrk_setText(bi, buf, ulen, &status);
            for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
                /* Word-like segments (letters, numbers, kana, ideographs) have status >= 100. */
                if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT) pass_words++;
            }
            pass_bytes += len;
            p = nl ? nl + 1 : end;
        }
        text_bytes = pass_bytes;
        words = pass_words;
        passes++;
        elapsed = now() - t0;
    } while (elapsed < min_seconds);

    printf("{\"bytes\": %lld, \"passes\": %d, \"words\": %lld, \"seconds\": %.4f, \"mb_per_s\": %.2f}\n",
           text_bytes, passes, words, elapsed, (double)text_bytes * passes / elapsed / 1e6);
    ubrk_close(bi);
    free(buf);
    free(data);
    return 0;
}
