// The elementwise part of an LSTM step, forward and backward (see CKernels.h).
//
// σ(x) = 1 / (1 + e^−x) and tanh(x) = 1 − 2 / (e^2x + 1) on a Cephes-style exp: x = n·ln2 + r
// (two-part ln2), a degree-6 polynomial for e^r, 2^n built in the exponent bits; inputs are
// clamped to [−87, 88], so there are no branches and no infinities (the same function as
// NeuralCore's FastMath.swift, here also sixteen or eight lanes wide; `ck_exp` lets its tests
// check that the portable one gives the same bits).

#include "CKernels.h"

#include "ck_exp.h"

static inline int row_active(const int32_t *lengths, int b, int t) { return lengths == NULL || lengths[b] > t; }

// MARK: Portable (also the scalar tails of the AVX2 path)

float ck_exp(float x) { return exp_scalar(x); }

CK_INLINE float sigmoid_scalar(float x) { return 1.0f / (1.0f + exp_scalar(-x)); }
CK_INLINE float tanh_scalar(float x) { return 1.0f - 2.0f / (exp_scalar(2.0f * x) + 1.0f); }

// `restrict`: the rows never overlap, and saying so lets the compiler vectorise these loops (SSE2
// on the portable path, where they are the whole kernel).

/// Forward for hidden units j0 ..< H of one row (g: the row's gates; states: the row's). Separate
/// loops: one that reads and writes the same gate element vectorises; a fused one did not.
CK_INLINE void forward_scalar(int j0, int H, float *restrict g, const float *restrict cp, float *restrict cn,
                              float *restrict tc, float *restrict hn) {
    float *restrict gi = g, *restrict gf = g + H, *restrict gg = g + 2 * H, *restrict go = g + 3 * H;
    for (int j = j0; j < H; j++) gi[j] = sigmoid_scalar(gi[j]);
    for (int j = j0; j < H; j++) gf[j] = sigmoid_scalar(gf[j]);
    for (int j = j0; j < H; j++) gg[j] = tanh_scalar(gg[j]);
    for (int j = j0; j < H; j++) go[j] = sigmoid_scalar(go[j]);
    for (int j = j0; j < H; j++) cn[j] = gf[j] * cp[j] + gi[j] * gg[j];
    for (int j = j0; j < H; j++) tc[j] = tanh_scalar(cn[j]);
    for (int j = j0; j < H; j++) hn[j] = go[j] * tc[j];
}

/// Backward for hidden units j0 ..< H of one row.
CK_INLINE void backward_scalar(int j0, int H, const float *restrict g, const float *restrict cp, const float *restrict tc,
                               const float *restrict gh, float *restrict dh, float *restrict dc, float *restrict dg) {
    if (gh)
        for (int j = j0; j < H; j++) dh[j] += gh[j];
    for (int j = j0; j < H; j++) {
        const float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
        const float dhj = dh[j], th = tc[j];
        const float dct = dc[j] + dhj * o * (1 - th * th);
        dg[j] = dct * gg * i * (1 - i);
        dg[H + j] = dct * cp[j] * f * (1 - f);
        dg[2 * H + j] = dct * i * (1 - gg * gg);
        dg[3 * H + j] = dhj * th * o * (1 - o);
        dc[j] = dct * f;
        dh[j] = 0;
    }
}

#if CK_X86

// MARK: AVX2 + FMA

CK_AVX2 CK_INLINE __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

CK_AVX2 CK_INLINE __m256 tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1);
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2), _mm256_add_ps(exp8(_mm256_add_ps(x, x)), one)));
}

