// program_fuzzer.cc — coverage-guided fuzzing of the core's entry points
// (libFuzzer: LLVMFuzzerTestOneInput; the same harness also builds with g++
// and replay_main.cc for the regression replay that ctest runs).
//
// The input bytes decode into a quench::Circuit (1..16 qubits, some invalid
// on purpose: repeated, unsorted or out-of-range qubits, controls on targets,
// wrong matrix sizes, NaN/Inf, non-unitary matrices, generators with
// G^3 != G or not Hermitian, slots >= num_params), a Pauli-sum observable,
// parameters and a few choices (fusion, collapse, marginal, amplitudes).
// Invalid input must throw quench::Error, never crash. Valid input must give
// the right answer: every result is checked against an independent dense
// reference simulator (complex<double>, written here from engine.h's
// conventions) and against the other paths of the core:
//   - State f64 (scalar, fusion 0) == reference; |<psi|psi> - 1| small
//   - fusion 1..6 == fusion 0; avx2 == scalar; f32 ~= f64; 2 threads == 1
//   - State::apply gate by gate == run
//   - expectation (State, run_batch) == reference; marginal == summed
//     probabilities, sums to the norm; sample outcomes possible and the same
//     on every ISA and thread count
//   - adjoint_gradient == parameter_shift_gradient (or central differences
//     where parameter shift refuses the spectrum); gradient_batch ==
//     adjoint_gradient; states_batch == run; fidelity_kernel == |<a|b>|^2
//   - copy_from copies exactly; collapse returns the marginal and leaves the
//     renormalised projection
// An oracle failure prints what failed and aborts (libFuzzer records a crash).
#include "splitmix.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "quench/engine.h"

using namespace quench;
using cd = std::complex<double>;

namespace {

std::string g_where;  // what the harness is checking (printed on failure)

// QUENCH_FUZZ_STATS=1: how far inputs get (printed at exit), to see what the
// decoding lets through.
struct Stats {
  std::size_t inputs = 0, valid = 0, simulated = 0, refused_params = 0, gradients = 0, shift = 0,
              differences = 0, amplitudes = 0, big = 0;
  ~Stats() {
    if (inputs && std::getenv("QUENCH_FUZZ_STATS"))
      std::fprintf(stderr,
                   "stats: %zu inputs, %zu valid circuits, %zu simulated (%zu on 13+ qubits), %zu with refused "
                   "params, %zu gradients (%zu parameter shift, %zu differences), %zu amplitude tests\n",
                   inputs, valid, simulated, big, refused_params, gradients, shift, differences, amplitudes);
  }
} g_stats;

[[noreturn]] void fail(const char* fmt, ...) {
  std::fprintf(stderr, "\n*** quench fuzz oracle failed [%s]: ", g_where.c_str());
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::abort();
}
#define ORACLE(cond, ...)         \
  do {                            \
    if (!(cond)) fail(__VA_ARGS__); \
  } while (0)

// ---- input decoding ------------------------------------------------------------------
struct Reader {
  const std::uint8_t* p;
  std::size_t n, i = 0;
  std::uint8_t u8() { return i < n ? p[i++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= std::uint64_t(u8()) << (8 * b);
    return v;
  }
  double raw() {
    const std::uint64_t b = u64();
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
  }
  // A value that stresses validation and arithmetic: a palette of edge cases,
  // or (top bit) 8 raw bytes.
  double special() {
    static const double kPalette[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-7, 1e-6, 1.0 + 1e-6,
                                      1.0 - 1e-7, 1e300, -1e300, 1e-310, 4.9e-324,
                                      std::numeric_limits<double>::quiet_NaN(),
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(), M_PI, 1e6, 1e15,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::min(), 1e-30, M_SQRT1_2, 3.0,
                                      -0.25, 1e154, 1e-154, 65536.0, 1e9, -1e-9, 0.1};
    const std::uint8_t b = u8();
    if (b & 0x80) return raw();
    return kPalette[b % (sizeof kPalette / sizeof kPalette[0])];
  }
};

using Rng = SplitMix64;  // seeded from the input (splitmix.h)

using Mat = std::vector<cd>;  // row-major D x D

Mat identity(std::size_t D) {
  Mat m(D * D);
  for (std::size_t i = 0; i < D; ++i) m[i * D + i] = 1;
  return m;
}
Mat mul(const Mat& a, const Mat& b, std::size_t D) {
  Mat c(D * D);
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t t = 0; t < D; ++t) {
      const cd x = a[r * D + t];
      if (x == cd(0)) continue;
      for (std::size_t k = 0; k < D; ++k) c[r * D + k] += x * b[t * D + k];
    }
  return c;
}
Mat dagger(const Mat& a, std::size_t D) {
  Mat c(D * D);
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t k = 0; k < D; ++k) c[k * D + r] = std::conj(a[r * D + k]);
  return c;
}
Mat kron(const Mat& hi, std::size_t Dh, const Mat& lo, std::size_t Dl) {
  // bit j of the index = qubit j: `lo` acts on the low bits
  const std::size_t D = Dh * Dl;
  Mat m(D * D);
  for (std::size_t rh = 0; rh < Dh; ++rh)
    for (std::size_t ch = 0; ch < Dh; ++ch)
      for (std::size_t rl = 0; rl < Dl; ++rl)
        for (std::size_t cl = 0; cl < Dl; ++cl)
          m[(rh * Dl + rl) * D + (ch * Dl + cl)] = hi[rh * Dh + ch] * lo[rl * Dl + cl];
  return m;
}

// factor() ⊗ … ⊗ factor() of one-qubit (2 x 2) factors up to dimension D.
template <typename F>
Mat kron_product(std::size_t D, F&& factor) {
  Mat m = factor();
  for (std::size_t d = 2; d < D; d *= 2) m = kron(factor(), 2, m, d);
  return m;
}
Mat random_unitary(std::size_t D, Rng& rng) {
  Mat m(D * D);
  for (auto& x : m) x = cd(rng.normal(), rng.normal());
  for (std::size_t c = 0; c < D; ++c) {  // Gram-Schmidt on columns (twice for accuracy)
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t p = 0; p < c; ++p) {
        cd dot = 0;
        for (std::size_t r = 0; r < D; ++r) dot += std::conj(m[r * D + p]) * m[r * D + c];
        for (std::size_t r = 0; r < D; ++r) m[r * D + c] -= dot * m[r * D + p];
      }
    double nn = 0;
    for (std::size_t r = 0; r < D; ++r) nn += std::norm(m[r * D + c]);
    nn = std::sqrt(nn);
    for (std::size_t r = 0; r < D; ++r) m[r * D + c] /= nn;
  }
  return m;
}
// A permutation matrix with phases from {1, i, -1, -i} (exactly unitary).
Mat phased_permutation(std::size_t D, Rng& rng) {
  std::vector<std::size_t> perm(D);
  std::iota(perm.begin(), perm.end(), 0);
  for (std::size_t i = D; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(static_cast<unsigned>(i))]);
  static const cd ph[4] = {cd(1, 0), cd(0, 1), cd(-1, 0), cd(0, -1)};
  Mat m(D * D);
  for (std::size_t r = 0; r < D; ++r) m[r * D + perm[r]] = ph[rng.below(4)];
  return m;
}
const Mat& pauli(unsigned which) {  // I, X, Y, Z
  static const Mat P[4] = {{1, 0, 0, 1}, {0, 1, 1, 0}, {0, cd(0, -1), cd(0, 1), 0}, {1, 0, 0, -1}};
  return P[which & 3];
}
Mat library_1q(unsigned which) {
  const double s = M_SQRT1_2;
  switch (which % 8) {
    case 0: return pauli(0);
    case 1: return pauli(1);
    case 2: return pauli(2);
    case 3: return pauli(3);
    case 4: return {s, s, s, -s};                                   // H
    case 5: return {1, 0, 0, cd(0, 1)};                             // S
    case 6: return {1, 0, 0, std::polar(1.0, M_PI / 4)};            // T
    default: return {cd(0.5, 0.5), cd(0.5, -0.5), cd(0.5, -0.5), cd(0.5, 0.5)};  // sqrt(X)
  }
}
std::vector<double> flat(const Mat& m) {
  std::vector<double> v;
  v.reserve(2 * m.size());
  for (const cd& x : m) {
    v.push_back(x.real());
    v.push_back(x.imag());
  }
  return v;
}

