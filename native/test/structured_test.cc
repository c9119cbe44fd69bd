// structured_test.cc — the structured gate paths (structure.h; kernels
// permute and phase): what find_structure reads off the lowered matrices of
// named gates, and every path against a dense reference in double, for
// {scalar, avx2} x {f32, f64} x {1, 2 threads}: X, CNOT, Toffoli, SWAP,
// CSWAP, Z, S, T, P, CZ, CP, CCZ, CRZ, RZ, CRX, CU (fixed and
// parameterised), dense forms of them (as fusion makes), random
// permutations; every ordered qubit tuple on small states (lane qubits,
// controls above and below targets, adjacent or not), chosen ones on
// states past the parallel and tile thresholds; then compiled circuits
// mixing them with dense gates at fusion 0, 2, 3, 5 (the cache-tiled path),
// and the profiler's kinds.
// Prints "N passed, M failed" and exits non-zero on failure.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/fuser.h"
#include "quench/profile.h"
#include "quench/structure.h"

using namespace quench;
using cd = std::complex<double>;
using CVec = std::vector<cd>;

#include "check.h"

static std::mt19937_64 rng(4242);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }
static double nrand() { return std::normal_distribution<double>(0, 1)(rng); }

// ---- reference (dense, double) --------------------------------------------------------------
static std::vector<double> bound(const Gate& g, const double* params) {
  if (g.slot < 0) return g.matrix;
  const double th = g.scale * params[g.slot] + g.offset;
  const size_t D = size_t(1) << g.qubits.size();
  std::vector<double> m;
  if (g.diagonal) {
    for (size_t j = 0; j < D; ++j) {
      m.push_back(std::cos(th * g.generator[j]));
      m.push_back(-std::sin(th * g.generator[j]));
    }
    return m;
  }
  // G^3 = G: U = I + (cos θ − 1) G² − i sin θ G
  std::vector<cd> G(D * D), G2(D * D);
  for (size_t i = 0; i < D * D; ++i) G[i] = cd(g.generator[2 * i], g.generator[2 * i + 1]);
  for (size_t r = 0; r < D; ++r)
    for (size_t c = 0; c < D; ++c)
      for (size_t t = 0; t < D; ++t) G2[r * D + c] += G[r * D + t] * G[t * D + c];
  for (size_t r = 0; r < D; ++r)
    for (size_t c = 0; c < D; ++c) {
      const cd u = (r == c ? 1.0 : 0.0) + (std::cos(th) - 1) * G2[r * D + c] - cd(0, std::sin(th)) * G[r * D + c];
      m.push_back(u.real());
      m.push_back(u.imag());
    }
  return m;
}
static void ref_apply(CVec& psi, unsigned n, const Gate& g, const double* params) {
  const std::vector<double> m = bound(g, params);
  const unsigned k = static_cast<unsigned>(g.qubits.size());
  const size_t D = size_t(1) << k;
  CVec out(psi);
  for (uint64_t i = 0; i < (uint64_t(1) << n); ++i) {
    bool on = true;
    for (unsigned c : g.controls) on = on && ((i >> c) & 1);
    if (!on) continue;
    size_t r = 0;
    uint64_t rest = i;
    for (unsigned j = 0; j < k; ++j) {
      r |= ((i >> g.qubits[j]) & 1) << j;
      rest &= ~(uint64_t(1) << g.qubits[j]);
    }
    if (g.diagonal) {
      out[i] = cd(m[2 * r], m[2 * r + 1]) * psi[i];
      continue;
    }
    cd acc = 0;
    for (size_t c = 0; c < D; ++c) {
      uint64_t src = rest;
      for (unsigned j = 0; j < k; ++j)
        if ((c >> j) & 1) src |= uint64_t(1) << g.qubits[j];
      acc += cd(m[2 * (r * D + c)], m[2 * (r * D + c) + 1]) * psi[src];
    }
    out[i] = acc;
  }
  psi.swap(out);
}
static CVec random_state(unsigned n) {
  CVec v(size_t(1) << n);
  double nn = 0;
  for (auto& x : v) {
    x = cd(nrand(), nrand());
    nn += std::norm(x);
  }
  for (auto& x : v) x /= std::sqrt(nn);
  return v;
}
static std::vector<double> to_doubles(const CVec& v) {
  std::vector<double> d;
  for (auto& x : v) {
    d.push_back(x.real());
    d.push_back(x.imag());
  }
  return d;
}
static double max_diff(const State& s, const CVec& ref) {
  std::vector<double> a(2 * ref.size());
  s.get_amplitudes(a.data());
  double d = 0;
  for (size_t i = 0; i < ref.size(); ++i) d = std::max(d, std::abs(cd(a[2 * i], a[2 * i + 1]) - ref[i]));
  return d;
}

