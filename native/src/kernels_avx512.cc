// AVX-512 kernel tables (float, double). Built with -mavx512f -mavx512dq
// -mavx512bw -mavx512vl (CMakeLists.txt: *_avx512.cc only); reached only
// after isa_available(Isa::avx512).
//
// What runs AVX-512 code (measured against AVX2 on this Xeon with AVX-512,
// interleaved in fresh processes: bench/isa_ab.cjs, bench/RESULTS.md):
//  - dense blocks of k = 3, 4 or 6 qubits whose targets are all above the
//    512-bit lane qubits (2 for f64, 3 for f32): the compute-bound fused
//    blocks, x0.76-0.84 of AVX2's time at 20 qubits. The same kernel as AVX2
//    (kernels_avx2.h: dense_kt) with 512-bit vectors and a 4-row register
//    tile (32 registers). k = 5 measured x1.14-1.23 slower: AVX2 there;
//  - the norm (x0.87-0.97).
// The rest stays on the AVX2 kernels, which the table points at: k <= 2 and
// lane targets, diagonals, permutations, phases (memory- or shuffle-bound),
// probabilities (x1.0-1.26 at 512 bits) and expectation values (x1.12-1.18).
// GCC 12's avx512fintrin.h starts some intrinsics from _mm*_undefined_*(),
// which -Wuninitialized reports at every use: a false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#define QUENCH_AVX2_NS avx2_in_avx512
#include "quench/kernels_avx2.h"
#include "quench/kernels.h"
#include "quench/observables.h"

namespace quench {
namespace avx512 {
namespace {
struct Avx512Tag {};

template <typename FP>
struct Vec;

template <>
struct Vec<double> {
  using T = __m512d;
  static constexpr unsigned LB = 2, L = 4;
  static T load(const double* p) { return _mm512_load_pd(p); }
  static T loadu(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, T v) { _mm512_store_pd(p, v); }
  static T swap_ri(T v) { return _mm512_permute_pd(v, 0x55); }
  template <unsigned S>
  static T perm(T v) {
    static_assert(S == 0, "lane targets are not handled by the AVX-512 dense kernel");
    return v;
  }
  static T mul(T a, T b) { return _mm512_mul_pd(a, b); }
  static T fmadd(T a, T b, T c) { return _mm512_fmadd_pd(a, b, c); }
  // a - b in the real slots, a + b in the imaginary ones.
  static T addsub(T a, T b) { return _mm512_fmaddsub_pd(a, _mm512_set1_pd(1.0), b); }
};

template <>
struct Vec<float> {
  using T = __m512;
  static constexpr unsigned LB = 3, L = 8;
  static T load(const float* p) { return _mm512_load_ps(p); }
  static T loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, T v) { _mm512_store_ps(p, v); }
  static T swap_ri(T v) { return _mm512_permute_ps(v, 0xB1); }
  template <unsigned S>
  static T perm(T v) {
    static_assert(S == 0, "lane targets are not handled by the AVX-512 dense kernel");
    return v;
  }
  static T mul(T a, T b) { return _mm512_mul_ps(a, b); }
  static T fmadd(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T addsub(T a, T b) { return _mm512_fmaddsub_ps(a, _mm512_set1_ps(1.0f), b); }
};

template <typename FP>
const KernelTable<FP>& avx2_table();
template <>
const KernelTable<float>& avx2_table<float>() { return avx2_kernels_f32(); }
template <>
const KernelTable<double>& avx2_table<double>() { return avx2_kernels_f64(); }

template <typename FP, unsigned K>
void dense_k(FP* s, unsigned nv, const unsigned* hq, const unsigned* fixed, unsigned nf,
             std::uint64_t set, unsigned lcm, const FP* m, const For& par) {
  avx2_in_avx512::dense_kt<FP, K, 0, Vec<FP>>(s, nv, hq, fixed, nf, set, lcm, m, par);
}

// Dense k-qubit blocks: AVX-512 for k >= 3 with no target among the lane
// qubits (controls there are folded into the coefficients), else AVX2.
template <typename FP>
void dense(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
           const FP* m, const For& par) {
  using V = Vec<FP>;
  // k = 5 measured slower than AVX2 (x1.14-1.23 at 20 qubits, f64 and f32),
  // k = 3, 4, 6 faster (x0.76-0.84): see the header.
  bool ok = (k == 3 || k == 4 || k == 6) && n > V::LB;
  for (unsigned j = 0; ok && j < k; ++j) ok = qs[j] >= V::LB;
  unsigned hc[64], hq[64], fixed[64], nhc = 0, lcm = 0;
  if (ok) {
    for (unsigned j = 0; j < k; ++j) hq[j] = qs[j] - V::LB;
    for (unsigned j = 0; j < c; ++j) {
      if (cs[j] < V::LB) lcm |= 1u << cs[j];
      else hc[nhc++] = cs[j] - V::LB;
    }
    ok = k + nhc <= n - V::LB;
  }
  if (!ok) return avx2_table<FP>().dense(s, n, qs, k, cs, c, m, par);
  const unsigned nf = merge_sorted(hq, k, hc, nhc, fixed);
  const std::uint64_t set = mask_of(hc, nhc);
  const unsigned nv = n - V::LB;
  switch (k) {
    case 3: return dense_k<FP, 3>(s, nv, hq, fixed, nf, set, lcm, m, par);
    case 4: return dense_k<FP, 4>(s, nv, hq, fixed, nf, set, lcm, m, par);
    case 6: return dense_k<FP, 6>(s, nv, hq, fixed, nf, set, lcm, m, par);
    default: return;
  }
}

template <typename FP>
KernelTable<FP> make_table() {
  // Start from the AVX2 table (lane_bits and min_qubits are its: the AVX2
  // kernels kept here rely on them; the AVX-512 dense kernel checks its own).
  KernelTable<FP> t = avx2_table<FP>();
  t.isa = Isa::avx512;
#ifndef QUENCH_AVX512_NO_DENSE
  t.dense = &dense<FP>;
#endif
  t.norm_squared = &Reductions<FP, Avx512Tag>::norm_squared;
  // probabilities and expectation stay AVX2 (measured x1.0-1.26 and x1.12-1.18 slower at 512 bits).
  return t;
}
}  // namespace
}  // namespace avx512

const KernelTable<float>& avx512_kernels_f32() {
  static const KernelTable<float> t = avx512::make_table<float>();
  return t;
}
const KernelTable<double>& avx512_kernels_f64() {
  static const KernelTable<double> t = avx512::make_table<double>();
  return t;
}

}  // namespace quench
