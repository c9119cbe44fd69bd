// core_test.cc — the simulator core's test program (plain C++, no framework).
// Every fixture runs for each variant {scalar, avx2} x {f32, f64} x {1, 2
// threads} x {fusion 0, 3, 5} against obviously-correct dense references
// computed here in double. Prints "N passed, M failed" and exits non-zero on
// failure.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/kernels.h"

using namespace quench;
using cd = std::complex<double>;
using CVec = std::vector<cd>;

#include "check.h"

static std::mt19937_64 rng(12345);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }
static double nrand() { return std::normal_distribution<double>(0, 1)(rng); }
static unsigned irand(unsigned n) { return static_cast<unsigned>(rng() % n); }

// ---- dense linear algebra helpers (reference side) ---------------------------
using Mat = std::vector<cd>;  // row-major D x D
static Mat mat_mul(const Mat& a, const Mat& b, size_t D) {
  Mat c(D * D);
  for (size_t r = 0; r < D; ++r)
    for (size_t t = 0; t < D; ++t)
      for (size_t k = 0; k < D; ++k) c[r * D + k] += a[r * D + t] * b[t * D + k];
  return c;
}
static Mat dagger(const Mat& a, size_t D) {
  Mat c(D * D);
  for (size_t r = 0; r < D; ++r)
    for (size_t k = 0; k < D; ++k) c[k * D + r] = std::conj(a[r * D + k]);
  return c;
}
static Mat random_unitary(size_t D) {
  Mat m(D * D);
  for (auto& x : m) x = cd(nrand(), nrand());
  // Gram-Schmidt on columns
  for (size_t c = 0; c < D; ++c) {
    for (size_t p = 0; p < c; ++p) {
      cd dot = 0;
      for (size_t r = 0; r < D; ++r) dot += std::conj(m[r * D + p]) * m[r * D + c];
      for (size_t r = 0; r < D; ++r) m[r * D + c] -= dot * m[r * D + p];
    }
    double nn = 0;
    for (size_t r = 0; r < D; ++r) nn += std::norm(m[r * D + c]);
    nn = std::sqrt(nn);
    for (size_t r = 0; r < D; ++r) m[r * D + c] /= nn;
  }
  return m;
}
static std::vector<double> flat(const Mat& m) {
  std::vector<double> v;
  for (auto& x : m) {
    v.push_back(x.real());
    v.push_back(x.imag());
  }
  return v;
}
static Mat unflat(const std::vector<double>& v) {
  Mat m(v.size() / 2);
  for (size_t i = 0; i < m.size(); ++i) m[i] = cd(v[2 * i], v[2 * i + 1]);
  return m;
}
// Random Hermitian G with G^3 = G: V diag(e) V^dagger, e in {-1, 0, 1}.
static Mat random_generator(size_t D) {
  Mat V = random_unitary(D), E(D * D);
  for (size_t i = 0; i < D; ++i) E[i * D + i] = double(int(irand(3)) - 1);
  return mat_mul(mat_mul(V, E, D), dagger(V, D), D);
}
// exp(-i theta G) by Taylor series (independent of the closed form).
static Mat expm_generator(const Mat& G, double theta, size_t D) {
  Mat result(D * D), term(D * D);
  for (size_t i = 0; i < D; ++i) result[i * D + i] = term[i * D + i] = 1;
  for (int m = 1; m < 60; ++m) {
    term = mat_mul(term, G, D);
    for (auto& x : term) x *= cd(0, -theta) / double(m);
    for (size_t i = 0; i < D * D; ++i) result[i] += term[i];
  }
  return result;
}

// ---- reference simulator ---------------------------------------------------------
// The gate's full matrix (dense D x D or diagonal D) at params.
static Mat ref_matrix(const Gate& g, const double* params, bool& diag) {
  diag = g.diagonal;
  const size_t D = size_t(1) << g.qubits.size();
  if (g.slot < 0) return unflat(g.matrix);
  const double th = g.scale * params[g.slot] + g.offset;
  if (g.diagonal) {
    Mat d(D);
    for (size_t j = 0; j < D; ++j) d[j] = std::exp(cd(0, -th * g.generator[j]));
    return d;
  }
  return expm_generator(unflat(g.generator), th, D);
}
static void ref_apply(CVec& psi, unsigned n, const Gate& g, const double* params) {
  bool diag;
  const Mat M = ref_matrix(g, params, diag);
  const size_t D = size_t(1) << g.qubits.size();
  CVec out(psi.size());
  for (uint64_t i = 0; i < (uint64_t(1) << n); ++i) {
    bool on = true;
    for (unsigned c : g.controls) on = on && ((i >> c) & 1);
    if (!on) {
      out[i] = psi[i];
      continue;
    }
    size_t r = 0;
    uint64_t rest = i;
    for (size_t j = 0; j < g.qubits.size(); ++j) {
      r |= ((i >> g.qubits[j]) & 1) << j;
      rest &= ~(uint64_t(1) << g.qubits[j]);
    }
    if (diag) {
      out[i] = M[r] * psi[i];
      continue;
    }
    cd acc = 0;
    for (size_t c = 0; c < D; ++c) {
      uint64_t src = rest;
      for (size_t j = 0; j < g.qubits.size(); ++j)
        if ((c >> j) & 1) src |= uint64_t(1) << g.qubits[j];
      acc += M[r * D + c] * psi[src];
    }
    out[i] = acc;
  }
  psi.swap(out);
}
static CVec ref_run(const Circuit& c, const double* params) {
  CVec psi(size_t(1) << c.num_qubits);
  psi[0] = 1;
  for (auto& g : c.gates) ref_apply(psi, c.num_qubits, g, params);
  return psi;
}
static double ref_expect(const CVec& psi, unsigned n, const PauliSum& h) {
  double total = 0;
  const Mat X = {0, 1, 1, 0}, Y = {0, cd(0, -1), cd(0, 1), 0}, Z = {1, 0, 0, -1};
  for (auto& t : h.terms) {
    CVec phi = psi;
    for (unsigned q = 0; q < n; ++q) {
      const bool x = (t.x_mask >> q) & 1, z = (t.z_mask >> q) & 1;
      if (!x && !z) continue;
      Gate g;
      g.qubits = {q};
      g.matrix = flat(x && z ? Y : x ? X : Z);
      ref_apply(phi, n, g, nullptr);
    }
    cd e = 0;
    for (size_t i = 0; i < psi.size(); ++i) e += std::conj(psi[i]) * phi[i];
    total += t.coeff * e.real();
  }
  return total;
}

