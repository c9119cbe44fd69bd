// fock_test.cc — tests of the Fock-space simulator (quench/fock.h).
// Prints "N passed, M failed" last; exits non-zero on failure.
#include "quench/fock.h"

#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace quench;
using namespace quench::fock;
using cd = std::complex<double>;

#include "check.h"

static double fact(int n) {
  double f = 1;
  for (int i = 2; i <= n; ++i) f *= i;
  return f;
}

static CvGate gate(CvGate::Kind k, unsigned m0, double a, double b = 0, unsigned m1 = 0) {
  CvGate g;
  g.kind = k;
  g.mode0 = m0;
  g.mode1 = m1;
  g.a.value = a;
  g.b.value = b;
  return g;
}

static const CvGate::Kind kAll[] = {CvGate::Kind::Displacement, CvGate::Kind::Squeezing,
                                    CvGate::Kind::Rotation, CvGate::Kind::Beamsplitter,
                                    CvGate::Kind::Kerr};

// ---- matrix elements vs closed forms ------------------------------------------------------
static void test_closed_forms() {
  const unsigned D = 12;
  for (double r : {0.0, 0.3, 1.1, -0.7}) {
    for (double phi : {0.0, 0.4, -2.0}) {
      const auto U = gate_matrix(CvGate::Kind::Displacement, r, phi, D);
      const cd alpha = std::polar(r, phi);
      double err = 0;
      for (unsigned m = 0; m < D; ++m) {
        const cd want = std::exp(-0.5 * r * r) * std::pow(alpha, double(m)) / std::sqrt(fact(m));
        err = std::max(err, std::abs(U[m * D] - want));
      }
      CHECK(err < 1e-14, "coherent state column r=%g phi=%g err=%g", r, phi, err);
      // ⟨m|D|n⟩ = conj(⟨n|D(−α)|m⟩): D(α)† = D(−α)
      const auto V = gate_matrix(CvGate::Kind::Displacement, -r, phi, D);
      double e2 = 0;
      for (unsigned m = 0; m < D; ++m)
        for (unsigned n = 0; n < D; ++n) e2 = std::max(e2, std::abs(U[m * D + n] - std::conj(V[n * D + m])));
      CHECK(e2 < 1e-13, "D(a)^dagger = D(-a) r=%g err=%g", r, e2);
    }
  }
  for (double r : {0.2, 0.9, -0.5}) {
    for (double phi : {0.0, 1.3}) {
      const auto S = gate_matrix(CvGate::Kind::Squeezing, r, phi, D);
      double err = 0;
      for (unsigned m = 0; m < D; ++m) {
        cd want = 0;
        if (m % 2 == 0) {
          const int k = int(m / 2);
          want = std::sqrt(1.0 / std::cosh(r)) * std::pow(-std::polar(1.0, phi) * std::tanh(r), double(k)) *
                 std::sqrt(fact(2 * k)) / (std::pow(2.0, k) * fact(k));
        }
        err = std::max(err, std::abs(S[m * D] - want));
      }
      CHECK(err < 1e-14, "squeezed vacuum column r=%g phi=%g err=%g", r, phi, err);
    }
  }
  // Beamsplitter on |1,0⟩ → cos θ |1,0⟩ + e^{iφ} sin θ |0,1⟩ (SF convention).
  for (unsigned D2 : {2u, 4u}) {
    const double th = 0.7, phi = 0.3;
    CvCircuit c;
    c.modes = 2;
    c.cutoff = D2;
    c.gates.push_back(gate(CvGate::Kind::Beamsplitter, 0, th, phi, 1));
    std::vector<cd> in(D2 * D2, 0.0);
    in[1] = 1.0;  // |n0 = 1, n1 = 0⟩
    const auto out = run_state(c, nullptr, in.data());
    double err = std::abs(out[1] - std::cos(th)) + std::abs(out[D2] - std::polar(std::sin(th), phi));
    for (unsigned i = 0; i < D2 * D2; ++i)
      if (i != 1 && i != D2) err += std::abs(out[i]);
    CHECK(err < 1e-15, "BS|1,0> D=%u err=%g", D2, err);
    // Same through gate_matrix, and |0,1⟩ → cos θ |0,1⟩ − e^{−iφ} sin θ |1,0⟩.
    const auto B = gate_matrix(CvGate::Kind::Beamsplitter, th, phi, D2);
    const unsigned n2 = D2 * D2;
    double e2 = std::abs(B[D2 * n2 + 1] - std::polar(std::sin(th), phi)) +
                std::abs(B[1 * n2 + D2] + std::polar(std::sin(th), -phi)) +
                std::abs(B[D2 * n2 + D2] - std::cos(th));
    CHECK(e2 < 1e-15, "BS matrix single-photon block D=%u err=%g", D2, e2);
  }
  // Two photons: BS|1,1⟩ at θ = π/4, φ = 0 → (|2,0⟩ − |0,2⟩)/√2 up to sign (Hong–Ou–Mandel: no |1,1⟩).
  {
    const auto B = gate_matrix(CvGate::Kind::Beamsplitter, M_PI / 4, 0.0, 4);
    const unsigned n2 = 16, i11 = 1 + 4 * 1, i20 = 2, i02 = 8;
    CHECK(std::abs(B[i11 * n2 + i11]) < 1e-15, "HOM |1,1> amplitude %g", std::abs(B[i11 * n2 + i11]));
    CHECK(std::abs(std::abs(B[i20 * n2 + i11]) - std::sqrt(0.5)) < 1e-15 &&
              std::abs(std::abs(B[i02 * n2 + i11]) - std::sqrt(0.5)) < 1e-15,
          "HOM |2,0>,|0,2> amplitudes");
  }
  // R and K diagonals.
  for (unsigned Dd : {3u, 7u}) {
    const auto R = gate_matrix(CvGate::Kind::Rotation, 0.37, 0, Dd);
    const auto K = gate_matrix(CvGate::Kind::Kerr, -0.21, 0, Dd);
    double err = 0;
    for (unsigned m = 0; m < Dd; ++m)
      for (unsigned n = 0; n < Dd; ++n) {
        const cd wr = m == n ? std::polar(1.0, 0.37 * m) : 0.0;
        const cd wk = m == n ? std::polar(1.0, -0.21 * m * m) : 0.0;
        err = std::max(err, std::abs(R[m * Dd + n] - wr) + std::abs(K[m * Dd + n] - wk));
      }
    CHECK(err < 1e-14, "R/K diagonals D=%u err=%g", Dd, err);
  }
}

