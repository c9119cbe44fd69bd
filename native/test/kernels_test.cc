// kernels_test.cc — states_batch, fidelity_kernel and ground_energy against
// independent references computed here: states from State::run, overlaps by
// plain complex sums, eigenvalues from a dense Hermitian matrix built from
// the Pauli strings qubit by qubit and diagonalised by cyclic Jacobi.
// Prints "N passed, M failed" and exits non-zero on failure.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "quench/engine.h"

using namespace quench;
using cd = std::complex<double>;

#include "check.h"

static std::mt19937_64 rng(777);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }


// ---- circuits ---------------------------------------------------------------------
static Gate hadamard(unsigned q) {
  const double h = 1 / std::sqrt(2.0);
  Gate g;
  g.qubits = {q};
  g.matrix = {h, 0, h, 0, h, 0, -h, 0};
  return g;
}
static Gate rz(unsigned q, int slot, double scale) {
  Gate g;
  g.qubits = {q};
  g.diagonal = true;
  g.slot = slot;
  g.scale = scale;
  g.generator = {0.5, -0.5};
  return g;
}
static Gate zz(unsigned a, unsigned b, int slot, double scale) {
  Gate g;
  g.qubits = {a, b};
  g.diagonal = true;
  g.slot = slot;
  g.scale = scale;
  g.generator = {0.5, -0.5, -0.5, 0.5};
  return g;
}
static Gate ry(unsigned q, int slot, double scale) {  // exp(-iθY), dense generator Y
  Gate g;
  g.qubits = {q};
  g.slot = slot;
  g.scale = scale;
  g.generator = {0, 0, 0, -1, 0, 1, 0, 0};
  return g;
}
static Gate cx(unsigned c, unsigned t) {
  Gate g;
  g.qubits = {t};
  g.controls = {c};
  g.matrix = {0, 0, 1, 0, 1, 0, 0, 0};
  return g;
}
// The ZZ feature map (2 repetitions: H, RZ(2x_i), ZZ(2(π−x_i)(π−x_j)) as a
// product x_i·x_j slot) plus a dense rotation layer, so that fused blocks are dense.
// Parameters: n features, then n(n−1)/2 pair products.
static Circuit feature_map(unsigned n, unsigned reps = 2) {
  Circuit c;
  c.num_qubits = n;
  c.num_params = n + n * (n - 1) / 2;
  for (unsigned r = 0; r < reps; ++r) {
    for (unsigned q = 0; q < n; ++q) c.gates.push_back(hadamard(q));
    for (unsigned q = 0; q < n; ++q) c.gates.push_back(rz(q, int(q), 2.0));
    unsigned slot = n;
    for (unsigned a = 0; a < n; ++a)
      for (unsigned b = a + 1; b < n; ++b) c.gates.push_back(zz(a, b, int(slot++), 2.0));
  }
  for (unsigned q = 0; q < n; ++q) c.gates.push_back(ry(q, int(q), 0.3));
  for (unsigned q = 0; q + 1 < n; ++q) c.gates.push_back(cx(q, q + 1));
  return c;
}
static std::vector<double> feature_params(unsigned n, std::size_t rows) {
  std::vector<double> p;
  for (std::size_t i = 0; i < rows; ++i) {
    std::vector<double> x(n);
    for (auto& v : x) v = 2 * M_PI * urand();
    for (unsigned q = 0; q < n; ++q) p.push_back(x[q]);
    for (unsigned a = 0; a < n; ++a)
      for (unsigned b = a + 1; b < n; ++b) p.push_back((M_PI - x[a]) * (M_PI - x[b]));
  }
  return p;
}

static double tol_of(const Variant& v) { return v.prec == Precision::f64 ? 1e-11 : 2e-5; }

