#ifndef CICUSHIM_H
#define CICUSHIM_H
// Version-free, prefixed entry points into ICU. ICU's own headers rename every function per
// release (ubrk_open → ubrk_open_72) with macros the Swift importer cannot follow; this shim is
// compiled by clang, which can, so Swift sees only stable `cicu_*` names and opaque handles.
#include <stdint.h>

/// Writes ICU's Unicode version ("15.0") into `buffer` (NUL-terminated); returns its length.
int32_t cicu_unicode_version(char *buffer, int32_t capacity);

#endif