// exp of a D×D complex matrix by scaling and squaring + Taylor.
static std::vector<cd> expm(std::vector<cd> A, unsigned D) {
  double nrm = 0;
  for (auto& v : A) nrm = std::max(nrm, std::abs(v));
  int s = 0;
  while (nrm * D > 0.1) {
    nrm /= 2;
    ++s;
  }
  for (auto& v : A) v /= std::pow(2.0, s);
  auto mul = [&](const std::vector<cd>& X, const std::vector<cd>& Y) {
    std::vector<cd> Z(D * D, 0.0);
    for (unsigned i = 0; i < D; ++i)
      for (unsigned k = 0; k < D; ++k)
        for (unsigned j = 0; j < D; ++j) Z[i * D + j] += X[i * D + k] * Y[k * D + j];
    return Z;
  };
  std::vector<cd> E(D * D, 0.0), term(D * D, 0.0);
  for (unsigned i = 0; i < D; ++i) E[i * D + i] = term[i * D + i] = 1.0;
  for (int k = 1; k < 30; ++k) {
    term = mul(term, A);
    for (auto& v : term) v /= double(k);
    for (unsigned i = 0; i < D * D; ++i) E[i] += term[i];
  }
  for (int i = 0; i < s; ++i) E = mul(E, E);
  return E;
}