// ---- named gates, lowered as src-shared/circuit/lower.ts lowers them ---------------------------
static const double R2 = std::sqrt(0.5);
static std::vector<unsigned> sorted(std::vector<unsigned> v) {
  std::sort(v.begin(), v.end());
  return v;
}
static Gate dense(std::vector<unsigned> qs, std::vector<double> m, std::vector<unsigned> cs = {}) {
  Gate g;
  g.qubits = qs;
  g.controls = sorted(cs);
  g.matrix = m;
  return g;
}
static Gate diag(std::vector<unsigned> qs, std::vector<double> d, std::vector<unsigned> cs = {}) {
  Gate g = dense(qs, d, cs);
  g.diagonal = true;
  return g;
}
static const std::vector<double> X = {0, 0, 1, 0, 1, 0, 0, 0};
static const std::vector<double> SWAP = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
                                         0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
static std::vector<double> phase_d(double l) { return {1, 0, std::cos(l), std::sin(l)}; }
static std::vector<double> rz_d(double t) { return {std::cos(t / 2), -std::sin(t / 2), std::cos(t / 2), std::sin(t / 2)}; }
static std::vector<double> rx_m(double t) {
  const double c = std::cos(t / 2), s = std::sin(t / 2);
  return {c, 0, 0, -s, 0, -s, c, 0};
}
static std::vector<double> u3_m(double th, double ph, double la) {
  const double c = std::cos(th / 2), s = std::sin(th / 2);
  return {c, 0, -std::cos(la) * s, -std::sin(la) * s, std::cos(ph) * s, std::sin(ph) * s,
          std::cos(ph + la) * c, std::sin(ph + la) * c};
}
// A 2-qubit matrix (bit 0 = lower qubit) as a dense 4x4 from a controlled 1-qubit U:
// control on the qubit with bit `cbit` of the matrix index.
static std::vector<double> controlled_4x4(const std::vector<double>& u, unsigned cbit) {
  std::vector<double> m(32, 0.0);
  for (unsigned r = 0; r < 4; ++r)
    for (unsigned c = 0; c < 4; ++c) {
      const unsigned rc = (r >> cbit) & 1, cc = (c >> cbit) & 1, rt = (r >> (1 - cbit)) & 1, ct = (c >> (1 - cbit)) & 1;
      if (rc != cc) continue;
      if (!rc) {
        if (r == c) m[2 * (r * 4 + c)] = 1;
        continue;
      }
      m[2 * (r * 4 + c)] = u[2 * (rt * 2 + ct)];
      m[2 * (r * 4 + c) + 1] = u[2 * (rt * 2 + ct) + 1];
    }
  return m;
}
static std::vector<double> dense_of_diag(const std::vector<double>& d) {
  const size_t D = d.size() / 2;
  std::vector<double> m(2 * D * D, 0.0);
  for (size_t j = 0; j < D; ++j) {
    m[2 * (j * D + j)] = d[2 * j];
    m[2 * (j * D + j) + 1] = d[2 * j + 1];
  }
  return m;
}
static std::vector<double> perm_matrix(const std::vector<unsigned>& src) {  // row r has its 1 at src[r]
  const size_t D = src.size();
  std::vector<double> m(2 * D * D, 0.0);
  for (size_t r = 0; r < D; ++r) m[2 * (r * D + src[r])] = 1;
  return m;
}
// H on each of k qubits: dense everywhere, entries ±2^(-k/2).
static std::vector<double> hadamards(unsigned k) {
  const unsigned D = 1u << k;
  std::vector<double> m(2 * D * D, 0.0);
  for (unsigned r = 0; r < D; ++r)
    for (unsigned c = 0; c < D; ++c) m[2 * (r * D + c)] = std::pow(R2, k) * (__builtin_popcount(r & c) % 2 ? -1 : 1);
  return m;
}
static std::vector<unsigned> random_perm(size_t D) {
  std::vector<unsigned> p(D);
  for (size_t i = 0; i < D; ++i) p[i] = unsigned(i);
  std::shuffle(p.begin(), p.end(), rng);
  return p;
}
static Gate param_diag(std::vector<unsigned> qs, std::vector<double> lambda, std::vector<unsigned> cs = {}) {
  Gate g;
  g.qubits = qs;
  g.controls = sorted(cs);
  g.diagonal = true;
  g.slot = 0;
  g.scale = 0.8;
  g.offset = 0.1;
  g.generator = lambda;
  return g;
}
static Gate param_dense(std::vector<unsigned> qs, std::vector<double> G, std::vector<unsigned> cs = {}) {
  Gate g = param_diag(qs, G, cs);
  g.diagonal = false;
  return g;
}

