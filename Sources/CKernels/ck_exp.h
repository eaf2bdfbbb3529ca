// The exp every kernel builds on (see ck_lstm.c's header): a Cephes-style polynomial with
// inputs clamped to [−87, 88], so there are no branches and no infinities; one, eight or
// sixteen lanes. Shared by the LSTM step kernels and the softmax losses.
#ifndef CK_EXP_H
#define CK_EXP_H

#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

#define CK_INLINE static inline __attribute__((always_inline))

// exp polynomial and reduction constants.
#define CK_EXP_LO (-87.0f)
#define CK_EXP_HI 88.0f
#define CK_LOG2E 1.44269504f
#define CK_ROUND 12582912.0f  // 1.5 · 2²³: adding it rounds to an integer kept in the low bits
#define CK_LN2_HI 0.693359375f
#define CK_LN2_LO (-2.12194440e-4f)
#define CK_P0 1.98756915e-4f
#define CK_P1 1.39819995e-3f
#define CK_P2 8.3334519e-3f
#define CK_P3 4.16657959e-2f
#define CK_P4 0.166666655f
#define CK_P5 0.50000001f

CK_INLINE float exp_scalar(float x) {
    x = x < CK_EXP_LO ? CK_EXP_LO : x;
    x = x > CK_EXP_HI ? CK_EXP_HI : x;
    const float t = x * CK_LOG2E + CK_ROUND;
    const float n = t - CK_ROUND;
    const float r = x - n * CK_LN2_HI - n * CK_LN2_LO;
    float p = CK_P0;
    p = p * r + CK_P1;
    p = p * r + CK_P2;
    p = p * r + CK_P3;
    p = p * r + CK_P4;
    p = p * r + CK_P5;
    p = p * r * r + r + 1;
    uint32_t bits;
    memcpy(&bits, &t, 4);
    const uint32_t scale_bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &scale_bits, 4);
    return p * scale;
}

#if CK_X86

#define CK_AVX2 __attribute__((target("avx2,fma")))
#define CK_AVX512 __attribute__((target("avx512f,avx2,fma")))

CK_AVX2 CK_INLINE __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(CK_EXP_LO)), _mm256_set1_ps(CK_EXP_HI));
    const __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(CK_LOG2E), _mm256_set1_ps(CK_ROUND));
    const __m256 n = _mm256_sub_ps(t, _mm256_set1_ps(CK_ROUND));
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(CK_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(CK_LN2_LO), r);
    __m256 p = _mm256_set1_ps(CK_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_P5));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1)));
    const __m256i e = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000)), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

CK_AVX512 CK_INLINE __m512 exp16(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(CK_EXP_LO)), _mm512_set1_ps(CK_EXP_HI));
    const __m512 t = _mm512_fmadd_ps(x, _mm512_set1_ps(CK_LOG2E), _mm512_set1_ps(CK_ROUND));
    const __m512 n = _mm512_sub_ps(t, _mm512_set1_ps(CK_ROUND));
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(CK_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(CK_LN2_LO), r);
    __m512 p = _mm512_set1_ps(CK_P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_P5));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1)));
    const __m512i e = _mm512_slli_epi32(
        _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(0x4B400000)), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

#endif  // CK_X86

#endif  // CK_EXP_H