CK_AVX2 static void forward_avx2(int rows, int H, const int32_t *lengths, int t, float *gates, const float *h_prev,
                                 const float *c_prev, float *h_next, float *c_next, float *tanh_c) {
    for (int b = 0; b < rows; b++) {
        const float *cp = c_prev + (size_t)b * H;
        float *cn = c_next + (size_t)b * H, *hn = h_next + (size_t)b * H;
        if (!row_active(lengths, b, t)) {
            memcpy(hn, h_prev + (size_t)b * H, (size_t)H * sizeof(float));
            memcpy(cn, cp, (size_t)H * sizeof(float));
            continue;
        }
        float *g = gates + (size_t)b * 4 * H, *tc = tanh_c + (size_t)b * H;
        int j = 0;
        for (; j + 8 <= H; j += 8) {
            const __m256 i = sigmoid8(_mm256_loadu_ps(g + j)), f = sigmoid8(_mm256_loadu_ps(g + H + j));
            const __m256 gg = tanh8(_mm256_loadu_ps(g + 2 * H + j)), o = sigmoid8(_mm256_loadu_ps(g + 3 * H + j));
            _mm256_storeu_ps(g + j, i); _mm256_storeu_ps(g + H + j, f);
            _mm256_storeu_ps(g + 2 * H + j, gg); _mm256_storeu_ps(g + 3 * H + j, o);
            const __m256 c = _mm256_fmadd_ps(f, _mm256_loadu_ps(cp + j), _mm256_mul_ps(i, gg)), th = tanh8(c);
            _mm256_storeu_ps(cn + j, c); _mm256_storeu_ps(tc + j, th); _mm256_storeu_ps(hn + j, _mm256_mul_ps(o, th));
        }
        forward_scalar(j, H, g, cp, cn, tc, hn);
    }
}

CK_AVX2 static void backward_avx2(int rows, int H, const int32_t *lengths, int t, const float *gates, const float *c_prev,
                                  const float *tanh_c, const float *grad_h, float *dh, float *dc, float *dgates) {
    const __m256 one = _mm256_set1_ps(1);
    for (int b = 0; b < rows; b++) {
        float *dg = dgates + (size_t)b * 4 * H;
        if (!row_active(lengths, b, t)) { memset(dg, 0, (size_t)4 * H * sizeof(float)); continue; }
        const float *g = gates + (size_t)b * 4 * H, *cp = c_prev + (size_t)b * H, *tc = tanh_c + (size_t)b * H;
        const float *gh = grad_h ? grad_h + (size_t)b * H : NULL;
        float *dhr = dh + (size_t)b * H, *dcr = dc + (size_t)b * H;
        int j = 0;
        for (; j + 8 <= H; j += 8) {
            const __m256 i = _mm256_loadu_ps(g + j), f = _mm256_loadu_ps(g + H + j);
            const __m256 gg = _mm256_loadu_ps(g + 2 * H + j), o = _mm256_loadu_ps(g + 3 * H + j);
            __m256 dhj = _mm256_loadu_ps(dhr + j);
            if (gh) dhj = _mm256_add_ps(dhj, _mm256_loadu_ps(gh + j));
            const __m256 th = _mm256_loadu_ps(tc + j);
            const __m256 dct = _mm256_fmadd_ps(_mm256_mul_ps(dhj, o), _mm256_fnmadd_ps(th, th, one), _mm256_loadu_ps(dcr + j));
            _mm256_storeu_ps(dg + j, _mm256_mul_ps(_mm256_mul_ps(dct, gg), _mm256_mul_ps(i, _mm256_sub_ps(one, i))));
            _mm256_storeu_ps(dg + H + j, _mm256_mul_ps(_mm256_mul_ps(dct, _mm256_loadu_ps(cp + j)), _mm256_mul_ps(f, _mm256_sub_ps(one, f))));
            _mm256_storeu_ps(dg + 2 * H + j, _mm256_mul_ps(_mm256_mul_ps(dct, i), _mm256_fnmadd_ps(gg, gg, one)));
            _mm256_storeu_ps(dg + 3 * H + j, _mm256_mul_ps(_mm256_mul_ps(dhj, th), _mm256_mul_ps(o, _mm256_sub_ps(one, o))));
            _mm256_storeu_ps(dcr + j, _mm256_mul_ps(dct, f));
            _mm256_storeu_ps(dhr + j, _mm256_setzero_ps());
        }
        backward_scalar(j, H, g, cp, tc, gh, dhr, dcr, dg);
    }
}

// MARK: AVX-512

CK_AVX512 CK_INLINE __m512 sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

