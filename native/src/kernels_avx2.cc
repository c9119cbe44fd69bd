// AVX2+FMA kernel tables (float, double). The only translation unit with
// -mavx2 -mfma besides bandwidth_avx2.cc; it must be reached only after the
// CPU check (isa_available(Isa::avx2)).
#include "quench/kernels_avx2.h"

#include "quench/kernels.h"
#include "quench/observables.h"

namespace quench {
namespace {
struct Avx2Tag {};

void scale_add_f64(double* x, std::size_t count, double a, double b, const For& par) {
  par.run(count / 16, [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
    const __m256d va = _mm256_set1_pd(a), vb = _mm256_set1_pd(b);
    for (std::uint64_t i = lo * 16; i < hi * 16; i += 16) {
      double* p = x + i;
      _mm256_store_pd(p, _mm256_fmadd_pd(va, _mm256_load_pd(p), vb));
      _mm256_store_pd(p + 4, _mm256_fmadd_pd(va, _mm256_load_pd(p + 4), vb));
      _mm256_store_pd(p + 8, _mm256_fmadd_pd(va, _mm256_load_pd(p + 8), vb));
      _mm256_store_pd(p + 12, _mm256_fmadd_pd(va, _mm256_load_pd(p + 12), vb));
    }
  });
  for (std::size_t i = count / 16 * 16; i < count; ++i) x[i] = a * x[i] + b;
}
void scale_add_f32(float* x, std::size_t count, float a, float b, const For& par) {
  par.run(count / 32, [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
    const __m256 va = _mm256_set1_ps(a), vb = _mm256_set1_ps(b);
    for (std::uint64_t i = lo * 32; i < hi * 32; i += 32) {
      float* p = x + i;
      _mm256_store_ps(p, _mm256_fmadd_ps(va, _mm256_load_ps(p), vb));
      _mm256_store_ps(p + 8, _mm256_fmadd_ps(va, _mm256_load_ps(p + 8), vb));
      _mm256_store_ps(p + 16, _mm256_fmadd_ps(va, _mm256_load_ps(p + 16), vb));
      _mm256_store_ps(p + 24, _mm256_fmadd_ps(va, _mm256_load_ps(p + 24), vb));
    }
  });
  for (std::size_t i = count / 32 * 32; i < count; ++i) x[i] = a * x[i] + b;
}
void scale_add_any(double* x, std::size_t c, double a, double b, const For& p) { scale_add_f64(x, c, a, b, p); }
void scale_add_any(float* x, std::size_t c, float a, float b, const For& p) { scale_add_f32(x, c, a, b, p); }

template <typename FP>
KernelTable<FP> make_table() {
  KernelTable<FP> t;
  t.isa = Isa::avx2;
  t.lane_bits = avx2::Vec<FP>::LB;
  t.min_qubits = 4;
  t.dense = &avx2::dense<FP>;
  t.diagonal = &avx2::diagonal<FP>;
  t.permute = &avx2::permute<FP>;
  t.phase = &avx2::phase<FP>;
  t.diagonal1 = &avx2::diagonal1<FP>;
  t.norm_squared = &Reductions<FP, Avx2Tag>::norm_squared;
  t.probabilities = &Reductions<FP, Avx2Tag>::probabilities;
  t.expectation = &Reductions<FP, Avx2Tag>::expectation;
  t.scale_add = static_cast<void (*)(FP*, std::size_t, FP, FP, const For&)>(&scale_add_any);
  return t;
}
}  // namespace

const KernelTable<float>& avx2_kernels_f32() {
  static const KernelTable<float> t = make_table<float>();
  return t;
}
const KernelTable<double>& avx2_kernels_f64() {
  static const KernelTable<double> t = make_table<double>();
  return t;
}

}  // namespace quench