struct Input {
  Circuit c;
  PauliSum obs;
  std::vector<double> params;
  bool params_finite = true;
  unsigned fusion = 0;
  unsigned collapse_qubit = 0, collapse_outcome = 0;
  std::uint64_t marginal_seed = 0, sample_seed = 0;
  bool amplitudes_test = false;
  std::vector<double> amplitudes;  // for set_amplitudes (when amplitudes_test)
};

constexpr unsigned kMaxSimQubits = 16;

unsigned max_gates_for(unsigned n) { return n <= 8 ? 40 : n <= 12 ? 16 : 8; }

Gate decode_gate(Reader& r, unsigned n, unsigned np) {
  Gate g;
  const std::uint8_t kind = r.u8();
  const unsigned type = kind & 3;          // 0 fixed dense, 1 fixed diagonal, 2/3 parameterised
  const unsigned mode = (kind >> 2) & 7;   // how the entries are made (valid or not)
  const unsigned ncontrols = (kind >> 5) & 3;
  const bool raw_qubits = (kind & 0x80) != 0;
  g.diagonal = (type & 1) != 0;
  const bool param = (type & 2) != 0;
  const std::uint8_t kb = r.u8();
  Rng rng{(std::uint64_t(r.u16()) << 8) ^ kb ^ (std::uint64_t(kind) << 32)};
  unsigned maxk = g.diagonal ? std::min(n, 12u) : std::min(n, n >= 13 ? 3u : 6u);
  if (maxk == 0) maxk = 1;
  const unsigned k = 1 + kb % maxk;
  if (raw_qubits) {
    for (unsigned j = 0; j < k; ++j) g.qubits.push_back(r.u8() % (n + 2));
    for (unsigned j = 0; j < ncontrols; ++j) g.controls.push_back(r.u8() % (n + 2));
  } else {
    std::vector<unsigned> pool(n);
    std::iota(pool.begin(), pool.end(), 0u);
    const unsigned want = std::min(k + ncontrols, n);
    for (unsigned j = 0; j < want; ++j) std::swap(pool[j], pool[j + rng.below(n - j)]);
    const unsigned kk = std::min(k, want);
    g.qubits.assign(pool.begin(), pool.begin() + kk);
    g.controls.assign(pool.begin() + kk, pool.begin() + want);
    std::sort(g.qubits.begin(), g.qubits.end());
    std::sort(g.controls.begin(), g.controls.end());
    if (g.qubits.empty()) g.qubits.push_back(0);  // n == 0: invalid on purpose
  }
  const unsigned kq = static_cast<unsigned>(std::min<std::size_t>(g.qubits.size(), g.diagonal ? 12 : 6));
  const std::size_t D = std::size_t(1) << kq;
  std::vector<double> v;
  auto wrong_size = [&](std::vector<double>& x) {
    const unsigned how = r.u8() % 4;
    if (how == 0) x.clear();
    else if (how == 1) x.pop_back();
    else if (how == 2) x.push_back(0.0);
    else x.resize(x.size() * 2, 0.5);
  };
  auto perturb = [&](std::vector<double>& x) {
    const double eps = std::pow(10.0, -double(1 + r.u8() % 13));
    for (double& e : x) e += eps * rng.normal();
  };
  // Modes 2-4 spoil a valid matrix: near-unitary, special values (NaN, inf, huge), wrong length.
  auto spoil = [&](std::vector<double>& x, unsigned how) {
    if (how == 2) perturb(x);
    if (how == 3)
      for (double& e : x)
        if (r.u8() & 1) e = r.special();
    if (how == 4) wrong_size(x);
  };
  if (!param && !g.diagonal) {  // fixed dense
    Mat m;
    switch (mode) {
      case 0: {  // library gates (exact), Kronecker products of them
        m = kron_product(D, [&] { return library_1q(rng.below(8)); });
        break;
      }
      case 1: m = random_unitary(D, rng); break;
      case 5: m = phased_permutation(D, rng); break;
      case 6: m = mul(phased_permutation(D, rng), random_unitary(D, rng), D); break;
      default: m = random_unitary(D, rng); break;
    }
    v = flat(m);
    spoil(v, mode);
    if (mode == 7) g.generator = v;
    else g.matrix = std::move(v);
  } else if (!param) {  // fixed diagonal
    v.resize(2 * D);
    const unsigned distinct = 1 + r.u16() % 300;
    std::vector<double> phases(distinct);
    for (double& p : phases) p = 2 * M_PI * rng.uniform();
    for (std::size_t j = 0; j < D; ++j) {
      double ph;
      if (mode == 0) ph = phases[rng.below(distinct)];      // few distinct values (indexed)
      else if (mode == 5) ph = M_PI / 2 * rng.below(4);      // ±1, ±i
      else if (mode == 6) ph = 0;                            // identity
      else ph = 2 * M_PI * rng.uniform();
      v[2 * j] = std::cos(ph);
      v[2 * j + 1] = std::sin(ph);
    }
    spoil(v, mode);
    if (mode == 7) g.generator = v;
    else g.matrix = std::move(v);
  } else if (!g.diagonal) {  // parameterised dense: generator with G^3 = G
    Mat G;
    switch (mode) {
      case 0: {  // Pauli string (at least one non-identity factor when possible)
        G = kron_product(D, [&] { return pauli(rng.below(4)); });
        break;
      }
      case 5: {  // permutation-conjugated diagonal of {-1, 0, 1}: exact
        Mat P = phased_permutation(D, rng), E(D * D);
        for (std::size_t i = 0; i < D; ++i) E[i * D + i] = double(int(rng.below(3)) - 1);
        G = mul(mul(P, E, D), dagger(P, D), D);
        break;
      }
      case 6: {  // invalid: 2 P (G^3 = 8 G) or i P (not Hermitian)
        G = pauli(1 + rng.below(3));
        std::size_t d = 2;
        while (d < D) {
          G = kron(pauli(rng.below(4)), 2, G, d);
          d *= 2;
        }
        for (cd& x : G) x *= (rng.below(2) ? cd(2, 0) : cd(0, 1));
        break;
      }
      default: {  // V diag(e) V^dagger, e in {-1, 0, 1}
        Mat V = random_unitary(D, rng), E(D * D);
        for (std::size_t i = 0; i < D; ++i) E[i * D + i] = double(int(rng.below(3)) - 1);
        G = mul(mul(V, E, D), dagger(V, D), D);
        break;
      }
    }
    v = flat(G);
    spoil(v, mode);
    if (mode == 7) g.matrix = v;
    else g.generator = std::move(v);
  } else {  // parameterised diagonal: real eigenvalues
    v.resize(D);
    static const double kSmall[] = {-1, 0, 1, 0.5, -0.5, 2};
    const unsigned distinct = 1 + r.u16() % 300;
    std::vector<double> vals(distinct);
    for (double& x : vals) x = 6 * rng.uniform() - 3;
    for (std::size_t j = 0; j < D; ++j) {
      if (mode == 0) v[j] = kSmall[rng.below(6)];
      else if (mode == 2) v[j] = vals[rng.below(distinct)];
      else if (mode == 5) v[j] = (rng.below(2) ? 1.0 : -1.0);
      else if (mode == 6) v[j] = std::ldexp(1.0 + rng.uniform(), 10 + static_cast<int>(rng.below(17)));
      else v[j] = 6 * rng.uniform() - 3;
    }
    if (mode == 3)
      for (double& e : v)
        if (r.u8() & 1) e = r.special();
    if (mode == 4) wrong_size(v);
    if (mode == 7) g.matrix = v;
    else g.generator = std::move(v);
  }
  if (param) {
    const std::uint8_t sb = r.u8();
    g.slot = (sb & 0x80) ? int(sb & 0x7f) - 1 : (np ? int(sb % np) : 0);
    const std::uint8_t xb = r.u8();
    static const double kScale[] = {1, 0.5, -1, 2, 0.25, -0.5, 3, 0};
    static const double kOffset[] = {0, 0.1, -0.3, M_PI / 2, M_PI, -1, 2, 0.7};
    g.scale = (xb & 0x80) ? r.special() : kScale[xb & 7];
    g.offset = (xb & 0x40) ? r.special() : kOffset[(xb >> 3) & 7];
  }
  return g;
}

