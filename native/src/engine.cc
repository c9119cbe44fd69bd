// The facade (engine.h): machine queries, validation, State, gradients and
// batches. Everything below picks the kernel table once per call from
// ExecOptions.isa and the precision.
#include "quench/engine.h"

#include <cpuid.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "quench/adjoint.h"
#include "quench/batch.h"
#include "quench/bits.h"
#include "quench/kernels.h"
#include "quench/profile.h"
#include "quench/measure.h"
#include "quench/program.h"
#include "quench/state_space.h"

namespace quench {

const char* to_string(Precision p) { return p == Precision::f32 ? "f32" : "f64"; }
const char* to_string(Isa isa) {
  return isa == Isa::avx512 ? "avx512" : isa == Isa::avx2 ? "avx2" : "scalar";
}

// ---- machine -------------------------------------------------------------------
namespace {
std::uint64_t read_xcr0() {
  std::uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (std::uint64_t(edx) << 32) | eax;
}

CpuInfo detect_cpu() {
  CpuInfo info;
  unsigned a, b, c, d;
  char brand[49] = {0};
  if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000004u) {
    for (unsigned i = 0; i < 3; ++i) {
      __get_cpuid(0x80000002u + i, &a, &b, &c, &d);
      std::memcpy(brand + 16 * i, &a, 4);
      std::memcpy(brand + 16 * i + 4, &b, 4);
      std::memcpy(brand + 16 * i + 8, &c, 4);
      std::memcpy(brand + 16 * i + 12, &d, 4);
    }
  }
  std::string model(brand);
  const auto first = model.find_first_not_of(' ');
  const auto last = model.find_last_not_of(' ');
  info.model = first == std::string::npos ? "unknown" : model.substr(first, last - first + 1);
  bool osxsave = false, fma = false, avx = false;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    fma = (c >> 12) & 1u;
    osxsave = (c >> 27) & 1u;
    avx = (c >> 28) & 1u;
  }
  bool ymm = false, zmm = false;
  if (osxsave) {
    const std::uint64_t xcr0 = read_xcr0();
    ymm = (xcr0 & 0x6) == 0x6;
    zmm = ymm && (xcr0 & 0xE0) == 0xE0;
  }
  unsigned max_leaf = __get_cpuid_max(0, nullptr);
  bool avx2 = false, avx512f = false, avx512dq = false, avx512bw = false, avx512vl = false;
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    avx2 = (b >> 5) & 1u;
    avx512f = (b >> 16) & 1u;
    avx512dq = (b >> 17) & 1u;
    avx512bw = (b >> 30) & 1u;
    avx512vl = (b >> 31) & 1u;
  }
  info.avx2 = avx && avx2 && ymm;
  info.fma = fma && ymm;
  // XCR0 bits 5-7 (opmask, ZMM0-15 upper halves, ZMM16-31): the OS saves them.
  info.avx512f = avx512f && zmm;
  info.avx512dq = avx512dq && zmm;
  info.avx512bw = avx512bw && zmm;
  info.avx512vl = avx512vl && zmm;
  unsigned cores = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) cores = static_cast<unsigned>(CPU_COUNT(&set));
  if (!cores) cores = std::thread::hardware_concurrency();
  info.logical_cores = cores ? cores : 1;
  return info;
}

std::string fmt_gib(double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return buf;
}
}  // namespace

CpuInfo cpu_info() {
  static const CpuInfo info = detect_cpu();
  return info;
}

bool isa_available(Isa isa) {
  const CpuInfo info = cpu_info();
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::avx2: return info.avx2 && info.fma;
    case Isa::avx512:
      return info.avx2 && info.fma && info.avx512f && info.avx512dq && info.avx512bw &&
             info.avx512vl;
  }
  return false;
}