// ---- exact elements: large-cutoff limit ---------------------------------------------------
static void test_exact_elements() {
  const unsigned Dbig = 30, Ds = 4;
  struct G { CvGate::Kind k; double a, b; };
  const G gs[] = {{CvGate::Kind::Displacement, 0.3, 0.7}, {CvGate::Kind::Squeezing, 0.25, -0.4},
                  {CvGate::Kind::Rotation, 0.9, 0}, {CvGate::Kind::Kerr, 0.13, 0},
                  {CvGate::Kind::Beamsplitter, 0.6, 1.1}};
  for (const G& g : gs) {
    const auto big = gate_matrix(g.k, g.a, g.b, Dbig);
    const auto small = gate_matrix(g.k, g.a, g.b, Ds);
    bool same = true;
    if (g.k == CvGate::Kind::Beamsplitter) {
      const unsigned nb = Dbig * Dbig, ns = Ds * Ds;
      for (unsigned m = 0; m < Ds; ++m)
        for (unsigned n = 0; n < Ds; ++n)
          for (unsigned p = 0; p < Ds; ++p)
            for (unsigned q = 0; q < Ds; ++q)
              same = same && big[(m + Dbig * n) * nb + (p + Dbig * q)] == small[(m + Ds * n) * ns + (p + Ds * q)];
    } else {
      for (unsigned m = 0; m < Ds; ++m)
        for (unsigned n = 0; n < Ds; ++n) same = same && big[m * Dbig + n] == small[m * Ds + n];
    }
    CHECK(same, "D=4 block of the D=30 %s matrix equals the D=4 matrix bit for bit", to_string(g.k));
    // Unitary in the limit: columns of low photon number have norm 1 at D=30.
    if (g.k != CvGate::Kind::Beamsplitter) {
      double err = 0;
      for (unsigned n = 0; n < 6; ++n) {
        double s = 0;
        for (unsigned m = 0; m < Dbig; ++m) s += std::norm(big[m * Dbig + n]);
        err = std::max(err, std::abs(s - 1));
      }
      CHECK(err < 1e-10, "%s columns unitary at D=30 err=%g", to_string(g.k), err);
    }
  }
  // Not the exponential of the truncated generator: at D = 4 they differ.
  {
    const unsigned D = 4;
    const double r = 0.3, phi = 0.7;
    const cd alpha = std::polar(r, phi);
    std::vector<cd> Gen(D * D, 0.0);
    for (unsigned n = 0; n + 1 < D; ++n) {
      Gen[(n + 1) * D + n] += alpha * std::sqrt(double(n + 1));            // α a†
      Gen[n * D + n + 1] -= std::conj(alpha) * std::sqrt(double(n + 1));   // −α* a
    }
    const auto E = expm(Gen, D);
    const auto U = gate_matrix(CvGate::Kind::Displacement, r, phi, D);
    double diff = 0;
    for (unsigned i = 0; i < D * D; ++i) diff = std::max(diff, std::abs(E[i] - U[i]));
    CHECK(diff > 1e-4, "exact truncated D differs from exp(truncated generator) (diff=%g)", diff);
    // ... while at D = 30 the top-left blocks agree (both converge to the exact operator).
    const unsigned Db = 30;
    std::vector<cd> Gb(Db * Db, 0.0);
    for (unsigned n = 0; n + 1 < Db; ++n) {
      Gb[(n + 1) * Db + n] += alpha * std::sqrt(double(n + 1));
      Gb[n * Db + n + 1] -= std::conj(alpha) * std::sqrt(double(n + 1));
    }
    const auto Eb = expm(Gb, Db);
    double d2 = 0;
    for (unsigned m = 0; m < D; ++m)
      for (unsigned n = 0; n < D; ++n) d2 = std::max(d2, std::abs(Eb[m * Db + n] - U[m * D + n]));
    CHECK(d2 < 1e-12, "exp(generator) at D=30 converges to the exact D=4 block (diff=%g)", d2);
  }
  // A circuit at D = 30 with small amplitudes: truncation loss < 1e-10.
  {
    CvCircuit c;
    c.modes = 2;
    c.cutoff = 30;
    c.gates = {gate(CvGate::Kind::Displacement, 0, 0.4, 0.3), gate(CvGate::Kind::Squeezing, 1, 0.3, 0.2),
               gate(CvGate::Kind::Beamsplitter, 0, 0.5, 0.4, 1), gate(CvGate::Kind::Rotation, 1, 0.8),
               gate(CvGate::Kind::Kerr, 0, 0.2), gate(CvGate::Kind::Displacement, 1, 0.3, -1.0),
               gate(CvGate::Kind::Beamsplitter, 1, 0.9, -0.2, 0)};
    const auto out = run_batch(c, nullptr, 1);
    CHECK(1 - out.norm[0] < 1e-10 && 1 - out.norm[0] > -1e-12, "D=30 truncation loss %g", 1 - out.norm[0]);
    c.cutoff = 4;
    const auto o4 = run_batch(c, nullptr, 1);
    CHECK(1 - o4.norm[0] > 1e-4, "D=4 truncation loss is visible (%g)", 1 - o4.norm[0]);
    CHECK(std::abs(o4.mean_truncation_loss() - (1 - o4.norm[0])) < 1e-15, "mean_truncation_loss");
  }
}

