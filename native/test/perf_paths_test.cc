// perf_paths_test.cc — correctness of the fast paths (no timing assertions):
// the For policy (chunked, pooled, deterministic sums, concurrent and nested
// callers, exceptions), the reductions of reductions.h on both ISAs and
// precisions against naive loops, indexed (compressed) diagonals, the
// cache-tiled execution of runs of small gates, and adjoint gradients
// (segments, fused undo, one-pass generator products) against central finite
// differences of an independent dense reference simulator, for
// {scalar, avx2} x {f32, f64} x {1, 2 threads} x {fusion 0, 2, 4}.
// Prints "N passed, M failed" and exits non-zero on failure.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <random>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "quench/engine.h"
#include "quench/parallel.h"
#include "quench/reductions.h"

using namespace quench;
using cd = std::complex<double>;
using CVec = std::vector<cd>;

#include "check.h"

static std::mt19937_64 rng(2024);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }
static double nrand() { return std::normal_distribution<double>(0, 1)(rng); }

// ---- reference simulator (dense, double) ---------------------------------------------------
static std::vector<double> bound_matrix(const Gate& g, const double* params) {
  if (g.slot < 0) return g.matrix;
  const double th = g.scale * params[g.slot] + g.offset;
  const size_t D = size_t(1) << g.qubits.size();
  std::vector<double> m;
  if (g.diagonal) {
    m.resize(2 * D);
    for (size_t j = 0; j < D; ++j) {
      m[2 * j] = std::cos(th * g.generator[j]);
      m[2 * j + 1] = -std::sin(th * g.generator[j]);
    }
    return m;
  }
  // exp(-iθG) by Taylor series with scaling and squaring (independent of G^3 = G).
  std::vector<cd> G(D * D), E(D * D), T(D * D), tmp(D * D);
  for (size_t i = 0; i < D * D; ++i) G[i] = cd(g.generator[2 * i], g.generator[2 * i + 1]) * cd(0, -th / 1024.0);
  for (size_t i = 0; i < D; ++i) E[i * D + i] = T[i * D + i] = 1;
  for (int k = 1; k < 30; ++k) {
    std::fill(tmp.begin(), tmp.end(), cd(0));
    for (size_t r = 0; r < D; ++r)
      for (size_t t = 0; t < D; ++t)
        for (size_t c = 0; c < D; ++c) tmp[r * D + c] += T[r * D + t] * G[t * D + c] / double(k);
    T = tmp;
    for (size_t i = 0; i < D * D; ++i) E[i] += T[i];
  }
  for (int s = 0; s < 10; ++s) {
    std::fill(tmp.begin(), tmp.end(), cd(0));
    for (size_t r = 0; r < D; ++r)
      for (size_t t = 0; t < D; ++t)
        for (size_t c = 0; c < D; ++c) tmp[r * D + c] += E[r * D + t] * E[t * D + c];
    E = tmp;
  }
  m.resize(2 * D * D);
  for (size_t i = 0; i < D * D; ++i) {
    m[2 * i] = E[i].real();
    m[2 * i + 1] = E[i].imag();
  }
  return m;
}

static void ref_apply(CVec& psi, unsigned n, const Gate& g, const double* params) {
  const std::vector<double> m = bound_matrix(g, params);
  const unsigned k = static_cast<unsigned>(g.qubits.size());
  const size_t D = size_t(1) << k;
  uint64_t tmask = 0, cmask = 0;
  for (unsigned q : g.qubits) tmask |= uint64_t(1) << q;
  for (unsigned q : g.controls) cmask |= uint64_t(1) << q;
  CVec out = psi;
  for (uint64_t i = 0; i < (uint64_t(1) << n); ++i) {
    if ((i & cmask) != cmask) continue;
    size_t r = 0;
    for (unsigned j = 0; j < k; ++j) r |= ((i >> g.qubits[j]) & 1u) << j;
    if (g.diagonal) {
      out[i] = cd(m[2 * r], m[2 * r + 1]) * psi[i];
      continue;
    }
    cd acc = 0;
    for (size_t c = 0; c < D; ++c) {
      uint64_t src = i & ~tmask;
      for (unsigned j = 0; j < k; ++j) src |= uint64_t((c >> j) & 1u) << g.qubits[j];
      acc += cd(m[2 * (r * D + c)], m[2 * (r * D + c) + 1]) * psi[src];
    }
    out[i] = acc;
  }
  psi = out;
}