namespace {
Isa initial_isa() {
  static const Isa isa = [] {
    // The best available ISA. Its kernel tables use AVX-512 code only for
    // the kernels where it measured faster than AVX2 (see kernels_avx512.cc,
    // reductions_avx512.cc, fock_avx512.cc, gram_avx512.cc); the rest of
    // the avx512 tables are the AVX2 kernels.
    const Isa best = isa_available(Isa::avx512) ? Isa::avx512
                     : isa_available(Isa::avx2) ? Isa::avx2
                                                : Isa::scalar;
    const char* env = std::getenv("QUENCH_ISA");
    if (!env || !*env || std::string(env) == "auto") return best;
    const std::string e(env);
    Isa want = best;
    if (e == "scalar") want = Isa::scalar;
    else if (e == "avx2") want = Isa::avx2;
    else if (e == "avx512") want = Isa::avx512;
    else {
      std::fprintf(stderr, "quench: QUENCH_ISA=%s is not one of scalar, avx2, avx512, auto; using %s\n",
                   env, to_string(best));
      return best;
    }
    if (!isa_available(want)) {
      std::fprintf(stderr, "quench: QUENCH_ISA=%s is not available on this CPU; using %s\n", env,
                   to_string(best));
      return best;
    }
    return want;
  }();
  return isa;
}
// set_default_isa's choice: -1 while none was made.
std::atomic<int> g_isa_override{-1};
}  // namespace

Isa default_isa() {
  const int o = g_isa_override.load(std::memory_order_relaxed);
  return o >= 0 ? static_cast<Isa>(o) : initial_isa();
}

void set_default_isa(Isa isa) {
  if (isa != Isa::scalar && isa != Isa::avx2 && isa != Isa::avx512)
    throw Error(Error::Kind::Range, "unknown ISA");
  if (!isa_available(isa))
    throw Error(Error::Kind::Range,
                std::string("ISA ") + to_string(isa) + " is not available on this CPU");
  g_isa_override.store(static_cast<int>(isa), std::memory_order_relaxed);
}

std::size_t available_memory_bytes() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  std::size_t value;
  std::string unit;
  while (f >> key >> value) {
    std::getline(f, unit);
    if (key == "MemAvailable:") return value * 1024;
  }
  return 0;
}

void check_memory(std::size_t bytes, const std::string& what) {
  // Reading /proc/meminfo costs ~10 µs, 2% of a 10-qubit energy + gradient
  // (which checks once per call); a request this small that does not fit
  // fails at its allocation anyway (std::bad_alloc, reported as a Memory error).
  if (bytes <= (std::size_t(64) << 20)) return;
  const std::size_t avail = available_memory_bytes();
  if (avail == 0) return;  // unknown: let the allocation decide
  const std::size_t headroom = std::min<std::size_t>(avail / 10, std::size_t(512) << 20);
  if (bytes > avail - headroom)
    throw Error(Error::Kind::Memory, what + " needs " + fmt_gib(double(bytes)) + " but only " +
                                         fmt_gib(double(avail)) + " is available");
}

std::string build_info() {
#ifdef QUENCH_BUILD_FLAGS
  std::string s = QUENCH_BUILD_FLAGS;
#else
  std::string s = "unknown build flags";
#endif
  return s + "; default ISA " + to_string(default_isa());
}

// ---- validation ----------------------------------------------------------------------
namespace {
[[noreturn]] void fail(Error::Kind k, std::size_t gi, const std::string& msg) {
  throw Error(k, "gate " + std::to_string(gi) + ": " + msg);
}
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}
void check_qubit_list(const std::vector<unsigned>& qs, unsigned n, std::size_t gi,
                      const char* what) {
  for (std::size_t j = 0; j < qs.size(); ++j) {
    if (qs[j] >= n)
      fail(Error::Kind::Range, gi,
           std::string(what) + " " + std::to_string(qs[j]) + " out of range for a " +
               std::to_string(n) + "-qubit circuit");
    if (j > 0 && qs[j] == qs[j - 1])
      fail(Error::Kind::Range, gi, std::string(what) + " " + std::to_string(qs[j]) + " repeated");
    if (j > 0 && qs[j] < qs[j - 1])
      fail(Error::Kind::Range, gi, std::string(what) + "s must be in ascending order");
  }
}
void check_finite(const std::vector<double>& v, std::size_t gi, const char* field) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      fail(Error::Kind::Type, gi, std::string(field) + "[" + std::to_string(i) + "] is not finite");
}
constexpr unsigned kMaxQubits = 40;
}  // namespace