// ---- random circuits ----------------------------------------------------------------
static std::vector<unsigned> random_subset(unsigned n, unsigned k, std::vector<unsigned> exclude = {}) {
  std::vector<unsigned> pool;
  for (unsigned q = 0; q < n; ++q)
    if (std::find(exclude.begin(), exclude.end(), q) == exclude.end()) pool.push_back(q);
  std::shuffle(pool.begin(), pool.end(), rng);
  pool.resize(k);
  std::sort(pool.begin(), pool.end());
  return pool;
}
static Gate make_dense(std::vector<unsigned> qs, std::vector<unsigned> cs, int slot = -1) {
  Gate g;
  g.qubits = qs;
  g.controls = cs;
  const size_t D = size_t(1) << qs.size();
  if (slot < 0) g.matrix = flat(random_unitary(D));
  else {
    g.slot = slot;
    g.scale = 0.5 + urand();
    g.offset = urand() - 0.5;
    g.generator = flat(random_generator(D));
  }
  return g;
}
static bool g_shiftable = false;  // parameterised diagonals with spectrum in {-1, 0, 1}
static Gate make_diag(std::vector<unsigned> qs, std::vector<unsigned> cs, int slot = -1) {
  Gate g;
  g.qubits = qs;
  g.controls = cs;
  g.diagonal = true;
  const size_t D = size_t(1) << qs.size();
  if (slot < 0) {
    for (size_t j = 0; j < D; ++j) {
      const double a = 2 * M_PI * urand();
      g.matrix.push_back(std::cos(a));
      g.matrix.push_back(std::sin(a));
    }
  } else {
    g.slot = slot;
    g.scale = 0.5 + urand();
    g.offset = urand() - 0.5;
    for (size_t j = 0; j < D; ++j)
      g.generator.push_back(g_shiftable ? double(int(irand(3)) - 1) : 2 * urand() - 1);
  }
  return g;
}
// Named generators: X, Y, Z, XX, ZZ, |1><1|, diagonal.
static Gate named_param(const std::string& name, std::vector<unsigned> qs, int slot) {
  Gate g;
  g.qubits = qs;
  g.slot = slot;
  g.scale = 0.5;
  const Mat X = {0, 1, 1, 0}, Y = {0, cd(0, -1), cd(0, 1), 0}, Z = {1, 0, 0, -1}, P1 = {0, 0, 0, 1};
  auto kron = [](const Mat& a, const Mat& b) {  // a on the higher qubit
    Mat c(16);
    for (int r1 = 0; r1 < 2; ++r1)
      for (int c1 = 0; c1 < 2; ++c1)
        for (int r0 = 0; r0 < 2; ++r0)
          for (int c0 = 0; c0 < 2; ++c0) c[(r1 * 2 + r0) * 4 + c1 * 2 + c0] = a[r1 * 2 + c1] * b[r0 * 2 + c0];
    return c;
  };
  if (name == "X") g.generator = flat(X);
  else if (name == "Y") g.generator = flat(Y);
  else if (name == "Z") g.generator = flat(Z);
  else if (name == "P1") g.generator = flat(P1);
  else if (name == "XX") g.generator = flat(kron(X, X));
  else if (name == "ZZ") g.generator = flat(kron(Z, Z));
  else if (name == "ZZd") {
    g.diagonal = true;
    g.generator = {1, -1, -1, 1};
  } else if (name == "Zd") {
    g.diagonal = true;
    g.generator = {1, -1};
  }
  return g;
}
static Circuit random_circuit(unsigned n, unsigned gates, unsigned params, unsigned max_controls = 2) {
  Circuit c;
  c.num_qubits = n;
  c.num_params = params;
  for (unsigned i = 0; i < gates; ++i) {
    const unsigned kind = irand(6);
    const int slot = (params && irand(2)) ? int(irand(params)) : -1;
    if (kind <= 2) {
      const unsigned k = 1 + irand(std::min(3u, n));
      const auto qs = random_subset(n, k);
      const unsigned nc = std::min(n - k, irand(max_controls + 1));
      c.gates.push_back(make_dense(qs, random_subset(n, nc, qs), slot));
    } else if (kind == 3) {
      const unsigned k = 1 + irand(n);
      const auto qs = random_subset(n, k);
      const unsigned nc = std::min(n - k, irand(2));
      c.gates.push_back(make_diag(qs, random_subset(n, nc, qs), slot));
    } else if (kind == 4 && n >= 2) {
      static const char* names[] = {"X", "Y", "Z", "P1", "XX", "ZZ", "ZZd", "Zd"};
      const std::string nm = names[irand(8)];
      const unsigned k = (nm == "XX" || nm == "ZZ" || nm == "ZZd") ? 2 : 1;
      const int s = params ? int(irand(params)) : -1;
      if (s < 0) {
        c.gates.push_back(make_dense(random_subset(n, 1), {}));
        continue;
      }
      Gate g = named_param(nm, random_subset(n, k), s);
      const unsigned nc = std::min(n - k, irand(2));
      g.controls = random_subset(n, nc, g.qubits);
      c.gates.push_back(g);
    } else {
      c.gates.push_back(make_dense(random_subset(n, 1), {}, slot));
    }
  }
  return c;
}
static Circuit brickwork(unsigned n, unsigned layers, unsigned params_per_layer_flag = 0) {
  Circuit c;
  c.num_qubits = n;
  c.num_params = params_per_layer_flag ? n * layers : 0;
  const Mat CZ = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1};
  const Mat X = {0, 1, 1, 0};
  for (unsigned l = 0; l < layers; ++l) {
    for (unsigned q = 0; q < n; ++q) {
      if (params_per_layer_flag) {
        Gate g = named_param(irand(2) ? "X" : "Y", {q}, int(l * n + q));
        c.gates.push_back(g);
      } else {
        c.gates.push_back(make_dense({q}, {}));
      }
    }
    for (unsigned q = l % 2; q + 1 < n; q += 2) {
      Gate g;
      if (irand(2)) {
        g.qubits = {q, q + 1};
        g.matrix = flat(CZ);
      } else {
        g.qubits = {q + 1};
        g.controls = {q};
        g.matrix = flat(X);
      }
      c.gates.push_back(g);
    }
  }
  return c;
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
static double max_diff(State& s, const CVec& ref) {
  std::vector<double> a(2 * ref.size());
  s.get_amplitudes(a.data());
  double m = 0;
  for (size_t i = 0; i < ref.size(); ++i) m = std::max(m, std::abs(cd(a[2 * i], a[2 * i + 1]) - ref[i]));
  return m;
}
static PauliSum random_observable(unsigned n, unsigned terms) {
  PauliSum h;
  for (unsigned t = 0; t < terms; ++t) {
    PauliTerm p;
    p.coeff = nrand();
    for (unsigned q = 0; q < n; ++q) {
      const unsigned r = irand(t % 3 == 0 ? 2 : 4);  // a third of the terms diagonal
      if (r == 1) p.z_mask |= uint64_t(1) << q;
      if (r == 2) p.x_mask |= uint64_t(1) << q;
      if (r == 3) {
        p.x_mask |= uint64_t(1) << q;
        p.z_mask |= uint64_t(1) << q;
      }
    }
    h.terms.push_back(p);
  }
  return h;
}
static std::vector<double> random_params(unsigned m) {
  std::vector<double> p(m);
  for (auto& x : p) x = 4 * urand() - 2;
  return p;
}

