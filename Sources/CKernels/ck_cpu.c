// Instruction-set detection for the kernels' runtime dispatch.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

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

unsigned ck_cpu_features(void) {
    unsigned f = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_is("intel")) f |= CK_CPU_INTEL;
    if (__builtin_cpu_is("amd")) f |= CK_CPU_AMD;
    if (__builtin_cpu_supports("sse4.2")) f |= CK_CPU_SSE42;
    if (__builtin_cpu_supports("avx")) f |= CK_CPU_AVX;
    if (__builtin_cpu_supports("avx2")) f |= CK_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= CK_CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= CK_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) f |= CK_CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512dq")) f |= CK_CPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512vl")) f |= CK_CPU_AVX512VL;
    if (__builtin_cpu_supports("avx512bf16")) f |= CK_CPU_AVX512BF16;
#endif
    return f;
}

int ck_cpu_identity(char *brand, int capacity, int *family, int *model) {
    if (capacity > 0) brand[0] = 0;
    *family = 0;
    *model = 0;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        unsigned base = (a >> 8) & 0xf, ext = (a >> 20) & 0xff;
        unsigned m = (a >> 4) & 0xf, extm = (a >> 16) & 0xf;
        *family = (int)(base == 0xf ? base + ext : base);
        *model = (int)((base == 0x6 || base == 0xf) ? (extm << 4) | m : m);
    }
    unsigned words[12] = {0};
    if (capacity >= 49 && __get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++)
            __get_cpuid(0x80000002 + i, &words[4 * i], &words[4 * i + 1], &words[4 * i + 2], &words[4 * i + 3]);
        memcpy(brand, words, 48);
        brand[48] = 0;
        return 1;
    }
#endif
    return 0;
}