// One family of gates on an ordered qubit tuple (first ones are controls where the gate has any).
struct Named {
  const char* name;
  unsigned arity;
  std::function<Gate(const std::vector<unsigned>&)> make;
};
static std::vector<Named> named_gates() {
  const double T = R2;
  return {
      {"x", 1, [](auto q) { return dense({q[0]}, X); }},
      {"z", 1, [](auto q) { return diag({q[0]}, {1, 0, -1, 0}); }},
      {"s", 1, [](auto q) { return diag({q[0]}, {1, 0, 0, 1}); }},
      {"tdg", 1, [T](auto q) { return diag({q[0]}, {1, 0, T, -T}); }},
      {"p", 1, [](auto q) { return diag({q[0]}, phase_d(0.7)); }},
      {"rz", 1, [](auto q) { return diag({q[0]}, rz_d(0.9)); }},
      {"p(θ)", 1, [](auto q) { return param_diag({q[0]}, {0, -1}); }},
      {"cx", 2, [](auto q) { return dense({q[1]}, X, {q[0]}); }},
      {"cz", 2, [](auto q) { return diag(sorted({q[0], q[1]}), {1, 0, 1, 0, 1, 0, -1, 0}); }},
      {"cp", 2, [](auto q) { return diag({q[1]}, phase_d(-1.1), {q[0]}); }},
      {"cp(θ)", 2, [](auto q) { return param_diag({q[1]}, {0, -1}, {q[0]}); }},
      {"crz", 2, [](auto q) { return diag({q[1]}, rz_d(0.4), {q[0]}); }},
      {"crz(θ)", 2, [](auto q) { return param_diag({q[1]}, {0.5, -0.5}, {q[0]}); }},
      {"crx", 2, [](auto q) { return dense({q[1]}, rx_m(1.3), {q[0]}); }},
      {"crx(θ)", 2, [](auto q) { return param_dense({q[1]}, X, {q[0]}); }},
      {"cu3", 2, [](auto q) { return dense({q[1]}, u3_m(0.3, 1.2, -0.4), {q[0]}); }},
      {"swap", 2, [](auto q) { return dense(sorted({q[0], q[1]}), SWAP); }},
      {"rzz(θ)", 2, [](auto q) { return param_diag(sorted({q[0], q[1]}), {0.5, -0.5, -0.5, 0.5}); }},
      // Dense forms, as fusion multiplies them out (control found in the matrix):
      {"cx 4x4", 2, [](auto q) { return dense(sorted({q[0], q[1]}), controlled_4x4(X, q[0] < q[1] ? 0 : 1)); }},
      {"cu3 4x4", 2, [](auto q) { return dense(sorted({q[0], q[1]}), controlled_4x4(u3_m(0.3, 1.2, -0.4), q[0] < q[1] ? 0 : 1)); }},
      {"cz 4x4", 2, [](auto q) { return dense(sorted({q[0], q[1]}), dense_of_diag({1, 0, 1, 0, 1, 0, -1, 0})); }},
      {"ccx", 3, [](auto q) { return dense({q[2]}, X, {q[0], q[1]}); }},
      {"cswap", 3, [](auto q) { return dense(sorted({q[1], q[2]}), SWAP, {q[0]}); }},
      {"ccz", 3, [](auto q) { return diag(sorted({q[0], q[1], q[2]}), {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, -1, 0}); }},
      {"ccp", 3, [](auto q) { return diag({q[2]}, phase_d(2.1), {q[0], q[1]}); }},
      {"perm3", 3, [](auto q) { return dense(sorted({q[0], q[1], q[2]}), perm_matrix(random_perm(8))); }},
      {"cperm2", 3, [](auto q) { return dense(sorted({q[1], q[2]}), perm_matrix(random_perm(4)), {q[0]}); }},
  };
}