// ---- readouts ---------------------------------------------------------------------------
static void test_readouts() {
  for (double r : {0.5, 1.2}) {
    for (double phi : {0.0, 0.9, 2.5}) {
      CvCircuit c;
      c.modes = 2;
      c.cutoff = 30;
      c.num_params = 2;
      CvGate g = gate(CvGate::Kind::Displacement, 1, 0, phi);
      g.a.slot = 0;
      c.gates.push_back(g);
      CvGate h = gate(CvGate::Kind::Displacement, 0, 0.0, 0.0);
      h.a.slot = 1;
      h.a.scale = 2.0;  // r0 = 2 * params[1]
      c.gates.push_back(h);
      const double params[2] = {r, 0.25};
      const auto out = run_batch(c, params, 1);
      CHECK(std::abs(out.x[1] - 2 * r * std::cos(phi)) < 1e-11, "<x> coherent r=%g phi=%g: %.15g", r, phi, out.x[1]);
      CHECK(std::abs(out.n[1] - r * r) < 1e-11, "<n> coherent r=%g: %.15g", r, out.n[1]);
      CHECK(std::abs(out.x[0] - 1.0) < 1e-11 && std::abs(out.n[0] - 0.25) < 1e-11, "mode 0 x=%g n=%g",
            out.x[0], out.n[0]);
      CHECK(std::abs(out.norm[0] - 1) < 1e-12, "norm %g", out.norm[0]);
    }
  }
  // Normalised variant = raw / norm.
  {
    CvCircuit c;
    c.modes = 1;
    c.cutoff = 4;
    c.gates = {gate(CvGate::Kind::Displacement, 0, 0.9, 0.2)};
    CvOptions o;
    const auto raw = run_batch(c, nullptr, 1, o);
    o.normalize = true;
    const auto nrm = run_batch(c, nullptr, 1, o);
    CHECK(std::abs(nrm.x[0] - raw.x[0] / raw.norm[0]) < 1e-15 && std::abs(nrm.n[0] - raw.n[0] / raw.norm[0]) < 1e-15 &&
              nrm.norm[0] == raw.norm[0],
          "normalised readouts");
  }
  // Squeezed vacuum: <n> = sinh² r, <x> = 0.
  {
    CvCircuit c;
    c.modes = 1;
    c.cutoff = 30;
    c.gates = {gate(CvGate::Kind::Squeezing, 0, 0.4, 0.6)};
    const auto o = run_batch(c, nullptr, 1);
    CHECK(std::abs(o.n[0] - std::pow(std::sinh(0.4), 2)) < 1e-10 && std::abs(o.x[0]) < 1e-15, "squeezed <n>=%g", o.n[0]);
  }
}

// ---- random circuits -------------------------------------------------------------------
static CvCircuit random_circuit(std::mt19937_64& rng, unsigned M, unsigned D, unsigned ngates, unsigned P) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::uniform_int_distribution<unsigned> kind(0, 4), mode(0, M - 1), slot(0, P - 1), coin(0, 3);
  CvCircuit c;
  c.modes = M;
  c.cutoff = D;
  c.num_params = P;
  auto ang = [&](double amp) {
    Angle a;
    if (coin(rng) != 0) {  // 3/4 parameterised
      a.slot = int(slot(rng));
      a.scale = amp * u(rng);
      a.value = 0.2 * u(rng);
    } else {
      a.value = amp * u(rng);
    }
    return a;
  };
  for (unsigned i = 0; i < ngates; ++i) {
    CvGate g;
    g.kind = kAll[kind(rng)];
    if (g.kind == CvGate::Kind::Beamsplitter && M < 2) g.kind = CvGate::Kind::Displacement;
    g.mode0 = mode(rng);
    if (g.kind == CvGate::Kind::Beamsplitter) {
      do g.mode1 = mode(rng);
      while (g.mode1 == g.mode0);
    }
    const double amp = g.kind == CvGate::Kind::Beamsplitter ? 2.0 : g.kind == CvGate::Kind::Squeezing ? 0.6 : 1.0;
    g.a = ang(amp);
    g.b = ang(3.0);
    c.gates.push_back(g);
  }
  return c;
}

static double loss_of(const CvOutputs& o, const std::vector<double>& dx, const std::vector<double>& dn,
                      const std::vector<double>& dnorm, std::size_t b, unsigned M) {
  double L = dnorm[b] * o.norm[b];
  for (unsigned m = 0; m < M; ++m) L += dx[b * M + m] * o.x[b * M + m] + dn[b * M + m] * o.n[b * M + m];
  return L;
}