CK_AVX512 CK_INLINE __m512 tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1);
    return _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2), _mm512_add_ps(exp16(_mm512_add_ps(x, x)), one)));
}

/// Lanes j ..< min(j + 16, H).
CK_AVX512 CK_INLINE __mmask16 lanes(int j, int H) { return H - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (H - j)) - 1); }

CK_AVX512 static void forward_avx512(int rows, int H, const int32_t *lengths, int t, float *gates, const float *h_prev,
                                     const float *c_prev, float *h_next, float *c_next, float *tanh_c) {
    for (int b = 0; b < rows; b++) {
        const float *cp = c_prev + (size_t)b * H;
        float *cn = c_next + (size_t)b * H, *hn = h_next + (size_t)b * H;
        if (!row_active(lengths, b, t)) {
            memcpy(hn, h_prev + (size_t)b * H, (size_t)H * sizeof(float));
            memcpy(cn, cp, (size_t)H * sizeof(float));
            continue;
        }
        float *g = gates + (size_t)b * 4 * H, *tc = tanh_c + (size_t)b * H;
        for (int j = 0; j < H; j += 16) {
            const __mmask16 m = lanes(j, H);
            const __m512 i = sigmoid16(_mm512_maskz_loadu_ps(m, g + j)), f = sigmoid16(_mm512_maskz_loadu_ps(m, g + H + j));
            const __m512 gg = tanh16(_mm512_maskz_loadu_ps(m, g + 2 * H + j)), o = sigmoid16(_mm512_maskz_loadu_ps(m, g + 3 * H + j));
            _mm512_mask_storeu_ps(g + j, m, i); _mm512_mask_storeu_ps(g + H + j, m, f);
            _mm512_mask_storeu_ps(g + 2 * H + j, m, gg); _mm512_mask_storeu_ps(g + 3 * H + j, m, o);
            const __m512 c = _mm512_fmadd_ps(f, _mm512_maskz_loadu_ps(m, cp + j), _mm512_mul_ps(i, gg)), th = tanh16(c);
            _mm512_mask_storeu_ps(cn + j, m, c); _mm512_mask_storeu_ps(tc + j, m, th);
            _mm512_mask_storeu_ps(hn + j, m, _mm512_mul_ps(o, th));
        }
    }
}

CK_AVX512 static void backward_avx512(int rows, int H, const int32_t *lengths, int t, const float *gates, const float *c_prev,
                                      const float *tanh_c, const float *grad_h, float *dh, float *dc, float *dgates) {
    const __m512 one = _mm512_set1_ps(1);
    for (int b = 0; b < rows; b++) {
        float *dg = dgates + (size_t)b * 4 * H;
        if (!row_active(lengths, b, t)) { memset(dg, 0, (size_t)4 * H * sizeof(float)); continue; }
        const float *g = gates + (size_t)b * 4 * H, *cp = c_prev + (size_t)b * H, *tc = tanh_c + (size_t)b * H;
        const float *gh = grad_h ? grad_h + (size_t)b * H : NULL;
        float *dhr = dh + (size_t)b * H, *dcr = dc + (size_t)b * H;
        for (int j = 0; j < H; j += 16) {
            const __mmask16 m = lanes(j, H);
            const __m512 i = _mm512_maskz_loadu_ps(m, g + j), f = _mm512_maskz_loadu_ps(m, g + H + j);
            const __m512 gg = _mm512_maskz_loadu_ps(m, g + 2 * H + j), o = _mm512_maskz_loadu_ps(m, g + 3 * H + j);
            __m512 dhj = _mm512_maskz_loadu_ps(m, dhr + j);
            if (gh) dhj = _mm512_add_ps(dhj, _mm512_maskz_loadu_ps(m, gh + j));
            const __m512 th = _mm512_maskz_loadu_ps(m, tc + j);
            const __m512 dct = _mm512_fmadd_ps(_mm512_mul_ps(dhj, o), _mm512_fnmadd_ps(th, th, one), _mm512_maskz_loadu_ps(m, dcr + j));
            _mm512_mask_storeu_ps(dg + j, m, _mm512_mul_ps(_mm512_mul_ps(dct, gg), _mm512_mul_ps(i, _mm512_sub_ps(one, i))));
            _mm512_mask_storeu_ps(dg + H + j, m,
                                  _mm512_mul_ps(_mm512_mul_ps(dct, _mm512_maskz_loadu_ps(m, cp + j)), _mm512_mul_ps(f, _mm512_sub_ps(one, f))));
            _mm512_mask_storeu_ps(dg + 2 * H + j, m, _mm512_mul_ps(_mm512_mul_ps(dct, i), _mm512_fnmadd_ps(gg, gg, one)));
            _mm512_mask_storeu_ps(dg + 3 * H + j, m, _mm512_mul_ps(_mm512_mul_ps(dhj, th), _mm512_mul_ps(o, _mm512_sub_ps(one, o))));
            _mm512_mask_storeu_ps(dcr + j, m, _mm512_mul_ps(dct, f));
            _mm512_mask_storeu_ps(dhr + j, m, _mm512_setzero_ps());
        }
    }
}

