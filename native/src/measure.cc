// Marginals and sampling (see measure.h).
#include "quench/measure.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "quench/bits.h"

namespace quench {

template <typename FP>
void marginal_probabilities(const FP* s, unsigned n, const unsigned* qubits, unsigned m, double* out,
                            const For& par) {
  const std::uint64_t dim = std::uint64_t(1) << n;
  const std::uint64_t M = std::uint64_t(1) << m;
  auto prob = [&](std::uint64_t i) {
    const double r = s[2 * i], im = s[2 * i + 1];
    return r * r + im * im;
  };
  if (m <= 12) {
    const unsigned T = par.threads;
    std::vector<double> local(static_cast<std::size_t>(M) * T, 0.0);
    par.run(dim, [&](std::uint64_t b, std::uint64_t e, unsigned id) {
      double* l = local.data() + static_cast<std::size_t>(id) * M;
      for (std::uint64_t i = b; i < e; ++i) l[gather_bits(i, qubits, m)] += prob(i);
    });
    for (std::uint64_t j = 0; j < M; ++j) {
      double acc = 0;
      for (unsigned t = 0; t < T; ++t) acc += local[t * M + j];
      out[j] = acc;
    }
    return;
  }
  std::vector<unsigned> sorted(qubits, qubits + m);
  std::sort(sorted.begin(), sorted.end());
  const std::uint64_t free_count = std::uint64_t(1) << (n - m);
  par.run(M, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    for (std::uint64_t j = b; j < e; ++j) {
      const std::uint64_t fixed = scatter_bits(j, qubits, m);
      double acc = 0;
      for (std::uint64_t f = 0; f < free_count; ++f)
        acc += prob(deposit_zeros(f, sorted.data(), m) | fixed);
      out[j] = acc;
    }
  });
}

template <typename FP>
std::vector<std::uint64_t> sample_outcomes(const FP* s, unsigned n, std::size_t shots,
                                           std::uint64_t seed, const For& par) {
  std::vector<std::uint64_t> result(shots, 0);
  if (!shots) return result;
  const std::uint64_t dim = std::uint64_t(1) << n;
  const unsigned bb = std::min(n, 12u);
  const std::uint64_t BS = std::uint64_t(1) << bb, nb = dim / BS;
  auto prob = [&](std::uint64_t i) {
    const double r = s[2 * i], im = s[2 * i + 1];
    return r * r + im * im;
  };
  std::vector<double> start(nb + 1, 0.0);
  par.run(nb, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    for (std::uint64_t blk = b; blk < e; ++blk) {
      double acc = 0;
      for (std::uint64_t i = blk * BS; i < (blk + 1) * BS; ++i) acc += prob(i);
      start[blk + 1] = acc;
    }
  });
  for (std::uint64_t blk = 0; blk < nb; ++blk) start[blk + 1] += start[blk];
  const double total = start[nb];
  SplitMix64 rng(seed);
  std::vector<std::pair<double, std::size_t>> u(shots);
  for (std::size_t k = 0; k < shots; ++k) u[k] = {rng.uniform() * total, k};
  std::sort(u.begin(), u.end());
  std::uint64_t blk = 0, i = 0;
  double acc = start[0];
  for (const auto& [t, idx] : u) {
    while (blk + 1 < nb && start[blk + 1] <= t) {
      ++blk;
      i = blk * BS;
      acc = start[blk];
    }
    const std::uint64_t end = (blk + 1) * BS;
    while (i + 1 < end && acc + prob(i) <= t) {
      acc += prob(i);
      ++i;
    }
    std::uint64_t pick = i;
    while (pick > blk * BS && prob(pick) == 0.0) --pick;  // rounding at a block end
    result[idx] = pick;
  }
  return result;
}

template void marginal_probabilities<float>(const float*, unsigned, const unsigned*, unsigned,
                                            double*, const For&);
template void marginal_probabilities<double>(const double*, unsigned, const unsigned*, unsigned,
                                             double*, const For&);
template std::vector<std::uint64_t> sample_outcomes<float>(const float*, unsigned, std::size_t,
                                                           std::uint64_t, const For&);
template std::vector<std::uint64_t> sample_outcomes<double>(const double*, unsigned, std::size_t,
                                                            std::uint64_t, const For&);

}  // namespace quench