Input decode(const std::uint8_t* data, std::size_t size) {
  Reader r{data, size};
  Input in;
  const std::uint8_t b0 = r.u8();
  // Mostly 1..10 qubits; 0xf0..0xff: the edges (0, 41) and 11..16 qubits
  // (tiled execution from 14 on, parallel kernels), which cost much more.
  static const unsigned kBig[16] = {0, 11, 12, 13, 14, 15, 16, 41, 11, 12, 11, 12, 13, 14, 11, 12};
  in.c.num_qubits = b0 >= 0xf0 ? kBig[b0 & 15] : 1 + b0 % 10;
  const unsigned n = in.c.num_qubits;
  const std::uint8_t b1 = r.u8();
  in.c.num_params = (b1 & 0x80) ? (b1 & 0x7f) : b1 % 5;
  const unsigned ngates = r.u8() % (max_gates_for(std::min(n, kMaxSimQubits)) + 1);
  const std::uint8_t flags = r.u8();
  in.fusion = r.u8() % 7;
  const std::uint8_t cb = r.u8();
  in.collapse_qubit = n ? (cb >> 1) % n : 0;
  in.collapse_outcome = cb & 1;
  in.marginal_seed = r.u16();
  in.sample_seed = r.u16();
  // parameters
  in.params.resize(in.c.num_params);
  for (double& p : in.params) p = (flags & 1) && (r.u8() & 1) ? r.special() : (double(r.u8()) - 128) / 32;
  for (double p : in.params) in.params_finite = in.params_finite && std::isfinite(p);
  // observable
  const unsigned nterms = r.u8() % 5;
  const std::uint64_t qmask = n >= 64 ? ~0ull : (1ull << n) - 1;
  for (unsigned t = 0; t < nterms; ++t) {
    PauliTerm term;
    const std::uint8_t tb = r.u8();
    static const double kCoeff[] = {1, -1, 0.5, 2, -0.25, 0, 3, 1.5};
    term.coeff = (flags & 2) && (tb & 0x80) ? r.special() : kCoeff[tb & 7];
    if ((flags & 2) && (tb & 0x40)) {
      term.x_mask = r.u64();
      term.z_mask = r.u64();
    } else {
      term.x_mask = r.u16() & qmask;
      term.z_mask = r.u16() & qmask;
    }
    in.obs.terms.push_back(term);
  }
  // amplitudes for the set_amplitudes / collapse checks
  in.amplitudes_test = (flags & 4) != 0 && n >= 1 && n <= 10;
  if (in.amplitudes_test) {
    in.amplitudes.resize(2 * (std::size_t(1) << n));
    Rng rng{r.u16() + 1ull};
    const std::uint8_t tiny = r.u8();
    for (double& a : in.amplitudes) a = rng.normal();
    // zero (or scale down) the half of the collapse outcome, so that the
    // outcome is impossible or has a tiny probability
    if (tiny & 8) {
      const unsigned q = in.collapse_qubit;
      for (std::size_t i = 0; i < in.amplitudes.size() / 2; ++i)
        if (((i >> q) & 1u) == in.collapse_outcome && !(tiny & 16)) {
          in.amplitudes[2 * i] = 0;
          in.amplitudes[2 * i + 1] = 0;
        } else if (((i >> q) & 1u) == in.collapse_outcome) {
          in.amplitudes[2 * i] *= 1e-30;
          in.amplitudes[2 * i + 1] *= 1e-30;
        }
    }
    // then a few tiny amplitudes (denormal in float, or near the double limit)
    const unsigned count = tiny & 7;
    for (unsigned j = 0; j < count; ++j) {
      const std::size_t i = r.u16() % in.amplitudes.size();
      in.amplitudes[i] = std::ldexp(rng.uniform() + 0.5, -int(20 + r.u8() * 4));
    }
  }
  for (unsigned gi = 0; gi < ngates; ++gi)
    in.c.gates.push_back(decode_gate(r, n, in.c.num_params));
  return in;
}

// ---- reference simulator (dense, complex<double>, straight from engine.h) ----------------
double angle(const Gate& g, const double* params) { return g.scale * params[g.slot] + g.offset; }

