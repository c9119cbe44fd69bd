// fock_avx2.cc — the Fock kernels (fock_kernels.inl) compiled with -mavx2
// -mfma: no intrinsics, the lane loops auto-vectorise to 256-bit FMA code.
// Reached only after isa_available(Isa::avx2) (see fock.cc: execute()).
#include "fock_internal.h"
#include "fock_kernels.inl"

namespace quench {
namespace fock {
namespace detail {
namespace {
constexpr int kLanesAvx2 = 4;
}  // namespace

unsigned lanes_avx2() { return kLanesAvx2; }

void run_job_avx2(const Plan& plan, const Job& job) { run_job_impl<kLanesAvx2>(plan, job); }

}  // namespace detail
}  // namespace fock
}  // namespace quench