// ---- variant fixture ------------------------------------------------------------------
static double tol_of(const Variant& v) { return v.prec == Precision::f64 ? 1e-12 : 2e-5; }

static std::map<std::string, std::vector<uint64_t>> g_samples;  // per precision

static void test_single_gates(const Variant& v) {
  const ExecOptions o = v.opts();
  // Explicit low-qubit target/control sets on 6 qubits, then random gates.
  const std::vector<std::vector<unsigned>> sets = {{0}, {1}, {2}, {3}, {5}, {0, 1}, {0, 2}, {1, 2}, {1, 5},
                                                   {0, 1, 2}, {0, 3, 5}, {0, 1, 2, 3}, {1, 2, 4, 5, 3}};
  for (unsigned nsel = 0; nsel < 2; ++nsel) {
    const unsigned n = nsel ? 7 : 6;
    for (auto qs : sets) {
      std::sort(qs.begin(), qs.end());
      for (unsigned variant = 0; variant < 4; ++variant) {
        std::vector<unsigned> cs;
        if (variant == 1) cs = random_subset(n, 1, qs);
        if (variant == 2) cs = random_subset(n, std::min<unsigned>(3, n - qs.size()), qs);
        if (variant == 3 && std::find(qs.begin(), qs.end(), 0u) == qs.end()) cs = {0};
        if (variant == 3 && std::find(qs.begin(), qs.end(), 1u) == qs.end()) cs.push_back(1);
        std::sort(cs.begin(), cs.end());
        for (int diag = 0; diag < 2; ++diag) {
          Gate g = diag ? make_diag(qs, cs) : make_dense(qs, cs);
          auto s = State::create(n, v.prec);
          CVec psi = random_state(n);
          s->set_amplitudes(to_doubles(psi).data());
          s->apply(g, nullptr, o);
          ref_apply(psi, n, g, nullptr);
          const double d = max_diff(*s, psi);
          CHECK(d < tol_of(v), "n=%u k=%zu c=%zu diag=%d q0=%u diff %g", n, qs.size(), cs.size(), diag,
                qs[0], d);
        }
      }
    }
  }
  // Random gates (dense k = 1..6, diagonal k = 1..n, 0-3 controls, parameterised).
  for (unsigned n : {1u, 2u, 3u, 4u, 5u, 8u, 10u, 12u, 15u}) {
    const unsigned count = n >= 15 ? 6 : 14;
    auto s = State::create(n, v.prec);
    CVec psi = random_state(n);
    s->set_amplitudes(to_doubles(psi).data());
    std::vector<double> params = random_params(4);
    for (unsigned i = 0; i < count; ++i) {
      const bool diag = irand(3) == 0;
      const unsigned k = diag ? 1 + irand(n) : 1 + irand(std::min(6u, n));
      const auto qs = random_subset(n, k);
      const unsigned nc = std::min(n - k, irand(4));
      const auto cs = random_subset(n, nc, qs);
      const int slot = irand(3) == 0 ? int(irand(4)) : -1;
      Gate g = diag ? make_diag(qs, cs, slot) : make_dense(qs, cs, slot);
      s->apply(g, params.data(), o);
      ref_apply(psi, n, g, params.data());
    }
    const double d = max_diff(*s, psi);
    CHECK(d < tol_of(v) * 10, "random gates n=%u diff %g", n, d);
  }
  // Named parameterised generators, with and without controls.
  for (const char* nm : {"X", "Y", "Z", "P1", "XX", "ZZ", "ZZd", "Zd"}) {
    const unsigned n = 6;
    const unsigned k = (std::string(nm) == "XX" || std::string(nm) == "ZZ" || std::string(nm) == "ZZd") ? 2 : 1;
    for (int ctl = 0; ctl < 2; ++ctl) {
      Gate g = named_param(nm, random_subset(n, k), 0);
      if (ctl) g.controls = random_subset(n, 2, g.qubits);
      auto s = State::create(n, v.prec);
      CVec psi = random_state(n);
      s->set_amplitudes(to_doubles(psi).data());
      const double p = 0.7;
      s->apply(g, &p, o);
      ref_apply(psi, n, g, &p);
      const double d = max_diff(*s, psi);
      CHECK(d < tol_of(v), "generator %s ctl=%d diff %g", nm, ctl, d);
    }
  }
}

