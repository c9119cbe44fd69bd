// phase_poly_test.cc — runs of CNOT-type and diagonal gates folded into one
// diagonal (phase_poly.h). Random circuits that mix foldable gates (RZ, P,
// fixed phases, CZ, CP, RZZ, doubly controlled phases, diagonals with
// controls below and above the targets, X, CNOT, SWAP, a CNOT written as a 4x4 matrix) with
// gates that end a run (H, RY, Toffoli, Toffoli written as an 8x8 matrix,
// which is a permutation but not an affine one), run from random states
// and compared with the same circuit unfolded and unfused (fusion 0, gate
// by gate), for every ISA x precision x 1 and 2 threads; then what the
// folding finds (the ZZ feature map: one run per repetition, its CNOTs
// cancelling; its H layers as one Walsh–Hadamard transform each),
// supports past the parallel threshold, and a support that is a scattered
// subset of a larger state.
// Prints "N passed, M failed" and exits non-zero on failure.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/phase_poly.h"
#include "quench/program.h"

using namespace quench;

#include "check.h"

static std::mt19937_64 rng(777);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }
static unsigned pick(unsigned n) { return static_cast<unsigned>(rng() % n); }

static Gate fixed(std::vector<unsigned> qs, std::vector<double> m, std::vector<unsigned> cs = {}, bool diag = false) {
  Gate g;
  g.qubits = qs;
  g.controls = cs;
  std::sort(g.controls.begin(), g.controls.end());
  g.matrix = m;
  g.diagonal = diag;
  return g;
}
static Gate param(std::vector<unsigned> qs, std::vector<double> gen, int slot, bool diag,
                  std::vector<unsigned> cs = {}) {
  Gate g;
  g.qubits = qs;
  g.controls = cs;
  std::sort(g.controls.begin(), g.controls.end());
  g.generator = gen;
  g.slot = slot;
  g.scale = 0.5 + urand();
  g.offset = urand() - 0.5;
  g.diagonal = diag;
  return g;
}
static const double R2 = std::sqrt(0.5);
static std::vector<double> phases(unsigned k) {  // a random unitary diagonal
  std::vector<double> d;
  for (unsigned j = 0; j < (1u << k); ++j) {
    const double a = 2 * M_PI * urand();
    d.push_back(std::cos(a));
    d.push_back(std::sin(a));
  }
  return d;
}
static std::vector<double> perm_matrix(const std::vector<unsigned>& to) {  // |c> -> |to[c]>
  const size_t D = to.size();
  std::vector<double> m(2 * D * D, 0.0);
  for (size_t c = 0; c < D; ++c) m[2 * (to[c] * D + c)] = 1.0;
  return m;
}
// Distinct qubits, in random order (sorted(): ascending, as gate targets must be).
static std::vector<unsigned> qubits(unsigned n, unsigned k) {
  std::vector<unsigned> all(n);
  for (unsigned q = 0; q < n; ++q) all[q] = q;
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(k);
  return all;
}

static std::vector<unsigned> sorted(std::vector<unsigned> v) {
  std::sort(v.begin(), v.end());
  return v;
}

