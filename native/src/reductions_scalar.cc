// Portable build of the reductions (reductions.h).
#include "quench/reductions_impl.h"

namespace quench {
namespace {
struct ScalarRedTag {};
}  // namespace

const ReductionTable<float>& scalar_reductions_f32() {
  static const ReductionTable<float> t = ReductionImpl<float, ScalarRedTag>::table(Isa::scalar);
  return t;
}
const ReductionTable<double>& scalar_reductions_f64() {
  static const ReductionTable<double> t = ReductionImpl<double, ScalarRedTag>::table(Isa::scalar);
  return t;
}

}  // namespace quench
