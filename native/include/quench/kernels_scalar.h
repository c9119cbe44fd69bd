// kernels_scalar.h — portable kernels (any x86-64; also used for tiny
// states). Same method set as kernels_avx2.h. Included only by
// kernels_scalar.cc.
#pragma once

#include <algorithm>
#include <cstdint>

#include "quench/bits.h"
#include "quench/parallel.h"
#include "quench/state_space.h"

namespace quench {
namespace scalar {

// Runs body(index) for every group index of a gate: `fixed` (ascending) are
// the bit positions the gate fixes, `set` the bits forced to 1 (controls).
// Consecutive groups below the lowest fixed bit are consecutive indices, so
// the deposit is computed once per run.
template <typename Body>
inline void for_groups(std::uint64_t groups, const unsigned* fixed, unsigned nf, std::uint64_t set,
                       const For& par, Body&& body) {
  const std::uint64_t runlen = nf ? bit(fixed[0]) : groups;
  par.run(groups, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    std::uint64_t g = b;
    while (g < e) {
      const std::uint64_t end = std::min(e, (g | (runlen - 1)) + 1);
      std::uint64_t base = deposit_zeros(g, fixed, nf) | set;
      for (; g < end; ++g, ++base) body(base);
    }
  });
}

template <typename FP, unsigned K>
void dense_k(FP* s, unsigned n, const unsigned* qs, const unsigned* cs, unsigned c, const FP* m,
             const For& par) {
  constexpr unsigned D = 1u << K;
  unsigned fixed[64];
  const unsigned nf = merge_sorted(qs, K, cs, c, fixed);
  const std::uint64_t set = mask_of(cs, c);
  std::uint64_t off[D];
  for (unsigned r = 0; r < D; ++r) off[r] = scatter_bits(r, qs, K);
  FP mr[D * D], mi[D * D];
  for (unsigned i = 0; i < D * D; ++i) {
    mr[i] = m[2 * i];
    mi[i] = m[2 * i + 1];
  }
  const std::uint64_t groups = std::uint64_t(1) << (n - nf);
  for_groups(groups, fixed, nf, set, par, [&](std::uint64_t base) {
    FP vr[D], vi[D];
    for (unsigned j = 0; j < D; ++j) {
      vr[j] = s[2 * (base + off[j])];
      vi[j] = s[2 * (base + off[j]) + 1];
    }
    for (unsigned r = 0; r < D; ++r) {
      FP ar = 0, ai = 0;
      for (unsigned j = 0; j < D; ++j) {
        ar += mr[r * D + j] * vr[j] - mi[r * D + j] * vi[j];
        ai += mr[r * D + j] * vi[j] + mi[r * D + j] * vr[j];
      }
      s[2 * (base + off[r])] = ar;
      s[2 * (base + off[r]) + 1] = ai;
    }
  });
}

template <typename FP>
void dense(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
           const FP* m, const For& par) {
  switch (k) {
    case 1: return dense_k<FP, 1>(s, n, qs, cs, c, m, par);
    case 2: return dense_k<FP, 2>(s, n, qs, cs, c, m, par);
    case 3: return dense_k<FP, 3>(s, n, qs, cs, c, m, par);
    case 4: return dense_k<FP, 4>(s, n, qs, cs, c, m, par);
    case 5: return dense_k<FP, 5>(s, n, qs, cs, c, m, par);
    case 6: return dense_k<FP, 6>(s, n, qs, cs, c, m, par);
    default: return;
  }
}

// Diagonal: iterates the amplitudes whose control bits are 1 in runs of 2^b
// consecutive indices (b <= lowest control); the diagonal index of
// base + t is gather(base) + low[t].
template <typename FP>
void diagonal(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
              const FP* d, const For& par) {
  const std::uint64_t set = mask_of(cs, c);
  unsigned b = std::min(n - c, 10u);
  if (c) b = std::min(b, cs[0]);
  const std::uint64_t B = bit(b);
  AlignedBuffer<std::uint32_t> low(B);
  for (std::uint64_t t = 0; t < B; ++t) low[t] = static_cast<std::uint32_t>(gather_bits(t, qs, k));
  const std::uint64_t groups = std::uint64_t(1) << (n - c - b);
  par.run(groups, [&](std::uint64_t g0, std::uint64_t g1, unsigned) {
    for (std::uint64_t g = g0; g < g1; ++g) {
      const std::uint64_t base = deposit_zeros(g << b, cs, c) | set;
      const std::uint64_t jb = gather_bits(base, qs, k);
      FP* a = s + 2 * base;
      for (std::uint64_t t = 0; t < B; ++t) {
        const std::uint64_t j = jb + low[t];
        const FP dr = d[2 * j], di = d[2 * j + 1];
        const FP ar = a[2 * t], ai = a[2 * t + 1];
        a[2 * t] = dr * ar - di * ai;
        a[2 * t + 1] = dr * ai + di * ar;
      }
    }
  });
}

}  // namespace scalar
}  // namespace quench