// Reference states from State::run one by one.
static std::vector<cd> ref_states(const Program& p, Precision prec, const std::vector<double>& params,
                                  std::size_t rows, const ExecOptions& o) {
  const unsigned n = num_qubits(p), np = num_params(p);
  const std::size_t dim = std::size_t(1) << n;
  std::vector<cd> out(rows * dim);
  std::vector<double> amps(2 * dim);
  for (std::size_t i = 0; i < rows; ++i) {
    auto s = State::create(n, prec);
    s->run(p, np ? params.data() + i * np : nullptr, o);
    s->get_amplitudes(amps.data());
    for (std::size_t j = 0; j < dim; ++j) out[i * dim + j] = cd(amps[2 * j], amps[2 * j + 1]);
  }
  return out;
}

static void test_states_and_kernels(const Variant& v) {
  const ExecOptions o = v.opts();
  for (unsigned n : {1u, 3u, 5u, 8u, 14u}) {
    Circuit c = feature_map(n, n >= 14 ? 1 : 2);
    auto prog = compile(c, v.fusion);
    const std::size_t na = n >= 14 ? 3 : (n == 8 ? 53 : 7), nb = n >= 14 ? 2 : 5;
    const std::size_t dim = std::size_t(1) << n;
    std::vector<double> pa = feature_params(n, na), pb = feature_params(n, nb);
    // states_batch equals State::run.
    const std::vector<cd> A = ref_states(*prog, v.prec, pa, na, o);
    const std::vector<cd> B = ref_states(*prog, v.prec, pb, nb, o);
    std::vector<double> sb(na * 2 * dim);
    states_batch(*prog, v.prec, pa.data(), na, sb.data(), o);
    double d = 0;
    for (std::size_t i = 0; i < na * dim; ++i)
      d = std::max(d, std::abs(cd(sb[2 * i], sb[2 * i + 1]) - A[i]));
    CHECK(d == 0, "states_batch n=%u differs from State::run by %g", n, d);
    // Cross kernel (na x nb) and symmetric Gram (na x na).
    auto overlap2 = [&](const std::vector<cd>& X, std::size_t i, const std::vector<cd>& Y, std::size_t j) {
      cd s = 0;
      for (std::size_t t = 0; t < dim; ++t) s += std::conj(X[i * dim + t]) * Y[j * dim + t];
      return std::norm(s);
    };
    std::vector<double> K(na * nb, -1);
    fidelity_kernel(*prog, v.prec, pa.data(), na, pb.data(), nb, K.data(), o);
    d = 0;
    for (std::size_t i = 0; i < na; ++i)
      for (std::size_t j = 0; j < nb; ++j) d = std::max(d, std::fabs(K[i * nb + j] - overlap2(A, i, B, j)));
    CHECK(d < tol_of(v) * 10, "cross kernel n=%u max diff %g", n, d);
    std::vector<double> G(na * na, -1);
    fidelity_kernel(*prog, v.prec, pa.data(), na, nullptr, na, G.data(), o);
    d = 0;
    double asym = 0, diag = 0;
    for (std::size_t i = 0; i < na; ++i)
      for (std::size_t j = 0; j < na; ++j) {
        d = std::max(d, std::fabs(G[i * na + j] - overlap2(A, i, A, j)));
        asym = std::max(asym, std::fabs(G[i * na + j] - G[j * na + i]));
        if (i == j) diag = std::max(diag, std::fabs(G[i * na + i] - 1));
      }
    CHECK(d < tol_of(v) * 10, "gram n=%u max diff %g", n, d);
    CHECK(asym == 0, "gram n=%u not exactly symmetric (%g)", n, asym);
    CHECK(diag < tol_of(v) * 10, "gram n=%u diagonal off 1 by %g", n, diag);
  }
  // Two tiles' worth of points with an identical pair: K = 1 there, in [0, 1] everywhere.
  {
    const unsigned n = 4;
    Circuit c = feature_map(n);
    auto prog = compile(c, v.fusion);
    const std::size_t na = 101;
    std::vector<double> pa = feature_params(n, na);
    const unsigned np = num_params(*prog);
    std::copy(pa.begin() + 3 * np, pa.begin() + 4 * np, pa.begin() + 97 * np);
    std::vector<double> G(na * na);
    fidelity_kernel(*prog, v.prec, pa.data(), na, nullptr, na, G.data(), o);
    CHECK(std::fabs(G[3 * na + 97] - 1) < tol_of(v) * 10, "identical points: %g", G[3 * na + 97]);
    bool in01 = true;
    for (double x : G) in01 = in01 && x >= -1e-12 && x <= 1 + tol_of(v) * 10;
    CHECK(in01, "kernel values outside [0, 1]");
  }
}

