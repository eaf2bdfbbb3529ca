// Instruction-set detection for the kernels' runtime dispatch.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

/// The best instruction set the hardware and OS support (no `CK_ISA` cap).
static int detect_hardware(void) {
    int best = CK_ISA_PORTABLE;
#if defined(__x86_64__) || defined(__i386__)
    // __builtin_cpu_supports also requires the OS to save the vector registers (XCR0).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        best = CK_ISA_AVX2;
        if (__builtin_cpu_supports("avx512f")) best = CK_ISA_AVX512;
    }
#endif
    return best;
}

static int detect_best(int hardware) {
    const char *cap = getenv("CK_ISA");
    if (cap == NULL) return hardware;
    int limit = hardware;
    if (strcmp(cap, "portable") == 0) limit = CK_ISA_PORTABLE;
    else if (strcmp(cap, "avx2") == 0) limit = CK_ISA_AVX2;
    else if (strcmp(cap, "avx512") == 0) limit = CK_ISA_AVX512;
    return limit < hardware ? limit : hardware;
}

// Racing first calls all compute the same values, so relaxed caches are enough.
static int cached_hardware = -1, cached_best = -1;

int ck_isa_supported(int isa) {
    int hw = __atomic_load_n(&cached_hardware, __ATOMIC_RELAXED);
    if (hw < 0) {
        hw = detect_hardware();
        __atomic_store_n(&cached_hardware, hw, __ATOMIC_RELAXED);
    }
    return isa >= CK_ISA_PORTABLE && isa <= hw;
}

int ck_isa_best(void) {
    int v = __atomic_load_n(&cached_best, __ATOMIC_RELAXED);
    if (v < 0) {
        int hw = CK_ISA_AVX512;
        while (!ck_isa_supported(hw)) hw--;
        v = detect_best(hw);
        __atomic_store_n(&cached_best, v, __ATOMIC_RELAXED);
    }
    return v;
}