// Ordered tuples of `arity` distinct qubits of n: all of them on small states,
// chosen ones (lanes, both ends, adjacent, far apart, both orders) on large ones.
static std::vector<std::vector<unsigned>> tuples(unsigned n, unsigned arity) {
  std::vector<std::vector<unsigned>> out;
  if (n <= 6) {
    std::vector<unsigned> t(arity);
    std::function<void(unsigned)> rec = [&](unsigned i) {
      if (i == arity) {
        out.push_back(t);
        return;
      }
      for (unsigned q = 0; q < n; ++q) {
        if (std::find(t.begin(), t.begin() + i, q) != t.begin() + i) continue;
        t[i] = q;
        rec(i + 1);
      }
    };
    rec(0);
    return out;
  }
  const unsigned h = n - 1, m = n / 2;
  if (arity == 1) return {{0}, {1}, {2}, {3}, {m}, {h}};
  if (arity == 2)
    return {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {0, 2}, {2, 0}, {0, h}, {h, 0}, {1, h}, {h, 1}, {3, m}, {m, 3}, {h - 1, h}, {h, h - 1}};
  return {{0, 1, 2}, {2, 1, 0}, {1, 0, h}, {h, m, 0}, {0, h, 1}, {m, h, 2}, {h - 1, h, 3}, {3, h - 2, h}};
}

static double tol_of(Precision p) { return p == Precision::f64 ? 1e-12 : 3e-6; }

static void test_named_gates(Isa isa, Precision prec, unsigned threads) {
  ExecOptions o;
  o.isa = isa;
  o.threads = threads;
  const double param = 0.77;
  for (unsigned n : {1u, 2u, 3u, 4u, 5u, 6u, 9u, 15u}) {
    const CVec psi0 = random_state(n);
    const std::vector<double> amps = to_doubles(psi0);
    auto s = State::create(n, prec);
    for (const Named& ng : named_gates()) {
      if (ng.arity > n) continue;
      for (const auto& q : tuples(n, ng.arity)) {
        const Gate g = ng.make(q);
        s->set_amplitudes(amps.data());
        s->apply(g, &param, o);
        CVec ref = psi0;
        ref_apply(ref, n, g, &param);
        const double d = max_diff(*s, ref);
        CHECK(d < tol_of(prec), "%s n=%u on (%u%s%s%s%s) diff %g", ng.name, n, q[0], q.size() > 1 ? "," : "",
              q.size() > 1 ? std::to_string(q[1]).c_str() : "", q.size() > 2 ? "," : "",
              q.size() > 2 ? std::to_string(q[2]).c_str() : "", d);
      }
    }
  }
}

// Compiled circuits: named structured gates between random dense ones, every fusion setting.
static void test_circuits(Isa isa, Precision prec, unsigned threads) {
  ExecOptions o;
  o.isa = isa;
  o.threads = threads;
  const std::vector<Named> ng = named_gates();
  for (unsigned n : {3u, 5u, 9u, 16u}) {
    Circuit c;
    c.num_qubits = n;
    c.num_params = 1;
    const unsigned count = n >= 16 ? 40 : 60;
    for (unsigned i = 0; i < count; ++i) {
      if (rng() % 4 == 0) {  // a random 1-qubit dense gate
        std::vector<double> m = u3_m(urand() * 3, urand() * 6, urand() * 6);
        c.gates.push_back(dense({unsigned(rng() % n)}, m));
        continue;
      }
      const Named& g = ng[rng() % ng.size()];
      if (g.arity > n) continue;
      std::vector<unsigned> pool(n);
      for (unsigned q = 0; q < n; ++q) pool[q] = q;
      std::shuffle(pool.begin(), pool.end(), rng);
      pool.resize(g.arity);
      c.gates.push_back(g.make(pool));
    }
    const double param = -0.61;
    CVec ref = random_state(n);
    const std::vector<double> amps = to_doubles(ref);
    for (const Gate& g : c.gates) ref_apply(ref, n, g, &param);
    for (unsigned fusion : {0u, 2u, 3u, 5u}) {
      auto prog = compile(c, fusion);
      auto s = State::create(n, prec);
      s->set_amplitudes(amps.data());
      s->run(*prog, &param, o);
      const double d = max_diff(*s, ref);
      CHECK(d < tol_of(prec) * 50, "circuit n=%u fusion=%u passes=%zu diff %g", n, fusion, stats(*prog).passes, d);
    }
  }
}

