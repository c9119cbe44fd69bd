// gram_impl.h — the Gram micro-kernel (gram.h) written once over a vector
// type V, included by gram_avx2.cc and gram_avx512.cc. Internal linkage
// (anonymous namespace): each ISA's translation unit keeps its own copy.
#pragma once

#include <cstddef>

#include "quench/gram.h"

namespace quench {
namespace {

// MV vectors of A (MR = MV·V::L rows) x NR points of B. Accumulators:
// 2·MV·NR vectors (AVX-512: MV 2, NR 6 -> 24 of 32 registers; AVX2: MV 1,
// NR 6 -> 12 of 16), plus 2·MV for the loaded A values and one broadcast.
template <typename V, unsigned MV, unsigned NR>
struct GramMicro {
  using FP = typename V::FP;
  using T = typename V::T;
  static constexpr unsigned MR = MV * V::L;

  static void run(const FP* a, const FP* b, std::size_t kc, double* c) {
    T re[MV][NR], im[MV][NR];
#pragma GCC unroll 4
    for (unsigned m = 0; m < MV; ++m)
#pragma GCC unroll 8
      for (unsigned j = 0; j < NR; ++j) re[m][j] = im[m][j] = V::zero();
    for (std::size_t t = 0; t < kc; ++t) {
      const FP* at = a + t * 2 * MR;
      const FP* bt = b + t * 2 * NR;
      T ar[MV], ai[MV];
#pragma GCC unroll 4
      for (unsigned m = 0; m < MV; ++m) {
        ar[m] = V::load(at + m * V::L);
        ai[m] = V::load(at + MR + m * V::L);
      }
#pragma GCC unroll 8
      for (unsigned j = 0; j < NR; ++j) {
        const T br = V::bcast(bt + j);
#pragma GCC unroll 4
        for (unsigned m = 0; m < MV; ++m) {
          re[m][j] = V::fmadd(ar[m], br, re[m][j]);
          im[m][j] = V::fnmadd(ai[m], br, im[m][j]);
        }
        const T bi = V::bcast(bt + NR + j);
#pragma GCC unroll 4
        for (unsigned m = 0; m < MV; ++m) {
          re[m][j] = V::fmadd(ai[m], bi, re[m][j]);
          im[m][j] = V::fmadd(ar[m], bi, im[m][j]);
        }
      }
    }
#pragma GCC unroll 8
    for (unsigned j = 0; j < NR; ++j)
#pragma GCC unroll 4
      for (unsigned m = 0; m < MV; ++m) {
        V::add_to(c + j * MR + m * V::L, re[m][j]);
        V::add_to(c + (NR + j) * MR + m * V::L, im[m][j]);
      }
  }
};

}  // namespace
}  // namespace quench