static Gate random_gate(unsigned n, unsigned num_params, bool foldable) {
  for (;;) {
    const unsigned kind = foldable ? pick(11) : 11 + pick(4);
    if (kind == 0) return param({pick(n)}, {1, -1}, int(pick(num_params)), true);   // RZ
    if (kind == 1) return param({pick(n)}, {0, -1}, int(pick(num_params)), true);       // P
    if (kind == 2) return fixed({pick(n)}, phases(1), {}, true);                          // fixed phase
    if (kind == 3 && n >= 2) {                                                            // CX
      auto q = qubits(n, 2);
      return fixed({q[0]}, {0, 0, 1, 0, 1, 0, 0, 0}, {q[1]});
    }
    if (kind == 4) return fixed({pick(n)}, {0, 0, 1, 0, 1, 0, 0, 0});                    // X
    if (kind == 5 && n >= 2) return fixed(sorted(qubits(n, 2)), perm_matrix({0, 2, 1, 3}));      // SWAP
    if (kind == 6 && n >= 2) return fixed(sorted(qubits(n, 2)), {1, 0, 1, 0, 1, 0, -1, 0}, {}, true);  // CZ
    if (kind == 7 && n >= 2) {                                                             // CP / RZZ / CRZ
      auto q = qubits(n, 2);
      const unsigned v = pick(3);
      if (v == 0) return param({q[0]}, {0, -1}, int(pick(num_params)), true, {q[1]});
      if (v == 1) return param(sorted(q), {1, -1, -1, 1}, int(pick(num_params)), true);
      return param({q[0]}, {1, -1}, int(pick(num_params)), true, {q[1]});
    }
    if (kind == 8 && n >= 3) {  // a 2-qubit diagonal under a control anywhere
      auto q = qubits(n, 3);
      return fixed(sorted({q[0], q[1]}), phases(2), {q[2]}, true);
    }
    if (kind == 9 && n >= 3) {  // CCZ-like: a phase under two controls
      auto q = qubits(n, 3);
      return param({q[0]}, {0, 1}, int(pick(num_params)), true, {q[1], q[2]});
    }
    if (kind == 10 && n >= 2) return fixed(sorted(qubits(n, 2)), perm_matrix({0, 3, 2, 1}));  // CNOT as a 4x4
    if (kind == 11) return fixed({pick(n)}, {R2, 0, R2, 0, R2, 0, -R2, 0});           // H
    if (kind == 12) return param({pick(n)}, {0, 0, 0, -1, 0, 1, 0, 0}, int(pick(num_params)), false);  // RY
    if (kind == 13 && n >= 3) {  // Toffoli
      auto q = qubits(n, 3);
      return fixed({q[0]}, {0, 0, 1, 0, 1, 0, 0, 0}, {q[1], q[2]});
    }
    if (kind == 14 && n >= 3) return fixed(sorted(qubits(n, 3)), perm_matrix({0, 1, 2, 7, 4, 5, 6, 3}));  // Toffoli 8x8
  }
}

static std::vector<double> random_amplitudes(unsigned n) {
  std::normal_distribution<double> N(0, 1);
  std::vector<double> a(2 * (size_t(1) << n));
  double s = 0;
  for (double& x : a) {
    x = N(rng);
    s += x * x;
  }
  for (double& x : a) x /= std::sqrt(s);
  return a;
}

static size_t folded_ops(const Program& p) {
  size_t k = 0;
  for (const Op& op : p.ops) k += op.phase >= 0;
  return k;
}
static size_t hadamard_ops(const Program& p) {
  size_t k = 0;
  for (const Op& op : p.ops) k += op.hadamard;
  return k;
}

static double run_diff(const Program& folded, const Program& plain, unsigned n, const std::vector<double>& params,
                       const std::vector<double>& start, Precision prec, const ExecOptions& o) {
  auto a = State::create(n, prec), b = State::create(n, prec);
  a->set_amplitudes(start.data());
  b->set_amplitudes(start.data());
  a->run(folded, params.data(), o);
  b->run(plain, params.data(), o);
  std::vector<double> x(start.size()), y(start.size());
  a->get_amplitudes(x.data());
  b->get_amplitudes(y.data());
  double d = 0;
  for (size_t i = 0; i < x.size(); ++i) d = std::max(d, std::fabs(x[i] - y[i]));
  return d;
}