// What find_structure reads off the lowered matrices.
static void test_find_structure() {
  g_ctx = "find_structure";
  auto find = [](const Gate& g) {
    Structured<double> st;
    find_structure<double>(g.qubits.data(), unsigned(g.qubits.size()), g.controls.data(),
                           unsigned(g.controls.size()), g.diagonal, g.matrix.data(), st);
    return st;
  };
  auto list = [](const unsigned* a, unsigned k) { return std::vector<unsigned>(a, a + k); };
  {
    Structured<double> st = find(diag({2, 5}, {1, 0, 1, 0, 1, 0, -1, 0}));  // cz
    CHECK(st.form == Form::phase && st.k == 0 && list(st.controls, st.c) == std::vector<unsigned>({2, 5}) &&
              st.m[0] == -1 && st.m[1] == 0, "cz: form %d k %u c %u", int(st.form), st.k, st.c);
  }
  {
    Structured<double> st = find(diag({3}, {1, 0, 0, 1}));  // s
    CHECK(st.form == Form::phase && st.c == 1 && st.controls[0] == 3 && st.m[1] == 1, "s: form %d", int(st.form));
  }
  {
    Structured<double> st = find(diag({4}, phase_d(0.3), {1}));  // cp(1, 4)
    CHECK(st.form == Form::phase && list(st.controls, st.c) == std::vector<unsigned>({1, 4}), "cp: form %d c %u", int(st.form), st.c);
  }
  {
    Structured<double> st = find(diag({4}, rz_d(0.3), {1}));  // crz: stays a controlled diagonal
    CHECK(st.form == Form::diagonal && st.k == 1 && st.c == 1 && st.controls[0] == 1, "crz: form %d", int(st.form));
  }
  {
    Structured<double> st = find(dense({0}, X, {1, 7}));  // ccx
    CHECK(st.form == Form::permutation && st.k == 1 && st.c == 2 && st.src[0] == 1 && st.src[1] == 0, "ccx: form %d", int(st.form));
  }
  {
    Structured<double> st = find(dense({1, 6}, SWAP));
    CHECK(st.form == Form::permutation && st.k == 2 && st.c == 0 && st.src[0] == 0 && st.src[1] == 2 &&
              st.src[2] == 1 && st.src[3] == 3, "swap: form %d k %u", int(st.form), st.k);
  }
  {
    Structured<double> st = find(dense({1, 6}, controlled_4x4(X, 1)));  // control on qubit 6
    CHECK(st.form == Form::permutation && st.k == 1 && st.qubits[0] == 1 && st.c == 1 && st.controls[0] == 6,
          "cx 4x4: form %d k %u", int(st.form), st.k);
  }
  {
    Structured<double> st = find(dense({1, 6}, controlled_4x4(rx_m(0.5), 0)));  // control on qubit 1
    CHECK(st.form == Form::dense && st.k == 1 && st.qubits[0] == 6 && st.c == 1 && st.controls[0] == 1,
          "crx 4x4: form %d k %u", int(st.form), st.k);
  }
  {
    Structured<double> st = find(dense({1, 6}, dense_of_diag({1, 0, 1, 0, 1, 0, -1, 0})));
    CHECK(st.form == Form::phase && st.c == 2, "cz 4x4: form %d", int(st.form));
  }
  {
    Structured<double> st = find(dense({0, 1}, dense_of_diag({1, 0, 1, 0, 1, 0, 1, 0})));
    CHECK(st.form == Form::identity, "identity 4x4: form %d", int(st.form));
  }
  {
    Structured<double> st = find(diag({0, 3}, {1, 0, 1, 0, 1, 0, 1, 0}));
    CHECK(st.form == Form::identity, "identity diagonal: form %d", int(st.form));
  }
  {
    Structured<double> st = find(dense({2}, u3_m(0.3, 0.2, 0.1)));
    CHECK(st.form == Form::dense && st.k == 1 && st.c == 0, "u3: form %d", int(st.form));
  }
  {
    Structured<double> st = find(diag({2}, rz_d(0.3)));
    CHECK(st.form == Form::diagonal && st.k == 1 && st.c == 0, "rz: form %d", int(st.form));
  }
  {
    // A Y gate (a permutation with phases) is not a permutation: applied dense.
    Structured<double> st = find(dense({2}, {0, 0, 0, -1, 0, 1, 0, 0}, {0}));
    CHECK(st.form == Form::dense && st.c == 1, "cy: form %d", int(st.form));
  }
}

