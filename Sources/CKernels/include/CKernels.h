#ifndef CKERNELS_H
#define CKERNELS_H
// NeuralCore's own numeric kernels, for the shapes OpenBLAS handles poorly: the small per-step
// GEMMs of recurrent layers, `[B, H] · [H, 4H]` with B ≈ 32, against a weight matrix that stays
// the same for a whole forward and backward pass. cblas_sgemm repacks that weight on every call
// (≈ 20 % of a character-RVAE training step went to `sgemm_*copy`); here it is packed once
// (`ck_pack_b`) and every step multiplies against the packed panels (`ck_gemm_packed`). The
// LSTM step kernels apply the gate nonlinearities and the cell update (and their derivatives)
// sixteen lanes at a time, which Swift, compiled for baseline x86-64 (SSE2), cannot.
//
// Dispatch: every kernel takes the instruction set to run on (`CK_ISA_*`) explicitly, so tests
// can run each path on the same inputs without touching process-wide state; callers normally
// pass `ck_isa_best()`. The AVX2 and AVX-512 paths are compiled with per-function target
// attributes and only run when the CPU (and OS) supports them; the portable path is plain C.
//
// Numerics: every element of a GEMM result is Σ_k a·b summed in order of k from zero (one fused
// multiply-add per term on AVX2/AVX-512, multiply then add on the portable path), then combined
// with β·C. The order does not depend on the tiling, so results are deterministic for a given
// instruction set; different instruction sets agree to rounding.
//
// Layout: all matrices are row-major Float32; `ld*` are row strides in elements. Sizes are `int`
// (the shapes are far below 2³¹ elements per matrix).

#include <stddef.h>
#include <stdint.h>

/// The instruction sets a kernel can run on.
enum {
    CK_ISA_PORTABLE = 0,  ///< plain C (SSE2 on x86-64 when the compiler vectorises it)
    CK_ISA_AVX2 = 1,      ///< AVX2 + FMA, 8 lanes
    CK_ISA_AVX512 = 2,    ///< AVX-512F, 16 lanes
};

/// Whether this CPU and OS can run kernels for `isa` (a `CK_ISA_*` value).
int ck_isa_supported(int isa);

/// The best supported instruction set, capped by the environment variable `CK_ISA`
/// (`portable`, `avx2` or `avx512`) when it is set — to test or compare the slower paths in a
/// whole program. Detected once.
int ck_isa_best(void);

// MARK: CPU identity (for choosing and reporting the BLAS kernels)

/// Bits of `ck_cpu_features`: vendor and the instruction sets that matter for GEMM kernels, each
/// only when the OS also saves the registers it needs.
enum {
    CK_CPU_INTEL = 1u << 0,
    CK_CPU_AMD = 1u << 1,
    CK_CPU_SSE42 = 1u << 2,
    CK_CPU_AVX = 1u << 3,
    CK_CPU_AVX2 = 1u << 4,
    CK_CPU_FMA = 1u << 5,
    CK_CPU_AVX512F = 1u << 6,
    CK_CPU_AVX512BW = 1u << 7,
    CK_CPU_AVX512DQ = 1u << 8,
    CK_CPU_AVX512VL = 1u << 9,
    CK_CPU_AVX512BF16 = 1u << 10,
};

/// The `CK_CPU_*` bits of this CPU (0 off x86).
unsigned ck_cpu_features(void);

/// The CPU's brand string (cpuid leaves 0x80000002–4, 48 characters, NUL-terminated into `brand`
/// of at least 49 bytes) and its display family and model. Returns 0 when there is no brand string.
int ck_cpu_identity(char *brand, int capacity, int *family, int *model);

// MARK: GEMM against a packed right-hand side

/// Width of a packed panel: op(B) is stored as ⌈N / 32⌉ panels, each K rows of 32 floats.
#define CK_PANEL_WIDTH 32

/// The number of floats `ck_pack_b` writes for op(B) of K×N: ⌈N / 32⌉ · 32 · K.
size_t ck_packed_count(int k, int n);