static void test_circuits(const Variant& v) {
  const ExecOptions o = v.opts();
  for (unsigned n : {3u, 5u, 7u, 9u, 14u}) {
    Circuit c = random_circuit(n, n >= 14 ? 16 : 30, 5);
    auto prog = compile(c, v.fusion);
    std::vector<double> params = random_params(5);
    auto s = State::create(n, v.prec);
    s->run(*prog, params.data(), o);
    const CVec ref = ref_run(c, params.data());
    const double d = max_diff(*s, ref);
    CHECK(d < tol_of(v) * 100, "circuit n=%u passes=%zu diff %g", n, stats(*prog).passes, d);
  }
  for (unsigned n : {6u, 9u}) {
    Circuit c = brickwork(n, 6, 1);
    auto prog = compile(c, v.fusion);
    std::vector<double> params = random_params(c.num_params);
    auto s = State::create(n, v.prec);
    s->run(*prog, params.data(), o);
    const double d = max_diff(*s, ref_run(c, params.data()));
    CHECK(d < tol_of(v) * 100, "brickwork n=%u diff %g", n, d);
  }
  // A big diagonal (k = n) and a 16-qubit run (parallel path).
  {
    const unsigned n = 16;
    Circuit c;
    c.num_qubits = n;
    c.gates.push_back(make_dense({0}, {}));
    c.gates.push_back(make_dense({15}, {}));
    c.gates.push_back(make_diag(random_subset(n, n), {}));
    c.gates.push_back(make_dense({1, 2}, {}));
    c.gates.push_back(make_dense({2, 9, 14}, {0, 1}));
    c.gates.push_back(make_diag({3, 7}, {1, 12}));
    auto prog = compile(c, v.fusion);
    auto s = State::create(n, v.prec);
    s->run(*prog, nullptr, o);
    const double d = max_diff(*s, ref_run(c, nullptr));
    CHECK(d < tol_of(v) * 100, "16-qubit diff %g", d);
  }
}