// The profiler counts the new kinds, with the amplitudes they touch.
static void test_profile_kinds() {
  g_ctx = "profile";
  const unsigned n = 12;
  Circuit c;
  c.num_qubits = n;
  c.gates.push_back(dense({11}, X, {10}));                                  // cx: permutation
  c.gates.push_back(diag({9, 11}, {1, 0, 1, 0, 1, 0, -1, 0}));              // cz: phase
  c.gates.push_back(dense({5}, rx_m(0.4), {10}));                           // crx: controlled
  auto prog = compile(c, 0);
  auto s = State::create(n, Precision::f64);
  ExecOptions o;
  o.isa = default_isa();
  o.threads = 1;
  profile::start();
  s->run(*prog, nullptr, o);
  profile::stop();
  const profile::Snapshot snap = profile::snapshot();
  const auto& perm = snap.kinds[profile::kPermutation];
  const auto& ph = snap.kinds[profile::kPhase];
  const auto& ctl = snap.kinds[profile::kControlled];
  CHECK(perm.calls == 1 && perm.amplitudes == (1u << (n - 1)), "permutation: %llu calls, %llu amplitudes",
        (unsigned long long)perm.calls, (unsigned long long)perm.amplitudes);
  CHECK(ph.calls == 1 && ph.amplitudes == (1u << (n - 2)), "phase: %llu calls, %llu amplitudes",
        (unsigned long long)ph.calls, (unsigned long long)ph.amplitudes);
  CHECK(ctl.calls == 1 && ctl.amplitudes == (1u << (n - 1)), "controlled: %llu calls", (unsigned long long)ctl.calls);
  CHECK(std::string(profile::kind_name(profile::kPermutation)) == "permutation" &&
            std::string(profile::kind_name(profile::kPhase)) == "phase",
        "kind names");
}

