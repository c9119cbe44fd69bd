// fock_avx512.cc — the Fock kernels (fock_kernels.inl) compiled with
// -mavx512f -mavx512dq -mavx512bw -mavx512vl -mprefer-vector-width=512: no
// intrinsics, the lane loops auto-vectorise to 512-bit FMA code over 8
// samples per chunk. Reached only after isa_available(Isa::avx512) (see
// fock.cc: execute()).
#include "fock_internal.h"
#include "fock_kernels.inl"

namespace quench {
namespace fock {
namespace detail {
namespace {
constexpr int kLanesAvx512 = 8;
}  // namespace

unsigned lanes_avx512() { return kLanesAvx512; }

void run_job_avx512(const Plan& plan, const Job& job) { run_job_impl<kLanesAvx512>(plan, job); }

}  // namespace detail
}  // namespace fock
}  // namespace quench