// The gate's matrix at params: dense D x D (or diagonal D entries).
Mat gate_matrix(const Gate& g, const double* params) {
  const std::size_t D = std::size_t(1) << g.qubits.size();
  Mat m;
  if (g.slot < 0) {
    m.resize(g.matrix.size() / 2);
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = cd(g.matrix[2 * i], g.matrix[2 * i + 1]);
    return m;
  }
  const double th = angle(g, params);
  if (g.diagonal) {
    m.resize(D);
    for (std::size_t j = 0; j < D; ++j) m[j] = std::exp(cd(0, -th * g.generator[j]));
    return m;
  }
  Mat G(D * D);
  for (std::size_t i = 0; i < D * D; ++i) G[i] = cd(g.generator[2 * i], g.generator[2 * i + 1]);
  const Mat G2 = mul(G, G, D);
  m = identity(D);
  const double c1 = std::cos(th) - 1, sn = std::sin(th);
  for (std::size_t i = 0; i < D * D; ++i) m[i] += c1 * G2[i] - cd(0, sn) * G[i];
  return m;
}

void ref_apply(std::vector<cd>& psi, unsigned n, const Gate& g, const double* params) {
  const Mat M = gate_matrix(g, params);
  const std::size_t D = std::size_t(1) << g.qubits.size();
  std::uint64_t cmask = 0, tmask = 0;
  for (unsigned c : g.controls) cmask |= 1ull << c;
  for (unsigned q : g.qubits) tmask |= 1ull << q;
  std::vector<cd> out(psi);
  std::vector<cd> col(D);
  for (std::uint64_t base = 0; base < (1ull << n); ++base) {
    if ((base & tmask) != 0 || (base & cmask) != cmask) continue;
    std::vector<std::uint64_t> idx(D);
    for (std::size_t r = 0; r < D; ++r) {
      std::uint64_t i = base;
      for (std::size_t j = 0; j < g.qubits.size(); ++j)
        if ((r >> j) & 1) i |= 1ull << g.qubits[j];
      idx[r] = i;
    }
    for (std::size_t r = 0; r < D; ++r) {
      if (g.diagonal) {
        out[idx[r]] = M[r] * psi[idx[r]];
        continue;
      }
      cd acc = 0;
      for (std::size_t c = 0; c < D; ++c) acc += M[r * D + c] * psi[idx[c]];
      out[idx[r]] = acc;
    }
  }
  psi.swap(out);
}

std::vector<cd> ref_run(const Circuit& c, const double* params) {
  std::vector<cd> psi(std::size_t(1) << c.num_qubits);
  psi[0] = 1;
  for (const Gate& g : c.gates) ref_apply(psi, c.num_qubits, g, params);
  return psi;
}

double ref_expectation(const std::vector<cd>& psi, const PauliSum& h) {
  double total = 0;
  static const cd kI[4] = {cd(1, 0), cd(0, 1), cd(-1, 0), cd(0, -1)};
  for (const PauliTerm& t : h.terms) {
    const cd ph = kI[__builtin_popcountll(t.x_mask & t.z_mask) & 3];
    cd e = 0;
    for (std::uint64_t i = 0; i < psi.size(); ++i) {
      const double sg = __builtin_parityll(i & t.z_mask) ? -1.0 : 1.0;
      e += std::conj(psi[i ^ t.x_mask]) * ph * sg * psi[i];
    }
    total += t.coeff * e.real();
  }
  return total;
}

// Whether a parameterised gate's phases are finite at params (θ and 2·θ·max|λ|,
// the core's check_angles); fixed gates always are.
bool phases_finite(const Gate& g, const double* params) {
  if (g.slot < 0) return true;
  double lam = g.diagonal ? 0.0 : 1.0;
  if (g.diagonal)
    for (double l : g.generator) lam = std::max(lam, std::fabs(l));
  const double th = angle(g, params);
  return std::isfinite(th) && std::isfinite(2 * th * lam);
}

// ---- helpers over the core's State ---------------------------------------------------------
std::vector<double> amplitudes(const State& s) {
  std::vector<double> a(2 * (std::size_t(1) << s.num_qubits()));
  s.get_amplitudes(a.data());
  return a;
}
double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::fabs(a[i] - b[i]);
    if (!(d <= m)) m = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
  }
  return m;
}
double max_diff(const std::vector<double>& a, const std::vector<cd>& ref) {
  if (a.size() != 2 * ref.size()) return std::numeric_limits<double>::infinity();
  double m = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double d = std::max(std::fabs(a[2 * i] - ref[i].real()), std::fabs(a[2 * i + 1] - ref[i].imag()));
    if (!(d <= m)) m = std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
  }
  return m;
}
ExecOptions opts(Isa isa, unsigned threads) {
  ExecOptions o;
  o.isa = isa;
  o.threads = threads;
  return o;
}
const char* pname(Precision p) { return p == Precision::f32 ? "f32" : "f64"; }

template <typename F>
bool throws_error(F&& f, const char* what) {
  try {
    f();
  } catch (const Error&) {
    return true;
  } catch (const std::exception& e) {
    fail("%s threw %s, not quench::Error", what, e.what());
  }
  return false;
}

// ---- the checks -----------------------------------------------------------------------------
struct Ctx {
  const Input& in;
  unsigned n;
  std::size_t G;           // gates
  std::vector<Isa> isas;
  double tol64, tol32, normtol;
  double C = 0;            // sum |coeff|
  double W = 0;            // sum over parameterised gates of |scale| * max |eigenvalue|
};