static CVec ref_run(const Circuit& c, const double* params) {
  CVec psi(size_t(1) << c.num_qubits, 0.0);
  psi[0] = 1;
  for (const Gate& g : c.gates) ref_apply(psi, c.num_qubits, g, params);
  return psi;
}

static CVec ref_pauli(const CVec& psi, const PauliSum& h) {
  CVec out(psi.size(), 0.0);
  for (const PauliTerm& t : h.terms) {
    const unsigned ph = __builtin_popcountll(t.x_mask & t.z_mask) & 3u;
    const cd f = t.coeff * std::pow(cd(0, 1), double(ph));
    for (uint64_t i = 0; i < psi.size(); ++i) {
      const double sg = __builtin_parityll(i & t.z_mask) ? -1.0 : 1.0;
      out[i ^ t.x_mask] += f * sg * psi[i];
    }
  }
  return out;
}

static double ref_energy(const Circuit& c, const double* params, const PauliSum& h) {
  const CVec psi = ref_run(c, params);
  const CVec hp = ref_pauli(psi, h);
  cd e = 0;
  for (size_t i = 0; i < psi.size(); ++i) e += std::conj(psi[i]) * hp[i];
  return e.real();
}

// ---- random pieces ----------------------------------------------------------------------
static std::vector<double> random_unitary(unsigned k) {  // Gram-Schmidt on random columns
  const size_t D = size_t(1) << k;
  std::vector<cd> a(D * D);
  for (auto& x : a) x = cd(nrand(), nrand());
  for (size_t c = 0; c < D; ++c) {
    for (size_t p = 0; p < c; ++p) {
      cd dot = 0;
      for (size_t r = 0; r < D; ++r) dot += std::conj(a[r * D + p]) * a[r * D + c];
      for (size_t r = 0; r < D; ++r) a[r * D + c] -= dot * a[r * D + p];
    }
    double nn = 0;
    for (size_t r = 0; r < D; ++r) nn += std::norm(a[r * D + c]);
    for (size_t r = 0; r < D; ++r) a[r * D + c] /= std::sqrt(nn);
  }
  std::vector<double> m(2 * D * D);
  for (size_t i = 0; i < D * D; ++i) {
    m[2 * i] = a[i].real();
    m[2 * i + 1] = a[i].imag();
  }
  return m;
}

static Gate fixed1(unsigned q, std::vector<unsigned> controls = {}) {
  Gate g;
  g.qubits = {q};
  g.controls = controls;
  g.matrix = random_unitary(1);
  return g;
}
static Gate param_dense1(unsigned q, int slot, int kind, std::vector<unsigned> controls = {}) {
  Gate g;
  g.qubits = {q};
  g.controls = controls;
  g.slot = slot;
  g.scale = 0.5 + urand();
  g.offset = urand() - 0.5;
  const double s = std::sqrt(0.5);
  if (kind == 0) g.generator = {0, 0, 1, 0, 1, 0, 0, 0};         // X
  else if (kind == 1) g.generator = {0, 0, 0, -1, 0, 1, 0, 0};   // Y
  else g.generator = {s, 0, s, 0, s, 0, -s, 0};                  // (X+Z)/sqrt2: diagonal parts
  return g;
}
static Gate param_diag(std::vector<unsigned> qs, int slot, unsigned distinct, std::vector<unsigned> controls = {}) {
  Gate g;
  g.qubits = qs;
  g.controls = controls;
  g.diagonal = true;
  g.slot = slot;
  g.scale = 0.5 + urand();
  g.offset = urand() - 0.5;
  std::vector<double> vals(distinct);
  for (auto& v : vals) v = 2 * urand() - 1;
  g.generator.resize(size_t(1) << qs.size());
  for (auto& x : g.generator) x = vals[rng() % distinct];
  return g;
}
static Gate fixed_diag(std::vector<unsigned> qs, unsigned distinct) {
  Gate g;
  g.qubits = qs;
  g.diagonal = true;
  std::vector<double> ph(distinct);
  for (auto& v : ph) v = 6.283 * urand();
  g.matrix.resize(2 * (size_t(1) << qs.size()));
  for (size_t j = 0; j < g.matrix.size() / 2; ++j) {
    const double a = ph[rng() % distinct];
    g.matrix[2 * j] = std::cos(a);
    g.matrix[2 * j + 1] = std::sin(a);
  }
  return g;
}
static Gate param_xx(unsigned a, unsigned b, int slot) {
  Gate g;
  g.qubits = {a, b};
  g.slot = slot;
  g.generator.assign(32, 0.0);
  for (int r = 0; r < 4; ++r) g.generator[2 * (r * 4 + (3 - r))] = 1;  // X⊗X
  return g;
}

