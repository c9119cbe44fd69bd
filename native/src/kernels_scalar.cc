// Portable kernel tables (float, double).
#include "quench/kernels_scalar.h"

#include "quench/kernels.h"
#include "quench/observables.h"

namespace quench {
namespace {
struct ScalarTag {};

template <typename FP>
void scale_add(FP* x, std::size_t count, FP a, FP b, bool halves, const For& par) {
  const std::size_t half = halves ? count / 2 : count;
  par.run(half, [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
    for (std::uint64_t i = lo; i < hi; ++i) {
      x[i] = a * x[i] + b;
      if (halves) x[half + i] = a * x[half + i] + b;
    }
  });
  for (std::size_t i = halves ? 2 * half : count; i < count; ++i) x[i] = a * x[i] + b;
}

template <typename FP>
KernelTable<FP> make_table() {
  KernelTable<FP> t;
  t.isa = Isa::scalar;
  t.lane_bits = 0;
  t.min_qubits = 0;
  t.dense = &scalar::dense<FP>;
  t.diagonal = &scalar::diagonal<FP>;
  t.permute = &scalar::permute<FP>;
  t.phase = &scalar::phase<FP>;
  t.diagonal1 = &scalar::diagonal1<FP>;
  t.norm_squared = &Reductions<FP, ScalarTag>::norm_squared;
  t.probabilities = &Reductions<FP, ScalarTag>::probabilities;
  t.expectation = &Reductions<FP, ScalarTag>::expectation;
  t.scale_add = &scale_add<FP>;
  return t;
}
}  // namespace

const KernelTable<float>& scalar_kernels_f32() {
  static const KernelTable<float> t = make_table<float>();
  return t;
}
const KernelTable<double>& scalar_kernels_f64() {
  static const KernelTable<double> t = make_table<double>();
  return t;
}

}  // namespace quench