/// Packs op(B) (K×N) into panels: panel p holds columns 32p ..< 32p + 32 of op(B), row after
/// row (K rows of 32 floats); columns past N are zero.
/// - Parameters:
///   - b: if `transposed` is 0, op(B) = B, stored K×N (`b[k·ldb + n]`); otherwise op(B) = Bᵀ
///     with B stored N×K (`b[n·ldb + k]`) — e.g. a weight `[4H, H]` for `h · Wᵀ`.
///   - packed: `ck_packed_count(k, n)` floats.
void ck_pack_b(const float *b, int ldb, int transposed, int k, int n, float *packed);

/// C = op(A) · op(B) + β · C with op(B) packed by `ck_pack_b`; C (M×N) is not read when β = 0.
/// - Parameters:
///   - transpose_a: 0 if op(A) = A stored M×K (`a[m·lda + k]`); otherwise op(A) = Aᵀ with A
///     stored K×M (`a[k·lda + m]`) — e.g. the gate gradients of all steps in `dGᵀ · h`.
void ck_gemm_packed(int isa, int transpose_a, int m, int n, int k, const float *a, int lda,
                    const float *packed, float beta, float *c, int ldc);

// MARK: LSTM step (gate order i, f, g, o as PyTorch)

/// e^x by the portable path's polynomial (the one σ and tanh below are built on): x clamped to
/// [−87, 88], relative error ≤ 1e−7. For tests that compare it with NeuralCore's `fastExp`.
float ck_exp(float x);

/// One LSTM step's elementwise part for `rows` sequences of hidden size H, after the caller has
/// added h_{t−1} · W_hhᵀ to the gate pre-activations.
///
/// For a row b with `lengths == NULL` or `lengths[b] > t`: i, f, o = σ(·), g = tanh(·) are
/// written over `gates` (row stride 4H), c_t = f ⊙ c_{t−1} + i ⊙ g, tanh(c_t) and
/// h_t = o ⊙ tanh(c_t). Other rows are padding: h_t, c_t copy h_{t−1}, c_{t−1}; their gates and
/// `tanh_c` are left as they are. The state rows have stride H. σ and tanh come from a
/// polynomial exp (relative error ≤ 1e−7 on [−87, 88], clamped outside).
void ck_lstm_forward_step(int isa, int rows, int hidden, const int32_t *lengths, int t, float *gates,
                          const float *h_prev, const float *c_prev, float *h_next, float *c_next,
                          float *tanh_c);

/// Back-propagation through one LSTM step's elementwise part.
///
/// On entry `dh`, `dc` (rows × H) hold dL/dh_t, dL/dc_t from later steps; `grad_h` (may be NULL)
/// is dL/dh_t from the step's output and is added to `dh`. For a row b with `lengths == NULL` or
/// `lengths[b] > t`, writes dL/d(gate pre-activations) to `dgates` (row stride 4H), sets `dc` to
/// dL/dc_{t−1} and `dh` to zero (the caller adds dgates · W_hh). Other rows are padding: their
/// `dgates` row is zeroed and `dh`, `dc` are carried unchanged (`grad_h` is ignored there; it is
/// zero on padding). `gates` are the activated gates, `c_prev` = c_{t−1}, `tanh_c` = tanh(c_t).
void ck_lstm_backward_step(int isa, int rows, int hidden, const int32_t *lengths, int t, const float *gates,
                           const float *c_prev, const float *tanh_c, const float *grad_h, float *dh, float *dc,
                           float *dgates);

// MARK: Softmax loss (evaluation)

/// −log softmax(x)[target] of each of `rows` rows of `v` logits (row r starts at `logits + r·ld`),
/// into `losses[r]`: (max − x[target]) + log Σ_j e^(x_j − max), the exponentials by the shared
/// polynomial and summed in Float (lanes, then across them), the logarithm by `logf`. Reads only.
/// `targets[r]` must lie in 0 ..< v.
void ck_softmax_nll_rows(int isa, int rows, int v, const float *logits, int64_t ld, const int64_t *targets,
                         double *losses);

#endif
