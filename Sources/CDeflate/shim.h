// libdeflate, as a system library, for its CRC-32 (carry-less multiplication where the CPU has it,
// about 9 GB/s here against 2–3 GB/s for table lookups). Only Sources/CorpusReader/Integrity/CRC32.swift
// imports it.
#include <libdeflate.h>
