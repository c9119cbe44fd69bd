// measure.h — marginal probabilities and seeded sampling. Portable code on
// purpose: sampling must give the same outcomes for a seed on every ISA and
// thread count, so cumulative sums are taken over fixed blocks of
// amplitudes (in double) whatever the threads, and the uniforms come from
// our own generator (splitmix64), sorted and walked once along the blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quench/parallel.h"

namespace quench {

// out[j] = probability that qubits[j'] read bit j' of j (m distinct qubits, any order).
template <typename FP>
void marginal_probabilities(const FP* s, unsigned n, const unsigned* qubits, unsigned m, double* out,
                            const For& par);

template <typename FP>
std::vector<std::uint64_t> sample_outcomes(const FP* s, unsigned n, std::size_t shots,
                                           std::uint64_t seed, const For& par);

// Deterministic generator shared by sampling and the tests.
struct SplitMix64 {
  std::uint64_t x;
  explicit SplitMix64(std::uint64_t seed) : x(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

}  // namespace quench