static void test_gradients() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(-1, 1);
  double worst = 0;
  int cases = 0;
  // Trials 0..23: M = 1..4 × D = 3..6 (the unrolled kernels); 24..29: D = 2, 7, 8, 9,
  // 12 and 30 (D ≥ 7 runs the run-time-cutoff kernels).
  const unsigned extraM[6] = {3, 2, 3, 2, 2, 1}, extraD[6] = {2, 7, 8, 9, 12, 30};
  for (int trial = 0; trial < 30; ++trial) {
    const unsigned M = trial < 24 ? 1 + trial % 4 : extraM[trial - 24];
    const unsigned D = trial < 24 ? 3 + (trial / 4) % 4 : extraD[trial - 24];
    const unsigned P = 3 + trial % 5;
    const unsigned ngates = 6 + trial % 9;
    const CvCircuit c = random_circuit(rng, M, D, ngates, P);
    const std::size_t B = 1 + trial % 6;
    std::vector<double> params(B * P), dx(B * M), dn(B * M), dnorm(B);
    for (auto& v : params) v = 0.8 * u(rng);
    for (auto& v : dx) v = u(rng);
    for (auto& v : dn) v = u(rng);
    for (auto& v : dnorm) v = u(rng);
    CvOptions opts;
    opts.normalize = trial % 3 == 2;
    opts.fuse_diagonals = trial % 2 == 0;
    opts.isa = trial % 4 == 3 ? Isa::scalar : trial % 4 == 1 ? Isa::avx512 : Isa::avx2;  // avx512 falls back where absent
    std::vector<double> grad(B * P);
    const auto out = vjp_batch(c, params.data(), B, dx.data(), dn.data(), dnorm.data(), grad.data(), opts);
    const auto fwd = run_batch(c, params.data(), B, opts);
    bool same = fwd.x == out.x && fwd.n == out.n && fwd.norm == out.norm;
    CHECK(same, "vjp outputs equal run_batch outputs (trial %d)", trial);
    // 4-point central differences of run_batch, all samples at once.
    const double h = 1e-3;
    for (unsigned s = 0; s < P; ++s) {
      double f[4];
      std::vector<double> fd(B, 0.0);
      const double steps[4] = {-2 * h, -h, h, 2 * h};
      const double wts[4] = {1, -8, 8, -1};
      for (int k = 0; k < 4; ++k) {
        std::vector<double> pp = params;
        for (std::size_t b = 0; b < B; ++b) pp[b * P + s] += steps[k];
        const auto o = run_batch(c, pp.data(), B, opts);
        for (std::size_t b = 0; b < B; ++b) {
          f[k] = loss_of(o, dx, dn, dnorm, b, M);
          fd[b] += wts[k] * f[k] / (12 * h);
        }
      }
      for (std::size_t b = 0; b < B; ++b) {
        double scale = 0;
        for (unsigned t = 0; t < P; ++t) scale = std::max(scale, std::abs(grad[b * P + t]));
        const double g = grad[b * P + s];
        const double rel = std::abs(g - fd[b]) / std::max(std::abs(fd[b]), std::max(1e-3 * scale, 1e-6));
        worst = std::max(worst, rel);
        ++cases;
        CHECK(rel < 1e-7, "trial %d (M=%u D=%u) sample %zu param %u: vjp %.12g fd %.12g rel %.3g", trial, M, D, b, s,
              g, fd[b], rel);
      }
    }
  }
  std::printf("gradients: %d components vs 4-point central differences, worst relative error %.3g\n", cases, worst);
}

// Analytic check of one gradient: d<x>/dr of a coherent state at large cutoff = 2 cos φ.
static void test_gradient_analytic() {
  CvCircuit c;
  c.modes = 1;
  c.cutoff = 30;
  c.num_params = 2;
  CvGate g;
  g.kind = CvGate::Kind::Displacement;
  g.a.slot = 0;
  g.b.slot = 1;
  c.gates.push_back(g);
  const double params[2] = {0.7, 0.4}, dx = 1.0;
  double grad[2];
  vjp_batch(c, params, 1, &dx, nullptr, nullptr, grad);
  CHECK(std::abs(grad[0] - 2 * std::cos(0.4)) < 1e-10 && std::abs(grad[1] + 2 * 0.7 * std::sin(0.4)) < 1e-10,
        "d<x>/dr = 2cos(phi), d<x>/dphi = -2r sin(phi): %g %g", grad[0], grad[1]);
}