// The fuser's cost model: what it reads off gates, where it refuses a merge,
// and that runs of dense gates (and the brickwork benchmark) fuse as before.
static void test_fusion_costs() {
  g_ctx = "fusion costs";
  const std::vector<double> H = {R2, 0, R2, 0, R2, 0, -R2, 0};
  {
    const GateTraits cz = gate_traits(diag({5, 9}, {1, 0, 1, 0, 1, 0, -1, 0}));
    CHECK(cz.kind == GateTraits::kDiagonal && cz.controls == ((1u << 5) | (1u << 9)), "cz traits");
    const GateTraits h = gate_traits(dense({5}, {R2, 0, R2, 0, R2, 0, -R2, 0}));
    const double h_cost = op_cost(h.kind, h.controls, 1u << 5);
    CHECK(h.kind == GateTraits::kDense && h_cost == 1.0, "h in the tiles: the unit, got %g", h_cost);
    CHECK(op_cost(cz.kind, cz.controls, cz.controls) < 0.5 * h_cost, "cz in the tiles: under half an h, got %g",
          op_cost(cz.kind, cz.controls, cz.controls));
    const std::uint64_t span = (1u << 0) | (1u << 20);
    CHECK(op_cost(GateTraits::kDense, 0, 1u << 20) == 1.0 && op_cost(GateTraits::kDense, 0, span) > 2 * h_cost,
          "a dense 2-qubit gate across the tiles sweeps memory: %g", op_cost(GateTraits::kDense, 0, span));
    const std::uint64_t high_pair = (1u << 5) | (1u << 20);
    CHECK(op_cost(GateTraits::kDiagonal, high_pair, high_pair) < op_cost(GateTraits::kDiagonal, span, span),
          "cz(5, 20) touches fewer lines than cz(0, 20): %g vs %g", op_cost(GateTraits::kDiagonal, high_pair, high_pair),
          op_cost(GateTraits::kDiagonal, span, span));
    const GateTraits czl = gate_traits(diag({0, 1}, {1, 0, 1, 0, 1, 0, -1, 0}));
    CHECK(czl.kind == GateTraits::kDiagonal && czl.controls == 3u, "cz on lane qubits: still a phase");
    const GateTraits cx = gate_traits(dense({3}, X, {7}));
    CHECK(cx.kind == GateTraits::kPermutation && cx.controls == (1u << 7), "cx traits");
    const GateTraits pth = gate_traits(param_diag({4}, {0, -1}));
    CHECK(pth.kind == GateTraits::kDiagonal && pth.controls == (1u << 4), "p(θ) traits");
    const GateTraits crx = gate_traits(param_dense({4}, X, {6}));
    CHECK(crx.kind == GateTraits::kDense && crx.controls == (1u << 6), "crx(θ) traits");
  }
  // A CZ that would turn a 3-qubit dense block into a 4-qubit one stays apart (20 qubits);
  // greedy (small state or unknown) fuses it in.
  {
    std::vector<Gate> g = {dense({0, 1, 2}, hadamards(3)), dense({0}, H),
                           diag({2, 10}, {1, 0, 1, 0, 1, 0, -1, 0})};
    const auto greedy = fuse(g, 4, 0);
    const auto aware = fuse(g, 4, 20);
    CHECK(greedy.size() == 1, "greedy: %zu blocks", greedy.size());
    CHECK(aware.size() == 2 && aware[0].members == std::vector<size_t>({0, 1}) &&
              aware[1].members == std::vector<size_t>({2}),
          "cost-aware: %zu blocks", aware.size());
    // Both plans give the same state.
    Circuit c;
    c.num_qubits = 14;
    c.gates = g;
    CVec ref = random_state(14);
    const std::vector<double> amps = to_doubles(ref);
    for (const Gate& x : g) ref_apply(ref, 14, x, nullptr);
    auto prog = compile(c, 4);
    auto s = State::create(14, Precision::f64);
    s->set_amplitudes(amps.data());
    ExecOptions o;
    o.isa = default_isa();
    s->run(*prog, nullptr, o);
    CHECK(max_diff(*s, ref) < 1e-12, "cost-aware plan: diff %g", max_diff(*s, ref));
    CHECK(stats(*prog).passes == 2, "passes %zu", stats(*prog).passes);
  }
  // Dense runs fuse exactly as the greedy rule does; on the brickwork benchmark's
  // circuit (u3 on every qubit, CZ bricks) the chosen plan is never estimated dearer
  // than the greedy one (it leaves every other layer's CZs alone).
  {
    std::vector<Gate> dense_run;
    for (unsigned l = 0; l < 6; ++l)
      for (unsigned q = 0; q + 1 < 20; q += 1 + l % 2) dense_run.push_back(dense({q, q + 1}, hadamards(2)));
    for (unsigned f : {2u, 3u, 4u, 5u}) {
      const auto a = fuse(dense_run, f, 0), b = fuse(dense_run, f, 20);
      bool same = a.size() == b.size();
      for (size_t i = 0; same && i < a.size(); ++i) same = a[i].members == b[i].members;
      CHECK(same, "dense run, fusion %u: greedy %zu blocks, cost-aware %zu", f, a.size(), b.size());
    }
    std::vector<Gate> brick;
    const unsigned n = 20;
    for (unsigned l = 0; l < 20; ++l) {
      for (unsigned q = 0; q < n; ++q) brick.push_back(dense({q}, u3_m(urand() * 3, urand() * 6, urand() * 6)));
      for (unsigned q = l % 2; q + 1 < n; q += 2) brick.push_back(diag({q, q + 1}, {1, 0, 1, 0, 1, 0, -1, 0}));
    }
    std::vector<GateTraits> tr;
    for (const Gate& x : brick) tr.push_back(gate_traits(x));
    for (unsigned f : {2u, 3u, 4u, 5u}) {
      const auto g0 = fuse(brick, f, 0), g1 = fuse(brick, f, n);
      const double c0 = plan_cost(g0, brick, tr), c1 = plan_cost(g1, brick, tr);
      CHECK(c1 <= c0, "brickwork, fusion %u: chosen plan %g > greedy %g", f, c1, c0);
      std::printf("brickwork %u qubits, fusion %u: greedy %zu passes (est. %.2f), chosen %zu passes (est. %.2f)\n", n, f,
                  g0.size(), c0, g1.size(), c1);
    }
  }
}