// The packed Gram product (gram.h) against a plain product of the same
// states (states_batch at the same precision, so only the product differs):
// sizes around the micro-blocks (MR up to 32, NR 3 to 6), the 96-point tiles
// and the kc = 256 amplitude blocks (n = 9: two blocks), cross and symmetric;
// n = 12 stages its states in several chunks of whole panels (qml.cc).
static void test_gram_reference(Isa isa, unsigned threads) {
  for (Precision prec : {Precision::f64, Precision::f32}) {
    char ctx[96];
    std::snprintf(ctx, sizeof ctx, "gram reference %s %s %ut", to_string(isa), to_string(prec), threads);
    g_ctx = ctx;
    ExecOptions o;
    o.isa = isa;
    o.threads = threads;
    const double tol = prec == Precision::f64 ? 1e-12 : 2e-5;
    struct Case { unsigned n; std::size_t na, nb; };
    for (const Case cs : {Case{1, 1, 1}, Case{3, 2, 5}, Case{3, 17, 7}, Case{6, 97, 33}, Case{5, 193, 101},
                          Case{9, 41, 13}, Case{2, 33, 1}, Case{12, 131, 61}}) {
      auto prog = compile(feature_map(cs.n), 2);
      const std::size_t dim = std::size_t(1) << cs.n;
      std::vector<double> pa = feature_params(cs.n, cs.na), pb = feature_params(cs.n, cs.nb);
      std::vector<double> sa(cs.na * 2 * dim), sb(cs.nb * 2 * dim);
      states_batch(*prog, prec, pa.data(), cs.na, sa.data(), o);
      states_batch(*prog, prec, pb.data(), cs.nb, sb.data(), o);
      auto ref = [&](const std::vector<double>& X, std::size_t i, const std::vector<double>& Y, std::size_t j) {
        double re = 0, im = 0;
        for (std::size_t t = 0; t < dim; ++t) {
          const double ar = X[(i * dim + t) * 2], ai = X[(i * dim + t) * 2 + 1];
          const double br = Y[(j * dim + t) * 2], bi = Y[(j * dim + t) * 2 + 1];
          re += ar * br + ai * bi;
          im += ar * bi - ai * br;
        }
        return re * re + im * im;
      };
      std::vector<double> K(cs.na * cs.nb, -1), G(cs.na * cs.na, -1);
      fidelity_kernel(*prog, prec, pa.data(), cs.na, pb.data(), cs.nb, K.data(), o);
      fidelity_kernel(*prog, prec, pa.data(), cs.na, nullptr, cs.na, G.data(), o);
      double dk = 0, dg = 0, asym = 0;
      for (std::size_t i = 0; i < cs.na; ++i)
        for (std::size_t j = 0; j < cs.nb; ++j) dk = std::max(dk, std::fabs(K[i * cs.nb + j] - ref(sa, i, sb, j)));
      for (std::size_t i = 0; i < cs.na; ++i)
        for (std::size_t j = 0; j < cs.na; ++j) {
          dg = std::max(dg, std::fabs(G[i * cs.na + j] - ref(sa, i, sa, j)));
          asym = std::max(asym, std::fabs(G[i * cs.na + j] - G[j * cs.na + i]));
        }
      // Test x train after train x train: the train states come from the kept
      // panels (same program, precision, ISA, parameters)...
      std::vector<double> Kt(cs.nb * cs.na, -1);
      fidelity_kernel(*prog, prec, pb.data(), cs.nb, pa.data(), cs.na, Kt.data(), o);
      double dt = 0;
      for (std::size_t i = 0; i < cs.nb; ++i)
        for (std::size_t j = 0; j < cs.na; ++j) dt = std::max(dt, std::fabs(Kt[i * cs.na + j] - ref(sb, i, sa, j)));
      CHECK(dt <= tol, "test x train after the Gram, n=%u: max diff %g", cs.n, dt);
      // ... and one changed parameter is a different train set (not the kept panels).
      if (cs.na > 1) {
        std::vector<double> pa2 = pa;
        pa2[pa2.size() - 1] += 0.25;
        std::vector<double> sa2(cs.na * 2 * dim), K2(cs.nb * cs.na, -1);
        states_batch(*prog, prec, pa2.data(), cs.na, sa2.data(), o);
        fidelity_kernel(*prog, prec, pb.data(), cs.nb, pa2.data(), cs.na, K2.data(), o);
        double d2 = 0;
        for (std::size_t i = 0; i < cs.nb; ++i)
          for (std::size_t j = 0; j < cs.na; ++j) d2 = std::max(d2, std::fabs(K2[i * cs.na + j] - ref(sb, i, sa2, j)));
        CHECK(d2 <= tol, "changed train parameter, n=%u: max diff %g", cs.n, d2);
      }
      clear_program_cache();
      CHECK(dk <= tol, "cross n=%u %zux%zu: max diff %g", cs.n, cs.na, cs.nb, dk);
      CHECK(dg <= tol, "symmetric n=%u %zu: max diff %g", cs.n, cs.na, dg);
      CHECK(asym == 0, "symmetric n=%u %zu: not exactly symmetric (%g)", cs.n, cs.na, asym);
    }
  }
}

