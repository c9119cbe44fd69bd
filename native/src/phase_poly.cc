// Phase polynomials: runs of affine permutations and diagonal gates folded
// into one diagonal (phase_poly.h).
#include "quench/phase_poly.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <map>
#include <utility>

#include "quench/bits.h"
#include "quench/fuser.h"
#include "quench/program.h"

namespace quench {
namespace {

constexpr unsigned kMaxGateBits = 6;  // targets + controls of a folded diagonal

bool is_zero_one(double re, double im, bool& one) {
  if (im != 0.0) return false;
  if (re == 1.0) {
    one = true;
    return true;
  }
  one = false;
  return re == 0.0;
}

// A fixed, uncontrolled gate whose matrix is a permutation of basis states
// that is an affine map x -> M x ^ b of its bits: cols[i] = M e_i, b.
bool affine_permutation(const Gate& g, std::uint64_t cols[], std::uint64_t& b) {
  if (g.slot >= 0 || g.diagonal || !g.controls.empty() || g.qubits.size() > kMaxGateBits) return false;
  const unsigned k = static_cast<unsigned>(g.qubits.size());
  const std::size_t D = std::size_t(1) << k;
  if (g.matrix.size() != 2 * D * D) return false;
  std::vector<std::uint64_t> pi(D, ~std::uint64_t(0));
  for (std::size_t c = 0; c < D; ++c)
    for (std::size_t r = 0; r < D; ++r) {
      bool one = false;
      if (!is_zero_one(g.matrix[2 * (r * D + c)], g.matrix[2 * (r * D + c) + 1], one)) return false;
      if (!one) continue;
      if (pi[c] != ~std::uint64_t(0)) return false;
      pi[c] = r;
    }
  for (std::size_t c = 0; c < D; ++c)
    if (pi[c] == ~std::uint64_t(0)) return false;
  b = pi[0];
  for (unsigned i = 0; i < k; ++i) cols[i] = pi[std::size_t(1) << i] ^ b;
  for (std::size_t x = 0; x < D; ++x) {
    std::uint64_t y = b;
    for (unsigned i = 0; i < k; ++i)
      if ((x >> i) & 1u) y ^= cols[i];
    if (y != pi[x]) return false;
  }
  return true;
}

// X under exactly one control (CNOT).
bool is_cnot(const Gate& g) {
  if (g.slot >= 0 || g.diagonal || g.controls.size() != 1 || g.qubits.size() != 1) return false;
  const std::vector<double>& m = g.matrix;
  return m.size() == 8 && m[0] == 0 && m[1] == 0 && m[2] == 1 && m[3] == 0 && m[4] == 1 && m[5] == 0 &&
         m[6] == 0 && m[7] == 0;
}

// The phase a diagonal gate puts on each of its 2^(k+c) bit patterns (targets
// are bits 0..k-1 in the gate's qubit order, controls the next): -λ_j for a
// parameterised gate (the factor θ applies), arg(d_j) for a fixed one.
// False when the gate is not a folded diagonal (too wide, or not unitary).
bool diagonal_phases(const Gate& g, std::vector<double>& phi) {
  if (!g.diagonal) return false;
  const unsigned k = static_cast<unsigned>(g.qubits.size()), c = static_cast<unsigned>(g.controls.size());
  if (k + c > kMaxGateBits || k == 0) return false;
  const std::size_t D = std::size_t(1) << k;
  std::vector<double> t(D);
  if (g.slot >= 0) {
    if (g.generator.size() != D) return false;
    for (std::size_t j = 0; j < D; ++j) t[j] = -g.generator[j];
  } else {
    if (g.matrix.size() != 2 * D) return false;
    for (std::size_t j = 0; j < D; ++j) {
      const double re = g.matrix[2 * j], im = g.matrix[2 * j + 1];
      if (std::fabs(re * re + im * im - 1.0) > 1e-12) return false;
      t[j] = std::atan2(im, re);
    }
  }
  const std::size_t all = std::size_t(1) << (k + c);
  phi.assign(all, 0.0);
  const std::size_t cmask = (all - 1) & ~(D - 1);
  for (std::size_t x = 0; x < all; ++x)
    if ((x & cmask) == cmask) phi[x] = t[x & (D - 1)];
  return true;
}

enum class Kind { none, diagonal, cnot, permutation };
Kind kind_of(const Gate& g) {
  if (g.diagonal) {
    std::vector<double> phi;
    return diagonal_phases(g, phi) ? Kind::diagonal : Kind::none;
  }
  if (is_cnot(g)) return Kind::cnot;
  std::uint64_t cols[kMaxGateBits], b = 0;
  return affine_permutation(g, cols, b) ? Kind::permutation : Kind::none;
}

// Folds gates [begin, end) (all eligible) into a region.
PhaseRegion fold(const std::vector<Gate>& gates, std::size_t begin, std::size_t end, unsigned n) {
  PhaseRegion R;
  R.begin = begin;
  R.end = end;
  std::vector<std::uint64_t> row(n), cst(n, 0);
  for (unsigned q = 0; q < n; ++q) row[q] = bit(q);
  std::map<std::uint64_t, std::uint32_t> mask_index;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> term_index;
  std::vector<std::uint64_t> masks;
  std::vector<double> fixed;
  std::vector<PhasePoly::Term> terms;
  auto mask_slot = [&](std::uint64_t m) {
    auto it = mask_index.find(m);
    if (it != mask_index.end()) return it->second;
    const std::uint32_t i = static_cast<std::uint32_t>(masks.size());
    mask_index.emplace(m, i);
    masks.push_back(m);
    fixed.push_back(0.0);
    return i;
  };
  std::vector<double> phi;
  for (std::size_t gi = begin; gi < end; ++gi) {
    const Gate& g = gates[gi];
    if (g.diagonal) {
      diagonal_phases(g, phi);
      const unsigned k = static_cast<unsigned>(g.qubits.size());
      const unsigned K = k + static_cast<unsigned>(g.controls.size());
      const std::size_t P = std::size_t(1) << K;
      unsigned wires[kMaxGateBits];
      for (unsigned a = 0; a < k; ++a) wires[a] = g.qubits[a];
      for (unsigned a = 0; a < K - k; ++a) wires[k + a] = g.controls[a];
      // Walsh coefficients φ̂_S = 2^-K Σ_x φ(x) (-1)^{S·x} (additive transform).
      walsh_hadamard_in_place(phi.data(), P);
      double big = 0;
      for (double v : phi) big = std::max(big, std::fabs(v));
      for (std::size_t S = 0; S < P; ++S) {
        const double v = phi[S] / double(P);
        if (v == 0.0 || std::fabs(phi[S]) <= 1e-14 * big) continue;
        std::uint64_t m = 0, sgn = 0;
        for (unsigned a = 0; a < K; ++a)
          if ((S >> a) & 1u) {
            m ^= row[wires[a]];
            sgn ^= cst[wires[a]];
          }
        const double coeff = sgn ? -v : v;
        const std::uint32_t mi = mask_slot(m);
        if (g.slot < 0) {
          fixed[mi] += coeff;
        } else {
          const auto key = std::make_pair(mi, static_cast<std::uint32_t>(gi));
          auto it = term_index.find(key);
          if (it != term_index.end()) {
            terms[it->second].coeff += coeff;
          } else {
            term_index.emplace(key, terms.size());
            terms.push_back({mi, static_cast<std::uint32_t>(gi), coeff});
          }
        }
      }
      R.diagonals.push_back(gi);
    } else if (is_cnot(g)) {
      row[g.qubits[0]] ^= row[g.controls[0]];
      cst[g.qubits[0]] ^= cst[g.controls[0]];
      R.permutations.push_back(gi);
    } else {
      std::uint64_t cols[kMaxGateBits], b = 0;
      affine_permutation(g, cols, b);
      const unsigned k = static_cast<unsigned>(g.qubits.size());
      std::uint64_t nrow[kMaxGateBits], ncst[kMaxGateBits];
      for (unsigned i = 0; i < k; ++i) {
        nrow[i] = 0;
        ncst[i] = (b >> i) & 1u;
        for (unsigned j = 0; j < k; ++j)
          if ((cols[j] >> i) & 1u) {
            nrow[i] ^= row[g.qubits[j]];
            ncst[i] ^= cst[g.qubits[j]];
          }
      }
      for (unsigned i = 0; i < k; ++i) {
        row[g.qubits[i]] = nrow[i];
        cst[g.qubits[i]] = ncst[i];
      }
      R.permutations.push_back(gi);
    }
  }
  R.identity = true;
  for (unsigned q = 0; q < n; ++q) R.identity = R.identity && row[q] == bit(q) && cst[q] == 0;
  std::uint64_t support = 0;
  for (std::uint64_t m : masks) support |= m;
  if (!support) support = 1;  // only a global phase: any one qubit carries it
  PhasePoly& P = R.poly;
  for (unsigned q = 0; q < n; ++q)
    if ((support >> q) & 1u) P.support.push_back(q);
  const unsigned K = static_cast<unsigned>(P.support.size());
  for (std::uint64_t m : masks) P.masks.push_back(gather_bits(m, P.support.data(), K));
  P.fixed = std::move(fixed);
  P.terms = std::move(terms);
  P.begin = begin;
  P.end = end;
  return R;
}

// Worth folding: the table (K·2^K complex products, each about one
// amplitude of a pass) and one diagonal pass, plus the replayed permutations
// (fused), against the blocks fusion makes of the run; every pass also
// costs a fixed overhead (binding, structure, dispatch) of about
// kPassOverhead amplitudes. (A run that fusion makes one block of, as on
// two qubits at fusion 2, is never folded.)
constexpr double kPassOverhead = 512;
// The blocks fusion makes of gates `which`, and, on states the cache tiles
// cover in sweeps (kCostAwareFusionMinQubits and more), their planned cost:
// there they mostly share sweeps and cost their arithmetic (plan_cost),
// while a folded diagonal, indexed, is a pass of its own.
struct RunPlan {
  double blocks = 0, cost = 0;
};
RunPlan plan_run(const std::vector<Gate>& gates, const std::vector<std::size_t>& which,
                 unsigned max_fused, unsigned n) {
  if (which.empty()) return {};
  std::vector<Gate> sub;
  sub.reserve(which.size());
  for (std::size_t gi : which) sub.push_back(gates[gi]);
  if (n < kCostAwareFusionMinQubits) return {double(fuse(sub, max_fused, n).size()), 0};
  std::vector<GateTraits> traits;
  traits.reserve(sub.size());
  for (const Gate& g : sub) traits.push_back(gate_traits(g));
  const std::vector<FusedBlock> blocks = fuse(sub, max_fused, n, &traits);
  return {double(blocks.size()), plan_cost(blocks, sub, traits)};
}
bool worth(const PhaseRegion& R, const std::vector<Gate>& gates, unsigned n, unsigned max_fused) {
  const unsigned K = static_cast<unsigned>(R.poly.support.size());
  if (R.diagonals.size() < 2 || K > kPhasePolyMaxSupport) return false;
  std::vector<std::size_t> all;
  for (std::size_t gi = R.begin; gi < R.end; ++gi) all.push_back(gi);
  const RunPlan run = plan_run(gates, all, max_fused, n);
  const RunPlan replay = R.identity ? RunPlan{} : plan_run(gates, R.permutations, max_fused, n);
  if (n >= kCostAwareFusionMinQubits) {
    const double table = double(K) * std::ldexp(1.0, int(K) - int(n));  // in passes
    return kPassCost * (1.0 + table) + replay.cost < run.cost;
  }
  const double pass = std::ldexp(1.0, int(n)) + kPassOverhead;
  const double folded = double(K) * std::ldexp(1.0, int(K)) + (1.0 + replay.blocks) * pass;
  return folded < run.blocks * pass;
}

}  // namespace

std::vector<PhaseRegion> find_phase_regions(const std::vector<Gate>& gates, unsigned n, unsigned max_fused) {
  std::vector<PhaseRegion> out;
  // QUENCH_PHASE_POLY=0 turns folding off (A/B measurements), read once per process.
  static const bool enabled = [] {
    const char* v = std::getenv("QUENCH_PHASE_POLY");
    return !(v && std::string(v) == "0");
  }();
  if (!enabled || n == 0 || n > 64) return out;
  std::size_t i = 0;
  while (i < gates.size()) {
    if (kind_of(gates[i]) == Kind::none) {
      ++i;
      continue;
    }
    std::size_t j = i;
    std::size_t diag = 0;
    while (j < gates.size()) {
      const Kind k = kind_of(gates[j]);
      if (k == Kind::none) break;
      diag += k == Kind::diagonal;
      ++j;
    }
    if (diag >= 2) {
      PhaseRegion R = fold(gates, i, j, n);
      if (worth(R, gates, n, max_fused)) out.push_back(std::move(R));
    }
    i = j;
  }
  return out;
}

namespace {
// The butterflies (a, b) -> (a·b, a·conj(b)) of the stages h0, 2·h0, … < D.
QUENCH_MULTIVERSION void multiplicative_stages(double* R, double* I, std::size_t D, std::size_t h0) {
  for (std::size_t h = h0; h < D; h <<= 1)
    for (std::size_t i0 = 0; i0 < D; i0 += 2 * h) {
      double* __restrict ar_ = R + i0;
      double* __restrict ai_ = I + i0;
      double* __restrict br_ = R + i0 + h;
      double* __restrict bi_ = I + i0 + h;
#pragma omp simd
      for (std::size_t i = 0; i < h; ++i) {
        const double ar = ar_[i], ai = ai_[i], br = br_[i], bi = bi_[i];
        ar_[i] = ar * br - ai * bi;
        ai_[i] = ar * bi + ai * br;
        br_[i] = ar * br + ai * bi;
        bi_[i] = ai * br - ar * bi;
      }
    }
}
}  // namespace

template <typename FP>
bool phase_poly_table(const PhasePoly& poly, const std::vector<Gate>& gates, const double* params,
                      std::vector<FP>& out) {
  const unsigned K = static_cast<unsigned>(poly.support.size());
  const std::size_t D = std::size_t(1) << K;
  thread_local std::vector<double> A, re, im;
  A.assign(poly.fixed.begin(), poly.fixed.end());
  for (const PhasePoly::Term& t : poly.terms) {
    const double x = t.coeff * gate_angle(gates[t.gate], params);
    if (!(std::fabs(x) <= kPhasePolyMaxPhase)) return false;
    A[t.mask] += x;
  }
  re.assign(D, 1.0);
  im.assign(D, 0.0);
  for (std::size_t i = 0; i < poly.masks.size(); ++i) {
    const std::uint64_t m = poly.masks[i];
    const double c = std::cos(A[i]), s = std::sin(A[i]);
    // (masks are distinct: each slot is set once)
    re[m] = c;
    im[m] = s;
  }
  // E(z) = Π_m e^{i A_m (-1)^{z·m}}: butterflies (a, b) -> (a·b, a·conj(b)),
  // the first two stages as one radix-4 pass, the rest in vectorised runs.
  double* __restrict R = re.data();
  double* __restrict I = im.data();
  std::size_t h0 = 1;
  if (D >= 4) {
    for (std::size_t i = 0; i < D; i += 4) {
      const double r0 = R[i], i0 = I[i], r1 = R[i + 1], i1 = I[i + 1];
      const double r2 = R[i + 2], i2 = I[i + 2], r3 = R[i + 3], i3 = I[i + 3];
      // stage 1: (0,1) and (2,3)
      const double a0r = r0 * r1 - i0 * i1, a0i = r0 * i1 + i0 * r1;
      const double a1r = r0 * r1 + i0 * i1, a1i = i0 * r1 - r0 * i1;
      const double a2r = r2 * r3 - i2 * i3, a2i = r2 * i3 + i2 * r3;
      const double a3r = r2 * r3 + i2 * i3, a3i = i2 * r3 - r2 * i3;
      // stage 2: (0,2) and (1,3)
      R[i] = a0r * a2r - a0i * a2i;
      I[i] = a0r * a2i + a0i * a2r;
      R[i + 2] = a0r * a2r + a0i * a2i;
      I[i + 2] = a0i * a2r - a0r * a2i;
      R[i + 1] = a1r * a3r - a1i * a3i;
      I[i + 1] = a1r * a3i + a1i * a3r;
      R[i + 3] = a1r * a3r + a1i * a3i;
      I[i + 3] = a1i * a3r - a1r * a3i;
    }
    h0 = 4;
  }
  multiplicative_stages(R, I, D, h0);
  out.resize(2 * D);
  for (std::size_t z = 0; z < D; ++z) {
    out[2 * z] = static_cast<FP>(R[z]);
    out[2 * z + 1] = static_cast<FP>(I[z]);
  }
  return true;
}

template bool phase_poly_table<float>(const PhasePoly&, const std::vector<Gate>&, const double*,
                                      std::vector<float>&);
template bool phase_poly_table<double>(const PhasePoly&, const std::vector<Gate>&, const double*,
                                       std::vector<double>&);

}  // namespace quench