void check_state_paths(Ctx& x, const std::vector<cd>& ref) {
  const Circuit& c = x.in.c;
  const double* params = x.in.params.data();
  // f64 scalar fusion 0 against the reference
  g_where = "run f64/scalar/fusion 0 vs reference";
  auto p0 = compile(c, 0);
  auto s0 = State::create(x.n, Precision::f64);
  s0->run(*p0, params, opts(Isa::scalar, 1));
  const std::vector<double> a0 = amplitudes(*s0);
  double d = max_diff(a0, ref);
  ORACLE(d <= x.tol64, "max |amp - ref| = %.3g (tol %.3g)", d, x.tol64);
  double refnorm = 0;
  for (const cd& z : ref) refnorm += std::norm(z);
  ORACLE(std::fabs(refnorm - 1) <= x.normtol, "reference norm %.17g: validation let a non-unitary through",
         refnorm);
  // every fusion level (large states: the input's and 4)
  std::vector<unsigned> levels = {1, 2, 3, 4, 5, 6};
  if (x.n >= 13) levels = {std::max(1u, x.in.fusion), 4};
  for (unsigned f : levels) {
    g_where = "run f64/scalar/fusion " + std::to_string(f) + " vs fusion 0";
    auto pf = compile(c, f);
    ORACLE(stats(*pf).gates == x.G, "stats.gates %zu", stats(*pf).gates);
    auto sf = State::create(x.n, Precision::f64);
    sf->run(*pf, params, opts(Isa::scalar, 1));
    d = max_diff(amplitudes(*sf), a0);
    ORACLE(d <= x.tol64, "max |fused - unfused| = %.3g (tol %.3g)", d, x.tol64);
  }
  // ISA x precision x threads at the input's fusion level
  auto pF = compile(c, x.in.fusion);
  for (Isa isa : x.isas)
    for (Precision prec : {Precision::f64, Precision::f32})
      for (unsigned t : {1u, 2u}) {
        // large states: scalar on 1 thread, the best ISA on 2
        if (x.n >= 13 && (isa == Isa::scalar) != (t == 1)) continue;
        g_where = std::string("run ") + to_string(isa) + "/" + pname(prec) + "/t" + std::to_string(t) +
                  "/fusion " + std::to_string(x.in.fusion);
        auto s = State::create(x.n, prec);
        s->run(*pF, params, opts(isa, t));
        const std::vector<double> a = amplitudes(*s);
        const double tol = prec == Precision::f64 ? x.tol64 : x.tol32;
        d = max_diff(a, a0);
        ORACLE(d <= tol, "max |amp - f64 scalar| = %.3g (tol %.3g)", d, tol);
        const double nn = s->norm_squared(opts(isa, t));
        ORACLE(std::fabs(nn - 1) <= x.normtol + (prec == Precision::f32 ? x.tol32 : 0),
               "norm_squared %.17g", nn);
        // expectation against the reference
        if (!x.in.obs.terms.empty()) {
          bool obs_ok = !throws_error([&] { validate(x.in.obs, x.n); }, "validate(observable)");
          if (obs_ok && x.C < 1e290) {  // (at ~DBL_MAX the value itself overflows: inf - inf)
            const double e = s->expectation(x.in.obs, opts(isa, t));
            const double er = ref_expectation(ref, x.in.obs);
            const double etol = (prec == Precision::f64 ? x.tol64 : x.tol32) * 4 * (1 + x.C);
            ORACLE(std::fabs(e - er) <= etol, "expectation %.17g vs reference %.17g", e, er);
          } else if (!obs_ok) {
            ORACLE(throws_error([&] { s->expectation(x.in.obs, opts(isa, t)); }, "expectation"),
                   "expectation accepted an invalid observable");
          }
        }
        // probabilities and marginals
        std::vector<double> probs(std::size_t(1) << x.n);
        s->probabilities(probs.data(), opts(isa, t));
        double psum = 0;
        for (std::size_t i = 0; i < probs.size(); ++i) {
          ORACLE(probs[i] >= 0, "probability %zu negative", i);
          psum += probs[i];
        }
        ORACLE(std::fabs(psum - nn) <= 1e-9 + 1e-6 * (prec == Precision::f32), "probabilities sum %.17g, norm %.17g", psum, nn);
        Rng mr{x.in.marginal_seed};
        std::vector<unsigned> qs;
        for (unsigned q = 0; q < x.n; ++q)
          if (mr.below(2)) qs.push_back(q);
        for (std::size_t i = qs.size(); i > 1; --i) std::swap(qs[i - 1], qs[mr.below(static_cast<unsigned>(i))]);
        std::vector<double> marg(std::size_t(1) << qs.size());
        s->marginal(qs, marg.data(), opts(isa, t));
        std::vector<double> want(marg.size(), 0.0);
        for (std::uint64_t i = 0; i < probs.size(); ++i) {
          std::uint64_t j = 0;
          for (std::size_t b = 0; b < qs.size(); ++b) j |= ((i >> qs[b]) & 1ull) << b;
          want[j] += probs[i];
        }
        double msum = 0;
        for (std::size_t j = 0; j < marg.size(); ++j) {
          msum += marg[j];
          ORACLE(std::fabs(marg[j] - want[j]) <= 1e-9, "marginal[%zu] %.17g vs summed probabilities %.17g", j,
                 marg[j], want[j]);
        }
        ORACLE(std::fabs(msum - 1) <= x.normtol + (prec == Precision::f32 ? x.tol32 : 0), "marginal sums to %.17g",
               msum);
        // sampling: possible outcomes, the same on every ISA and thread count
        const auto shots = s->sample(24, x.in.sample_seed, opts(isa, t));
        const auto shots_ref = s->sample(24, x.in.sample_seed, opts(Isa::scalar, 1));
        ORACLE(shots == shots_ref, "sample differs between %s/t%u and scalar/t1", to_string(isa), t);
        for (std::uint64_t o : shots) {
          ORACLE(o < probs.size(), "sample outcome %llu out of range", (unsigned long long)o);
          ORACLE(probs[o] > 0, "sample outcome %llu has probability 0", (unsigned long long)o);
        }
      }
  // State::apply gate by gate (compile_uncached per gate) == run
  g_where = "State::apply gate by gate vs run";
  auto sa = State::create(x.n, Precision::f64);
  for (const Gate& g : c.gates) sa->apply(g, params, opts(Isa::scalar, 1));
  d = max_diff(amplitudes(*sa), a0);
  ORACLE(d <= x.tol64, "max |apply - run| = %.3g", d);
  // copy_from and collapse
  for (Precision prec : {Precision::f64, Precision::f32}) {
    g_where = std::string("copy_from/collapse ") + pname(prec);
    auto s = State::create(x.n, prec);
    s->run(*pF, params, opts(Isa::scalar, 1));
    auto copy = State::create(x.n, prec);
    copy->copy_from(*s);
    const std::vector<double> before = amplitudes(*s);
    ORACLE(max_diff(amplitudes(*copy), before) == 0, "copy_from is not exact");
    auto other = State::create(x.n, prec == Precision::f64 ? Precision::f32 : Precision::f64);
    ORACLE(throws_error([&] { other->copy_from(*s); }, "copy_from"), "copy_from across precisions accepted");
    if (x.n > 0) {
      double m[2];
      copy->marginal({x.in.collapse_qubit}, m, opts(Isa::scalar, 1));
      const unsigned o = x.in.collapse_outcome;
      if (m[o] > 0) {
        const double p = copy->collapse(x.in.collapse_qubit, o, opts(x.isas.back(), 2));
        ORACLE(std::fabs(p - m[o]) <= 1e-12 * (1 + m[o]), "collapse returned %.17g, marginal %.17g", p, m[o]);
        const std::vector<double> after = amplitudes(*copy);
        const double inv = 1 / std::sqrt(p);
        double err = 0;
        for (std::size_t i = 0; i < after.size() / 2; ++i) {
          const bool keep = ((i >> x.in.collapse_qubit) & 1u) == o;
          for (int part = 0; part < 2; ++part) {
            const double want = keep ? before[2 * i + part] * inv : 0.0;
            const double e = std::fabs(after[2 * i + part] - want);
            err = std::isnan(e) ? std::numeric_limits<double>::infinity() : std::max(err, e);
          }
        }
        ORACLE(err <= (prec == Precision::f64 ? 1e-12 : 1e-6), "collapse amplitudes off by %.3g (p = %.3g)", err, p);
        if (p > 1e-20) {
          const double nn = copy->norm_squared(opts(Isa::scalar, 1));
          ORACLE(std::fabs(nn - 1) <= (prec == Precision::f64 ? 1e-9 : 1e-5), "norm after collapse %.17g", nn);
        }
        ORACLE(max_diff(amplitudes(*s), before) == 0, "collapse of a copy changed the original");
      } else {
        ORACLE(throws_error([&] { copy->collapse(x.in.collapse_qubit, o, opts(Isa::scalar, 1)); }, "collapse"),
               "collapse onto an outcome of probability 0 did not throw");
      }
      ORACLE(throws_error([&] { copy->collapse(x.n, 0, opts(Isa::scalar, 1)); }, "collapse"),
             "collapse of qubit %u accepted", x.n);
      ORACLE(throws_error([&] { copy->collapse(0, 2, opts(Isa::scalar, 1)); }, "collapse"),
             "collapse onto outcome 2 accepted");
    }
  }
}

