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
// Consecutive groups below the lowest fixed bit are evenly spaced indices
// (consecutive, or 2^f apart when bits 0 .. f-1 are all fixed), so the
// deposit is computed once per run.
template <typename Body>
inline void for_groups(std::uint64_t groups, const unsigned* fixed, unsigned nf, std::uint64_t set,
                       const For& par, Body&& body) {
  unsigned lowfix = 0;
  while (lowfix < nf && fixed[lowfix] == lowfix) ++lowfix;
  unsigned red[64];
  const unsigned nred = nf - lowfix;
  for (unsigned j = 0; j < nred; ++j) red[j] = fixed[lowfix + j] - lowfix;
  const std::uint64_t runlen = nred ? bit(red[0]) : groups, step = bit(lowfix);
  par.run(groups, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    std::uint64_t g = b;
    while (g < e) {
      const std::uint64_t end = std::min(e, (g | (runlen - 1)) + 1);
      std::uint64_t base = (deposit_zeros(g, red, nred) << lowfix) | set;
      for (; g < end; ++g, base += step) body(base);
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
// indices, consecutive or 2^f apart when bits 0 .. f-1 are controls (b up to
// the next control); the diagonal index of the run's t-th is
// gather(base) + low[t].
template <typename FP>
void diagonal(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
              const FP* d, const For& par) {
  const std::uint64_t set = mask_of(cs, c);
  // Controls on bits 0 .. f-1 set a stride of 2^f (as in the AVX2 kernel).
  unsigned lowfix = 0;
  while (lowfix < c && cs[lowfix] == lowfix) ++lowfix;
  unsigned red[64];
  const unsigned nred = c - lowfix;
  for (unsigned j = 0; j < nred; ++j) red[j] = cs[lowfix + j] - lowfix;
  unsigned b = std::min(n - c, 10u);
  if (nred) b = std::min(b, red[0]);
  const std::uint64_t B = bit(b);
  AlignedBuffer<std::uint32_t> low(B);
  for (std::uint64_t t = 0; t < B; ++t) low[t] = static_cast<std::uint32_t>(gather_bits(t << lowfix, qs, k));
  const std::uint64_t groups = std::uint64_t(1) << (n - c - b);
  const std::uint64_t step = 2 * bit(lowfix);
  par.run(groups, [&](std::uint64_t g0, std::uint64_t g1, unsigned) {
    for (std::uint64_t g = g0; g < g1; ++g) {
      const std::uint64_t base = (deposit_zeros(g << b, red, nred) << lowfix) | set;
      const std::uint64_t jb = gather_bits(base, qs, k);
      FP* a = s + 2 * base;
      for (std::uint64_t t = 0; t < B; ++t, a += step) {
        const std::uint64_t j = jb + low[t];
        const FP dr = d[2 * j], di = d[2 * j + 1];
        const FP ar = a[0], ai = a[1];
        a[0] = dr * ar - di * ai;
        a[1] = dr * ai + di * ar;
      }
    }
  });
}

// Permutation: in every group, each cycle's amplitudes rotate one step; the
// fixed points are never read or written.
template <typename FP>
void permute(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
             const std::uint8_t* src, const For& par) {
  unsigned fixed[64];
  const unsigned nf = merge_sorted(qs, k, cs, c, fixed);
  const std::uint64_t set = mask_of(cs, c);
  Cycles cy;
  permutation_cycles(src, k, qs, 2, cy);  // offsets in FP values
  if (cy.count == 0) return;
  const std::uint64_t groups = std::uint64_t(1) << (n - nf);
  if (k == 1) {  // X, CNOT, Toffoli: swap the pairs
    const std::uint64_t o = cy.pos[1];
    for_groups(groups, fixed, nf, set, par, [&](std::uint64_t base) {
      FP* a = s + 2 * base;
      const FP r = a[0], i = a[1];
      a[0] = a[o];
      a[1] = a[o + 1];
      a[o] = r;
      a[o + 1] = i;
    });
    return;
  }
  for_groups(groups, fixed, nf, set, par, [&](std::uint64_t base) {
    FP* a = s + 2 * base;
    for (unsigned y = 0; y < cy.count; ++y) {
      const unsigned b = cy.start[y], e = cy.start[y + 1];
      const FP r = a[cy.pos[b]], i = a[cy.pos[b] + 1];
      for (unsigned j = b; j + 1 < e; ++j) {
        a[cy.pos[j]] = a[cy.pos[j + 1]];
        a[cy.pos[j] + 1] = a[cy.pos[j + 1] + 1];
      }
      a[cy.pos[e - 1]] = r;
      a[cy.pos[e - 1] + 1] = i;
    }
  });
}

// Phase on the control subspace: only amplitudes with every control bit 1.
template <typename FP>
void phase(FP* s, unsigned n, const unsigned* cs, unsigned c, const FP* ph, const For& par) {
  const FP pr = ph[0], pi = ph[1];
  for_groups(std::uint64_t(1) << (n - c), cs, c, mask_of(cs, c), par, [&](std::uint64_t i) {
    FP* a = s + 2 * i;
    const FP ar = a[0], ai = a[1];
    a[0] = pr * ar - pi * ai;
    a[1] = pr * ai + pi * ar;
  });
}

template <typename FP>
void diagonal1(FP* s, unsigned n, unsigned t, const unsigned* cs, unsigned c, const FP* d,
               const For& par) {
  unsigned fixed[64];
  const unsigned nf = merge_sorted(&t, 1, cs, c, fixed);
  const std::uint64_t o = 2 * bit(t);
  const FP d0r = d[0], d0i = d[1], d1r = d[2], d1i = d[3];
  for_groups(std::uint64_t(1) << (n - nf), fixed, nf, mask_of(cs, c), par, [&](std::uint64_t i) {
    FP* a = s + 2 * i;
    const FP ar = a[0], ai = a[1], br = a[o], bi = a[o + 1];
    a[0] = d0r * ar - d0i * ai;
    a[1] = d0r * ai + d0i * ar;
    a[o] = d1r * br - d1i * bi;
    a[o + 1] = d1r * bi + d1i * br;
  });
}

}  // namespace scalar
}  // namespace quench
