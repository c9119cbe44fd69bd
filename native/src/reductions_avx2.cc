// AVX2+FMA build of the reductions (reductions.h); reached only after the
// CPU check (isa_available(Isa::avx2)).
#include "quench/reductions_impl.h"

namespace quench {
namespace {
struct Avx2RedTag {};
}  // namespace

const ReductionTable<float>& avx2_reductions_f32() {
  static const ReductionTable<float> t = ReductionImpl<float, Avx2RedTag>::table(Isa::avx2);
  return t;
}
const ReductionTable<double>& avx2_reductions_f64() {
  static const ReductionTable<double> t = ReductionImpl<double, Avx2RedTag>::table(Isa::avx2);
  return t;
}

}  // namespace quench