#endif  // CK_X86

// MARK: Dispatch

static void forward_portable(int rows, int H, const int32_t *lengths, int t, float *gates, const float *h_prev,
                             const float *c_prev, float *h_next, float *c_next, float *tanh_c) {
    for (int b = 0; b < rows; b++) {
        const float *cp = c_prev + (size_t)b * H;
        float *cn = c_next + (size_t)b * H, *hn = h_next + (size_t)b * H;
        if (!row_active(lengths, b, t)) {
            memcpy(hn, h_prev + (size_t)b * H, (size_t)H * sizeof(float));
            memcpy(cn, cp, (size_t)H * sizeof(float));
            continue;
        }
        forward_scalar(0, H, gates + (size_t)b * 4 * H, cp, cn, tanh_c + (size_t)b * H, hn);
    }
}

static void backward_portable(int rows, int H, const int32_t *lengths, int t, const float *gates, const float *c_prev,
                              const float *tanh_c, const float *grad_h, float *dh, float *dc, float *dgates) {
    for (int b = 0; b < rows; b++) {
        float *dg = dgates + (size_t)b * 4 * H;
        if (!row_active(lengths, b, t)) { memset(dg, 0, (size_t)4 * H * sizeof(float)); continue; }
        backward_scalar(0, H, gates + (size_t)b * 4 * H, c_prev + (size_t)b * H, tanh_c + (size_t)b * H,
                        grad_h ? grad_h + (size_t)b * H : NULL, dh + (size_t)b * H, dc + (size_t)b * H, dg);
    }
}

void ck_lstm_forward_step(int isa, int rows, int hidden, const int32_t *lengths, int t, float *gates,
                          const float *h_prev, const float *c_prev, float *h_next, float *c_next, float *tanh_c) {
#if CK_X86
    if (isa == CK_ISA_AVX512 && ck_isa_supported(CK_ISA_AVX512)) {
        forward_avx512(rows, hidden, lengths, t, gates, h_prev, c_prev, h_next, c_next, tanh_c);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2)) {
        forward_avx2(rows, hidden, lengths, t, gates, h_prev, c_prev, h_next, c_next, tanh_c);
        return;
    }
#endif
    forward_portable(rows, hidden, lengths, t, gates, h_prev, c_prev, h_next, c_next, tanh_c);
}

void ck_lstm_backward_step(int isa, int rows, int hidden, const int32_t *lengths, int t, const float *gates,
                           const float *c_prev, const float *tanh_c, const float *grad_h, float *dh, float *dc,
                           float *dgates) {
#if CK_X86
    if (isa == CK_ISA_AVX512 && ck_isa_supported(CK_ISA_AVX512)) {
        backward_avx512(rows, hidden, lengths, t, gates, c_prev, tanh_c, grad_h, dh, dc, dgates);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2)) {
        backward_avx2(rows, hidden, lengths, t, gates, c_prev, tanh_c, grad_h, dh, dc, dgates);
        return;
    }
#endif
    backward_portable(rows, hidden, lengths, t, gates, c_prev, tanh_c, grad_h, dh, dc, dgates);
}