static void test_measurements(const Variant& v) {
  const ExecOptions o = v.opts();
  for (unsigned n : {1u, 3u, 6u, 9u, 14u}) {
    CVec psi = random_state(n);
    auto s = State::create(n, v.prec);
    s->set_amplitudes(to_doubles(psi).data());
    const double tol = v.prec == Precision::f64 ? 1e-11 : 1e-5;
    CHECK(std::fabs(s->norm_squared(o) - 1) < tol, "norm n=%u", n);
    PauliSum h = random_observable(n, 7);
    h.terms.push_back(PauliTerm{0.3, 0, 0});  // identity
    const double e = s->expectation(h, o), er = ref_expect(psi, n, h);
    CHECK(std::fabs(e - er) < tol * 10, "expectation n=%u %g vs %g", n, e, er);
    std::vector<double> p(size_t(1) << n);
    s->probabilities(p.data(), o);
    double pd = 0;
    for (size_t i = 0; i < p.size(); ++i) pd = std::max(pd, std::fabs(p[i] - std::norm(psi[i])));
    CHECK(pd < tol, "probabilities n=%u diff %g", n, pd);
    const unsigned m = 1 + irand(n);
    std::vector<unsigned> qs = random_subset(n, m);
    std::shuffle(qs.begin(), qs.end(), rng);
    std::vector<double> mg(size_t(1) << m), mref(size_t(1) << m, 0.0);
    s->marginal(qs, mg.data(), o);
    for (size_t i = 0; i < p.size(); ++i) {
      size_t j = 0;
      for (unsigned t = 0; t < m; ++t) j |= ((i >> qs[t]) & 1) << t;
      mref[j] += std::norm(psi[i]);
    }
    double md = 0;
    for (size_t j = 0; j < mg.size(); ++j) md = std::max(md, std::fabs(mg[j] - mref[j]));
    CHECK(md < tol, "marginal n=%u m=%u diff %g", n, m, md);
  }
  // Sampling: frequencies and determinism across variants (same precision).
  {
    const unsigned n = 5;
    std::mt19937_64 fixed(99);
    CVec psi(32);
    double nn = 0;
    for (auto& x : psi) {
      x = cd(std::normal_distribution<double>()(fixed), std::normal_distribution<double>()(fixed));
      nn += std::norm(x);
    }
    for (auto& x : psi) x /= std::sqrt(nn);
    psi[7] = 0;  // a zero-probability outcome must never appear
    auto s = State::create(n, v.prec);
    s->set_amplitudes(to_doubles(psi).data());
    const size_t shots = 20000;
    auto out = s->sample(shots, 42, o);
    std::vector<double> freq(32, 0);
    bool in_range = true;
    for (auto x : out) {
      if (x >= 32) in_range = false;
      else freq[x] += 1;
    }
    CHECK(in_range, "sample outcome out of range");
    CHECK(freq[7] == 0, "zero-probability outcome sampled %g times", freq[7]);
    double total = 0;
    for (auto& x : psi) total += std::norm(x);
    double chi2 = 0;
    for (int i = 0; i < 32; ++i) {
      const double e = shots * std::norm(psi[i]) / total;
      if (e > 0) chi2 += (freq[i] - e) * (freq[i] - e) / e;
    }
    CHECK(chi2 < 80, "chi-square %g (31 dof)", chi2);  // p ~ 1e-6
    const std::string key = to_string(v.prec);
    if (!g_samples.count(key)) g_samples[key] = out;
    else CHECK(g_samples[key] == out, "sampling not deterministic across variants");
    CHECK(s->sample(shots, 42, o) == out, "sampling not deterministic across runs");
    CHECK(s->sample(100, 43, o) != std::vector<uint64_t>(out.begin(), out.begin() + 100),
          "different seeds gave the same outcomes");
  }
}

static void test_gradients(const Variant& v) {
  const ExecOptions o = v.opts();
  for (unsigned n : {2u, 4u, 7u, 10u}) {
    const unsigned np = 6;
    g_shiftable = n <= 7;
    Circuit c = random_circuit(n, n >= 10 ? 16 : 24, np);
    g_shiftable = false;
    auto prog = compile(c, v.fusion);
    PauliSum h = random_observable(n, 5);
    std::vector<double> params = random_params(np), grad(np), grad_ps(np);
    const double val = adjoint_gradient(*prog, v.prec, params.data(), h, grad.data(), o);
    const CVec psi = ref_run(c, params.data());
    const double vref = ref_expect(psi, n, h);
    const double vt = v.prec == Precision::f64 ? 1e-10 : 1e-4;
    CHECK(std::fabs(val - vref) < vt, "adjoint value n=%u %g vs %g", n, val, vref);
    // central finite differences on the reference simulator
    for (unsigned j = 0; j < np; ++j) {
      const double eps = 1e-5;
      std::vector<double> pp = params, pm = params;
      pp[j] += eps;
      pm[j] -= eps;
      const double fd = (ref_expect(ref_run(c, pp.data()), n, h) - ref_expect(ref_run(c, pm.data()), n, h)) / (2 * eps);
      const double gt = v.prec == Precision::f64 ? 1e-6 : 2e-3;
      CHECK(std::fabs(fd - grad[j]) < gt, "adjoint vs FD n=%u param %u: %g vs %g", n, j, grad[j], fd);
    }
    if (n <= 7) {
      const double vps = parameter_shift_gradient(*prog, v.prec, params.data(), h, grad_ps.data(), o);
      CHECK(std::fabs(vps - val) < vt, "shift value");
      for (unsigned j = 0; j < np; ++j)
        CHECK(std::fabs(grad_ps[j] - grad[j]) < (v.prec == Precision::f64 ? 1e-8 : 2e-3),
              "shift vs adjoint n=%u param %u: %g vs %g", n, j, grad_ps[j], grad[j]);
    }
  }
  // Batches vs per-sample loops.
  for (unsigned n : {5u, 14u}) {
    const unsigned np = 4;
    const size_t batch = n >= 14 ? 3 : 9;
    Circuit c = random_circuit(n, n >= 14 ? 10 : 20, np);
    auto prog = compile(c, v.fusion);
    std::vector<PauliSum> obs = {random_observable(n, 3), random_observable(n, 4)};
    std::vector<double> params = random_params(np * batch), out(batch * 2), vals(batch), grads(batch * np);
    run_batch(*prog, v.prec, params.data(), batch, obs, out.data(), o);
    gradient_batch(*prog, v.prec, params.data(), batch, obs[0], vals.data(), grads.data(), o);
    ExecOptions single = o;
    single.threads = 1;
    for (size_t b = 0; b < batch; ++b) {
      auto s = State::create(n, v.prec);
      s->run(*prog, params.data() + b * np, single);
      for (size_t k = 0; k < 2; ++k) {
        const double e = s->expectation(obs[k], single);
        CHECK(std::fabs(e - out[b * 2 + k]) < 1e-9, "run_batch item %zu obs %zu: %g vs %g", b, k, out[b * 2 + k], e);
      }
      std::vector<double> g(np);
      const double val = adjoint_gradient(*prog, v.prec, params.data() + b * np, obs[0], g.data(), single);
      CHECK(std::fabs(val - vals[b]) < 1e-9, "gradient_batch value %zu", b);
      for (unsigned j = 0; j < np; ++j)
        CHECK(std::fabs(g[j] - grads[b * np + j]) < 1e-9, "gradient_batch grad %zu/%u", b, j);
    }
  }
}