static void test_kernel_errors() {
  g_ctx = "kernel errors";
  Circuit c = feature_map(3);
  auto prog = compile(c, 0);
  std::vector<double> pa = feature_params(3, 4), out(16);
  ExecOptions o;
  o.isa = default_isa();
  expect_error(Error::Kind::Range, "nb != na symmetric",
               [&] { fidelity_kernel(*prog, Precision::f64, pa.data(), 4, nullptr, 3, out.data(), o); }, "nb");
  expect_error(Error::Kind::Type, "null params_a",
               [&] { fidelity_kernel(*prog, Precision::f64, nullptr, 4, nullptr, 4, out.data(), o); }, "params_a");
  expect_error(Error::Kind::Type, "null out",
               [&] { fidelity_kernel(*prog, Precision::f64, pa.data(), 4, nullptr, 4, nullptr, o); }, "out");
  std::vector<double> bad = pa;
  bad[7] = NAN;
  expect_error(Error::Kind::Type, "non-finite params_b",
               [&] { fidelity_kernel(*prog, Precision::f64, pa.data(), 4, bad.data(), 4, out.data(), o); }, "params_b[7]");
  expect_error(Error::Kind::Type, "states null out",
               [&] { states_batch(*prog, Precision::f64, pa.data(), 4, nullptr, o); }, "out");
  expect_error(Error::Kind::Type, "states null params",
               [&] { states_batch(*prog, Precision::f32, nullptr, 4, out.data(), o); }, "params");
  ExecOptions bad_isa = o;
  bad_isa.isa = static_cast<Isa>(7);
  expect_error(Error::Kind::Range, "bad isa",
               [&] { fidelity_kernel(*prog, Precision::f64, pa.data(), 4, nullptr, 4, out.data(), bad_isa); }, "ISA");
  {
    Circuit big;
    big.num_qubits = 34;
    auto pb = compile(big, 0);
    expect_error(Error::Kind::Range, "too many qubits",
                 [&] { fidelity_kernel(*pb, Precision::f64, nullptr, 2, nullptr, 2, out.data(), o); }, "qubits");
    Circuit mid;
    mid.num_qubits = 29;
    auto pm = compile(mid, 0);
    // 100k states of 29 qubits cannot fit: refused before allocating, with the numbers.
    expect_error(Error::Kind::Memory, "memory",
                 [&] { fidelity_kernel(*pm, Precision::f64, nullptr, 100000, nullptr, 100000, out.data(), o); }, "GiB");
  }
  // Zero-sized batches are no-ops.
  fidelity_kernel(*prog, Precision::f64, pa.data(), 0, nullptr, 0, nullptr, o);
  states_batch(*prog, Precision::f64, pa.data(), 0, nullptr, o);
  // Cancellation.
  {
    CancelToken tok;
    tok.cancelled = true;
    ExecOptions oc = o;
    oc.cancel = &tok;
    std::vector<double> many = feature_params(3, 200), K(200 * 200);
    expect_error(Error::Kind::Cancelled, "cancelled",
                 [&] { fidelity_kernel(*prog, Precision::f64, many.data(), 200, nullptr, 200, K.data(), oc); });
  }
}