// ---- determinism: batch vs per-sample, threads, fusion, ISA --------------------------------
static void test_determinism() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  for (Isa isa : {Isa::avx512, Isa::avx2, Isa::scalar}) {
    const CvCircuit c = random_circuit(rng, 3, 4, 16, 6);
    const std::size_t B = 13;
    std::vector<double> params(B * 6), dx(B * 3), grad(B * 6), grad2(B * 6);
    for (auto& v : params) v = 0.7 * u(rng);
    for (auto& v : dx) v = u(rng);
    CvOptions o1;
    o1.isa = isa;
    o1.threads = 1;
    CvOptions o2 = o1;
    o2.threads = 2;
    const auto a = run_batch(c, params.data(), B, o1);
    const auto b = run_batch(c, params.data(), B, o2);
    CHECK(a.x == b.x && a.n == b.n && a.norm == b.norm, "threads 1 vs 2 identical (%s)", to_string(isa));
    vjp_batch(c, params.data(), B, dx.data(), nullptr, nullptr, grad.data(), o1);
    vjp_batch(c, params.data(), B, dx.data(), nullptr, nullptr, grad2.data(), o2);
    CHECK(grad == grad2, "vjp threads 1 vs 2 identical (%s)", to_string(isa));
    bool same = true, gsame = true;
    for (std::size_t s = 0; s < B; ++s) {
      const auto one = run_batch(c, params.data() + s * 6, 1, o1);
      for (unsigned m = 0; m < 3; ++m) same = same && one.x[m] == a.x[s * 3 + m] && one.n[m] == a.n[s * 3 + m];
      same = same && one.norm[0] == a.norm[s];
      double g1[6];
      vjp_batch(c, params.data() + s * 6, 1, dx.data() + s * 3, nullptr, nullptr, g1, o1);
      for (unsigned t = 0; t < 6; ++t) gsame = gsame && g1[t] == grad[s * 6 + t];
    }
    CHECK(same, "batch results equal per-sample runs bit for bit (%s)", to_string(isa));
    CHECK(gsame, "batch gradients equal per-sample gradients bit for bit (%s)", to_string(isa));
    CvOptions of = o1;
    of.fuse_diagonals = false;
    const auto f = run_batch(c, params.data(), B, of);
    double err = 0;
    for (std::size_t i = 0; i < a.x.size(); ++i) err = std::max(err, std::abs(a.x[i] - f.x[i]));
    CHECK(err < 1e-12, "fused vs unfused diagonals agree (%g)", err);
    // run_state agrees with the readouts
    const auto st = run_state(c, params.data(), nullptr, o1);
    double nn = 0;
    for (auto& v : st) nn += std::norm(v);
    CHECK(std::abs(nn - a.norm[0]) < 1e-13, "run_state norm %g vs %g", nn, a.norm[0]);
  }
  {
    const CvCircuit c = random_circuit(rng, 4, 5, 20, 8);
    std::vector<double> params(9 * 8);
    for (auto& v : params) v = 0.7 * u(rng);
    CvOptions s, v;
    s.isa = Isa::scalar;
    v.isa = Isa::avx2;
    const auto a = run_batch(c, params.data(), 9, s), b = run_batch(c, params.data(), 9, v);
    double err = 0;
    for (std::size_t i = 0; i < a.x.size(); ++i) err = std::max(err, std::abs(a.x[i] - b.x[i]));
    CHECK(err < 1e-12, "scalar vs avx2 agree (%g)", err);
    if (isa_available(Isa::avx512)) {  // cutoff 5: the avx512 ISA runs the AVX2 instance here
      CvOptions w;
      w.isa = Isa::avx512;
      const auto z = run_batch(c, params.data(), 9, w);
      double e5 = 0;
      for (std::size_t i = 0; i < a.x.size(); ++i) e5 = std::max(e5, std::abs(a.x[i] - z.x[i]));
      CHECK(e5 < 1e-12, "scalar vs avx512 agree (%g)", e5);
    }
  }
}

