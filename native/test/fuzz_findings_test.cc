// fuzz_findings_test.cc — the faults the fuzzer (native/fuzz) found, as plain
// unit tests (their reproducers are also replayed from native/fuzz/corpus by
// the fuzz_replay test):
//  1. validate() let a matrix/generator through when U^dagger U (or G^3, G^2)
//     overflowed: the deviation was NaN and `NaN > 1e-6` is false.
//  2. A valid circuit with finite parameters could still produce a NaN state:
//     θ = scale·p + offset overflowing, or θ·λ for a diagonal generator's
//     eigenvalue λ (e.g. λ = 1e300, θ = 2): cos/sin(inf) = NaN. Now every entry
//     point that binds parameters refuses them with Error(Range) naming the gate.
//  3. (below) parameter shift was O(D^4) on a diagonal's eigenvalues.
//  4. State::collapse on an f32 state scaled by float(1/sqrt(p)), which is inf
//     for p below ~1e-77: the kept amplitudes became inf/NaN.
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "quench/engine.h"

using namespace quench;

#include "check.h"

static Gate dense1(std::vector<double> m) {
  Gate g;
  g.qubits = {0};
  g.matrix = std::move(m);
  return g;
}
static Circuit one(Gate g, unsigned n = 2, unsigned np = 0) {
  Circuit c;
  c.num_qubits = n;
  c.num_params = np;
  c.gates.push_back(std::move(g));
  return c;
}

// The options every finding reproduces under: portable kernels, one thread.
static ExecOptions scalar_one_thread() {
  ExecOptions o;
  o.isa = Isa::scalar;
  o.threads = 1;
  return o;
}

static void test_validate_overflow() {
  g_ctx = "validate overflow";
  // U^dagger U overflows to inf - inf = NaN: must still be refused as not unitary
  const double big = 1e300;
  expect_error(Error::Kind::Type, "matrix entry 1e300",
               [&] { validate(one(dense1({-big, -8.7e62, 0, 0.03, 0.24, 0.46, -0.84, 0.17}))); }, "unitary");
  expect_error(Error::Kind::Type, "matrix entries ±1e300",
               [&] { validate(one(dense1({big, 0, big, 0, big, 0, -big, 0}))); }, "unitary");
  Gate g;
  g.qubits = {0};
  g.slot = 0;
  g.generator = {0, 0, big, 0, big, 0, 0, 0};  // Hermitian, but G^3 overflows
  expect_error(Error::Kind::Type, "generator entries 1e300", [&] { validate(one(g, 2, 1)); }, "G\u00b3");
  g.generator = {0, 0, big, big, big, -big, 0, 0};
  expect_error(Error::Kind::Type, "complex generator entries 1e300", [&] { validate(one(g, 2, 1)); });
  // still fine: an exact unitary
  const double s = std::sqrt(0.5);
  try {
    validate(one(dense1({s, 0, s, 0, s, 0, -s, 0})));
    CHECK(true, "%s", "");
  } catch (const Error& e) {
    CHECK(false, "H refused: %s", e.what());
  }
}

static void test_phase_overflow() {
  g_ctx = "phase overflow";
  const ExecOptions o = scalar_one_thread();
  // diagonal generator with a huge eigenvalue: θ·λ = inf at θ = 2, finite at θ = 1e-10
  Gate d;
  d.qubits = {0};
  d.diagonal = true;
  d.slot = 0;
  d.generator = {0.5, 1e308};
  // dense generator (X) with a huge scale: θ = inf
  Gate x;
  x.qubits = {1};
  x.slot = 1;
  x.scale = 1e308;
  x.generator = {0, 0, 1, 0, 1, 0, 0, 0};
  Circuit c;
  c.num_qubits = 2;
  c.num_params = 2;
  c.gates = {d, x};
  auto p = compile(c, 3);
  auto s = State::create(2, Precision::f64);
  PauliSum z;
  z.terms.push_back({1.0, 0, 1});
  const double bad_d[2] = {2.0, 0.0};    // θ_0 · 1e308 overflows
  const double bad_x[2] = {0.0, 10.0};   // θ_1 = 1e309
  const double fine[2] = {1e-10, 1e-300};
  std::vector<double> grad(2), out(64), K(1);
  for (const double* bad : {bad_d, bad_x}) {
    const char* gate = bad == bad_d ? "gate 0" : "gate 1";
    expect_error(Error::Kind::Range, "run", [&] { s->run(*p, bad, o); }, gate);
    expect_error(Error::Kind::Range, "adjoint_gradient",
                 [&] { adjoint_gradient(*p, Precision::f64, bad, z, grad.data(), o); }, gate);
    expect_error(Error::Kind::Range, "parameter_shift_gradient",
                 [&] { parameter_shift_gradient(*p, Precision::f32, bad, z, grad.data(), o); }, gate);
    expect_error(Error::Kind::Range, "run_batch",
                 [&] { run_batch(*p, Precision::f64, bad, 1, {z}, out.data(), o); }, gate);
    expect_error(Error::Kind::Range, "gradient_batch",
                 [&] { gradient_batch(*p, Precision::f64, bad, 1, z, out.data(), grad.data(), o); }, gate);
    expect_error(Error::Kind::Range, "states_batch",
                 [&] { states_batch(*p, Precision::f64, bad, 1, out.data(), o); }, gate);
    expect_error(Error::Kind::Range, "fidelity_kernel",
                 [&] { fidelity_kernel(*p, Precision::f64, bad, 1, nullptr, 1, K.data(), o); }, gate);
    expect_error(Error::Kind::Range, "State::apply",
                 [&] { s->apply(bad == bad_d ? d : x, bad, o); }, "gate 0");  // (a one-gate program)
  }
  // two rows, the second bad: the row is named
  const double rows[4] = {0.1, 0.2, 2.0, 0.0};
  expect_error(Error::Kind::Range, "run_batch row 1", [&] { run_batch(*p, Precision::f64, rows, 2, {z}, out.data(), o); },
               "row 1");
  // finite phases are accepted and unitary
  s->reset();
  s->run(*p, fine, o);
  const double nn = s->norm_squared(o);
  CHECK(std::fabs(nn - 1) < 1e-12, "norm %.17g", nn);
  std::vector<double> a(8);
  s->get_amplitudes(a.data());
  bool finite = true;
  for (double v : a) finite = finite && std::isfinite(v);
  CHECK(finite, "amplitudes not finite");
  // State::apply checks the gate's own parameter
  const double nan_p[2] = {std::numeric_limits<double>::quiet_NaN(), 0};
  expect_error(Error::Kind::Type, "State::apply NaN", [&] { s->apply(d, nan_p, o); }, "params[0]");
}