// ---- global tests ---------------------------------------------------------------------------

static void test_errors() {
  g_ctx = "errors";
  auto circuit_with = [](Gate g, unsigned n = 5, unsigned np = 1) {
    Circuit c;
    c.num_qubits = n;
    c.num_params = np;
    c.gates.push_back(make_dense({0}, {}));
    c.gates.push_back(g);
    return c;
  };
  expect_error(Error::Kind::Range, "qubit out of range", [&] { compile(circuit_with(make_dense({7}, {})), 0); },
               "gate 1: qubit 7 out of range for a 5-qubit circuit");
  {
    Gate g = make_dense({1, 2}, {});
    g.qubits = {2, 2};
    expect_error(Error::Kind::Range, "duplicate qubit", [&] { compile(circuit_with(g), 0); }, "repeated");
  }
  expect_error(Error::Kind::Range, "control overlaps", [&] { compile(circuit_with(make_dense({1}, {1})), 0); });
  expect_error(Error::Kind::Range, "control out of range", [&] { compile(circuit_with(make_dense({1}, {9})), 0); });
  {
    Gate g = make_dense({1}, {});
    g.matrix[0] = 2.0;
    expect_error(Error::Kind::Type, "non-unitary", [&] { compile(circuit_with(g), 0); }, "not unitary");
    g.matrix[0] = NAN;
    expect_error(Error::Kind::Type, "NaN matrix", [&] { compile(circuit_with(g), 0); }, "not finite");
    g.matrix.resize(6);
    expect_error(Error::Kind::Type, "wrong size", [&] { compile(circuit_with(g), 0); });
  }
  {
    Gate g = named_param("X", {1}, 0);
    g.generator = flat(Mat{2, 0, 0, 0});
    expect_error(Error::Kind::Type, "G^3 != G", [&] { compile(circuit_with(g), 0); }, "G\u00b3 = G");
    g = named_param("X", {1}, 3);
    expect_error(Error::Kind::Range, "slot out of range", [&] { compile(circuit_with(g), 0); });
    g = named_param("X", {1}, 0);
    g.generator[1] = 1.0;  // not Hermitian
    expect_error(Error::Kind::Type, "not Hermitian", [&] { compile(circuit_with(g), 0); });
    g = named_param("X", {1}, 0);
    g.scale = INFINITY;
    expect_error(Error::Kind::Type, "Inf scale", [&] { compile(circuit_with(g), 0); });
  }
  expect_error(Error::Kind::Range, "7-qubit dense", [&] {
    Gate g;
    g.qubits = {0, 1, 2, 3, 4, 5, 6};
    g.matrix.assign(2 << 14, 0);
    compile(circuit_with(g, 8), 0);
  });
  expect_error(Error::Kind::Range, "max_fused 7", [&] { compile(circuit_with(make_dense({1}, {})), 7); });
  expect_error(Error::Kind::Range, "45-qubit state", [&] { State::create(45, Precision::f64); });
  expect_error(Error::Kind::Memory, "38-qubit state", [&] { State::create(38, Precision::f64); }, "needs 4096.0 GiB");
  expect_error(Error::Kind::Range, "huge circuit", [&] {
    Circuit c;
    c.num_qubits = 100;
    compile(c, 0);
  });
  auto s = State::create(4, Precision::f64);
  ExecOptions o;
  PauliSum bad;
  bad.terms.push_back(PauliTerm{1.0, 0, uint64_t(1) << 9});
  expect_error(Error::Kind::Range, "observable out of range", [&] { s->expectation(bad, o); });
  bad.terms[0] = PauliTerm{NAN, 0, 1};
  expect_error(Error::Kind::Type, "observable NaN", [&] { s->expectation(bad, o); });
  expect_error(Error::Kind::Range, "marginal repeated", [&] {
    double out[16];
    s->marginal({1, 1}, out, o);
  });
  expect_error(Error::Kind::Type, "null amplitudes", [&] { s->set_amplitudes(nullptr); });
  {
    Circuit c;
    c.num_qubits = 5;
    auto p = compile(c, 0);
    expect_error(Error::Kind::Range, "qubit count mismatch", [&] { s->run(*p, nullptr, o); });
    Circuit c2 = circuit_with(named_param("X", {1}, 0), 4, 1);
    auto p2 = compile(c2, 0);
    expect_error(Error::Kind::Type, "null params", [&] { s->run(*p2, nullptr, o); });
    double nanp = NAN;
    expect_error(Error::Kind::Type, "NaN params", [&] { s->run(*p2, &nanp, o); });
  }
  // Cancellation.
  {
    CancelToken tok;
    tok.cancelled = true;
    ExecOptions oc;
    oc.cancel = &tok;
    auto p = compile(random_circuit(4, 10, 0), 0);
    expect_error(Error::Kind::Cancelled, "cancel run", [&] { s->run(*p, nullptr, oc); });
    PauliSum h = random_observable(4, 2);
    std::vector<double> out(4);
    expect_error(Error::Kind::Cancelled, "cancel batch", [&] { run_batch(*p, Precision::f64, nullptr, 4, {h}, out.data(), oc); });
  }
  // Progress is reported (at least the final 1.0), and never per gate on a tiny circuit.
  {
    std::atomic<int> calls{0};
    double last = 0;
    ExecOptions op;
    op.progress = [&](double f) {
      ++calls;
      last = f;
    };
    auto p = compile(random_circuit(4, 200, 0), 0);
    s->run(*p, nullptr, op);
    CHECK(calls >= 1 && calls < 20 && last == 1.0, "progress calls %d last %g", int(calls), last);
  }
  // Parameter shift refuses a three-frequency diagonal generator.
  {
    Circuit c;
    c.num_qubits = 2;
    c.num_params = 1;
    Gate g;
    g.qubits = {0, 1};
    g.diagonal = true;
    g.slot = 0;
    g.generator = {0, 0.5, 1.3, 0};
    c.gates.push_back(g);
    auto p = compile(c, 0);
    double prm = 0.2, gr = 0;
    PauliSum h;
    h.terms.push_back(PauliTerm{1, 1, 0});
    expect_error(Error::Kind::Type, "shift unsupported", [&] { parameter_shift_gradient(*p, Precision::f64, &prm, h, &gr, o); });
  }
}