// ---- ground energy ------------------------------------------------------------------
// Dense H from the Pauli strings, qubit by qubit (independent of lanczos.cc).
static std::vector<cd> dense_h(const PauliSum& h, unsigned n) {
  const std::size_t D = std::size_t(1) << n;
  std::vector<cd> H(D * D);
  for (const PauliTerm& t : h.terms)
    for (std::size_t i = 0; i < D; ++i) {
      cd ph = t.coeff;
      std::size_t j = i;
      for (unsigned q = 0; q < n; ++q) {
        const bool x = (t.x_mask >> q) & 1, z = (t.z_mask >> q) & 1, b = (i >> q) & 1;
        if (x && z) {  // Y|0> = i|1>, Y|1> = −i|0>
          ph *= b ? cd(0, -1) : cd(0, 1);
          j ^= std::size_t(1) << q;
        } else if (x) {
          j ^= std::size_t(1) << q;
        } else if (z && b) {
          ph = -ph;
        }
      }
      H[j * D + i] += ph;  // P|i> = ph |j>
    }
  return H;
}
// Lowest eigenvalue of a Hermitian matrix: the real symmetric embedding
// [[A, −B], [B, A]] by cyclic Jacobi.
// (A alone when H is real.)
static double dense_lowest(const std::vector<cd>& H, std::size_t D) {
  bool real = true;
  for (const cd& h : H) real = real && h.imag() == 0;
  const std::size_t N = real ? D : 2 * D;
  std::vector<double> M(N * N);
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t c = 0; c < D; ++c) {
      const cd h = H[r * D + c];
      M[r * N + c] = h.real();
      if (real) continue;
      M[(r + D) * N + c + D] = h.real();
      M[r * N + c + D] = -h.imag();
      M[(r + D) * N + c] = h.imag();
    }
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0;
    for (std::size_t p = 0; p < N; ++p)
      for (std::size_t q = p + 1; q < N; ++q) off += M[p * N + q] * M[p * N + q];
    if (off < 1e-26) break;
    for (std::size_t p = 0; p < N; ++p)
      for (std::size_t q = p + 1; q < N; ++q) {
        const double apq = M[p * N + q];
        if (std::fabs(apq) < 1e-300) continue;
        const double theta = (M[q * N + q] - M[p * N + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < N; ++k) {
          const double mkp = M[k * N + p], mkq = M[k * N + q];
          M[k * N + p] = c * mkp - s * mkq;
          M[k * N + q] = s * mkp + c * mkq;
        }
        for (std::size_t k = 0; k < N; ++k) {
          const double mpk = M[p * N + k], mqk = M[q * N + k];
          M[p * N + k] = c * mpk - s * mqk;
          M[q * N + k] = s * mpk + c * mqk;
        }
      }
  }
  double lo = 1e300;
  for (std::size_t i = 0; i < N; ++i) lo = std::min(lo, M[i * N + i]);
  return lo;
}