int main() {
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);

  // Random circuits: runs of foldable gates between run-ending ones.
  size_t folded_total = 0, circuits = 0, hadamard_total = 0;
  for (unsigned n : {1u, 2u, 3u, 4u, 5u, 7u, 9u, 12u, 15u}) {
    for (int trial = 0; trial < (n <= 9 ? 12 : 3); ++trial) {
      Circuit c;
      c.num_qubits = n;
      c.num_params = 5;
      const unsigned len = 20 + pick(60);
      for (unsigned i = 0; i < len; ++i) c.gates.push_back(random_gate(n, c.num_params, urand() < 0.8));
      std::vector<double> params(c.num_params);
      for (double& x : params) x = 4 * urand() - 2;
      for (unsigned fusion : {2u, 4u}) {
        auto folded = compile_uncached(c, fusion);
        auto plain = compile_uncached(c, 0);
        folded_total += folded_ops(*folded);
        hadamard_total += hadamard_ops(*folded);
        CHECK(hadamard_ops(*plain) == 0, "fusion 0 merges nothing");
        ++circuits;
        CHECK(folded_ops(*plain) == 0, "fusion 0 folds nothing");
        const std::vector<double> start = random_amplitudes(n);
        for (Isa isa : isas)
          for (Precision prec : {Precision::f64, Precision::f32})
            for (unsigned threads : {1u, 2u}) {
              ExecOptions o;
              o.isa = isa;
              o.threads = threads;
              g_ctx = "n=" + std::to_string(n) + " trial " + std::to_string(trial) + " fusion " +
                      std::to_string(fusion) + " " + to_string(isa) + "/" + to_string(prec) + "/t" +
                      std::to_string(threads);
              const double d = run_diff(*folded, *plain, n, params, start, prec, o);
              CHECK(d < (prec == Precision::f64 ? 1e-12 : 2e-5), "max difference %.3g", d);
            }
      }
    }
  }
  g_ctx = "random circuits";
  CHECK(folded_total > circuits, "folding happened: %zu folded runs in %zu circuits", folded_total, circuits);
  CHECK(hadamard_total > 0, "H layers were merged: %zu", hadamard_total);

  // The ZZ feature map (8 features, 2 repetitions, full entanglement): one
  // folded run per repetition (the P layer and every CX·P·CX), the CNOTs
  // cancelling, so each repetition is an H layer and one diagonal.
  {
    g_ctx = "zz feature map";
    const unsigned F = 8;
    Circuit c;
    c.num_qubits = F;
    c.num_params = F + F * (F - 1) / 2;
    for (int r = 0; r < 2; ++r) {
      for (unsigned q = 0; q < F; ++q) c.gates.push_back(fixed({q}, {R2, 0, R2, 0, R2, 0, -R2, 0}));
      for (unsigned q = 0; q < F; ++q) c.gates.push_back(param({q}, {0, -1}, int(q), true));
      unsigned k = F;
      for (unsigned i = 0; i < F; ++i)
        for (unsigned j = i + 1; j < F; ++j, ++k) {
          c.gates.push_back(fixed({j}, {0, 0, 1, 0, 1, 0, 0, 0}, {i}));
          c.gates.push_back(param({j}, {0, -1}, int(k), true));
          c.gates.push_back(fixed({j}, {0, 0, 1, 0, 1, 0, 0, 0}, {i}));
        }
    }
    const std::vector<PhaseRegion> regions = find_phase_regions(c.gates, F, 2);
    CHECK(regions.size() == 2, "%zu runs", regions.size());
    for (const PhaseRegion& R : regions) {
      CHECK(R.identity, "the CNOTs cancel");
      CHECK(R.diagonals.size() == F + F * (F - 1) / 2, "%zu diagonals", R.diagonals.size());
      CHECK(R.poly.support.size() == F, "support %zu", R.poly.support.size());
      // F singletons and F(F-1)/2 pairs, and the constant (global phase)
      CHECK(R.poly.masks.size() == 1 + F + F * (F - 1) / 2, "%zu masks", R.poly.masks.size());
    }
    auto folded = compile_uncached(c, 2);
    // per repetition: the H layer as one Walsh–Hadamard transform, and one diagonal
    CHECK(folded->ops.size() == 4, "%zu operations", folded->ops.size());
    CHECK(folded->ops[0].hadamard && folded->ops[0].qubits.size() == F, "an H layer over all %u qubits", F);
    auto plain = compile_uncached(c, 0);
    std::vector<double> params(c.num_params);
    for (double& x : params) x = 3 * urand();
    std::vector<double> start(2 * (size_t(1) << F), 0.0);
    start[0] = 1;
    for (Isa isa : isas) {
      ExecOptions o;
      o.isa = isa;
      o.threads = 1;
      const double d = run_diff(*folded, *plain, F, params, start, Precision::f64, o);
      CHECK(d < 1e-12, "%s: max difference %.3g", to_string(isa), d);
    }
  }

  // A lone CNOT after the diagonals: not the identity, replayed after the phase.
  {
    g_ctx = "replayed permutation";
    std::vector<Gate> gs = {param({0}, {1, -1}, 0, true), fixed({1}, {0, 0, 1, 0, 1, 0, 0, 0}, {0}),
                            param({1}, {1, -1}, 1, true)};
    const auto regions = find_phase_regions(gs, 2, 0);  // (0: against a pass per gate)
    CHECK(regions.size() == 1 && !regions[0].identity && regions[0].permutations.size() == 1, "one run, one CNOT");
    // RZ on wire 1 after CNOT(0 -> 1) sees bit0 ^ bit1: the mask {0, 1}
    bool pair = false;
    for (std::uint64_t m : regions[0].poly.masks) pair = pair || m == 3;
    CHECK(pair, "parity mask of qubits 0 and 1");
  }
  // A Toffoli written as an 8x8 permutation is not affine: it ends the run.
  {
    g_ctx = "non-affine permutation";
    std::vector<Gate> gs = {param({0}, {1, -1}, 0, true), param({1}, {1, -1}, 0, true),
                            fixed({0, 1, 2}, perm_matrix({0, 1, 2, 7, 4, 5, 6, 3})),
                            param({2}, {1, -1}, 0, true), param({0}, {1, -1}, 0, true)};
    const auto regions = find_phase_regions(gs, 3, 0);
    CHECK(regions.size() == 2 && regions[0].end == 2 && regions[1].begin == 3, "split at the Toffoli (%zu runs)",
          regions.size());
  }
  // A non-unitary fixed diagonal is not folded.
  {
    g_ctx = "non-unitary diagonal";
    std::vector<Gate> gs = {param({0}, {1, -1}, 0, true), fixed({0}, {1, 0, 0.5, 0}, {}, true),
                            param({0}, {1, -1}, 0, true)};
    CHECK(find_phase_regions(gs, 1, 0).empty(), "no run");
  }

  // H layers on random subsets (in random order) between RY layers: each
  // layer one Walsh–Hadamard transform, the same state as gate by gate.
  for (unsigned n = 1; n <= 13; ++n) {
    g_ctx = "H layers n=" + std::to_string(n);
    Circuit c;
    c.num_qubits = n;
    c.num_params = 2;
    for (int layer = 0; layer < 4; ++layer) {
      for (unsigned q = 0; q < n; ++q) c.gates.push_back(param({q}, {0, 0, 0, -1, 0, 1, 0, 0}, int(q % 2), false));
      for (unsigned q : qubits(n, 1 + pick(n))) c.gates.push_back(fixed({q}, {R2, 0, R2, 0, R2, 0, -R2, 0}));
    }
    auto merged = compile_uncached(c, 2);
    auto plain = compile_uncached(c, 0);
    const std::vector<double> start = random_amplitudes(n);
    for (Isa isa : isas)
      for (Precision prec : {Precision::f64, Precision::f32}) {
        ExecOptions o;
        o.isa = isa;
        o.threads = 2;
        const double d = run_diff(*merged, *plain, n, {0.4, -1.1}, start, prec, o);
        CHECK(d < (prec == Precision::f64 ? 1e-12 : 2e-5), "%s/%s: max difference %.3g", to_string(isa), to_string(prec), d);
      }
  }

  // A run that fusion makes one block of (everything on two qubits at
  // fusion 2) is left to fusion.
  {
    g_ctx = "two qubits";
    std::vector<Gate> gs;
    for (int i = 0; i < 40; ++i) {
      gs.push_back(param({unsigned(i % 2)}, {1, -1}, 0, true));
      gs.push_back(fixed({unsigned(1 - i % 2)}, {0, 0, 1, 0, 1, 0, 0, 0}, {unsigned(i % 2)}));
    }
    CHECK(find_phase_regions(gs, 2, 2).empty(), "not folded at fusion 2");
    CHECK(find_phase_regions(gs, 2, 0).size() == 1, "folded against a pass per gate");
  }
  // Huge phases (a scale of 1e15): the row runs the region gate by gate, so
  // the folded program gives exactly the unfolded answer.
  {
    g_ctx = "huge phases";
    Circuit c;
    c.num_qubits = 6;
    c.num_params = 2;
    for (unsigned q = 0; q < 6; ++q) c.gates.push_back(fixed({q}, {R2, 0, R2, 0, R2, 0, -R2, 0}));
    for (int i = 0; i < 30; ++i) {
      auto q = qubits(6, 2);
      c.gates.push_back(fixed({q[0]}, {0, 0, 1, 0, 1, 0, 0, 0}, {q[1]}));
      Gate g = param({q[0]}, {1, -1}, i % 2, true);
      if (i == 7) g.scale = 9.5e14;
      c.gates.push_back(g);
      c.gates.push_back(fixed({q[0]}, {0, 0, 1, 0, 1, 0, 0, 0}, {q[1]}));
    }
    auto folded = compile_uncached(c, 2);
    auto plain = compile_uncached(c, 0);
    CHECK(folded_ops(*folded) == 1, "folded (%zu)", folded_ops(*folded));
    const std::vector<double> start = random_amplitudes(6);
    ExecOptions o;
    o.threads = 1;
    o.isa = Isa::scalar;
    const double big = run_diff(*folded, *plain, 6, {-2.53125, 0.7}, start, Precision::f64, o);
    CHECK(big < 1e-12, "huge: max difference %.3g", big);
    const double small = run_diff(*folded, *plain, 6, {1e-9, 0.7}, start, Precision::f64, o);
    CHECK(small < 1e-12, "small: max difference %.3g", small);
  }

  // Past the parallel threshold: a 16-qubit support on 16 qubits, and a
  // scattered 5-qubit support inside 18 qubits.
  for (unsigned n : {16u, 18u}) {
    g_ctx = "n=" + std::to_string(n);
    Circuit c;
    c.num_qubits = n;
    c.num_params = 3;
    const std::vector<unsigned> used = n == 16 ? qubits(16, 16) : std::vector<unsigned>{1, 4, 9, 13, 17};
    for (unsigned q : used) c.gates.push_back(fixed({q}, {R2, 0, R2, 0, R2, 0, -R2, 0}));
    for (int i = 0; i < 60; ++i) {
      const unsigned a = used[pick(unsigned(used.size()))], b = used[pick(unsigned(used.size()))];
      if (i % 3 == 0 && a != b) c.gates.push_back(fixed({b}, {0, 0, 1, 0, 1, 0, 0, 0}, {a}));
      else if (a != b) c.gates.push_back(param({std::min(a, b), std::max(a, b)}, {1, -1, -1, 1}, int(pick(3)), true));
      else c.gates.push_back(param({a}, {1, -1}, int(pick(3)), true));
    }
    auto folded = compile_uncached(c, 2);
    auto plain = compile_uncached(c, 0);
    CHECK(folded_ops(*folded) == 1, "one folded run (%zu)", folded_ops(*folded));
    std::vector<double> params = {0.3, -1.7, 2.2};
    const std::vector<double> start = random_amplitudes(n);
    for (Isa isa : isas)
      for (unsigned threads : {1u, 2u}) {
        ExecOptions o;
        o.isa = isa;
        o.threads = threads;
        const double d = run_diff(*folded, *plain, n, params, start, Precision::f64, o);
        CHECK(d < 1e-12, "%s/t%u: max difference %.3g", to_string(isa), threads, d);
      }
  }

  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