static std::vector<unsigned> all_qubits(unsigned n) {
  std::vector<unsigned> v(n);
  for (unsigned q = 0; q < n; ++q) v[q] = q;
  return v;
}

// A QAOA-like circuit (indexed full diagonal, mixer sharing a slot) plus every
// other gate kind the adjoint planner distinguishes.
static Circuit mixed_circuit(unsigned n) {
  Circuit c;
  c.num_qubits = n;
  c.num_params = 9;
  for (unsigned q = 0; q < n; ++q) c.gates.push_back(fixed1(q));
  c.gates.push_back(param_diag(all_qubits(n), 0, 31));  // indexed (uint8)
  for (unsigned q = 0; q < n; ++q) c.gates.push_back(param_dense1(q, 1, 0));  // mixer, one slot
  c.gates.push_back(fixed_diag(all_qubits(n), 5));      // fixed indexed diagonal
  for (unsigned q = 0; q < n; q += 2) c.gates.push_back(param_dense1(q, 2, 1));
  for (unsigned q = 1; q < n; q += 2) c.gates.push_back(param_dense1(q, 3, 2));
  std::vector<unsigned> sub;
  for (unsigned q = 1; q < n; q += 1) if (sub.size() < 10) sub.push_back(q);
  c.gates.push_back(param_diag(sub, 4, 700));            // indexed (uint16), not all qubits
  c.gates.push_back(param_diag({0, n - 1}, 5, 4));       // small diagonal (plain path)
  c.gates.push_back(param_diag({2}, 6, 2, {n - 2}));     // controlled diagonal (general path)
  c.gates.push_back(param_dense1(n - 1, 7, 1, {0}));     // controlled dense (general path)
  for (unsigned q = 0; q + 1 < n; ++q) {                 // CNOT ladder
    Gate g;
    g.qubits = {q + 1};
    g.controls = {q};
    g.matrix = {0, 0, 1, 0, 1, 0, 0, 0};
    c.gates.push_back(g);
  }
  // An RZ layer with qubit 0 twice: one pass for its generator products
  // (diag1_sums); on small states undone as one diagonal, split at the repeat.
  for (unsigned q = 0; q < n; ++q) c.gates.push_back(param_diag({q}, 6, 2));
  c.gates.push_back(param_diag({0}, 4, 2));
  c.gates.push_back(param_xx(1, n - 2, 8));               // 2-qubit dense generator
  // On the same pair, then one of its qubits: on small states undone as one
  // block with the generator above (a block no wider than its widest gate).
  c.gates.push_back(param_diag({1, n - 2}, 5, 3));
  c.gates.push_back(fixed1(1));
  for (unsigned q = 0; q < n; ++q) c.gates.push_back(param_dense1(q, 1, 0));  // slot 1 again
  return c;
}

static PauliSum mixed_observable(unsigned n) {
  PauliSum h;
  h.terms.push_back({0.7, 0, 0});
  for (unsigned q = 0; q + 1 < n; ++q) {
    const uint64_t m = (uint64_t(1) << q) | (uint64_t(1) << (q + 1));
    h.terms.push_back({0.3 + 0.1 * q, 0, m});
    h.terms.push_back({0.5, m, 0});
    h.terms.push_back({-0.4, m, m});
  }
  h.terms.push_back({0.25, uint64_t(1) << (n - 1), 1});               // X_{n-1} Z_0
  h.terms.push_back({-0.6, 0, (uint64_t(1) << (n - 1)) | 1});        // Z Z far apart
  h.terms.push_back({0.45, (uint64_t(1) << (n - 1)) | 2, uint64_t(1) << (n - 1)});  // Y X
  return h;
}