void check_batches(Ctx& x, const std::vector<cd>& ref) {
  const Circuit& c = x.in.c;
  const unsigned np = c.num_params;
  bool obs_ok = !throws_error([&] { validate(x.in.obs, x.n); }, "validate(observable)");
  // two parameter rows: the input's and a shifted copy
  std::vector<double> rows(2 * np);
  for (unsigned j = 0; j < np; ++j) {
    rows[j] = x.in.params[j];
    rows[np + j] = x.in.params[j] + 0.3;
  }
  auto pF = compile(c, x.in.fusion);
  std::vector<std::vector<double>> row_amps(2);
  for (int r = 0; r < 2; ++r) {
    auto s = State::create(x.n, Precision::f64);
    s->run(*pF, rows.data() + r * np, opts(Isa::scalar, 1));
    row_amps[r] = amplitudes(*s);
  }
  PauliSum z0;
  z0.terms.push_back({1.0, 0, 1});
  for (Isa isa : x.isas)
    for (Precision prec : {Precision::f64, Precision::f32})
      for (unsigned t : {1u, 2u}) {
        g_where = std::string("batches ") + to_string(isa) + "/" + pname(prec) + "/t" + std::to_string(t);
        const double tol = prec == Precision::f64 ? x.tol64 : x.tol32;
        const ExecOptions o = opts(isa, t);
        if (obs_ok && x.n > 0 && x.C < 1e290) {
          std::vector<double> out(4);
          run_batch(*pF, prec, rows.data(), 2, {x.in.obs, z0}, out.data(), o);
          for (int r = 0; r < 2; ++r) {
            auto s = State::create(x.n, Precision::f64);
            s->run(*pF, rows.data() + r * np, opts(Isa::scalar, 1));
            const double e = s->expectation(x.in.obs, opts(Isa::scalar, 1));
            const double ez = s->expectation(z0, opts(Isa::scalar, 1));
            ORACLE(std::fabs(out[2 * r] - e) <= tol * 4 * (1 + x.C), "run_batch row %d: %.17g vs State %.17g", r,
                   out[2 * r], e);
            ORACLE(std::fabs(out[2 * r + 1] - ez) <= tol * 4, "run_batch row %d <Z0>: %.17g vs State %.17g", r,
                   out[2 * r + 1], ez);
          }
        } else if (!obs_ok) {
          std::vector<double> out(4);
          ORACLE(throws_error([&] { run_batch(*pF, prec, rows.data(), 2, {x.in.obs}, out.data(), o); },
                              "run_batch"),
                 "run_batch accepted an invalid observable");
        }
        // (fidelity_kernel always multiplies whole 48 x 48 tiles, so two
        // variants of it are enough here)
        const bool first = isa == Isa::scalar && prec == Precision::f64 && t == 1;
        const bool last = isa == x.isas.back() && prec == Precision::f32 && t == 2;
        if (x.n <= 12 && (first || last)) {
          const std::size_t len = 2 * (std::size_t(1) << x.n);
          std::vector<double> st(2 * len);
          states_batch(*pF, prec, rows.data(), 2, st.data(), o);
          for (int r = 0; r < 2; ++r) {
            const std::vector<double> row(st.begin() + r * len, st.begin() + (r + 1) * len);
            const double d = max_diff(row, row_amps[r]);
            ORACLE(d <= tol, "states_batch row %d off by %.3g", r, d);
          }
          std::vector<double> K(4), Kab(4);
          fidelity_kernel(*pF, prec, rows.data(), 2, nullptr, 2, K.data(), o);
          std::vector<double> swapped(rows.begin() + np, rows.end());
          swapped.insert(swapped.end(), rows.begin(), rows.begin() + np);
          fidelity_kernel(*pF, prec, rows.data(), 2, swapped.data(), 2, Kab.data(), o);
          for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) {
              cd ip = 0;
              for (std::size_t i = 0; i < len / 2; ++i)
                ip += std::conj(cd(row_amps[a][2 * i], row_amps[a][2 * i + 1])) *
                      cd(row_amps[b][2 * i], row_amps[b][2 * i + 1]);
              const double want = std::norm(ip);
              ORACLE(std::fabs(K[2 * a + b] - want) <= 4 * tol + 4 * x.normtol, "fidelity K[%d][%d] %.17g vs %.17g",
                     a, b, K[2 * a + b], want);
              ORACLE(std::fabs(Kab[2 * a + (1 - b)] - want) <= 4 * tol + 4 * x.normtol,
                     "fidelity K_ab[%d][%d] %.17g vs %.17g", a, 1 - b, Kab[2 * a + (1 - b)], want);
            }
        }
      }
  (void)ref;
}

