// −log softmax(x)[target] row by row, without writing the logits: evaluation scores every
// importance sample of every sentence over the whole vocabulary, and only needs each row's loss
// (training's fused loss and gradient stays in NeuralCore's CrossEntropy.swift). Two passes per
// row, a maximum and a sum of e^(x − max), sixteen or eight lanes at a time.

#include "CKernels.h"

#include <math.h>

#include "ck_exp.h"

CK_INLINE double row_loss(float max, float target_logit, float sum) {
    // (max − x_target) first: the difference of two large logits is exact where max + log sum is not.
    return (double)(max - target_logit) + (double)logf(sum);
}

static void rows_portable(int rows, int v, const float *logits, int64_t ld, const int64_t *targets, double *losses) {
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (int64_t)r * ld;
        float m = x[0];
        for (int j = 1; j < v; j++) m = x[j] > m ? x[j] : m;
        float s = 0;
        for (int j = 0; j < v; j++) s += exp_scalar(x[j] - m);
        losses[r] = row_loss(m, x[targets[r]], s);
    }
}

#if CK_X86

CK_AVX2 static void rows_avx2(int rows, int v, const float *logits, int64_t ld, const int64_t *targets,
                              double *losses) {
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (int64_t)r * ld;
        int j = 0;
        float m = x[0];
        if (v >= 8) {
            __m256 vm = _mm256_loadu_ps(x);
            for (j = 8; j + 8 <= v; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + j));
            float lanes[8];
            _mm256_storeu_ps(lanes, vm);
            m = lanes[0];
            for (int k = 1; k < 8; k++) m = lanes[k] > m ? lanes[k] : m;
        }
        for (; j < v; j++) m = x[j] > m ? x[j] : m;
        const __m256 vmax = _mm256_set1_ps(m);
        __m256 acc = _mm256_setzero_ps();
        for (j = 0; j + 8 <= v; j += 8) acc = _mm256_add_ps(acc, exp8(_mm256_sub_ps(_mm256_loadu_ps(x + j), vmax)));
        float lanes[8];
        _mm256_storeu_ps(lanes, acc);
        float s = 0;
        for (int k = 0; k < 8; k++) s += lanes[k];
        for (; j < v; j++) s += exp_scalar(x[j] - m);
        losses[r] = row_loss(m, x[targets[r]], s);
    }
}

CK_AVX512 static void rows_avx512(int rows, int v, const float *logits, int64_t ld, const int64_t *targets,
                                  double *losses) {
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (int64_t)r * ld;
        __m512 vm = _mm512_set1_ps(x[0]);
        int j = 0;
        for (; j + 16 <= v; j += 16) vm = _mm512_max_ps(vm, _mm512_loadu_ps(x + j));
        if (j < v) {
            const __mmask16 tail = (__mmask16)((1u << (v - j)) - 1);
            vm = _mm512_mask_max_ps(vm, tail, vm, _mm512_maskz_loadu_ps(tail, x + j));
        }
        const float m = _mm512_reduce_max_ps(vm);
        const __m512 vmax = _mm512_set1_ps(m);
        __m512 acc = _mm512_setzero_ps();
        for (j = 0; j + 16 <= v; j += 16) acc = _mm512_add_ps(acc, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + j), vmax)));
        if (j < v) {
            const __mmask16 tail = (__mmask16)((1u << (v - j)) - 1);
            const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + j), vmax));
            acc = _mm512_mask_add_ps(acc, tail, acc, e);
        }
        losses[r] = row_loss(m, x[targets[r]], _mm512_reduce_add_ps(acc));
    }
}

#endif  // CK_X86

void ck_softmax_nll_rows(int isa, int rows, int v, const float *logits, int64_t ld, const int64_t *targets,
                         double *losses) {
    if (rows <= 0 || v <= 0) return;
#if CK_X86
    if (isa == CK_ISA_AVX512 && ck_isa_supported(CK_ISA_AVX512)) {
        rows_avx512(rows, v, logits, ld, targets, losses);
        return;
    }
    if (isa >= CK_ISA_AVX2 && ck_isa_supported(CK_ISA_AVX2)) {
        rows_avx2(rows, v, logits, ld, targets, losses);
        return;
    }
#endif
    rows_portable(rows, v, logits, ld, targets, losses);
}