void validate(const Circuit& circuit) {
  const unsigned n = circuit.num_qubits;
  if (n > kMaxQubits)
    throw Error(Error::Kind::Range, "circuit has " + std::to_string(n) + " qubits; at most " +
                                        std::to_string(kMaxQubits) + " are supported");
  for (std::size_t gi = 0; gi < circuit.gates.size(); ++gi) {
    const Gate& g = circuit.gates[gi];
    if (g.qubits.empty()) fail(Error::Kind::Range, gi, "gate acts on no qubit");
    check_qubit_list(g.qubits, n, gi, "qubit");
    check_qubit_list(g.controls, n, gi, "control");
    for (unsigned c : g.controls)
      if (std::binary_search(g.qubits.begin(), g.qubits.end(), c))
        fail(Error::Kind::Range, gi, "control " + std::to_string(c) + " is also a target");
    const std::size_t k = g.qubits.size();
    if (!g.diagonal && k > 6)
      fail(Error::Kind::Range, gi,
           "dense gates act on at most 6 qubits (got " + std::to_string(k) + ")");
    const std::size_t D = std::size_t(1) << k;
    if (g.slot >= 0) {
      if (static_cast<unsigned>(g.slot) >= circuit.num_params)
        fail(Error::Kind::Range, gi,
             "slot " + std::to_string(g.slot) + " out of range for " +
                 std::to_string(circuit.num_params) + " parameters");
      if (!std::isfinite(g.scale)) fail(Error::Kind::Type, gi, "scale is not finite");
      if (!std::isfinite(g.offset)) fail(Error::Kind::Type, gi, "offset is not finite");
      const std::size_t want = g.diagonal ? D : 2 * D * D;
      if (g.generator.size() != want)
        fail(Error::Kind::Type, gi,
             "generator has " + std::to_string(g.generator.size()) + " values, expected " +
                 std::to_string(want));
      check_finite(g.generator, gi, "generator");
      if (!g.diagonal) {
        const std::vector<double>& G = g.generator;
        double herm = 0, cube = 0;
        std::vector<double> G2(2 * D * D, 0.0);
        auto mul = [&](const std::vector<double>& A, const std::vector<double>& B,
                       std::vector<double>& C) {
          for (std::size_t r = 0; r < D; ++r)
            for (std::size_t c = 0; c < D; ++c) {
              double re = 0, im = 0;
              for (std::size_t t = 0; t < D; ++t) {
                const double ar = A[2 * (r * D + t)], ai = A[2 * (r * D + t) + 1];
                const double br = B[2 * (t * D + c)], bi = B[2 * (t * D + c) + 1];
                re += ar * br - ai * bi;
                im += ar * bi + ai * br;
              }
              C[2 * (r * D + c)] = re;
              C[2 * (r * D + c) + 1] = im;
            }
        };
        for (std::size_t r = 0; r < D; ++r)
          for (std::size_t c = 0; c < D; ++c) {
            const double dr = G[2 * (r * D + c)] - G[2 * (c * D + r)];
            const double di = G[2 * (r * D + c) + 1] + G[2 * (c * D + r) + 1];
            herm += dr * dr + di * di;
          }
        if (!(std::sqrt(herm) <= 1e-6))  // (NaN when the products overflow: refused too)
          fail(Error::Kind::Type, gi,
               "generator is not Hermitian (\u2016G \u2212 G\u2020\u2016 = " + num(std::sqrt(herm)) + ")");
        std::vector<double> G3(2 * D * D, 0.0);
        mul(G, G, G2);
        mul(G2, G, G3);
        for (std::size_t i = 0; i < 2 * D * D; ++i) cube += (G3[i] - G[i]) * (G3[i] - G[i]);
        if (!(std::sqrt(cube) <= 1e-6))
          fail(Error::Kind::Type, gi,
               "generator does not satisfy G\u00b3 = G (\u2016G\u00b3 \u2212 G\u2016 = " +
                   num(std::sqrt(cube)) + ")");
      }
    } else {
      const std::size_t want = g.diagonal ? 2 * D : 2 * D * D;
      if (g.matrix.size() != want)
        fail(Error::Kind::Type, gi,
             "matrix has " + std::to_string(g.matrix.size()) + " values, expected " +
                 std::to_string(want));
      check_finite(g.matrix, gi, "matrix");
      const std::vector<double>& M = g.matrix;
      double dev = 0;
      if (g.diagonal) {
        for (std::size_t j = 0; j < D; ++j) {
          const double a = M[2 * j] * M[2 * j] + M[2 * j + 1] * M[2 * j + 1] - 1.0;
          dev += a * a;
        }
      } else {
        for (std::size_t r = 0; r < D; ++r)
          for (std::size_t c = 0; c < D; ++c) {
            double re = 0, im = 0;  // (U^dagger U)_{rc} = sum_t conj(U_tr) U_tc
            for (std::size_t t = 0; t < D; ++t) {
              const double ar = M[2 * (t * D + r)], ai = -M[2 * (t * D + r) + 1];
              const double br = M[2 * (t * D + c)], bi = M[2 * (t * D + c) + 1];
              re += ar * br - ai * bi;
              im += ar * bi + ai * br;
            }
            re -= (r == c) ? 1.0 : 0.0;
            dev += re * re + im * im;
          }
      }
      dev = std::sqrt(dev);
      if (!(dev <= 1e-6))  // (NaN when U^dagger U overflows, e.g. an entry of 1e300: refused too)
        fail(Error::Kind::Type, gi,
             "matrix is not unitary (\u2016U\u2020U \u2212 I\u2016 = " + num(dev) + ")");
    }
  }
}