void check_gradients(Ctx& x, const std::vector<cd>& ref) {
  const Circuit& c = x.in.c;
  const unsigned np = c.num_params;
  if (np == 0 || x.n == 0 || x.n > 10) return;
  if (throws_error([&] { validate(x.in.obs, x.n); }, "validate(observable)")) return;
  // Skip where the numbers themselves overflow or lose all precision: a phase
  // θ·λ beyond ~1e6 has an ulp that swamps the shifts and differences (at
  // offset 1e300, θ ± π/2 == θ: the shifted circuits are the same).
  if (!(x.W < 1e4) || !(x.C < 1e6)) return;
  for (const Gate& g : c.gates) {
    if (g.slot < 0) continue;
    double lam = g.diagonal ? 0.0 : 1.0;
    if (g.diagonal)
      for (double l : g.generator) lam = std::max(lam, std::fabs(l));
    if (!(std::fabs(angle(g, x.in.params.data())) * std::max(lam, 1.0) < 1e6)) return;
  }
  const double* params = x.in.params.data();
  auto p0 = compile(c, x.in.fusion);
  g_where = "adjoint_gradient f64/scalar";
  std::vector<double> ga(np), gs(np);
  const double va = adjoint_gradient(*p0, Precision::f64, params, x.in.obs, ga.data(), opts(Isa::scalar, 1));
  const double er = ref_expectation(ref, x.in.obs);
  ORACLE(std::fabs(va - er) <= x.tol64 * 4 * (1 + x.C), "adjoint value %.17g vs reference %.17g", va, er);
  const double gtol = 2e-5 * (1 + x.C) * (1 + x.W) * (1 + 0.1 * x.G);
  // the reference gradient: parameter shift, or central differences where it refuses the spectrum
  bool shift = true;
  try {
    g_where = "parameter_shift_gradient f64/scalar";
    const double vs = parameter_shift_gradient(*p0, Precision::f64, params, x.in.obs, gs.data(), opts(Isa::scalar, 1));
    ORACLE(std::fabs(vs - er) <= x.tol64 * 4 * (1 + x.C), "parameter-shift value %.17g vs reference %.17g", vs, er);
  } catch (const Error& e) {
    ORACLE(e.kind == Error::Kind::Type, "parameter shift threw %s", e.what());
    shift = false;
  }
  ++g_stats.gradients;
  ++(shift ? g_stats.shift : g_stats.differences);
  if (!shift) {
    g_where = "central differences";
    const double h = 1e-5 / (1 + x.W);
    std::vector<double> pp(x.in.params);
    auto f = [&](const std::vector<double>& p) {
      return ref_expectation(ref_run(c, p.data()), x.in.obs);
    };
    for (unsigned j = 0; j < np; ++j) {
      const double keep = pp[j];
      pp[j] = keep + h;
      const double fp = f(pp);
      pp[j] = keep - h;
      const double fm = f(pp);
      pp[j] = keep;
      gs[j] = (fp - fm) / (2 * h);
    }
  }
  g_where = shift ? "adjoint vs parameter shift" : "adjoint vs central differences";
  for (unsigned j = 0; j < np; ++j)
    ORACLE(std::fabs(ga[j] - gs[j]) <= gtol + (shift ? 0 : 1e-6 * (1 + x.C) * (1 + x.W)),
           "d/dp%u: adjoint %.17g, reference %.17g (tol %.3g)", j, ga[j], gs[j], gtol);
  // the other ISA and precision, and gradient_batch
  for (Isa isa : x.isas)
    for (Precision prec : {Precision::f64, Precision::f32}) {
      g_where = std::string("adjoint_gradient ") + to_string(isa) + "/" + pname(prec);
      std::vector<double> g2(np);
      const double v2 = adjoint_gradient(*p0, prec, params, x.in.obs, g2.data(), opts(isa, 2));
      const double tol = prec == Precision::f64 ? 1e-9 * (1 + x.C) * (1 + x.W) * (1 + x.G)
                                                : 1e-4 * (1 + x.C) * (1 + x.W) * (1 + x.G);
      ORACLE(std::fabs(v2 - va) <= tol, "value %.17g vs %.17g", v2, va);
      for (unsigned j = 0; j < np; ++j)
        ORACLE(std::fabs(g2[j] - ga[j]) <= tol, "d/dp%u %.17g vs f64 scalar %.17g", j, g2[j], ga[j]);
      g_where = std::string("gradient_batch ") + to_string(isa) + "/" + pname(prec);
      std::vector<double> rows(2 * np), values(2), grads(2 * np);
      for (unsigned j = 0; j < np; ++j) rows[j] = rows[np + j] = params[j];
      gradient_batch(*p0, prec, rows.data(), 2, x.in.obs, values.data(), grads.data(), opts(isa, 2));
      for (int r = 0; r < 2; ++r) {
        ORACLE(std::fabs(values[r] - va) <= tol, "row %d value %.17g vs %.17g", r, values[r], va);
        for (unsigned j = 0; j < np; ++j)
          ORACLE(std::fabs(grads[r * np + j] - ga[j]) <= tol, "row %d d/dp%u %.17g vs %.17g", r, j,
                 grads[r * np + j], ga[j]);
      }
    }
}

void check_amplitudes(const Input& in, const std::vector<Isa>& isas) {
  const unsigned n = in.c.num_qubits;
  double nref = 0;
  for (double a : in.amplitudes) nref += a * a;
  for (Precision prec : {Precision::f64, Precision::f32}) {
    g_where = std::string("set_amplitudes/collapse ") + pname(prec);
    auto s = State::create(n, prec);
    s->set_amplitudes(in.amplitudes.data());
    const std::vector<double> a = amplitudes(*s);
    std::vector<double> rounded(in.amplitudes);
    if (prec == Precision::f32)
      for (double& v : rounded) v = double(float(v));
    ORACLE(max_diff(a, rounded) == 0, "get_amplitudes does not return what set_amplitudes stored");
    double nr = 0;
    for (double v : rounded) nr += v * v;
    for (Isa isa : isas) {
      const double nn = s->norm_squared(opts(isa, 1));
      ORACLE(std::fabs(nn - nr) <= (prec == Precision::f64 ? 1e-12 : 1e-6) * nr, "norm_squared %.17g vs %.17g", nn, nr);
    }
    const unsigned q = in.collapse_qubit, o = in.collapse_outcome;
    double m[2];
    s->marginal({q}, m, opts(Isa::scalar, 1));
    double want = 0;
    for (std::size_t i = 0; i < rounded.size() / 2; ++i)
      if (((i >> q) & 1u) == o) want += rounded[2 * i] * rounded[2 * i] + rounded[2 * i + 1] * rounded[2 * i + 1];
    ORACLE(std::fabs(m[o] - want) <= 1e-12 * nr, "marginal %.17g vs %.17g", m[o], want);
    if (!(m[o] > 0)) {
      ORACLE(throws_error([&] { s->collapse(q, o, opts(Isa::scalar, 1)); }, "collapse"),
             "collapse onto an outcome of probability 0 did not throw");
      continue;
    }
    const double p = s->collapse(q, o, opts(isas.back(), 1));
    ORACLE(std::fabs(p - m[o]) <= 1e-12 * m[o], "collapse returned %.17g, marginal %.17g", p, m[o]);
    const std::vector<double> after = amplitudes(*s);
    const double inv = 1 / std::sqrt(p);
    double err = 0, nn = 0;
    for (std::size_t i = 0; i < after.size() / 2; ++i) {
      const bool keep = ((i >> q) & 1u) == o;
      for (int part = 0; part < 2; ++part) {
        const double w = keep ? rounded[2 * i + part] * inv : 0.0;
        const double e = std::fabs(after[2 * i + part] - w);
        err = std::isnan(e) ? std::numeric_limits<double>::infinity() : std::max(err, e);
        nn += after[2 * i + part] * after[2 * i + part];
      }
    }
    ORACLE(err <= (prec == Precision::f64 ? 1e-12 : 1e-6), "collapse amplitudes off by %.3g (p = %.3g)", err, p);
    ORACLE(std::fabs(nn - 1) <= (prec == Precision::f64 ? 1e-12 : 1e-5), "norm after collapse %.17g (p = %.3g)", nn, p);
  }
}

