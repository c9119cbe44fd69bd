// bits.h — index arithmetic shared by every kernel: inserting zero bits at
// sorted positions (enumerating the amplitudes a gate touches) and
// gathering/scattering bits (matrix index <-> state index).
#pragma once

#include <cstddef>
#include <cstdint>

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

}  // namespace quench
