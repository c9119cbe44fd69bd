// The QAOA fast path (qaoa.h) against the generic adjoint sweep: energy and
// gradient on several graphs (unweighted, integer and continuous weights),
// p = 1..4, odd and even n (indexed and per-amplitude cost tables, serial
// and threaded sizes), threads 1 and 2, both ISAs and precisions; shapes and
// observables it must leave to the generic path.
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "check.h"
#include "quench/profile.h"
#include "quench/program.h"
#include "quench/qaoa.h"

using namespace quench;

namespace {
struct Graph {
  unsigned n;
  std::vector<std::tuple<unsigned, unsigned, double>> edges;
};

Graph random_graph(unsigned n, std::mt19937_64& rng, int kind) {
  Graph g{n, {}};
  std::uniform_real_distribution<double> u(0, 1);
  for (unsigned a = 0; a < n; ++a)
    for (unsigned b = a + 1; b < n; ++b)
      if (u(rng) < 0.35 || b == a + 1) {
        const double w = kind == 0 ? 1.0 : kind == 1 ? double(1 + (rng() % 3)) : 0.1 + 1.9 * u(rng);
        g.edges.emplace_back(a, b, w);
      }
  return g;
}

std::vector<double> cut_values(const Graph& g) {
  std::vector<double> c(std::size_t(1) << g.n, 0.0);
  for (std::size_t z = 0; z < c.size(); ++z)
    for (const auto& [a, b, w] : g.edges)
      if (((z >> a) ^ (z >> b)) & 1) c[z] += w;
  return c;
}

// field ≠ 0 adds field·z_0 to the cost: no longer symmetric under the global flip.
Circuit qaoa_circuit(const Graph& g, unsigned p, double scale = 1.0, double offset = 0.0, double field = 0.0) {
  const double h = M_SQRT1_2;
  Circuit c;
  c.num_qubits = g.n;
  c.num_params = 2 * p;
  std::vector<double> cuts = cut_values(g);
  for (std::size_t z = 0; z < cuts.size(); ++z) cuts[z] += field * double(z & 1);
  for (unsigned q = 0; q < g.n; ++q) {
    Gate x;
    x.qubits = {q};
    x.matrix = {h, 0, h, 0, h, 0, -h, 0};
    c.gates.push_back(x);
  }
  std::vector<unsigned> all(g.n);
  for (unsigned q = 0; q < g.n; ++q) all[q] = q;
  for (unsigned l = 0; l < p; ++l) {
    Gate d;
    d.qubits = all;
    d.diagonal = true;
    d.slot = int(2 * l);
    d.scale = scale;
    d.offset = offset;
    d.generator = cuts;
    c.gates.push_back(d);
    for (unsigned q = 0; q < g.n; ++q) {
      Gate x;
      x.qubits = {q};
      x.slot = int(2 * l + 1);
      x.scale = scale;
      x.offset = -offset;
      x.generator = {0, 0, 1, 0, 1, 0, 0, 0};
      c.gates.push_back(x);
    }
  }
  return c;
}

// −C = −Σ w (1 − Z_a Z_b)/2
PauliSum neg_cost(const Graph& g) {
  PauliSum h;
  double total = 0;
  for (const auto& [a, b, w] : g.edges) {
    total += w;
    h.terms.push_back({w / 2, 0, (std::uint64_t(1) << a) | (std::uint64_t(1) << b)});
  }
  h.terms.push_back({-total / 2, 0, 0});
  return h;
}

// Some Z strings that are no function of the cut (a per-amplitude table).
PauliSum other_diagonal(unsigned n, std::mt19937_64& rng) {
  PauliSum h;
  std::uniform_real_distribution<double> u(-1, 1);
  for (int t = 0; t < 6; ++t) h.terms.push_back({u(rng), 0, rng() & ((std::uint64_t(1) << n) - 1)});
  return h;
}

struct Result {
  double value;
  std::vector<double> grad;
};
Result gradient(const Program& p, Precision prec, const std::vector<double>& x, const PauliSum& h,
                const ExecOptions& o, bool fast) {
  set_qaoa_fast_enabled(fast);
  Result r{0, std::vector<double>(p.num_params)};
  r.value = adjoint_gradient(p, prec, x.data(), h, r.grad.data(), o);
  set_qaoa_fast_enabled(true);
  return r;
}

// symmetric: whether the cost is flip-symmetric (then an observable of even
// Z strings only must run on half the amplitudes).
void compare(const Program& p, Precision prec, const std::vector<double>& x, const PauliSum& h,
             const ExecOptions& o, const char* what, bool symmetric = true) {
  const Result a = gradient(p, prec, x, h, o, false);
  profile::start();
  const Result b = gradient(p, prec, x, h, o, true);
  const profile::KindTotals wht = profile::snapshot().kinds[profile::kWalshHadamard];
  const bool fast = wht.calls > 0;
  profile::stop();
  bool diagonal = true, even = true;
  for (const PauliTerm& t : h.terms) {
    diagonal = diagonal && t.x_mask == 0;
    even = even && __builtin_popcountll(t.z_mask) % 2 == 0;
  }
  CHECK(fast == diagonal, "%s: fast path taken %d, diagonal observable %d", what, fast, diagonal);
  if (fast) {
    const std::uint64_t want = std::uint64_t(1) << (p.n - (symmetric && even ? 1 : 0));
    CHECK(wht.amplitudes == want * wht.calls, "%s: %llu amplitudes per transform, want %llu", what,
          (unsigned long long)(wht.amplitudes / wht.calls), (unsigned long long)want);
  }
  double scale = 1;
  for (const PauliTerm& t : h.terms) scale += std::fabs(t.coeff);
  const double tol = (prec == Precision::f64 ? 1e-10 : 1e-4) * scale;
  CHECK(std::fabs(a.value - b.value) <= tol, "%s: value generic %.15g fast %.15g", what, a.value, b.value);
  for (std::size_t i = 0; i < a.grad.size(); ++i)
    CHECK(std::fabs(a.grad[i] - b.grad[i]) <= tol, "%s: grad[%zu] generic %.15g fast %.15g", what, i,
          a.grad[i], b.grad[i]);
}

void test_shapes() {
  g_ctx = "shapes";
  std::mt19937_64 rng(3);
  const Graph g = random_graph(6, rng, 0);
  Circuit c = qaoa_circuit(g, 2);
  CHECK(compile(c, 3)->qaoa.p == 2, "QAOA circuit detected");
  Circuit d = c;
  d.gates.pop_back();  // the last mixer misses a qubit
  CHECK(compile(d, 3)->qaoa.p == 0, "incomplete mixer not detected");
  Circuit e = c;
  e.gates[g.n + 3].slot = 0;  // a mixer gate on another slot
  CHECK(compile(e, 3)->qaoa.p == 0, "mixed slots not detected");
  Circuit f = c;
  f.gates[1].matrix = {0, 0, 1, 0, 1, 0, 0, 0};  // X instead of H
  CHECK(compile(f, 3)->qaoa.p == 0, "no Hadamard layer not detected");
}
}  // namespace