// QUENCH_FUZZ_VERBOSE=1: print the decoded input (for triage of a reproducer).
void dump(const Input& in) {
  const Circuit& c = in.c;
  std::fprintf(stderr, "circuit: %u qubits, %u params, %zu gates; fusion %u\n", c.num_qubits, c.num_params,
               c.gates.size(), in.fusion);
  for (std::size_t j = 0; j < in.params.size(); ++j) std::fprintf(stderr, "  p[%zu] = %.17g\n", j, in.params[j]);
  for (std::size_t gi = 0; gi < c.gates.size(); ++gi) {
    const Gate& g = c.gates[gi];
    std::fprintf(stderr, "  gate %zu: %s qubits [", gi, g.diagonal ? "diagonal" : "dense");
    for (unsigned q : g.qubits) std::fprintf(stderr, " %u", q);
    std::fprintf(stderr, " ] controls [");
    for (unsigned q : g.controls) std::fprintf(stderr, " %u", q);
    std::fprintf(stderr, " ] slot %d scale %.17g offset %.17g matrix %zu generator %zu:", g.slot, g.scale, g.offset,
                 g.matrix.size(), g.generator.size());
    const std::vector<double>& v = g.slot >= 0 ? g.generator : g.matrix;
    for (std::size_t i = 0; i < v.size() && i < 8; ++i) std::fprintf(stderr, " %.6g", v[i]);
    std::fprintf(stderr, v.size() > 8 ? " ...\n" : "\n");
  }
  for (const PauliTerm& t : in.obs.terms)
    std::fprintf(stderr, "  term %.17g x %#llx z %#llx\n", t.coeff, (unsigned long long)t.x_mask,
                 (unsigned long long)t.z_mask);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;
  g_where = "decode";
  const Input in = decode(data, size);
  static const bool verbose = std::getenv("QUENCH_FUZZ_VERBOSE") != nullptr;
  if (verbose) dump(in);
  const Circuit& c = in.c;
  const unsigned n = c.num_qubits;
  std::vector<Isa> isas = {Isa::scalar};
  if (isa_available(Isa::avx2)) isas.push_back(Isa::avx2);

  // 1. Validation: invalid circuits throw quench::Error from validate, compile
  //    (every fusion level) and State::apply; valid ones compile.
  g_where = "validate";
  const bool valid = !throws_error([&] { validate(c); }, "validate(circuit)");
  for (unsigned f = 0; f <= 6; ++f) {
    g_where = "compile fusion " + std::to_string(f);
    const bool compiled = !throws_error([&] { compile(c, f); }, "compile");
    ORACLE(compiled == valid, "validate %s but compile %s", valid ? "passed" : "threw",
           compiled ? "passed" : "threw");
  }
  g_where = "compile fusion 7";
  ORACLE(throws_error([&] { compile(c, 7); }, "compile"), "compile accepted fusion 7");
  if (n <= kMaxSimQubits && !c.gates.empty()) {
    // Apply each gate alone; a gate invalid on its own must throw, not crash.
    g_where = "State::apply (single gates)";
    auto s = State::create(n, Precision::f64);
    std::vector<double> pbuf(256, 0.25);
    for (unsigned j = 0; j < in.params.size() && j < pbuf.size(); ++j) pbuf[j] = in.params[j];
    for (const Gate& g : c.gates) {
      if (g.slot >= int(pbuf.size())) continue;
      Circuit one;
      one.num_qubits = n;
      one.num_params = g.slot >= 0 ? unsigned(g.slot) + 1 : 0;
      one.gates = {g};
      bool ok = !throws_error([&] { validate(one); }, "validate(one gate)");
      ok = ok && std::isfinite(g.slot >= 0 ? pbuf[g.slot] : 0.0) && phases_finite(g, pbuf.data());
      const bool applied = !throws_error([&] { s->apply(g, pbuf.data(), opts(Isa::scalar, 1)); }, "apply");
      ORACLE(ok == applied, "gate valid alone: %d, applied: %d", ok, applied);
    }
  }
  g_where = "validate(observable)";
  const bool obs_valid = !throws_error([&] { validate(in.obs, n); }, "validate(observable)");
  (void)obs_valid;
  ++g_stats.inputs;
  if (in.amplitudes_test) ++g_stats.amplitudes, check_amplitudes(in, isas);
  if (!valid || n > kMaxSimQubits) return 0;
  ++g_stats.valid;

  // 2. Parameters that are not finite, or that make a phase overflow (θ =
  //    scale·p + offset, or θ·λ for a diagonal's eigenvalue λ, not finite),
  //    are refused by every entry point; others are accepted.
  auto p0 = compile(c, 0);
  auto s = State::create(n, Precision::f64);
  bool angles_ok = in.params_finite;
  for (const Gate& g : c.gates)
    if (in.params_finite && !phases_finite(g, in.params.data())) angles_ok = false;
  g_where = "params accepted or refused";
  const bool ran = !throws_error([&] { s->run(*p0, in.params.data(), opts(Isa::scalar, 1)); }, "run");
  ORACLE(ran == angles_ok, "run %s params that are %s", ran ? "accepted" : "refused",
         angles_ok ? "fine" : "not finite or overflow a phase");
  if (!angles_ok) {
    ++g_stats.refused_params;
    const double* pp = in.params.data();
    std::vector<double> grad(c.num_params), out(2 * (std::size_t(1) << n) + 4);
    const ExecOptions o = opts(Isa::scalar, 1);
    ORACLE(throws_error([&] { adjoint_gradient(*p0, Precision::f64, pp, {}, grad.data(), o); }, "adjoint_gradient"),
           "adjoint_gradient accepted");
    ORACLE(throws_error([&] { parameter_shift_gradient(*p0, Precision::f64, pp, {}, grad.data(), o); }, "parameter_shift"),
           "parameter_shift_gradient accepted");
    ORACLE(throws_error([&] { run_batch(*p0, Precision::f32, pp, 1, {PauliSum{}}, out.data(), o); }, "run_batch"),
           "run_batch accepted");
    ORACLE(throws_error([&] { gradient_batch(*p0, Precision::f64, pp, 1, {}, out.data(), grad.data(), o); }, "gradient_batch"),
           "gradient_batch accepted");
    if (n <= 12) {
      ORACLE(throws_error([&] { states_batch(*p0, Precision::f64, pp, 1, out.data(), o); }, "states_batch"),
             "states_batch accepted");
      std::vector<double> K(1);
      ORACLE(throws_error([&] { fidelity_kernel(*p0, Precision::f64, pp, 1, nullptr, 1, K.data(), o); }, "fidelity_kernel"),
             "fidelity_kernel accepted");
    }
    for (const Gate& g : c.gates)  // the offending gate alone, through State::apply
      if (g.slot >= 0 && (!in.params_finite ? !std::isfinite(pp[g.slot]) : !phases_finite(g, pp)))
        ORACLE(throws_error([&] { s->apply(g, pp, o); }, "apply"), "State::apply accepted");
    return 0;
  }

  // 3. Tolerances from the circuit: fixed matrices are unitary to 1e-6 and
  //    dense generators satisfy G^3 = G to 1e-6 (validate's thresholds).
  Ctx x{in, n, c.gates.size(), isas, 0, 0, 0};
  for (const PauliTerm& t : in.obs.terms) x.C += std::fabs(t.coeff);
  for (const Gate& g : c.gates) {
    if (g.slot < 0) continue;
    double lam = 1;
    if (g.diagonal)
      for (double l : g.generator) lam = std::max(lam, std::fabs(l));
    x.W += std::fabs(g.scale) * 2 * lam;
  }
  const double G = double(x.G);
  x.tol64 = 1e-10 * (1 + G);
  x.tol32 = 3e-6 * (1 + G) * (1 + 0.25 * n);
  x.normtol = 1e-10 + 2e-5 * G;

  // 4. The reference, then every path against it and against each other.
  g_where = "reference";
  const std::vector<cd> ref = ref_run(c, in.params.data());
  ++g_stats.simulated;
  g_stats.big += n >= 13;
  check_state_paths(x, ref);
  if (n <= 12) check_batches(x, ref);
  check_gradients(x, ref);
  return 0;
}