// ---- tests ----------------------------------------------------------------------------------
static void test_for_policy() {
  g_ctx = "For";
  for (unsigned t : {1u, 2u, 3u, 5u}) {
    const For par(t);
    for (uint64_t size : {0ull, 1ull, 2ull, 7ull, 16ull, 100ull, 4097ull, 1000003ull}) {
      std::vector<std::atomic<int>> hits(size);
      for (auto& h : hits) h = 0;
      std::atomic<bool> bad_worker{false};
      par.run(size, [&](uint64_t b, uint64_t e, unsigned w) {
        if (w >= t) bad_worker = true;
        for (uint64_t i = b; i < e; ++i) hits[i]++;
      });
      bool once = true;
      for (auto& h : hits) once = once && h == 1;
      CHECK(once && !bad_worker, "t=%u size=%llu: every index exactly once, worker < threads", t,
            (unsigned long long)size);
      const double s1 = par.sum(size, [&](uint64_t b, uint64_t e) {
        double a = 0;
        for (uint64_t i = b; i < e; ++i) a += 1.0 / (1.0 + double(i));
        return a;
      });
      bool same = true;
      for (int rep = 0; rep < 5; ++rep) {
        const double s2 = par.sum(size, [&](uint64_t b, uint64_t e) {
          double a = 0;
          for (uint64_t i = b; i < e; ++i) a += 1.0 / (1.0 + double(i));
          return a;
        });
        same = same && s1 == s2;
      }
      double ref = 0;
      for (uint64_t i = 0; i < size; ++i) ref += 1.0 / (1.0 + double(i));
      CHECK(same && std::fabs(s1 - ref) < 1e-9 * (1 + ref), "t=%u size=%llu: sum deterministic %g vs %g",
            t, (unsigned long long)size, s1, ref);
    }
  }
  // Nested call inside a chunk runs inline; concurrent callers both complete.
  {
    const For par(2);
    std::atomic<uint64_t> total{0};
    par.run(64, [&](uint64_t b, uint64_t e, unsigned) {
      for (uint64_t i = b; i < e; ++i)
        par.run(100, [&](uint64_t bb, uint64_t ee, unsigned) { total += ee - bb; });
    });
    CHECK(total == 6400, "nested runs covered %llu of 6400", (unsigned long long)total.load());
    std::atomic<uint64_t> a{0}, b{0};
    std::thread t1([&] {
      for (int r = 0; r < 200; ++r) par.run(1000, [&](uint64_t x, uint64_t y, unsigned) { a += y - x; });
    });
    std::thread t2([&] {
      for (int r = 0; r < 200; ++r) par.run(1000, [&](uint64_t x, uint64_t y, unsigned) { b += y - x; });
    });
    t1.join();
    t2.join();
    CHECK(a == 200000 && b == 200000, "concurrent callers %llu %llu", (unsigned long long)a.load(),
          (unsigned long long)b.load());
    bool caught = false;
    try {
      par.run(1000, [&](uint64_t x, uint64_t, unsigned) {
        if (x > 500) throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    CHECK(caught, "exception from a chunk reaches the caller");
    std::atomic<uint64_t> after{0};
    par.run(1000, [&](uint64_t x, uint64_t y, unsigned) { after += y - x; });
    CHECK(after == 1000, "pool usable after an exception");
  }
}

// for_items: the batched paths' loop (batch rows, Fock lane chunks, kernel tiles).
static void test_for_items() {
  g_ctx = "for_items";
  auto spin = [](std::chrono::microseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
    }
  };
  for (unsigned t : {1u, 2u, 3u}) {
    for (uint64_t items : {0ull, 1ull, 2ull, 3ull, 17ull, 200ull}) {
      for (auto cost : {std::chrono::microseconds(0), std::chrono::microseconds(200)}) {
        std::vector<std::atomic<int>> hits(items);
        for (auto& h : hits) h = 0;
        std::atomic<bool> bad_worker{false};
        std::atomic<unsigned> max_worker{0};
        for_items(t, items, [&](uint64_t i, unsigned w) {
          if (w >= t) bad_worker = true;
          unsigned m = max_worker.load();
          while (w > m && !max_worker.compare_exchange_weak(m, w)) {
          }
          spin(cost);
          hits[i]++;
        });
        bool once = true;
        for (auto& h : hits) once = once && h == 1;
        CHECK(once && !bad_worker, "t=%u items=%llu cost=%lld us: every item once, worker < threads", t,
              (unsigned long long)items, (long long)cost.count());
        // Cheap items (the whole job far under kMinParallelWork) stay on the caller.
        if (cost.count() == 0 && items <= 17)
          CHECK(max_worker == 0, "t=%u items=%llu: cheap job ran on worker %u", t, (unsigned long long)items,
                max_worker.load());
      }
    }
  }
  // An exception stops further items and reaches the caller; the pool stays usable.
  {
    std::atomic<uint64_t> ran{0};
    bool caught = false;
    try {
      for_items(2, 1000, [&](uint64_t i, unsigned) {
        spin(std::chrono::microseconds(50));
        ++ran;
        if (i == 10) throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error&) {
      caught = true;
    }
    CHECK(caught && ran < 1000, "exception reached the caller (%llu of 1000 items ran)", (unsigned long long)ran.load());
    std::atomic<uint64_t> after{0};
    for_items(2, 100, [&](uint64_t, unsigned) {
      spin(std::chrono::microseconds(20));
      ++after;
    });
    CHECK(after == 100, "usable after an exception: %llu of 100", (unsigned long long)after.load());
  }
  CHECK(default_threads() >= 1 && default_threads() <= 256, "default_threads %u", default_threads());
}

template <typename FP>
static void test_reductions(Isa isa, unsigned threads) {
  const ReductionTable<FP>& rt = reduction_table<FP>(isa);
  const For par(threads);
  const double tol = sizeof(FP) == 8 ? 1e-10 : 2e-4;
  for (unsigned n : {1u, 3u, 9u, 15u, 16u}) {
    g_ctx = std::string("reductions ") + to_string(isa) + (sizeof(FP) == 8 ? "/f64" : "/f32") +
            "/t" + std::to_string(threads) + " n=" + std::to_string(n);
    const uint64_t dim = uint64_t(1) << n;
    std::vector<FP> lam(2 * dim), phi(2 * dim), out(2 * dim);
    CVec L(dim), P(dim);
    for (uint64_t i = 0; i < dim; ++i) {
      L[i] = cd(FP(nrand()), FP(nrand())) / std::sqrt(double(dim));
      P[i] = cd(FP(nrand()), FP(nrand())) / std::sqrt(double(dim));
      lam[2 * i] = FP(L[i].real());
      lam[2 * i + 1] = FP(L[i].imag());
      phi[2 * i] = FP(P[i].real());
      phi[2 * i + 1] = FP(P[i].imag());
      L[i] = cd(lam[2 * i], lam[2 * i + 1]);
      P[i] = cd(phi[2 * i], phi[2 * i + 1]);
    }
    // inner_re
    double ir = 0;
    for (uint64_t i = 0; i < dim; ++i) ir += (std::conj(L[i]) * P[i]).real();
    CHECK(std::fabs(rt.inner_re(lam.data(), phi.data(), n, par) - ir) < tol, "inner_re");
    // pair sums over every qubit, in a shuffled order
    std::vector<unsigned> qs = all_qubits(n);
    std::shuffle(qs.begin(), qs.end(), rng);
    std::vector<double> ps(4 * n);
    rt.pair_sums(lam.data(), phi.data(), n, qs.data(), n, ps.data(), par);
    double worst = 0;
    for (unsigned t = 0; t < n; ++t) {
      cd a01 = 0, a10 = 0;
      const uint64_t m = uint64_t(1) << qs[t];
      for (uint64_t i = 0; i < dim; ++i) (i & m ? a10 : a01) += std::conj(L[i]) * P[i ^ m];
      worst = std::max({worst, std::abs(a01 - cd(ps[4 * t], ps[4 * t + 1])),
                        std::abs(a10 - cd(ps[4 * t + 2], ps[4 * t + 3]))});
    }
    CHECK(worst < tol, "pair_sums worst %g", worst);
    // diag1_sums over every qubit (the first one twice), against its definition
    std::vector<unsigned> dq = qs;
    dq.push_back(qs[0]);
    std::vector<double> ds(dq.size() + 1), want(dq.size() + 1, 0.0);
    rt.diag1_sums(lam.data(), phi.data(), n, dq.data(), static_cast<unsigned>(dq.size()), ds.data(), par);
    for (uint64_t i = 0; i < dim; ++i) {
      const double w = (std::conj(L[i]) * P[i]).imag();
      want[0] += w;
      for (size_t t = 0; t < dq.size(); ++t)
        if ((i >> dq[t]) & 1u) want[1 + t] += w;
    }
    worst = 0;
    for (size_t t = 0; t < want.size(); ++t) worst = std::max(worst, std::fabs(ds[t] - want[t]));
    CHECK(worst < tol, "diag1_sums worst %g", worst);
    // diag_im: plain real diagonal on a subset, indexed over all qubits and over a subset
    std::vector<unsigned> sub;
    for (unsigned q = 0; q < n; q += 2) sub.push_back(q);
    std::vector<double> gen(size_t(1) << sub.size());
    for (auto& x : gen) x = nrand();
    IndexedDiag d;
    d.qubits = sub.data();
    d.k = static_cast<unsigned>(sub.size());
    double ref = 0;
    for (uint64_t i = 0; i < dim; ++i) {
      size_t j = 0;
      for (unsigned a = 0; a < sub.size(); ++a) j |= ((i >> sub[a]) & 1u) << a;
      ref += gen[j] * (std::conj(L[i]) * P[i]).imag();
    }
    CHECK(std::fabs(rt.diag_im(lam.data(), phi.data(), n, d, gen.data(), par) - ref) < tol, "diag_im plain");
    for (unsigned bytes : {1u, 2u}) {
      for (int full = 0; full < 2; ++full) {
        std::vector<unsigned> q2 = full ? all_qubits(n) : sub;
        const size_t D = size_t(1) << q2.size();
        const unsigned U = bytes == 1 ? 200 : 3000;
        std::vector<uint8_t> i8(D);
        std::vector<uint16_t> i16(D);
        std::vector<double> vals(U);
        for (auto& v : vals) v = nrand();
        std::vector<FP> tab(2 * U);
        for (unsigned u = 0; u < U; ++u) {
          tab[2 * u] = FP(std::cos(vals[u]));
          tab[2 * u + 1] = FP(std::sin(vals[u]));
        }
        for (size_t j = 0; j < D; ++j) {
          i8[j] = uint8_t(rng() % std::min(U, 256u));
          i16[j] = uint16_t(rng() % U);
        }
        IndexedDiag id;
        id.qubits = q2.data();
        id.k = static_cast<unsigned>(q2.size());
        id.index = bytes == 1 ? static_cast<const void*>(i8.data()) : static_cast<const void*>(i16.data());
        id.index_bytes = bytes;
        double r2 = 0;
        std::vector<FP> s = phi;
        double werr = 0;
        rt.diag_apply(s.data(), n, id, tab.data(), par);
        for (uint64_t i = 0; i < dim; ++i) {
          size_t j = 0;
          for (unsigned a = 0; a < q2.size(); ++a) j |= ((i >> q2[a]) & 1u) << a;
          const unsigned u = bytes == 1 ? i8[j] : i16[j];
          r2 += vals[u] * (std::conj(L[i]) * P[i]).imag();
          const cd want = cd(tab[2 * u], tab[2 * u + 1]) * P[i];
          werr = std::max(werr, std::abs(want - cd(s[2 * i], s[2 * i + 1])));
        }
        CHECK(std::fabs(rt.diag_im(lam.data(), phi.data(), n, id, vals.data(), par) - r2) < tol,
              "diag_im indexed bytes=%u full=%d", bytes, full);
        CHECK(werr < tol, "diag_apply bytes=%u full=%d err %g", bytes, full, werr);
      }
    }
    // apply_hamiltonian vs dense reference
    const PauliSum h = mixed_observable(std::max(n, 2u) == n ? n : 2);
    if (n >= 2) {
      const CVec hp = ref_pauli(P, h);
      const double val = rt.apply_hamiltonian(phi.data(), out.data(), n, h.terms.data(), h.terms.size(), par);
      double err = 0;
      cd e = 0;
      for (uint64_t i = 0; i < dim; ++i) {
        err = std::max(err, std::abs(hp[i] - cd(out[2 * i], out[2 * i + 1])));
        e += std::conj(P[i]) * hp[i];
      }
      CHECK(err < tol * 10, "apply_hamiltonian err %g", err);
      CHECK(std::fabs(val - e.real()) < tol * 10, "apply_hamiltonian value %g vs %g", val, e.real());
    }
  }
}


static void test_circuits(const Variant& v) {
  ExecOptions o;
  o.isa = v.isa;
  o.threads = v.threads;
  // n = 6: one tile; n = 15: low tiles + gathered high tiles (f64 tile = 13
  // qubits, f32 = 14); n = 16: both on f32 too.
  for (unsigned n : {6u, 15u, 16u}) {
    g_ctx = v.name() + " n=" + std::to_string(n);
    const Circuit c = mixed_circuit(n);
    const PauliSum h = mixed_observable(n);
    std::vector<double> params(c.num_params);
    for (auto& x : params) x = 2 * urand() - 1;
    auto prog = compile(c, v.fusion);
    // forward
    auto st = State::create(n, v.prec);
    st->run(*prog, params.data(), o);
    const CVec ref = ref_run(c, params.data());
    std::vector<double> amps(2 * ref.size());
    st->get_amplitudes(amps.data());
    double err = 0;
    for (size_t i = 0; i < ref.size(); ++i) err = std::max(err, std::abs(ref[i] - cd(amps[2 * i], amps[2 * i + 1])));
    const double stol = v.prec == Precision::f64 ? 1e-10 : 3e-5;
    CHECK(err < stol, "run vs reference: max error %g", err);
    // adjoint vs central finite differences of the reference
    std::vector<double> grad(c.num_params);
    const double val = adjoint_gradient(*prog, v.prec, params.data(), h, grad.data(), o);
    const double e0 = ref_energy(c, params.data(), h);
    const double vtol = v.prec == Precision::f64 ? 1e-9 : 2e-4;
    CHECK(std::fabs(val - e0) < vtol, "adjoint value %.12g vs %.12g", val, e0);
    if (n <= 15) {
      for (unsigned j = 0; j < c.num_params; ++j) {
        std::vector<double> pp = params, pm = params;
        const double eps = 1e-5;
        pp[j] += eps;
        pm[j] -= eps;
        const double fd = (ref_energy(c, pp.data(), h) - ref_energy(c, pm.data(), h)) / (2 * eps);
        const double gtol = v.prec == Precision::f64 ? 1e-6 * (1 + std::fabs(fd)) : 2e-3 * (1 + std::fabs(fd));
        CHECK(std::fabs(fd - grad[j]) < gtol, "adjoint vs FD param %u: %.10g vs %.10g", j, grad[j], fd);
      }
    }
    // parameter shift needs at most two frequencies: skip the many-valued diagonals.
    // gradient_batch agrees with the single gradient.
    std::vector<double> vals(2), grads(2 * c.num_params), pb(2 * c.num_params);
    for (unsigned j = 0; j < c.num_params; ++j) pb[j] = pb[c.num_params + j] = params[j];
    gradient_batch(*prog, v.prec, pb.data(), 2, h, vals.data(), grads.data(), o);
    double gd = 0;
    for (unsigned j = 0; j < c.num_params; ++j) gd = std::max(gd, std::fabs(grads[c.num_params + j] - grad[j]));
    CHECK(gd < (v.prec == Precision::f64 ? 1e-9 : 1e-4) && std::fabs(vals[1] - val) < vtol,
          "gradient_batch vs adjoint_gradient %g", gd);
    // expectation after run agrees with the adjoint's value (apply_hamiltonian)
    const double ex = st->expectation(h, o);
    CHECK(std::fabs(ex - val) < vtol, "expectation %.12g vs adjoint value %.12g", ex, val);
  }
}

// The sweep scheduler of execute_ops on 20 qubits (tiles of 13 qubits in f64,
// 14 in f32: 6-7 qubits above them), where it reorders ops between sweeps:
// a brickwork (every layer straddles the tiles, so light cones of several
// layers run per sweep), random small gates on any qubits (dense, diagonal,
// controlled; gathered tiles of any qubit set), and chains that must wait:
// a gate on (0, 19) between gates on 19 and on 0, and long runs on one high
// qubit interleaved with low ones. Against the reference simulator, applied
// in circuit order.
struct SweepCase {
  std::string name;
  Circuit c;
  CVec ref;
};
static std::vector<SweepCase>& sweep_cases() {
  static std::vector<SweepCase> cases;
  if (!cases.empty()) return cases;
  const unsigned n = 20;
  auto add = [&](std::string name, Circuit c) {
    c.num_qubits = n;
    CVec ref = ref_run(c, nullptr);
    cases.push_back({std::move(name), std::move(c), std::move(ref)});
  };
  {
    Circuit c;
    for (unsigned l = 0; l < 8; ++l) {
      for (unsigned q = 0; q < n; ++q) c.gates.push_back(fixed1(q));
      for (unsigned q = l % 2; q + 1 < n; q += 2) {
        Gate cz;
        cz.qubits = {q, q + 1};
        cz.diagonal = true;
        cz.matrix = {1, 0, 1, 0, 1, 0, -1, 0};
        c.gates.push_back(cz);
      }
    }
    add("brickwork", std::move(c));
  }
  {
    Circuit c;
    for (int i = 0; i < 300; ++i) {
      const unsigned a = rng() % n;
      unsigned b = rng() % n;
      while (b == a) b = rng() % n;
      unsigned d = rng() % n;
      while (d == a || d == b) d = rng() % n;
      switch (rng() % 5) {
        case 0: c.gates.push_back(fixed1(a)); break;
        case 1: c.gates.push_back(fixed1(a, {b})); break;
        case 2: c.gates.push_back(fixed_diag({std::min(a, b), std::max(a, b)}, 3)); break;
        case 3: {
          Gate g;
          g.qubits = {std::min(a, b), std::max(a, b)};
          g.matrix = random_unitary(2);
          c.gates.push_back(g);
          break;
        }
        default: {
          std::vector<unsigned> qs = {a, b, d};
          std::sort(qs.begin(), qs.end());
          Gate g;
          g.qubits = qs;
          g.matrix = random_unitary(3);
          c.gates.push_back(g);
        }
      }
    }
    add("random", std::move(c));
  }
  {
    Circuit c;
    for (int r = 0; r < 6; ++r) {
      for (unsigned q = 0; q < 6; ++q) c.gates.push_back(fixed1(q));
      c.gates.push_back(fixed1(n - 1));
      Gate g;
      g.qubits = {0, n - 1};
      g.matrix = random_unitary(2);
      c.gates.push_back(g);
      c.gates.push_back(fixed1(0));
      c.gates.push_back(fixed1(n - 1, {3}));
      for (unsigned q = 12; q < n; ++q) c.gates.push_back(fixed1(q, {q - 12}));
      c.gates.push_back(fixed_diag({5, 13, 18}, 4));
    }
    add("chains", std::move(c));
  }
  return cases;
}

static void test_sweeps(const Variant& v) {
  const ExecOptions o = v.opts();
  for (const SweepCase& k : sweep_cases()) {
    g_ctx = v.name() + " sweeps " + k.name;
    auto prog = compile(k.c, v.fusion);
    auto st = State::create(k.c.num_qubits, v.prec);
    st->run(*prog, nullptr, o);
    std::vector<double> amps(2 * k.ref.size());
    st->get_amplitudes(amps.data());
    double err = 0;
    for (size_t i = 0; i < k.ref.size(); ++i) err = std::max(err, std::abs(k.ref[i] - cd(amps[2 * i], amps[2 * i + 1])));
    CHECK(err < (v.prec == Precision::f64 ? 1e-10 : 3e-5), "run vs reference: max error %g (%zu passes)", err, stats(*prog).passes);
  }
}

int main() {
  test_for_policy();
  test_for_items();
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);
  for (Isa isa : isas)
    for (unsigned t : {1u, 2u}) {
      test_reductions<double>(isa, t);
      test_reductions<float>(isa, t);
    }
  for (Isa isa : isas)
    for (Precision prec : {Precision::f64, Precision::f32})
      for (unsigned t : {1u, 2u})
        for (unsigned fusion : {0u, 2u, 4u}) {
          const int before = g_fail;
          Variant v{isa, prec, t, fusion};
          test_circuits(v);
          test_sweeps(v);
          std::printf("%-24s %s\n", v.name().c_str(), g_fail == before ? "ok" : "FAILED");
        }
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
