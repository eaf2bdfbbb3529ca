// glibc's allocator tuning (mallopt), which Glibc's Swift module does not include. Only
// Sources/CorpusReader/Reader/ReaderMemory.swift imports it.
#include <malloc.h>
