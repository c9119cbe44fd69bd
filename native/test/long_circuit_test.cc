// long_circuit_test.cc — long circuits through the fuser and compile():
// 10^5 gates on 2 and on 10 qubits, fusion 2..4. The fused program must give
// the unfused one's amplitudes; the fuser must account for every gate exactly
// once, in an order that keeps each qubit's gates in circuit order. (A run of
// 10^5 gates on the same qubits used to take O(n^2) memory in the fuser:
// ~45 GB here; see test/native/long-circuit.test.ts for the memory check.)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <random>
#include <vector>

#include "quench/engine.h"
#include "quench/fuser.h"

using namespace quench;

#include "check.h"

static std::mt19937_64 rng(2024);
static double urand() { return std::uniform_real_distribution<double>(0, 1)(rng); }

static Gate dense1(unsigned q) {  // a random SU(2) element, fixed
  const double a = 2 * M_PI * urand(), b = 2 * M_PI * urand(), c = M_PI * urand() / 2;
  const std::complex<double> u00 = std::polar(std::cos(c), a), u01 = std::polar(std::sin(c), b);
  Gate g;
  g.qubits = {q};
  g.matrix = {u00.real(), u00.imag(), u01.real(), u01.imag(), -u01.real(), u01.imag(), u00.real(), -u00.imag()};
  return g;
}
static Gate cx(unsigned c, unsigned t) {  // controlled X, as a control + 1-qubit target
  Gate g;
  g.qubits = {t};
  g.controls = {c};
  g.matrix = {0, 0, 1, 0, 1, 0, 0, 0};
  return g;
}
static Gate cz(unsigned a, unsigned b) {  // diagonal on two qubits
  Gate g;
  g.qubits = {std::min(a, b), std::max(a, b)};
  g.diagonal = true;
  g.matrix = {1, 0, 1, 0, 1, 0, -1, 0};
  return g;
}
static Gate rzz(unsigned a, unsigned b, int slot) {  // parameterised diagonal
  Gate g;
  g.qubits = {std::min(a, b), std::max(a, b)};
  g.diagonal = true;
  g.slot = slot;
  g.scale = 0.5;
  g.generator = {1, -1, -1, 1};
  return g;
}
static Gate rx(unsigned q, int slot) {  // exp(-i θ/2 X), parameterised dense
  Gate g;
  g.qubits = {q};
  g.slot = slot;
  g.scale = 0.5;
  g.offset = 0.1;
  g.generator = {0, 0, 1, 0, 1, 0, 0, 0};
  return g;
}
static Gate swap2(unsigned a, unsigned b) {  // dense 2-qubit
  Gate g;
  g.qubits = {std::min(a, b), std::max(a, b)};
  g.matrix.assign(32, 0.0);
  const unsigned perm[4] = {0, 2, 1, 3};
  for (unsigned r = 0; r < 4; ++r) g.matrix[2 * (r * 4 + perm[r])] = 1;
  return g;
}

// n gates on nq qubits: a mix of fixed and parameterised, dense, diagonal and
// controlled gates (num_params 4 when `params`).
static Circuit long_circuit(unsigned nq, std::size_t n, bool params) {
  Circuit c;
  c.num_qubits = nq;
  c.num_params = params ? 4 : 0;
  c.gates.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned a = static_cast<unsigned>(rng() % nq);
    unsigned b = static_cast<unsigned>(rng() % (nq - 1));
    if (b >= a) ++b;
    const int slot = static_cast<int>(rng() % 4);
    switch (rng() % 6) {
      case 0: c.gates.push_back(dense1(a)); break;
      case 1: c.gates.push_back(cx(a, b)); break;
      case 2: c.gates.push_back(cz(a, b)); break;
      case 3: c.gates.push_back(params ? rzz(a, b, slot) : cz(a, b)); break;
      case 4: c.gates.push_back(params ? rx(a, slot) : dense1(a)); break;
      default: c.gates.push_back(swap2(a, b)); break;
    }
  }
  return c;
}

// Every gate exactly once, and the application order (blocks in order,
// members in order) keeps each qubit's gates in circuit order.
static void check_plan(const std::vector<Gate>& gates, const std::vector<FusedBlock>& blocks,
                       unsigned max_fused) {
  std::size_t total = 0;
  std::vector<unsigned char> seen(gates.size(), 0);
  long last[64];
  std::fill(last, last + 64, -1L);
  bool once = true, ordered = true, within = true;
  for (const FusedBlock& b : blocks) {
    total += b.members.size();
    if (b.members.size() > 1 && b.qubits.size() > max_fused) within = false;
    for (std::size_t m : b.members) {
      if (m >= gates.size() || seen[m]) {
        once = false;
        continue;
      }
      seen[m] = 1;
      const Gate& g = gates[m];
      for (const auto* qs : {&g.qubits, &g.controls})
        for (unsigned q : *qs) {
          if (last[q] >= static_cast<long>(m)) ordered = false;
          last[q] = static_cast<long>(m);
          if (!std::binary_search(b.qubits.begin(), b.qubits.end(), q)) within = false;
        }
    }
  }
  CHECK(total == gates.size(), "fuser holds %zu members for %zu gates", total, gates.size());
  CHECK(once, "every gate exactly once");
  CHECK(ordered, "each qubit's gates applied in circuit order");
  CHECK(within, "blocks cover their members and fit max_fused");
}