static PauliTerm pauli(double c, const std::string& s) {  // s[q] in "IXYZ" for qubit q
  PauliTerm t;
  t.coeff = c;
  for (std::size_t q = 0; q < s.size(); ++q) {
    if (s[q] == 'X' || s[q] == 'Y') t.x_mask |= std::uint64_t(1) << q;
    if (s[q] == 'Z' || s[q] == 'Y') t.z_mask |= std::uint64_t(1) << q;
  }
  return t;
}
static PauliSum tfim(unsigned n, double J, double h) {
  PauliSum H;
  for (unsigned q = 0; q + 1 < n; ++q) {
    PauliTerm t;
    t.coeff = -J;
    t.z_mask = (std::uint64_t(3) << q);
    H.terms.push_back(t);
  }
  for (unsigned q = 0; q < n; ++q) {
    PauliTerm t;
    t.coeff = -h;
    t.x_mask = std::uint64_t(1) << q;
    H.terms.push_back(t);
  }
  return H;
}
static PauliSum heisenberg(unsigned n, double J, double delta) {
  PauliSum H;
  for (unsigned q = 0; q + 1 < n; ++q) {
    const std::uint64_t m = std::uint64_t(3) << q;
    H.terms.push_back(PauliTerm{J, m, 0});
    H.terms.push_back(PauliTerm{J, m, m});
    H.terms.push_back(PauliTerm{J * delta, 0, m});
  }
  return H;
}
static PauliSum random_h(unsigned n, unsigned terms) {
  PauliSum H;
  for (unsigned t = 0; t < terms; ++t) {
    std::string s(n, 'I');
    for (unsigned q = 0; q < n; ++q) s[q] = "IXYZ"[rng() % 4];
    H.terms.push_back(pauli(2 * urand() - 1, s));
  }
  return H;
}

