// AVX2+FMA micro-kernel of the fidelity kernel's Gram product (gram.h,
// gram_impl.h): MR = 1 vector of A (4 f64 / 8 f32 rows) x NR = 6 points,
// 12 accumulators + 2 A vectors + 1 broadcast of the 16 ymm registers (2 x 3
// needs 17 and spills).
// Reached only after isa_available(Isa::avx2).
#include <immintrin.h>

#include "gram_impl.h"

namespace quench {
namespace {

struct VD {
  using FP = double;
  using T = __m256d;
  static constexpr unsigned L = 4;
  static T zero() { return _mm256_setzero_pd(); }
  static T load(const double* p) { return _mm256_load_pd(p); }
  static T bcast(const double* p) { return _mm256_broadcast_sd(p); }
  static T fmadd(T a, T b, T c) { return _mm256_fmadd_pd(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm256_fnmadd_pd(a, b, c); }
  static void add_to(double* p, T v) { _mm256_store_pd(p, _mm256_add_pd(_mm256_load_pd(p), v)); }
};
struct VF {
  using FP = float;
  using T = __m256;
  static constexpr unsigned L = 8;
  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_load_ps(p); }
  static T bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static T fmadd(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm256_fnmadd_ps(a, b, c); }
  static void add_to(double* p, T v) {
    const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
    const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
    _mm256_store_pd(p, _mm256_add_pd(_mm256_load_pd(p), lo));
    _mm256_store_pd(p + 4, _mm256_add_pd(_mm256_load_pd(p + 4), hi));
  }
};

using KD = GramMicro<VD, 1, 6>;
using KF = GramMicro<VF, 1, 6>;

}  // namespace

// kc: the B micro-panel (2·NR·kc values) in L1 (24 KiB at f64).
GramKernel<double> gram_kernel_avx2_f64() { return {KD::MR, 6, 256, &KD::run}; }
GramKernel<float> gram_kernel_avx2_f32() { return {KF::MR, 6, 256, &KF::run}; }

}  // namespace quench