// Adjoint gradients through structured gates on states where fusion (and the
// adjoint plan's undo fusion) is cost-aware, against central differences.
static void test_gradients(Isa isa) {
  g_ctx = std::string("gradients/") + to_string(isa);
  const unsigned n = 15;
  Circuit c;
  c.num_qubits = n;
  c.num_params = 4;
  auto layer = [&] {
    for (unsigned q = 0; q < n; ++q) c.gates.push_back(dense({q}, u3_m(urand() * 3, urand() * 6, urand() * 6)));
  };
  layer();
  auto with_slot = [](Gate g, int slot) {
    g.slot = slot;
    return g;
  };
  c.gates.push_back(with_slot(param_diag({9}, {0, -1}), 0));            // p(θ) on a high qubit
  c.gates.push_back(diag({3, 12}, {1, 0, 1, 0, 1, 0, -1, 0}));          // cz
  c.gates.push_back(with_slot(param_diag({12}, {0, -1}, {2}), 1));      // cp(θ)
  c.gates.push_back(dense({0}, X, {14}));                               // cx, target in a lane
  c.gates.push_back(with_slot(param_diag({5}, {0.5, -0.5}, {13}), 2));  // crz(θ)
  c.gates.push_back(with_slot(param_dense({11}, X, {1}), 3));           // crx(θ)
  c.gates.push_back(dense({4, 10}, SWAP));
  c.gates.push_back(with_slot(param_diag({6, 13}, {0.5, -0.5, -0.5, 0.5}), 0));  // rzz(θ)
  layer();
  PauliSum h;
  h.terms.push_back({0.7, (1u << 3) | (1u << 12), 1u << 12});  // X3 Y12
  h.terms.push_back({-0.4, 0, (1u << 0) | (1u << 9)});          // Z0 Z9
  h.terms.push_back({0.3, 1u << 14, 0});                        // X14
  const double p0[4] = {0.3, -1.1, 0.8, 2.0};
  ExecOptions o;
  o.isa = isa;
  o.threads = 2;
  for (unsigned fusion : {0u, 2u, 3u}) {
    auto prog = compile(c, fusion);
    double grad[4];
    adjoint_gradient(*prog, Precision::f64, p0, h, grad, o);
    for (unsigned i = 0; i < 4; ++i) {
      auto energy = [&](double d) {
        double p[4] = {p0[0], p0[1], p0[2], p0[3]};
        p[i] += d;
        auto s = State::create(n, Precision::f64);
        s->run(*prog, p, o);
        return s->expectation(h, o);
      };
      const double eps = 1e-5, fd = (energy(eps) - energy(-eps)) / (2 * eps);
      CHECK(std::fabs(grad[i] - fd) < 1e-6, "fusion %u: d/dp%u adjoint %.10f, finite difference %.10f", fusion, i,
            grad[i], fd);
    }
  }
}

int main() {
  const auto t0 = std::chrono::steady_clock::now();
  test_find_structure();
  test_fusion_costs();
  test_gradients(Isa::scalar);
  if (isa_available(Isa::avx2)) test_gradients(Isa::avx2);
  if (isa_available(Isa::avx512)) test_gradients(Isa::avx512);
  test_profile_kinds();
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);
  else std::printf("note: AVX2 not available, testing the scalar ISA only\n");
  for (Isa isa : isas)
    for (Precision prec : {Precision::f32, Precision::f64})
      for (unsigned threads : {1u, 2u}) {
        g_ctx = std::string(to_string(isa)) + "/" + to_string(prec) + "/t" + std::to_string(threads);
        const int before = g_fail;
        try {
          test_named_gates(isa, prec, threads);
          test_circuits(isa, prec, threads);
        } catch (const std::exception& e) {
          CHECK(false, "exception: %s", e.what());
        }
        std::printf("%-20s %s\n", g_ctx.c_str(), g_fail == before ? "ok" : "FAILED");
      }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d passed, %d failed (%.1f s)\n", g_pass, g_fail, secs);
  return g_fail ? 1 : 0;
}
