// gram.h — the packed complex matrix product behind the fidelity kernel,
// G_ij = <a_i|b_j> = Σ_t conj(a_i[t]) b_j[t], organised like a BLAS GEMM:
//
//  - packing (qml.cc): the states are split into real and imaginary planes
//    and regrouped into micro-panels. An A micro-panel holds MR states: per
//    amplitude t, the MR real parts, then the MR imaginary parts (2·MR
//    values). A B micro-panel holds NR states the same way (2·NR values per
//    t). Rows past the end are zero.
//  - the micro-kernel (one per ISA: gram_scalar in qml.cc, gram_avx2.cc,
//    gram_avx512.cc) computes an MR x NR block of G over kc amplitudes as
//    outer products: per t it loads the MR real and MR imaginary parts of A
//    as vectors, broadcasts each of the NR (re, im) pairs of B, and updates
//    2 accumulators per (vector of A, point of B) with 4 FMAs:
//        Re += ar·br + ai·bi,   Im += ar·bi − ai·br.
//    No shuffles, no horizontal sums; the accumulators stay in registers.
//    It adds its sums (in double) to c: c[j·MR + i] (Re), c[(NR + j)·MR + i] (Im).
//  - blocking (qml.cc): kc amplitudes per pass (the B micro-panel, 2·NR·kc
//    values, stays in L1 while the A micro-panels of a tile stream from L2);
//    tiles of points are the tasks of the engine's pool; the symmetric
//    (train x train) product computes only the tiles on and above the
//    diagonal, and in a diagonal tile only the micro-blocks touching i <= j.
#pragma once

#include <cstddef>

#include "quench/engine.h"

namespace quench {

template <typename FP>
struct GramKernel {
  unsigned mr;     // rows of A per micro-block (a multiple of the vector length)
  unsigned nr;     // points of B per micro-block
  std::size_t kc;  // amplitudes per pass
  // c += the MR x NR block of G over kc amplitudes (see above).
  void (*run)(const FP* a, const FP* b, std::size_t kc, double* c);
};

GramKernel<float> gram_kernel_scalar_f32();
GramKernel<double> gram_kernel_scalar_f64();
GramKernel<float> gram_kernel_avx2_f32();
GramKernel<double> gram_kernel_avx2_f64();
GramKernel<float> gram_kernel_avx512_f32();
GramKernel<double> gram_kernel_avx512_f64();

template <typename FP>
GramKernel<FP> gram_kernel(Isa isa);
template <>
inline GramKernel<float> gram_kernel<float>(Isa isa) {
  return isa == Isa::avx512 ? gram_kernel_avx512_f32()
         : isa == Isa::avx2 ? gram_kernel_avx2_f32()
                            : gram_kernel_scalar_f32();
}
template <>
inline GramKernel<double> gram_kernel<double>(Isa isa) {
  return isa == Isa::avx512 ? gram_kernel_avx512_f64()
         : isa == Isa::avx2 ? gram_kernel_avx2_f64()
                            : gram_kernel_scalar_f64();
}

}  // namespace quench