static void test_ground_energy() {
  for (unsigned threads : {1u, 2u}) {
    g_ctx = "ground_energy/t" + std::to_string(threads);
    ExecOptions o;
    o.isa = default_isa();
    o.threads = threads;
    auto check_dense = [&](const PauliSum& H, unsigned n, const char* what) {
      const double ref = dense_lowest(dense_h(H, n), std::size_t(1) << n);
      const GroundEnergyResult r = ground_energy(H, n, o);
      double hn = 0;
      for (auto& t : H.terms) hn += std::fabs(t.coeff);
      CHECK(std::fabs(r.energy - ref) < 1e-9 * std::max(1.0, hn), "%s n=%u: %.15g vs dense %.15g (it %u, res %g)",
            what, n, r.energy, ref, r.iterations, r.residual);
      CHECK(r.converged, "%s n=%u not converged (res %g after %u)", what, n, r.residual, r.iterations);
    };
    // 2-site Heisenberg singlet: J Σ(XX + YY + ΔZZ), J = Δ = 1 → −3.
    {
      const GroundEnergyResult r = ground_energy(heisenberg(2, 1, 1), 2, o);
      CHECK(std::fabs(r.energy + 3) < 1e-10, "singlet energy %.15g", r.energy);
    }
    check_dense(heisenberg(6, 1, 0.5), 6, "XXZ chain");
    for (unsigned n : {2u, 5u, 8u}) check_dense(tfim(n, 1, 0.7), n, "TFIM");
    for (unsigned n : {1u, 2u, 3u, 4u, 6u}) check_dense(random_h(n, 3 * n + 2), n, "random (with Y)");
    // Critical open TFIM chain (J = h = 1), free fermions: E0 = 1 − csc(π / (2(2N + 1))).
    for (unsigned n : {3u, 12u, 16u}) {
      const GroundEnergyResult r = ground_energy(tfim(n, 1, 1), n, o);
      const double exact = 1 - 1 / std::sin(M_PI / (2 * (2 * n + 1)));
      CHECK(r.converged && std::fabs(r.energy - exact) < 1e-9 * n, "TFIM %u: %.15g vs %.15g (res %g, it %u)", n,
            r.energy, exact, r.residual, r.iterations);
    }
    // Single Z, constant, duplicates that cancel.
    {
      PauliSum z;
      z.terms.push_back(pauli(2.5, "Z"));
      CHECK(std::fabs(ground_energy(z, 1, o).energy + 2.5) < 1e-12, "Z");
      PauliSum c;
      c.terms.push_back(PauliTerm{1.5, 0, 0});
      CHECK(ground_energy(c, 3, o).energy == 1.5, "constant");
      PauliSum e;
      CHECK(ground_energy(e, 3, o).energy == 0, "empty");
      PauliSum d;
      d.terms.push_back(pauli(1, "XX"));
      d.terms.push_back(pauli(-1, "XX"));
      d.terms.push_back(pauli(0.5, "IZ"));
      CHECK(std::fabs(ground_energy(d, 2, o).energy + 0.5) < 1e-12, "cancelled duplicates");
    }
  }
  g_ctx = "ground_energy errors";
  ExecOptions o;
  o.isa = default_isa();
  expect_error(Error::Kind::Range, "0 qubits", [&] { ground_energy(tfim(2, 1, 1), 0, o); }, "num_qubits");
  expect_error(Error::Kind::Range, "27 qubits", [&] { ground_energy(tfim(2, 1, 1), 27, o); }, "num_qubits");
  expect_error(Error::Kind::Range, "term out of range", [&] { ground_energy(tfim(4, 1, 1), 3, o); }, "qubit 3");
  PauliSum nan;
  nan.terms.push_back(PauliTerm{NAN, 1, 0});
  expect_error(Error::Kind::Type, "nan coeff", [&] { ground_energy(nan, 2, o); }, "coefficient");
  GroundEnergyOptions bad;
  bad.tolerance = -1;
  expect_error(Error::Kind::Range, "tolerance", [&] { ground_energy(tfim(2, 1, 1), 2, o, bad); }, "tolerance");
  bad = GroundEnergyOptions();
  bad.max_iterations = 0;
  expect_error(Error::Kind::Range, "max_iterations", [&] { ground_energy(tfim(2, 1, 1), 2, o, bad); }, "max_iterations");
  // A capped run reports non-convergence honestly.
  GroundEnergyOptions few;
  few.max_iterations = 3;
  const GroundEnergyResult r = ground_energy(tfim(10, 1, 1), 10, o, few);
  CHECK(!r.converged && r.iterations == 3 && r.residual > 0, "capped: it %u res %g", r.iterations, r.residual);
  CancelToken tok;
  tok.cancelled = true;
  ExecOptions oc = o;
  oc.cancel = &tok;
  expect_error(Error::Kind::Cancelled, "cancelled", [&] { ground_energy(tfim(6, 1, 1), 6, oc); });
}

int main() {
  const auto t0 = std::chrono::steady_clock::now();
  test_kernel_errors();
  test_ground_energy();
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);
  for (Isa isa : isas)
    for (unsigned threads : {1u, 2u}) {
      const int before = g_fail;
      test_gram_reference(isa, threads);
      std::printf("gram reference %-6s %ut   %s\n", to_string(isa), threads, g_fail == before ? "ok" : "FAILED");
    }
  for (Isa isa : isas)
    for (Precision prec : {Precision::f32, Precision::f64})
      for (unsigned threads : {1u, 2u})
        for (unsigned fusion : {0u, 3u}) {
          Variant v{isa, prec, threads, fusion};
          g_ctx = v.name();
          const int before = g_fail;
          try {
            test_states_and_kernels(v);
          } catch (const std::exception& e) {
            CHECK(false, "exception: %s", e.what());
          }
          std::printf("%-24s %s\n", v.name().c_str(), g_fail == before ? "ok" : "FAILED");
        }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%d passed, %d failed (%.1f s)\n", g_pass, g_fail, secs);
  return g_fail ? 1 : 0;
}
