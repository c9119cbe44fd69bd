// perf_paths_bench.cc — QAOA-20 (p=2, indexed cut diagonal, fusion 2) and VQE-10 (4 layers RY/RZ +
// CNOT ladder, Heisenberg 27 terms): forward+energy and adjoint gradient, medians.
// Build against the core library:
//   cmake -S native -B native/build-perf -DQUENCH_TESTS=ON && cmake --build native/build-perf -j 2
//   g++ -O2 -std=c++17 -fopenmp -Inative/include bench/perf_paths_bench.cc native/build-perf/libquench_core.a -o /tmp/ppb
//   /tmp/ppb THREADS REPS FUSION f64|f32 all|qaoa|vqe [avx2|scalar] [QAOA qubits]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include "quench/engine.h"
using namespace quench;
static double now() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
static double median(std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

int main(int argc, char** argv) {
  unsigned threads = argc > 1 ? atoi(argv[1]) : 1;
  int reps = argc > 2 ? atoi(argv[2]) : 7;
  unsigned fusion = argc > 3 ? atoi(argv[3]) : 2;
  Precision prec = (argc > 4 && std::string(argv[4]) == "f32") ? Precision::f32 : Precision::f64;
  std::string only = argc > 5 ? argv[5] : "all";
  ExecOptions o; o.isa = (argc > 6 && std::string(argv[6]) == "scalar") ? Isa::scalar : Isa::avx2; o.threads = threads;
  if (only != "vqe") {
  const unsigned n = argc > 7 ? atoi(argv[7]) : 20;
  std::mt19937_64 rng(7);
  std::vector<std::pair<unsigned, unsigned>> edges;
  for (;;) {
    std::vector<unsigned> pts; for (unsigned v = 0; v < n; ++v) for (int k = 0; k < 3; ++k) pts.push_back(v);
    std::shuffle(pts.begin(), pts.end(), rng);
    edges.clear(); bool ok = true;
    for (size_t i = 0; i < pts.size(); i += 2) {
      unsigned u = std::min(pts[i], pts[i + 1]), v = std::max(pts[i], pts[i + 1]);
      if (u == v || std::find(edges.begin(), edges.end(), std::make_pair(u, v)) != edges.end()) { ok = false; break; }
      edges.push_back({u, v});
    }
    if (ok) break;
  }
  std::vector<double> cuts(size_t(1) << n);
  for (size_t z = 0; z < cuts.size(); ++z) { double c = 0; for (auto& e : edges) c += ((z >> e.first) ^ (z >> e.second)) & 1; cuts[z] = c; }
  const double H = 0.70710678118654752440;
  Circuit c; c.num_qubits = n; c.num_params = 4;
  for (unsigned q = 0; q < n; ++q) { Gate g; g.qubits = {q}; g.matrix = {H, 0, H, 0, H, 0, -H, 0}; c.gates.push_back(g); }
  std::vector<unsigned> all(n); for (unsigned q = 0; q < n; ++q) all[q] = q;
  for (int l = 0; l < 2; ++l) {
    Gate d; d.qubits = all; d.diagonal = true; d.slot = 2 * l; d.generator = cuts; c.gates.push_back(d);
    for (unsigned q = 0; q < n; ++q) { Gate g; g.qubits = {q}; g.slot = 2 * l + 1; g.generator = {0, 0, 1, 0, 1, 0, 0, 0}; c.gates.push_back(g); }
  }
  PauliSum obs; obs.terms.push_back({-double(edges.size()) / 2, 0, 0});
  for (auto& e : edges) obs.terms.push_back({0.5, 0, (1ull << e.first) | (1ull << e.second)});
  double t0 = now();
  auto prog = compile(c, fusion);
  double tc = now() - t0;
  double params[4] = {0.8 / 3, 0.8 * 2 / 3, 1.6 / 3, 0.8 / 3};
  auto st = State::create(n, prec);
  std::vector<double> tf, tg; double grad[4]; double val = 0;
  for (int r = 0; r < reps; ++r) {
    t0 = now(); st->reset(); st->run(*prog, params, o); double e = st->expectation(obs, o); tf.push_back(now() - t0); (void)e;
    t0 = now(); val = adjoint_gradient(*prog, prec, params, obs, grad, o); tg.push_back(now() - t0);
  }
  std::printf("QAOA%u t=%u fus=%u %s: compile %.0f ms; forward+E median %.2f ms (min %.2f)  gradient median %.2f ms (min %.2f)  val=%.9f g=[%.9f %.9f %.9f %.9f]\n",
              n, threads, fusion, prec == Precision::f32 ? "f32" : "f64", tc, median(tf), *std::min_element(tf.begin(), tf.end()), median(tg), *std::min_element(tg.begin(), tg.end()), val, grad[0], grad[1], grad[2], grad[3]);
  }
  if (only != "qaoa") {
  const unsigned n = 10, L = 4;
  Circuit c; c.num_qubits = n; unsigned slot = 0;
  auto rot = [&] {
    for (unsigned q = 0; q < n; ++q) { Gate g; g.qubits = {q}; g.slot = slot++; g.scale = 0.5; g.generator = {0, 0, 0, -1, 0, 1, 0, 0}; c.gates.push_back(g); }
    for (unsigned q = 0; q < n; ++q) { Gate g; g.qubits = {q}; g.diagonal = true; g.slot = slot++; g.generator = {0.5, -0.5}; c.gates.push_back(g); }
  };
  for (unsigned l = 0; l < L; ++l) { rot(); for (unsigned q = 0; q + 1 < n; ++q) { Gate g; g.qubits = {q + 1}; g.controls = {q}; g.matrix = {0, 0, 1, 0, 1, 0, 0, 0}; c.gates.push_back(g); } }
  rot(); c.num_params = slot;
  PauliSum h;
  for (unsigned q = 0; q + 1 < n; ++q) {
    uint64_t m = (1ull << q) | (1ull << (q + 1));
    h.terms.push_back({1, m, 0}); h.terms.push_back({1, m, m}); h.terms.push_back({1, 0, m});
  }
  auto prog = compile(c, fusion);
  std::vector<double> p(slot); std::mt19937_64 r2(1); for (auto& x : p) x = (std::uniform_real_distribution<double>(-0.1, 0.1))(r2);
  std::vector<double> g(slot), tg; double val = 0;
  int inner = 50;
  for (int r = 0; r < reps; ++r) { double t0 = now(); for (int i = 0; i < inner; ++i) val = adjoint_gradient(*prog, prec, p.data(), h, g.data(), o); tg.push_back((now() - t0) / inner); }
  double gs = 0; for (double x : g) gs += x * x;
  std::printf("VQE10 t=%u fus=%u %s: energy+gradient median %.4f ms (min %.4f)  val=%.10f |g|^2=%.10f\n", threads, fusion, prec == Precision::f32 ? "f32" : "f64", median(tg), *std::min_element(tg.begin(), tg.end()), val, gs);
  }
}
