// ISA-L (Intel's Intelligent Storage Acceleration Library), as a system library, for its
// inflate: gzip files decompress at several times zlib's speed. Only
// Sources/CorpusReader/Gzip/IsalSystemCalls.swift imports it.
#include <isa-l/igzip_lib.h>
