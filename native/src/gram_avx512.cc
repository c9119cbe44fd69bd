// AVX-512 micro-kernel of the fidelity kernel's Gram product (gram.h,
// gram_impl.h): MR = 2 vectors of A (16 f64 / 32 f32 rows) x NR = 6 points,
// 24 accumulators + 4 A vectors + 1 broadcast of the 32 zmm registers.
// Reached only after isa_available(Isa::avx512).
// GCC 12's avx512fintrin.h starts some intrinsics from _mm*_undefined_*(),
// which -Wuninitialized reports at every use: a false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "gram_impl.h"

namespace quench {
namespace {

struct VD {
  using FP = double;
  using T = __m512d;
  static constexpr unsigned L = 8;
  static T zero() { return _mm512_setzero_pd(); }
  static T load(const double* p) { return _mm512_load_pd(p); }
  static T bcast(const double* p) { return _mm512_set1_pd(*p); }
  static T fmadd(T a, T b, T c) { return _mm512_fmadd_pd(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm512_fnmadd_pd(a, b, c); }
  static void add_to(double* p, T v) { _mm512_store_pd(p, _mm512_add_pd(_mm512_load_pd(p), v)); }
};
struct VF {
  using FP = float;
  using T = __m512;
  static constexpr unsigned L = 16;
  static T zero() { return _mm512_setzero_ps(); }
  static T load(const float* p) { return _mm512_load_ps(p); }
  static T bcast(const float* p) { return _mm512_set1_ps(*p); }
  static T fmadd(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T fnmadd(T a, T b, T c) { return _mm512_fnmadd_ps(a, b, c); }
  static void add_to(double* p, T v) {
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
    const __m512d hi = _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1));
    _mm512_store_pd(p, _mm512_add_pd(_mm512_load_pd(p), lo));
    _mm512_store_pd(p + 8, _mm512_add_pd(_mm512_load_pd(p + 8), hi));
  }
};

using KD = GramMicro<VD, 2, 6>;
using KF = GramMicro<VF, 2, 6>;

}  // namespace

// kc: the B micro-panel (2·NR·kc values) in L1 (24 KiB at f64).
GramKernel<double> gram_kernel_avx512_f64() { return {KD::MR, 6, 256, &KD::run}; }
GramKernel<float> gram_kernel_avx512_f32() { return {KF::MR, 6, 256, &KF::run}; }

}  // namespace quench
