// splitmix.h — SplitMix64 (Steele, Lea, Flood 2014), the one generator of the
// fuzz harness and its replay driver: seeded from the input, so everything
// generated from it (matrices too large to spell out byte by byte, mutations)
// stays reproducible.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

struct SplitMix64 {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n ? next() % n : 0; }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  double normal() {
    const double u = std::max(uniform(), 1e-300), v = uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }
};