void validate(const PauliSum& observable, unsigned num_qubits) {
  const std::uint64_t allowed = num_qubits >= 64 ? ~std::uint64_t(0) : bit(num_qubits) - 1;
  for (std::size_t t = 0; t < observable.terms.size(); ++t) {
    const PauliTerm& p = observable.terms[t];
    if (!std::isfinite(p.coeff))
      throw Error(Error::Kind::Type, "term " + std::to_string(t) + ": coefficient is not finite");
    const std::uint64_t bad = (p.x_mask | p.z_mask) & ~allowed;
    if (bad)
      throw Error(Error::Kind::Range,
                  "term " + std::to_string(t) + ": qubit " +
                      std::to_string(__builtin_ctzll(bad)) + " out of range for a " +
                      std::to_string(num_qubits) + "-qubit state");
  }
}

// ---- helpers ------------------------------------------------------------------------------
namespace {
template <typename FP>
const KernelTable<FP>& table_for(const ExecOptions& opts) {
  if (opts.isa != Isa::scalar && opts.isa != Isa::avx2 && opts.isa != Isa::avx512)
    throw Error(Error::Kind::Range, "unknown ISA");
  if (!isa_available(opts.isa))
    throw Error(Error::Kind::Range,
                std::string("ISA ") + to_string(opts.isa) + " is not available on this CPU");
  return kernel_table<FP>(opts.isa);
}

std::string state_what(unsigned n, Precision p) {
  return "state vector for " + std::to_string(n) + " qubits (" + to_string(p) + ")";
}

void check_state_size(unsigned n, Precision p) {
  if (n > kMaxQubits)
    throw Error(Error::Kind::Range, state_what(n, p) + ": at most " + std::to_string(kMaxQubits) +
                                        " qubits are supported");
}

std::size_t state_bytes(unsigned n, Precision p) {
  return (p == Precision::f32 ? 8 : 16) * (std::size_t(1) << n);
}

void check_params(const Program& p, const double* params) {
  if (p.num_params == 0) return;
  if (!params) throw Error(Error::Kind::Type, "params is null but the program has parameters");
  for (unsigned i = 0; i < p.num_params; ++i)
    if (!std::isfinite(params[i]))
      throw Error(Error::Kind::Type, "params[" + std::to_string(i) + "] is not finite");
  check_angles(p, params, 1);
}

template <typename FP>
class StateImpl final : public State {
 public:
  explicit StateImpl(unsigned n) : s_(n) {
    s_.set_zero_state(For(n < kParallelMinQubits ? 1u : effective_threads(ExecOptions{})));
  }
  unsigned num_qubits() const override { return s_.n; }
  Precision precision() const override {
    return std::is_same<FP, float>::value ? Precision::f32 : Precision::f64;
  }
  std::size_t bytes() const override { return s_.bytes(); }
  void reset() override { s_.set_zero_state(par(ExecOptions{})); }
  void set_amplitudes(const double* amplitudes) override {
    if (!amplitudes) throw Error(Error::Kind::Type, "amplitudes is null");
    s_.load(amplitudes, par(ExecOptions{}));
  }
  void get_amplitudes(double* out) const override {
    if (!out) throw Error(Error::Kind::Type, "output buffer is null");
    s_.store(out, par(ExecOptions{}));
  }
  void run(const Program& program, const double* params, const ExecOptions& opts) override {
    if (program.n != s_.n)
      throw Error(Error::Kind::Range, "program has " + std::to_string(program.n) +
                                          " qubits but the state has " + std::to_string(s_.n));
    check_params(program, params);
    const KernelTable<FP>& kt = table_for<FP>(opts);
    Progress progress(opts, double(program.ops.size()));
    run_program<FP>(s_.data(), program, params, kt, par(opts), &progress);
    progress.finish();
  }
  void apply(const Gate& gate, const double* params, const ExecOptions& opts) override {
    Circuit c;
    c.num_qubits = s_.n;
    c.num_params = gate.slot >= 0 ? static_cast<unsigned>(gate.slot) + 1 : 0;
    c.gates.push_back(gate);
    if (gate.slot >= 0 && !params)
      throw Error(Error::Kind::Type, "params is null but the gate is parameterised");
    std::shared_ptr<const Program> p = compile_uncached(c, 0);
    if (gate.slot >= 0 && !std::isfinite(params[gate.slot]))
      throw Error(Error::Kind::Type, "params[" + std::to_string(gate.slot) + "] is not finite");
    check_angles(*p, params, 1);
    const KernelTable<FP>& kt = table_for<FP>(opts);
    Progress progress(opts, 1);
    progress.check();
    run_program<FP>(s_.data(), *p, params, kt, par(opts), nullptr);
  }
  double norm_squared(const ExecOptions& opts) const override {
    return table_for<FP>(opts).norm_squared(s_.data(), s_.n, par(opts));
  }
  double expectation(const PauliSum& h, const ExecOptions& opts) const override {
    validate(h, s_.n);
    const KernelTable<FP>& kt = table_for<FP>(opts);
    profile::Scope scope(profile::kExpectation, std::uint64_t(1) << s_.n, is_simd(kt.isa));
    return kt.expectation(s_.data(), s_.n, h.terms.data(), h.terms.size(), par(opts));
  }
  void probabilities(double* out, const ExecOptions& opts) const override {
    if (!out) throw Error(Error::Kind::Type, "output buffer is null");
    table_for<FP>(opts).probabilities(s_.data(), s_.n, out, par(opts));
  }
  void marginal(const std::vector<unsigned>& qubits, double* out,
                const ExecOptions& opts) const override {
    if (!out) throw Error(Error::Kind::Type, "output buffer is null");
    std::uint64_t seen = 0;
    for (unsigned q : qubits) {
      if (q >= s_.n)
        throw Error(Error::Kind::Range, "marginal: qubit " + std::to_string(q) +
                                            " out of range for a " + std::to_string(s_.n) +
                                            "-qubit state");
      if (seen & bit(q))
        throw Error(Error::Kind::Range, "marginal: qubit " + std::to_string(q) + " repeated");
      seen |= bit(q);
    }
    table_for<FP>(opts);
    marginal_probabilities<FP>(s_.data(), s_.n, qubits.data(),
                               static_cast<unsigned>(qubits.size()), out, par(opts));
  }
  std::vector<std::uint64_t> sample(std::size_t shots, std::uint64_t seed,
                                    const ExecOptions& opts) const override {
    if (shots > (std::size_t(1) << 34))
      throw Error(Error::Kind::Range, "too many shots (" + std::to_string(shots) + ")");
    check_memory(shots * 32, std::to_string(shots) + " shots");
    table_for<FP>(opts);
    profile::Scope scope(profile::kSampling, std::uint64_t(1) << s_.n, false);
    return sample_outcomes<FP>(s_.data(), s_.n, shots, seed, par(opts));
  }
  double collapse(unsigned qubit, unsigned outcome, const ExecOptions& opts) override {
    if (qubit >= s_.n)
      throw Error(Error::Kind::Range, "collapse: qubit " + std::to_string(qubit) +
                                          " out of range for a " + std::to_string(s_.n) +
                                          "-qubit state");
    if (outcome > 1) throw Error(Error::Kind::Range, "collapse: outcome must be 0 or 1");
    double m[2];
    marginal(std::vector<unsigned>{qubit}, m, opts);
    const double p = m[outcome];
    if (!(p > 0))
      throw Error(Error::Kind::Range, "collapse: outcome " + std::to_string(outcome) + " of qubit " +
                                          std::to_string(qubit) + " has probability 0");
    // The scale stays in double: for a tiny p, 1/sqrt(p) overflows a float
    // while the renormalised amplitudes do not.
    const double scale = 1.0 / std::sqrt(p);
    const std::uint64_t b = bit(qubit), want = outcome ? b : 0;
    FP* a = s_.data();
    par(opts).run(s_.dim(), [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
      for (std::uint64_t i = lo; i < hi; ++i) {
        const double f = (i & b) == want ? scale : 0.0;
        a[2 * i] = static_cast<FP>(static_cast<double>(a[2 * i]) * f);
        a[2 * i + 1] = static_cast<FP>(static_cast<double>(a[2 * i + 1]) * f);
      }
    });
    return p;
  }
  void copy_from(const State& other) override {
    const auto* o = dynamic_cast<const StateImpl<FP>*>(&other);
    if (!o || o->s_.n != s_.n)
      throw Error(Error::Kind::Range, "copy_from: the states differ in qubits or precision");
    s_.copy_from(o->s_, par(ExecOptions{}));
  }