// 3. parameter_shift_gradient compared every pair of a diagonal generator's
//    eigenvalues against a growing list of frequencies (O(D^4) for distinct
//    ones): a 10-qubit diagonal took ~10 s, a 12-qubit one would take hours
//    before refusing (more than two frequencies). Now it dedupes the
//    eigenvalues first and stops at four.
static void test_shift_spectrum() {
  g_ctx = "parameter shift spectrum";
  const ExecOptions o = scalar_one_thread();
  Gate d;
  d.diagonal = true;
  d.slot = 0;
  for (unsigned q = 0; q < 12; ++q) d.qubits.push_back(q);
  for (std::size_t j = 0; j < (std::size_t(1) << 12); ++j) d.generator.push_back(0.001 * double(j) - 1.5);
  Circuit c = one(d, 12, 1);
  auto p = compile(c, 0);
  PauliSum x0;
  x0.terms.push_back({1.0, 1, 0});
  std::vector<double> grad(1);
  const double theta = 0.3;
  expect_error(Error::Kind::Type, "4096 distinct eigenvalues",
               [&] { parameter_shift_gradient(*p, Precision::f64, &theta, x0, grad.data(), o); }, "two frequencies");
  // {-1, 0, 1} repeated: two frequencies, supported, and equal to the adjoint gradient
  for (std::size_t j = 0; j < d.generator.size(); ++j) d.generator[j] = double(int(j % 3) - 1);
  Gate h;
  h.qubits = {0};
  const double s = std::sqrt(0.5);
  h.matrix = {s, 0, s, 0, s, 0, -s, 0};
  c.gates = {h, d};
  auto p2 = compile(c, 0);
  std::vector<double> ga(1), gs(1);
  adjoint_gradient(*p2, Precision::f64, &theta, x0, ga.data(), o);
  parameter_shift_gradient(*p2, Precision::f64, &theta, x0, gs.data(), o);
  CHECK(std::fabs(ga[0] - gs[0]) < 1e-10, "adjoint %.17g vs shift %.17g", ga[0], gs[0]);
}

static void test_collapse() {
  const ExecOptions o = scalar_one_thread();
  for (Precision prec : {Precision::f64, Precision::f32}) {
    g_ctx = std::string("collapse ") + to_string(prec);
    // |ψ> = a|00> + b|01> (qubit 0 set with amplitude b), b tiny: outcome 1 has p = b²
    auto s = State::create(2, prec);
    const double b = prec == Precision::f32 ? 1e-40 : 1e-150;  // p = 1e-80 (overflows float(1/sqrt p)) / 1e-300
    std::vector<double> amps = {std::sqrt(1 - b * b), 0, b, 0, 0, 0, 0, 0};
    s->set_amplitudes(amps.data());
    std::vector<double> m(2);
    s->marginal({0}, m.data(), o);
    const double p = s->collapse(0, 1, o);
    CHECK(p == m[1], "collapse returned %.17g, marginal %.17g", p, m[1]);
    std::vector<double> after(8);
    s->get_amplitudes(after.data());
    CHECK(std::fabs(after[2] - 1) < 1e-6 && after[0] == 0, "kept amplitude %.17g, dropped %.17g", after[2], after[0]);
    // copy_from: an exact copy, and refused across sizes
    auto c = State::create(2, prec);
    c->copy_from(*s);
    std::vector<double> copied(8);
    c->get_amplitudes(copied.data());
    CHECK(copied == after, "copy differs");
    auto other = State::create(3, prec);
    expect_error(Error::Kind::Range, "copy_from across sizes", [&] { other->copy_from(*s); }, "differ");
    expect_error(Error::Kind::Range, "collapse onto an impossible outcome", [&] { s->collapse(0, 0, o); }, "probability 0");
  }
}

int main() {
  try {
    test_validate_overflow();
    test_phase_overflow();
    test_shift_spectrum();
    test_collapse();
  } catch (const std::exception& e) {
    CHECK(false, "exception: %s", e.what());
  }
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