// ---- the AVX-512 instance (cutoff >= 8): equal to the baseline and AVX2, batch-independent --
static void test_avx512_instance() {
  if (!isa_available(Isa::avx512)) return;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  const CvCircuit c = random_circuit(rng, 2, 9, 14, 6);
  const std::size_t B = 19;  // two full 8-sample chunks and a padded one
  std::vector<double> params(B * 6), dx(B * 2), g5(B * 6), gs(B * 6);
  for (auto& v : params) v = 0.5 * u(rng);
  for (auto& v : dx) v = u(rng);
  CvOptions s, v2, v5;
  s.isa = Isa::scalar;
  v2.isa = Isa::avx2;
  v5.isa = Isa::avx512;
  for (unsigned threads : {1u, 2u}) {
    s.threads = v2.threads = v5.threads = threads;
    const auto a = run_batch(c, params.data(), B, s), b = run_batch(c, params.data(), B, v2),
               z = run_batch(c, params.data(), B, v5);
    double e2 = 0, e5 = 0;
    for (std::size_t i = 0; i < a.x.size(); ++i) {
      e2 = std::max(e2, std::abs(a.x[i] - b.x[i]));
      e5 = std::max(e5, std::abs(a.x[i] - z.x[i]));
    }
    CHECK(e2 < 1e-12 && e5 < 1e-12, "cutoff 9, %u threads: scalar vs avx2 %g, vs avx512 %g", threads, e2, e5);
    vjp_batch(c, params.data(), B, dx.data(), nullptr, nullptr, g5.data(), v5);
    vjp_batch(c, params.data(), B, dx.data(), nullptr, nullptr, gs.data(), s);
    double eg = 0;
    for (std::size_t i = 0; i < g5.size(); ++i) eg = std::max(eg, std::abs(g5[i] - gs[i]));
    CHECK(eg < 1e-11, "cutoff 9, %u threads: avx512 vs scalar gradients %g", threads, eg);
    bool same = true;
    for (std::size_t k = 0; k < B; k += 5) {
      const auto one = run_batch(c, params.data() + k * 6, 1, v5);
      for (unsigned m = 0; m < 2; ++m) same = same && one.x[m] == z.x[k * 2 + m];
    }
    CHECK(same, "cutoff 9: avx512 batch results equal per-sample runs bit for bit");
  }
}

// ---- validation -------------------------------------------------------------------------
static void expect_error(const std::function<void()>& f, Error::Kind kind, const char* needle, const char* what) {
  try {
    f();
    CHECK(false, "%s: no error thrown", what);
  } catch (const Error& e) {
    CHECK(e.kind == kind && std::strstr(e.what(), needle) != nullptr, "%s: got kind %d message '%s'", what,
          int(e.kind), e.what());
  } catch (const std::exception& e) {
    CHECK(false, "%s: wrong exception type: %s", what, e.what());
  }
}

static void test_validation() {
  CvCircuit ok;
  ok.modes = 2;
  ok.cutoff = 4;
  ok.num_params = 1;
  ok.gates = {gate(CvGate::Kind::Displacement, 0, 0.1), gate(CvGate::Kind::Beamsplitter, 0, 0.2, 0, 1)};
  validate(ok);
  ++g_pass;
  auto with = [&](const std::function<void(CvCircuit&)>& edit) {
    CvCircuit c = ok;
    edit(c);
    return c;
  };
  const double p = 0.1;
  auto run = [&](const CvCircuit& c) { return [c, &p] { run_batch(c, &p, 1); }; };
  expect_error(run(with([](CvCircuit& c) { c.modes = 0; })), Error::Kind::Range, "modes = 0", "modes 0");
  expect_error(run(with([](CvCircuit& c) { c.modes = 9; })), Error::Kind::Range, "modes = 9", "modes 9");
  expect_error(run(with([](CvCircuit& c) { c.cutoff = 1; })), Error::Kind::Range, "cutoff = 1", "cutoff 1");
  expect_error(run(with([](CvCircuit& c) { c.cutoff = 31; })), Error::Kind::Range, "cutoff = 31", "cutoff 31");
  expect_error(run(with([](CvCircuit& c) { c.gates[1].mode1 = 0; })), Error::Kind::Range,
               "gate 1 (Beamsplitter): mode1 = 0 equals mode0", "BS same modes");
  expect_error(run(with([](CvCircuit& c) { c.gates[0].mode0 = 2; })), Error::Kind::Range,
               "gate 0 (Displacement): mode0 = 2 out of range", "mode out of range");
  expect_error(run(with([](CvCircuit& c) { c.gates[1].mode1 = 5; })), Error::Kind::Range,
               "gate 1 (Beamsplitter): mode1 = 5 out of range", "mode1 out of range");
  expect_error(run(with([](CvCircuit& c) { c.gates[1].b.value = NAN; })), Error::Kind::Type,
               "gate 1 (Beamsplitter): b.value is not finite", "NaN value");
  expect_error(run(with([](CvCircuit& c) { c.gates[0].a.scale = INFINITY; })), Error::Kind::Type,
               "gate 0 (Displacement): a.scale is not finite", "Inf scale");
  expect_error(run(with([](CvCircuit& c) { c.gates[0].a.slot = 1; })), Error::Kind::Range,
               "gate 0 (Displacement): a.slot 1 out of range for 1 params", "slot out of range");
  expect_error([&] { const double bad = NAN; run_batch(ok, &bad, 1); }, Error::Kind::Type, "params[0][0] is not finite",
               "NaN param");
  expect_error([&] { run_batch(ok, nullptr, 1); }, Error::Kind::Range, "params is null", "null params");
  expect_error(run(with([](CvCircuit& c) { c.modes = 8; c.cutoff = 30; })), Error::Kind::Memory, "Fock state",
               "memory");
  expect_error([] { qgan_generator(2, 4, 1, 5); }, Error::Kind::Range, "latent_dim", "latent too large");
  {
    CancelToken tok;
    tok.cancelled = true;
    CvOptions o;
    o.cancel = &tok;
    expect_error([&] { run_batch(ok, &p, 1, o); }, Error::Kind::Cancelled, "cancelled", "cancel");
    o.threads = 2;
    std::vector<double> ps(40, 0.1);
    expect_error([&] { run_batch(ok, ps.data(), 40, o); }, Error::Kind::Cancelled, "cancelled", "cancel threaded");
  }
  // Empty batch is fine.
  const auto e = run_batch(ok, nullptr, 0);
  CHECK(e.x.empty() && e.norm.empty(), "empty batch");
}