static std::vector<double> run_amps(const Circuit& c, unsigned fusion, const double* params,
                                    std::size_t* passes) {
  auto p = compile(c, fusion);
  if (passes) *passes = stats(*p).passes;
  auto s = State::create(c.num_qubits, Precision::f64);
  ExecOptions o;
  o.isa = Isa::scalar;
  o.threads = 1;
  s->run(*p, params, o);
  std::vector<double> a(2 * (std::size_t(1) << c.num_qubits));
  s->get_amplitudes(a.data());
  return a;
}

static double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

static void test_long(unsigned nq, bool params) {
  const std::size_t n = 100000;
  const Circuit c = long_circuit(nq, n, params);
  const double p[4] = {0.3, -1.2, 2.5, 0.7};
  g_ctx = std::to_string(nq) + " qubits" + (params ? ", parameterised" : ", fixed");
  auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> ref = run_amps(c, 0, p, nullptr);
  double norm = 0;
  for (double x : ref) norm += x * x;
  CHECK(std::fabs(norm - 1) < 1e-9, "unfused norm %.17g", norm);
  std::printf("%-28s unfused: %zu passes, %.2f s\n", g_ctx.c_str(), n, seconds_since(t0));
  for (unsigned f = 2; f <= 4; ++f) {
    t0 = std::chrono::steady_clock::now();
    const std::vector<FusedBlock> blocks = fuse(c.gates, f);
    const double t_fuse = seconds_since(t0);
    check_plan(c.gates, blocks, f);
    t0 = std::chrono::steady_clock::now();
    std::size_t passes = 0;
    const std::vector<double> amps = run_amps(c, f, p, &passes);
    double err = 0;
    for (std::size_t i = 0; i < amps.size(); ++i) err = std::max(err, std::fabs(amps[i] - ref[i]));
    CHECK(err < 1e-8, "fusion %u: max |fused - unfused| = %.3g", f, err);
    if (nq <= f) CHECK(passes == 1, "fusion %u on %u qubits: %zu passes (one block expected)", f, nq, passes);
    std::printf("%-28s fusion %u: %zu blocks, fuse %.3f s, compile+run %.2f s, max err %.2g\n",
                g_ctx.c_str(), f, blocks.size(), t_fuse, seconds_since(t0), err);
  }
}

// A long run on the same qubits: one block of 2*10^5 members (multiplied out
// at compile time when fixed, per run when late-bound) is linear in its size.
static void test_one_block() {
  g_ctx = "one block";
  Circuit c;
  c.num_qubits = 2;
  c.num_params = 1;
  const std::size_t n = 200000;
  const double s2 = std::sqrt(0.5);
  Gate h;
  h.qubits = {0};
  h.matrix = {s2, 0, s2, 0, s2, 0, -s2, 0};
  for (std::size_t i = 0; i < n; ++i) c.gates.push_back(h);  // an even number of H: identity
  auto p = compile(c, 2);
  CHECK(stats(*p).passes == 1, "%zu passes", stats(*p).passes);
  const std::vector<FusedBlock> blocks = fuse(c.gates, 2);
  CHECK(blocks.size() == 1 && blocks[0].members.size() == n, "%zu blocks", blocks.size());
  for (std::size_t i = 0; i < blocks[0].members.size(); ++i)
    if (blocks[0].members[i] != i) {
      CHECK(false, "member %zu is gate %zu", i, blocks[0].members[i]);
      break;
    }
  const double theta = 0.4;
  c.gates[n / 2] = rx(1, 0);  // now late-bound: the whole block is multiplied out per run
  const std::vector<double> a_fused = run_amps(c, 3, &theta, nullptr);
  const std::vector<double> a_ref = run_amps(c, 0, &theta, nullptr);
  double err = 0;
  for (std::size_t i = 0; i < a_ref.size(); ++i) err = std::max(err, std::fabs(a_fused[i] - a_ref[i]));
  CHECK(err < 1e-8, "late-bound block: max err %.3g", err);
  // n/2 H, then exp(-iφX) on qubit 1, then n/2 - 1 H: one H on qubit 0 in all,
  // so (|0> + |1>)/√2 ⊗ (cos φ |0> - i sin φ |1>), φ = θ/2 + 0.1.
  const double phi = 0.5 * theta + 0.1;
  const double want[8] = {std::cos(phi) * s2, 0, std::cos(phi) * s2, 0,
                          0, -std::sin(phi) * s2, 0, -std::sin(phi) * s2};
  double werr = 0;
  for (int i = 0; i < 8; ++i) werr = std::max(werr, std::fabs(a_fused[i] - want[i]));
  CHECK(werr < 1e-8, "late-bound block: max err %.3g against the closed form", werr);
}

int main() {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    test_one_block();
    test_long(2, false);
    test_long(2, true);
    test_long(10, false);
    test_long(10, true);
  } catch (const std::exception& e) {
    CHECK(false, "exception: %s", e.what());
  }
  std::printf("%d passed, %d failed (%.1f s)\n", g_pass, g_fail, seconds_since(t0));
  return g_fail ? 1 : 0;
}