static void test_cache_and_fusion() {
  g_ctx = "cache/fusion";
  clear_program_cache();
  Circuit c = random_circuit(6, 20, 3);
  auto p1 = compile(c, 4);
  const ProgramStats s1 = stats(*p1);
  Circuit c2 = c;  // equal copy
  auto p2 = compile(c2, 4);
  const ProgramStats s2 = stats(*p2);
  CHECK(p1.get() == p2.get(), "equal circuit not shared");
  CHECK(s2.cache_hits == s1.cache_hits + 1, "cache hit not counted (%zu -> %zu)", s1.cache_hits, s2.cache_hits);
  auto p3 = compile(c, 3);
  CHECK(p3.get() != p1.get(), "different fusion level shared");
  c2.gates[0].offset += 1e-3;
  if (c2.gates[0].slot < 0) c2.gates[0].matrix = flat(random_unitary(size_t(1) << (c2.gates[0].qubits.size())));
  auto p4 = compile(c2, 4);
  CHECK(p4.get() != p1.get(), "different circuit shared");
  CHECK(stats(*p4).cache_misses == s2.cache_misses + 2, "misses");
  {
    // Kept by digest, confirmed bit for bit: one bit of one matrix entry (0.0 against -0.0)
    // makes another program; the first stays cached beside it.
    Circuit z = c;
    std::size_t gi = 0;
    while (gi < z.gates.size() && z.gates[gi].slot >= 0) ++gi;
    CHECK(gi < z.gates.size(), "the random circuit has a fixed gate");
    auto pz = compile(z, 4);
    Circuit z2 = z;
    double& entry = z2.gates[gi].matrix[1];  // the imaginary part of U[0][0]
    entry = entry == 0.0 ? (std::signbit(entry) ? 0.0 : -0.0) : std::nextafter(entry, 2.0);
    auto pz2 = compile(z2, 4);
    CHECK(pz2.get() != pz.get(), "circuits one bit apart shared a program");
    CHECK(compile(z, 4).get() == pz.get() && compile(z2, 4).get() == pz2.get(), "both stay cached");
    // Least recently used out first: 64 other circuits later, the first one is compiled again.
    const std::size_t m0 = stats(*pz).cache_misses;
    for (int k = 0; k < 64; ++k) compile(random_circuit(4, 6, 100 + k), 2);
    CHECK(stats(*pz).cache_misses == m0 + 64, "64 new circuits: %zu misses", stats(*pz).cache_misses - m0);
    auto again = compile(z, 4);
    CHECK(again.get() != pz.get(), "the least recently used program was not evicted");
    CHECK(stats(*again).cache_misses == m0 + 65, "evicted program not recompiled");
  }
  // Brickwork fusion: >= 3x fewer passes with k = 3 and 4.
  for (unsigned k : {3u, 4u, 5u}) {
    Circuit b = brickwork(20, 20);
    auto p0 = compile(b, 0), pk = compile(b, k);
    const double ratio = double(stats(*p0).passes) / double(stats(*pk).passes);
    std::printf("brickwork 20x20: %zu gates, %zu passes unfused, %zu with k=%u (%.2fx)\n",
                stats(*p0).gates, stats(*p0).passes, stats(*pk).passes, k, ratio);
    CHECK(ratio >= 3.0, "k=%u reduction %.2f", k, ratio);
  }
  // Diagonals stay diagonal when fused only with diagonals; the fused result matches.
  {
    Circuit d;
    d.num_qubits = 4;
    d.gates.push_back(make_diag({0, 1}, {}));
    d.gates.push_back(make_diag({1}, {2}));
    d.gates.push_back(make_diag({2, 3}, {}));
    auto pf = compile(d, 4);
    CHECK(stats(*pf).passes == 1, "diagonals fused into %zu passes", stats(*pf).passes);
  }
  // Lone many-controlled gate stays a controlled op.
  {
    Circuit d;
    d.num_qubits = 8;
    d.gates.push_back(make_dense({7}, {0, 1, 2, 3, 4}));
    auto pf = compile(d, 3);
    CHECK(stats(*pf).passes == 1, "lone controlled gate");
    auto s = State::create(8, Precision::f64);
    CVec psi = random_state(8);
    s->set_amplitudes(to_doubles(psi).data());
    s->run(*pf, nullptr, ExecOptions{});
    ref_apply(psi, 8, d.gates[0], nullptr);
    CHECK(max_diff(*s, psi) < 1e-12, "lone controlled result");
  }
}