// ---- seed generator ---------------------------------------------------------------------
static void test_seed() {
  const CvCircuit c = qgan_generator(4, 4, 2, 4);
  CHECK(c.num_params == 100 && num_weights(4, 2) == 96, "seed params %u", c.num_params);
  CHECK(c.gates.size() == 68, "seed gates %zu", c.gates.size());
  unsigned bs = 0;
  for (auto& g : c.gates) bs += g.kind == CvGate::Kind::Beamsplitter;
  CHECK(bs == 24, "seed beamsplitters %u", bs);
  // Every slot is used exactly once.
  std::vector<int> used(c.num_params, 0);
  for (auto& g : c.gates) {
    if (g.a.slot >= 0) used[g.a.slot]++;
    if (g.kind != CvGate::Kind::Rotation && g.kind != CvGate::Kind::Kerr && g.b.slot >= 0) used[g.b.slot]++;
  }
  bool once = true;
  for (int v : used) once = once && v == 1;
  // squeezing φ is fixed (0), so count: 100 slots, each once.
  CHECK(once, "each slot used once");
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 1);
  const std::size_t B = 32;
  std::vector<double> params(B * 100), dx(B * 4, 1.0), grad(B * 100);
  for (std::size_t i = 0; i < params.size(); ++i) params[i] = (i % 100 < 4 ? 0.4 : 0.15) * u(rng);
  const auto out = vjp_batch(c, params.data(), B, dx.data(), nullptr, nullptr, grad.data());
  std::printf("seed generator: batch 32 mean truncation loss %.3g\n", out.mean_truncation_loss());
  CHECK(out.mean_truncation_loss() > 0 && out.mean_truncation_loss() < 0.5, "truncation loss plausible");
  // latent_dim > modes: second quadrature
  const CvCircuit c2 = qgan_generator(2, 4, 1, 4);
  CHECK(c2.gates[2].mode0 == 0 && std::abs(c2.gates[2].b.value - M_PI / 2) < 1e-15, "latent wrap to p quadrature");
  for (unsigned t : {1u, 2u}) {
    std::printf("seed generator us/sample (threads %u): ", t);
    for (std::size_t b : {1, 32, 256}) {
      std::printf(" B=%zu fwd %.2f vjp %.2f;", b, bench_seed_generator_us_per_sample(b, t, false),
                  bench_seed_generator_us_per_sample(b, t, true));
    }
    std::printf("\n");
  }
}

int main() {
  const auto t0 = std::chrono::steady_clock::now();
  test_closed_forms();
  test_exact_elements();
  test_readouts();
  test_gradient_analytic();
  test_gradients();
  test_determinism();
  test_avx512_instance();
  test_validation();
  test_seed();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fock_test: %.2f s\n", secs);
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