 private:
  For par(const ExecOptions& opts) const { return make_for(opts, s_.n); }
  StateSpace<FP> s_;
};

template <typename FP>
void run_batch_impl(const Program& p, const double* params, std::size_t batch,
                    const std::vector<PauliSum>& observables, double* out,
                    const ExecOptions& opts) {
  const KernelTable<FP>& kt = table_for<FP>(opts);
  const std::size_t m = observables.size();
  for_batch<StateSpace<FP>>(
      batch, p.n, opts, StateSpace<FP>::bytes_for(p.n),
      "batch scratch (" + state_what(p.n, std::is_same<FP, float>::value ? Precision::f32 : Precision::f64) + " per thread)",
      [&] { return StateSpace<FP>(p.n); },
      [&](std::size_t i, StateSpace<FP>& st, const For& par) {
        const double* pr = params + i * p.num_params;
        st.set_zero_state(par);
        run_program<FP>(st.data(), p, pr, kt, par, nullptr);
        profile::Scope scope(profile::kExpectation, (std::uint64_t(1) << p.n) * m, is_simd(kt.isa));
        for (std::size_t o = 0; o < m; ++o)
          out[i * m + o] = kt.expectation(st.data(), p.n, observables[o].terms.data(),
                                          observables[o].terms.size(), par);
      });
}

template <typename FP>
void gradient_batch_impl(const Program& p, const double* params, std::size_t batch,
                         const PauliSum& h, double* values, double* grads, const ExecOptions& opts) {
  const KernelTable<FP>& kt = table_for<FP>(opts);
  for_batch<AdjointScratch<FP>>(
      batch, p.n, opts, AdjointScratch<FP>::bytes_for(p.n),
      "gradient scratch (2 state vectors of " + std::to_string(p.n) + " qubits per thread)",
      [&] { return AdjointScratch<FP>(p.n); },
      [&](std::size_t i, AdjointScratch<FP>& sc, const For& par) {
        values[i] = adjoint_gradient_impl<FP>(p, params + i * p.num_params, h,
                                              grads + i * p.num_params, kt, par, sc, nullptr);
      });
}

void check_batch_params(const Program& p, const double* params, std::size_t batch) {
  if (p.num_params == 0 || batch == 0) return;
  if (!params) throw Error(Error::Kind::Type, "params is null but the program has parameters");
  if (batch > (std::size_t(1) << 40) / std::max(1u, p.num_params))
    throw Error(Error::Kind::Range, "batch too large");
  for (std::size_t i = 0; i < batch * p.num_params; ++i)
    if (!std::isfinite(params[i]))
      throw Error(Error::Kind::Type, "params[" + std::to_string(i) + "] is not finite");
  check_angles(p, params, batch);
}
}  // namespace