static void test_machine() {
  g_ctx = "machine";
  const CpuInfo ci = cpu_info();
  CHECK(ci.logical_cores >= 1, "cores");
  CHECK(!ci.model.empty(), "model");
  CHECK(isa_available(Isa::scalar), "scalar");
  CHECK(!build_info().empty(), "build info");
  std::printf("cpu: %s, %u logical cores, avx2=%d fma=%d avx512f=%d; default isa %s; %s\n", ci.model.c_str(),
              ci.logical_cores, ci.avx2, ci.fma, ci.avx512f, to_string(default_isa()), build_info().c_str());
  const double bw = measure_inplace_bandwidth(size_t(1) << 24, 1, 2);
  CHECK(bw > 1e8, "bandwidth %g", bw);
}

// The bandwidth reference's pass: every value, both shapes, any length (the
// tail past the last whole block included), serial and parallel.
template <typename FP>
static void check_scale_add(Isa isa) {
  const KernelTable<FP>& kt = kernel_table<FP>(isa);
  for (std::size_t count : {std::size_t(0), std::size_t(1), std::size_t(63), std::size_t(64), std::size_t(4096 + 77)})
    for (bool halves : {false, true})
      for (unsigned threads : {1u, 2u}) {
        std::vector<FP> x(count);
        for (std::size_t i = 0; i < count; ++i) x[i] = FP(i % 101);
        FP* p = x.data();
        // Aligned as the engine's buffers are: copy into a 64-byte-aligned block.
        std::vector<FP> store(count + 64 / sizeof(FP));
        FP* a = store.data();
        while (reinterpret_cast<std::uintptr_t>(a) % 64) ++a;
        std::copy(p, p + count, a);
        kt.scale_add(a, count, FP(2), FP(0.5), halves, For(threads));
        std::size_t bad = 0;
        for (std::size_t i = 0; i < count; ++i) bad += a[i] != FP(2) * FP(i % 101) + FP(0.5);
        CHECK(bad == 0, "scale_add %s %s count %zu halves %d threads %u: %zu wrong", to_string(isa),
              sizeof(FP) == 4 ? "f32" : "f64", count, int(halves), threads, bad);
      }
}

int main() {
  const auto t0 = std::chrono::steady_clock::now();
  test_machine();
  for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
    if (isa_available(isa)) {
      check_scale_add<float>(isa);
      check_scale_add<double>(isa);
    }
  test_errors();
  test_cache_and_fusion();
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);
  else std::printf("note: AVX2 not available, testing the scalar ISA only\n");
  for (Isa isa : isas)
    for (Precision prec : {Precision::f32, Precision::f64})
      for (unsigned threads : {1u, 2u})
        for (unsigned fusion : {0u, 3u, 5u}) {
          Variant v{isa, prec, threads, fusion};
          g_ctx = v.name();
          const int before = g_fail;
          try {
            if (fusion == 0) test_single_gates(v);
            test_circuits(v);
            if (fusion == 0) test_measurements(v);
            test_gradients(v);
          } catch (const std::exception& e) {
            CHECK(false, "exception: %s", e.what());
          }
          std::printf("%-24s %s\n", v.name().c_str(), g_fail == before ? "ok" : "FAILED");
        }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d passed, %d failed (%.1f s)\n", g_pass, g_fail, secs);
  return g_fail ? 1 : 0;
}
