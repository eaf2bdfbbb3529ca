// GEMM against a right-hand side packed once (see CKernels.h for the why and the layout).
//
// Each path computes register tiles of op(A) rows × one panel's columns over the whole K: the
// panel streams through once per tile and the tile's partial sums never leave registers, so
// every element is one in-order chain of k terms (the determinism CKernels.h promises). Panels
// are the outer loop so that a panel (32 KB for K = 256) stays in L1/L2 while every row block
// of op(A) passes over it.
//
//   AVX-512: 8 rows × 32 columns = 16 zmm accumulators (FMA latency 4 needs ≥ 4–8 in flight);
//            per k, 2 panel loads and 8 broadcasts feed 16 FMAs.
//   AVX2:    6 rows × 16 columns (half a panel) = 12 ymm accumulators, the classic 6×16 tile
//            that fits in 16 registers with the two panel vectors and one broadcast.
//   Portable: 4 rows × 32 columns of scalars, left to the compiler.

#include "CKernels.h"

#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

#define CK_INLINE static inline __attribute__((always_inline))

size_t ck_packed_count(int k, int n) {
    if (k <= 0 || n <= 0) return 0;
    return (size_t)((n + CK_PANEL_WIDTH - 1) / CK_PANEL_WIDTH) * CK_PANEL_WIDTH * (size_t)k;
}

void ck_pack_b(const float *b, int ldb, int transposed, int k, int n, float *packed) {
    const int W = CK_PANEL_WIDTH;
    for (int n0 = 0; n0 < n; n0 += W) {
        float *dst = packed + (size_t)(n0 / W) * W * (size_t)k;
        const int w = n - n0 < W ? n - n0 : W;
        if (!transposed) {
            for (int kk = 0; kk < k; kk++) {
                float *d = dst + (size_t)kk * W;
                memcpy(d, b + (size_t)kk * ldb + n0, (size_t)w * sizeof(float));
                if (w < W) memset(d + w, 0, (size_t)(W - w) * sizeof(float));
            }
        } else {
            // Column j of the panel is row n0 + j of B. Blocks of 8 k: each of the w source rows
            // gives 8 contiguous floats (its cache lines are reused by the next block), and the
            // 8 panel rows written are contiguous (one pass per column wrote 128-byte strides:
            // 1.5× slower).
            int kk = 0;
            for (; kk + 8 <= k; kk += 8) {
                float *d = dst + (size_t)kk * W;
                for (int j = 0; j < w; j++) {
                    const float *src = b + (size_t)(n0 + j) * ldb + kk;
                    for (int q = 0; q < 8; q++) d[q * W + j] = src[q];
                }
                for (int j = w; j < W; j++)
                    for (int q = 0; q < 8; q++) d[q * W + j] = 0;
            }
            for (; kk < k; kk++) {
                float *d = dst + (size_t)kk * W;
                for (int j = 0; j < W; j++) d[j] = j < w ? b[(size_t)(n0 + j) * ldb + kk] : 0;
            }
        }
    }
}

// MARK: Portable

/// Rows `mr` (≤ 4) of op(A) against one panel; `sr`, `sk` are op(A)'s row and k strides in `a`.
CK_INLINE void tile_portable(const int mr, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *p,
                             float beta, float *c, int ldc, int cols) {
    float acc[4][CK_PANEL_WIDTH];
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < CK_PANEL_WIDTH; j++) acc[i][j] = 0;
    for (int kk = 0; kk < k; kk++) {
        for (int i = 0; i < mr; i++) {
            const float ai = a[i * sr];
            for (int j = 0; j < CK_PANEL_WIDTH; j++) acc[i][j] += ai * p[j];
        }
        a += sk;
        p += CK_PANEL_WIDTH;
    }
    for (int i = 0; i < mr; i++) {
        float *ci = c + (size_t)i * ldc;
        if (beta == 0) {
            for (int j = 0; j < cols; j++) ci[j] = acc[i][j];
        } else {
            for (int j = 0; j < cols; j++) ci[j] = acc[i][j] + beta * ci[j];
        }
    }
}

static void gemm_portable(int m, int n, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *packed,
                          float beta, float *c, int ldc) {
    for (int n0 = 0; n0 < n; n0 += CK_PANEL_WIDTH) {
        const float *p = packed + (size_t)(n0 / CK_PANEL_WIDTH) * CK_PANEL_WIDTH * (size_t)k;
        const int cols = n - n0 < CK_PANEL_WIDTH ? n - n0 : CK_PANEL_WIDTH;
        int i0 = 0;
        for (; i0 + 4 <= m; i0 += 4) tile_portable(4, k, a + i0 * sr, sr, sk, p, beta, c + (size_t)i0 * ldc + n0, ldc, cols);
        switch (m - i0) {
        case 3: tile_portable(3, k, a + i0 * sr, sr, sk, p, beta, c + (size_t)i0 * ldc + n0, ldc, cols); break;
        case 2: tile_portable(2, k, a + i0 * sr, sr, sk, p, beta, c + (size_t)i0 * ldc + n0, ldc, cols); break;
        case 1: tile_portable(1, k, a + i0 * sr, sr, sk, p, beta, c + (size_t)i0 * ldc + n0, ldc, cols); break;
        default: break;
        }
    }
}

#if CK_X86

// MARK: AVX2 + FMA

#define CK_AVX2 __attribute__((target("avx2,fma")))