std::unique_ptr<State> State::create(unsigned num_qubits, Precision precision) {
  check_state_size(num_qubits, precision);
  check_memory(state_bytes(num_qubits, precision), state_what(num_qubits, precision));
  try {
    if (precision == Precision::f32) return std::make_unique<StateImpl<float>>(num_qubits);
    return std::make_unique<StateImpl<double>>(num_qubits);
  } catch (const std::bad_alloc&) {
    throw Error(Error::Kind::Memory, state_what(num_qubits, precision) + ": allocation failed");
  }
}

// ---- gradients and batches -------------------------------------------------------------------
double adjoint_gradient(const Program& program, Precision precision, const double* params,
                        const PauliSum& observable, double* grad, const ExecOptions& opts) {
  validate(observable, program.n);
  check_params(program, params);
  if (program.num_params && !grad) throw Error(Error::Kind::Type, "grad is null");
  check_state_size(program.n, precision);
  {
    double v;
    if (qaoa_adjoint_gradient(program, precision, params, observable, grad, opts, &v)) return v;
  }
  check_memory(2 * state_bytes(program.n, precision),
               "adjoint gradient (2 " + state_what(program.n, precision) + ")");
  Progress progress(opts, double(program.gates.size()));
  double v;
  if (precision == Precision::f32) {
    AdjointScratch<float> sc(program.n);
    v = adjoint_gradient_impl<float>(program, params, observable, grad, table_for<float>(opts),
                                     make_for(opts, program.n), sc, &progress);
  } else {
    AdjointScratch<double> sc(program.n);
    v = adjoint_gradient_impl<double>(program, params, observable, grad, table_for<double>(opts),
                                      make_for(opts, program.n), sc, &progress);
  }
  progress.finish();
  return v;
}

