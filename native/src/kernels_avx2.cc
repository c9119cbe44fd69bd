// AVX2+FMA kernel tables (float, double). The only translation unit with
// -mavx2 -mfma besides bandwidth_avx2.cc; it must be reached only after the
// CPU check (isa_available(Isa::avx2)).
#include "quench/kernels_avx2.h"

#include "quench/kernels.h"
#include "quench/observables.h"

namespace quench {
namespace {
struct Avx2Tag {};

// The in-place bandwidth reference, x = a * x + b, four vectors (128 bytes)
// per step. With `halves`, a step does that at the same offset in both halves
// of x: the two memory streams of a gate on the top qubit, which a core here
// reads and writes faster than one.
template <typename FP>
void scale_add(FP* x, std::size_t count, FP a, FP b, bool halves, const For& par) {
  using V = avx2::Vec<FP>;
  constexpr std::size_t B = 4 * 2 * V::L;  // values per 4-vector block
  const std::size_t streams = halves ? 2 : 1, blocks = count / (streams * B), half = blocks * B;
  par.run(blocks, [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
    const typename V::T va = V::set1(a), vb = V::set1(b);
    for (std::uint64_t i = lo; i < hi; ++i)
      for (std::size_t s = 0; s < streams; ++s) {
        FP* p = x + s * half + i * B;
        for (unsigned j = 0; j < B; j += 2 * V::L) V::store(p + j, V::fmadd(va, V::load(p + j), vb));
      }
  });
  for (std::size_t i = streams * half; i < count; ++i) x[i] = a * x[i] + b;
}

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
  t.scale_add = &scale_add<FP>;
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
