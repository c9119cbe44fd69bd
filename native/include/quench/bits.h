// bits.h — index arithmetic shared by every kernel: inserting zero bits at
// sorted positions (enumerating the amplitudes a gate touches) and
// gathering/scattering bits (matrix index <-> state index).
#pragma once

#include <cstddef>
#include <cstdint>

// Small loops in the portable translation units (no -mavx2 there) that
// still deserve the CPU's vectors: GCC/Clang compile them twice, for
// Haswell (AVX2 + FMA) and the baseline, and pick one at load time.
#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define QUENCH_MULTIVERSION __attribute__((target_clones("arch=haswell", "default")))
#endif
#endif
#ifndef QUENCH_MULTIVERSION
#define QUENCH_MULTIVERSION
#endif

namespace quench {

static inline std::uint64_t bit(unsigned q) { return std::uint64_t(1) << q; }

// Inserts a zero bit at each of the `m` positions `pos` (ascending, positions
// in the result). Enumerating g = 0 .. 2^(n-m)-1 visits, in increasing order,
// every n-bit index whose bits at `pos` are all zero.
static inline std::uint64_t deposit_zeros(std::uint64_t g, const unsigned* pos, unsigned m) {
  for (unsigned j = 0; j < m; ++j) {
    const std::uint64_t low = g & (bit(pos[j]) - 1);
    g = ((g ^ low) << 1) | low;
  }
  return g;
}

// Bit j of the result = bit pos[j] of i.
static inline std::uint64_t gather_bits(std::uint64_t i, const unsigned* pos, unsigned m) {
  std::uint64_t r = 0;
  for (unsigned j = 0; j < m; ++j) r |= ((i >> pos[j]) & 1u) << j;
  return r;
}

// Bit pos[j] of the result = bit j of v.
static inline std::uint64_t scatter_bits(std::uint64_t v, const unsigned* pos, unsigned m) {
  std::uint64_t r = 0;
  for (unsigned j = 0; j < m; ++j) r |= ((v >> j) & 1u) << pos[j];
  return r;
}

// In place, unnormalised: v[z] <- Σ_m v[m] (-1)^popcount(z & m) over N = 2^k
// entries (the small transforms: a gate's Walsh coefficients, an observable's
// table; the state-sized ones are the cache-blocked kernels of qaoa_kernels.inl).
static inline void walsh_hadamard_in_place(double* v, std::size_t N) {
  for (std::size_t h = 1; h < N; h <<= 1)
    for (std::size_t i = 0; i < N; i += 2 * h)
      for (std::size_t j = i; j < i + h; ++j) {
        const double a = v[j], b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
}

static inline std::uint64_t mask_of(const unsigned* pos, unsigned m) {
  std::uint64_t r = 0;
  for (unsigned j = 0; j < m; ++j) r |= bit(pos[j]);
  return r;
}

// Merges two ascending lists (disjoint) into `out`; returns the count.
static inline unsigned merge_sorted(const unsigned* a, unsigned na, const unsigned* b, unsigned nb,
                             unsigned* out) {
  unsigned i = 0, j = 0, o = 0;
  while (i < na || j < nb) {
    if (j >= nb || (i < na && a[i] < b[j])) out[o++] = a[i++];
    else out[o++] = b[j++];
  }
  return o;
}

// Cycles of a permutation of the 2^k positions of a group (src[r]: the
// position whose value position r takes), without its fixed points: cycle i
// is pos[start[i] .. start[i+1]), pos[j] = unit * (offset of x_j in the
// state, x_j's bits scattered to qs), where x_0 = r and x_{j+1} = src[x_j];
// so x_j takes the value of x_{j+1} and the last one that of x_0.
struct Cycles {
  std::uint64_t pos[64];
  unsigned start[33];
  unsigned count = 0;  // cycles
  unsigned moved = 0;  // positions that move
};
static inline void permutation_cycles(const std::uint8_t* src, unsigned k, const unsigned* qs,
                                      std::uint64_t unit, Cycles& cy) {
  const unsigned D = 1u << k;
  bool seen[64] = {};
  cy.count = cy.moved = 0;
  cy.start[0] = 0;
  for (unsigned r = 0; r < D; ++r) {
    if (seen[r] || src[r] == r) continue;
    for (unsigned x = r; !seen[x]; x = src[x]) {
      seen[x] = true;
      cy.pos[cy.moved++] = unit * scatter_bits(x, qs, k);
    }
    cy.start[++cy.count] = cy.moved;
  }
}

}  // namespace quench