double parameter_shift_gradient(const Program& program, Precision precision, const double* params,
                                const PauliSum& observable, double* grad, const ExecOptions& opts) {
  validate(observable, program.n);
  check_params(program, params);
  if (program.num_params && !grad) throw Error(Error::Kind::Type, "grad is null");
  check_state_size(program.n, precision);
  check_memory(state_bytes(program.n, precision), state_what(program.n, precision));
  Progress progress(opts, double(program.gates.size()));
  double v;
  if (precision == Precision::f32)
    v = parameter_shift_impl<float>(program, params, observable, grad, table_for<float>(opts),
                                    make_for(opts, program.n), &progress);
  else
    v = parameter_shift_impl<double>(program, params, observable, grad, table_for<double>(opts),
                                     make_for(opts, program.n), &progress);
  progress.finish();
  return v;
}

void run_batch(const Program& program, Precision precision, const double* params, std::size_t batch,
               const std::vector<PauliSum>& observables, double* out, const ExecOptions& opts) {
  for (const PauliSum& h : observables) validate(h, program.n);
  check_batch_params(program, params, batch);
  if (batch == 0 || observables.empty()) return;
  if (!out) throw Error(Error::Kind::Type, "output buffer is null");
  check_state_size(program.n, precision);
  if (precision == Precision::f32) run_batch_impl<float>(program, params, batch, observables, out, opts);
  else run_batch_impl<double>(program, params, batch, observables, out, opts);
}

void gradient_batch(const Program& program, Precision precision, const double* params,
                    std::size_t batch, const PauliSum& observable, double* values, double* grads,
                    const ExecOptions& opts) {
  validate(observable, program.n);
  check_batch_params(program, params, batch);
  if (batch == 0) return;
  if (!values || (program.num_params && !grads))
    throw Error(Error::Kind::Type, "output buffer is null");
  check_state_size(program.n, precision);
  if (precision == Precision::f32)
    gradient_batch_impl<float>(program, params, batch, observable, values, grads, opts);
  else
    gradient_batch_impl<double>(program, params, batch, observable, values, grads, opts);
}

// ---- benchmarking ---------------------------------------------------------------------------------
double measure_inplace_bandwidth(std::size_t bytes, unsigned threads, unsigned repeats) {
  if (bytes < 4096) bytes = 4096;
  if (bytes > (std::size_t(1) << 40)) throw Error(Error::Kind::Range, "buffer too large");
  check_memory(bytes, "bandwidth buffer");
  if (repeats == 0) repeats = 1;
  const std::size_t count = bytes / sizeof(double) / 32 * 32;  // two halves of 128-byte blocks
  ExecOptions o;
  o.threads = threads;
  const For par(effective_threads(o));
  AlignedBuffer<double> buf(count);
  double* x = buf.data();
  par.run(count, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    for (std::uint64_t i = b; i < e; ++i) x[i] = 1.0;
  });
  const KernelTable<double>& kt =
      kernel_table<double>(isa_available(Isa::avx2) ? Isa::avx2 : Isa::scalar);
  double best = 1e300;
  // Each round times both shapes a gate kernel's passes take: one stream, and
  // two streams half the buffer apart (a gate on the top qubit); the fastest
  // pass is the reference.
  for (unsigned r = 0; r < repeats + 1; ++r)
    for (bool halves : {false, true}) {
      const auto t0 = std::chrono::steady_clock::now();
      kt.scale_add(x, count, 0.999999, 1e-7, halves, par);
      const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (r > 0 || repeats == 1) best = std::min(best, dt);
    }
  return 2.0 * double(count * sizeof(double)) / best;
}

}  // namespace quench