int main() {
  test_shapes();
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);
  if (isa_available(Isa::avx512)) isas.push_back(Isa::avx512);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1.2, 1.2);
  for (unsigned n : {5u, 6u, 10u, 11u, 14u, 15u})
    for (unsigned p = 1; p <= 4; ++p) {
      if (n >= 14 && (p == 2 || p == 4)) continue;
      for (int kind = 0; kind < 3; ++kind) {
        const Graph g = random_graph(n, rng, kind);
        const double scale = kind == 2 ? 0.5 : 1.0, offset = kind == 2 ? 0.1 : 0.0;
        const auto prog = compile(qaoa_circuit(g, p, scale, offset), 3);
        g_ctx = "n" + std::to_string(n) + " p" + std::to_string(p) + " kind" + std::to_string(kind);
        CHECK(prog->qaoa.p == p, "detected p=%u", prog->qaoa.p);
        std::vector<double> x(2 * p);
        for (double& v : x) v = u(rng);
        const PauliSum h = neg_cost(g), o = other_diagonal(n, rng);
        for (Isa isa : isas)
          for (Precision prec : {Precision::f64, Precision::f32})
            for (unsigned threads : {1u, 2u}) {
              ExecOptions opts;
              opts.isa = isa;
              opts.threads = threads;
              const std::string v = g_ctx;
              g_ctx = v + " " + to_string(isa) + "/" + to_string(prec) + "/t" + std::to_string(threads);
              compare(*prog, prec, x, h, opts, "-C");
              if (kind == 1) compare(*prog, prec, x, o, opts, "other diagonal");
              g_ctx = v;
            }
      }
    }
  // A non-diagonal observable goes the generic way (and still agrees).
  {
    const Graph g = random_graph(6, rng, 0);
    const auto prog = compile(qaoa_circuit(g, 2), 3);
    PauliSum h = neg_cost(g);
    h.terms.push_back({0.3, 1, 0});
    std::vector<double> x = {0.3, -0.2, 0.5, 0.1};
    compare(*prog, Precision::f64, x, h, ExecOptions(), "X term");
  }
  // Flip symmetry: a cost with a field runs on all amplitudes; the half sweep
  // agrees with the full one (switched off) on the same program.
  for (unsigned n : {2u, 3u, 4u, 7u, 13u, 16u}) {
    const Graph g = random_graph(n, rng, 2);
    g_ctx = "flip n" + std::to_string(n);
    const auto sym = compile(qaoa_circuit(g, 3), 3);
    const auto field = compile(qaoa_circuit(g, 3, 1.0, 0.0, 0.37), 3);
    std::vector<double> x(6);
    for (double& v : x) v = u(rng);
    const PauliSum h = neg_cost(g);
    for (Isa isa : isas)
      for (Precision prec : {Precision::f64, Precision::f32}) {
        ExecOptions opts;
        opts.isa = isa;
        opts.threads = 2;
        compare(*field, prec, x, h, opts, "field", false);
        compare(*sym, prec, x, h, opts, "symmetric");
        const Result on = gradient(*sym, prec, x, h, opts, true);
        set_qaoa_symmetry_enabled(false);
        const Result off = gradient(*sym, prec, x, h, opts, true);
        set_qaoa_symmetry_enabled(true);
        const double tol = prec == Precision::f64 ? 1e-11 * n : 1e-4 * n;
        CHECK(std::fabs(on.value - off.value) <= tol, "half %.15g full %.15g", on.value, off.value);
        for (std::size_t i = 0; i < on.grad.size(); ++i)
          CHECK(std::fabs(on.grad[i] - off.grad[i]) <= tol, "grad[%zu] half %.15g full %.15g", i, on.grad[i],
                off.grad[i]);
      }
  }
  // 20 qubits with a field (no half): 13 or 14 qubits per block, the other 6–7
  // in two or three groups, so transforms chain through low and high passes
  // in both orders.
  {
    const Graph g = random_graph(20, rng, 1);
    g_ctx = "n20 field";
    const auto prog = compile(qaoa_circuit(g, 2, 1.0, 0.0, 0.21), 3);
    const std::vector<double> x = {0.41, -0.73, 0.22, 0.35};
    for (Isa isa : isas)
      for (Precision prec : {Precision::f64, Precision::f32}) {
        ExecOptions opts;
        opts.isa = isa;
        opts.threads = 2;
        compare(*prog, prec, x, neg_cost(g), opts, "field", false);
      }
  }
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