/// Rows `mr` (≤ 6) against 16 columns of a panel (`p` points at the first of them; panel rows
/// are CK_PANEL_WIDTH apart); `cols` ≤ 16 of them are stored.
CK_AVX2 CK_INLINE void tile_avx2(const int mr, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *p,
                                 float beta, float *c, int ldc, int cols) {
    __m256 acc0[6], acc1[6];
    for (int i = 0; i < mr; i++) {
        acc0[i] = _mm256_setzero_ps();
        acc1[i] = _mm256_setzero_ps();
    }
    for (int kk = 0; kk < k; kk++) {
        const __m256 b0 = _mm256_loadu_ps(p), b1 = _mm256_loadu_ps(p + 8);
        for (int i = 0; i < mr; i++) {
            const __m256 ai = _mm256_broadcast_ss(a + i * sr);
            acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
        }
        a += sk;
        p += CK_PANEL_WIDTH;
    }
    const __m256 vb = _mm256_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + (size_t)i * ldc;
        if (cols == 16) {
            __m256 r0 = acc0[i], r1 = acc1[i];
            if (beta != 0) {
                r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci), r0);
                r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8), r1);
            }
            _mm256_storeu_ps(ci, r0);
            _mm256_storeu_ps(ci + 8, r1);
        } else {  // the last panel's partial columns
            float t[16];
            _mm256_storeu_ps(t, acc0[i]);
            _mm256_storeu_ps(t + 8, acc1[i]);
            for (int j = 0; j < cols; j++) ci[j] = beta == 0 ? t[j] : __builtin_fmaf(beta, ci[j], t[j]);
        }
    }
}

CK_AVX2 static void gemm_avx2(int m, int n, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *packed,
                              float beta, float *c, int ldc) {
    for (int n0 = 0; n0 < n; n0 += 16) {
        // Half h of panel n0 / 32.
        const float *p = packed + (size_t)(n0 / CK_PANEL_WIDTH) * CK_PANEL_WIDTH * (size_t)k + (n0 % CK_PANEL_WIDTH);
        const int cols = n - n0 < 16 ? n - n0 : 16;
        float *cc = c + n0;
        int i0 = 0;
        for (; i0 + 6 <= m; i0 += 6) tile_avx2(6, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols);
        switch (m - i0) {
        case 5: tile_avx2(5, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 4: tile_avx2(4, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 3: tile_avx2(3, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 2: tile_avx2(2, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 1: tile_avx2(1, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        default: break;
        }
    }
}

// MARK: AVX-512

#define CK_AVX512 __attribute__((target("avx512f,avx2,fma")))

/// Rows `mr` (≤ 8) against a whole panel; `cols` ≤ 32 of its columns are stored (masked).
CK_AVX512 CK_INLINE void tile_avx512(const int mr, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *p,
                                     float beta, float *c, int ldc, int cols) {
    __m512 acc0[8], acc1[8];
    for (int i = 0; i < mr; i++) {
        acc0[i] = _mm512_setzero_ps();
        acc1[i] = _mm512_setzero_ps();
    }
    for (int kk = 0; kk < k; kk++) {
        const __m512 b0 = _mm512_loadu_ps(p), b1 = _mm512_loadu_ps(p + 16);
        for (int i = 0; i < mr; i++) {
            const __m512 ai = _mm512_set1_ps(a[i * sr]);
            acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
        }
        a += sk;
        p += CK_PANEL_WIDTH;
    }
    const __mmask16 m0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
    const __mmask16 m1 = cols >= 32 ? (__mmask16)0xFFFF : cols <= 16 ? (__mmask16)0 : (__mmask16)((1u << (cols - 16)) - 1);
    const __m512 vb = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + (size_t)i * ldc;
        __m512 r0 = acc0[i], r1 = acc1[i];
        if (beta != 0) {
            r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), r0);
            r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), r1);
        }
        _mm512_mask_storeu_ps(ci, m0, r0);
        _mm512_mask_storeu_ps(ci + 16, m1, r1);
    }
}

CK_AVX512 static void gemm_avx512(int m, int n, int k, const float *a, ptrdiff_t sr, ptrdiff_t sk, const float *packed,
                                  float beta, float *c, int ldc) {
    for (int n0 = 0; n0 < n; n0 += CK_PANEL_WIDTH) {
        const float *p = packed + (size_t)(n0 / CK_PANEL_WIDTH) * CK_PANEL_WIDTH * (size_t)k;
        const int cols = n - n0 < CK_PANEL_WIDTH ? n - n0 : CK_PANEL_WIDTH;
        float *cc = c + n0;
        int i0 = 0;
        for (; i0 + 8 <= m; i0 += 8) tile_avx512(8, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols);
        switch (m - i0) {
        case 7: tile_avx512(7, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 6: tile_avx512(6, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 5: tile_avx512(5, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 4: tile_avx512(4, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 3: tile_avx512(3, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 2: tile_avx512(2, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        case 1: tile_avx512(1, k, a + i0 * sr, sr, sk, p, beta, cc + (size_t)i0 * ldc, ldc, cols); break;
        default: break;
        }
    }
}

#endif  // CK_X86

void ck_gemm_packed(int isa, int transpose_a, int m, int n, int k, const float *a, int lda,
                    const float *packed, float beta, float *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {  // C = β · C, with C unread when β = 0 (as BLAS)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * c[(size_t)i * ldc + j];
        return;
    }
    const ptrdiff_t sr = transpose_a ? 1 : lda, sk = transpose_a ? lda : 1;
#if CK_X86
    if (isa == CK_ISA_AVX512 && ck_isa_supported(CK_ISA_AVX512)) {
        gemm_avx512(m, n, k, a, sr, sk, packed, beta, c, ldc);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2)) {
        gemm_avx2(m, n, k, a, sr, sk, packed, beta, c, ldc);
        return;
    }
#endif
    gemm_portable(m, n, k, a, sr, sk, packed, beta, c, ldc);
}
