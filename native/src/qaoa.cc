// The QAOA fast path (see qaoa.h): shape detection, the observable's table,
// scratch, and dispatch to the per-ISA sweep. This file also compiles the
// sweep for any x86-64 (the scalar ISA).
#include "quench/qaoa.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "quench/program.h"
#include "quench/state_space.h"

#define QUENCH_QAOA_NS qaoa_scalar
#define QUENCH_QAOA_VECTOR false
#include "qaoa_kernels.inl"
#undef QUENCH_QAOA_NS
#undef QUENCH_QAOA_VECTOR
#undef QUENCH_QAOA_VBYTES

namespace quench {

namespace {
std::atomic<int> g_fast{-1}, g_symmetry{-1};

bool env_switch(std::atomic<int>& flag, const char* name) {
  int v = flag.load(std::memory_order_relaxed);
  if (v < 0) {
    const char* e = std::getenv(name);
    v = (e && std::strcmp(e, "0") == 0) ? 0 : 1;
    flag.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}

bool is_hadamard(const Gate& g, unsigned q) {
  if (g.slot >= 0 || g.diagonal || g.qubits.size() != 1 || g.qubits[0] != q || !g.controls.empty()) return false;
  const double h = M_SQRT1_2;
  const double want[8] = {h, 0, h, 0, h, 0, -h, 0};
  if (g.matrix.size() != 8) return false;
  for (int i = 0; i < 8; ++i)
    if (std::fabs(g.matrix[i] - want[i]) > 1e-12) return false;
  return true;
}
bool is_x_generator(const Gate& g, unsigned q) {
  if (g.slot < 0 || g.diagonal || g.qubits.size() != 1 || g.qubits[0] != q || !g.controls.empty()) return false;
  const double want[8] = {0, 0, 1, 0, 1, 0, 0, 0};
  if (g.generator.size() != 8) return false;
  for (int i = 0; i < 8; ++i)
    if (std::fabs(g.generator[i] - want[i]) > 1e-12) return false;
  return true;
}
}  // namespace

bool qaoa_fast_enabled() { return env_switch(g_fast, "QUENCH_QAOA_FAST"); }
void set_qaoa_fast_enabled(bool on) { g_fast.store(on ? 1 : 0, std::memory_order_relaxed); }
bool qaoa_symmetry_enabled() { return env_switch(g_symmetry, "QUENCH_QAOA_SYMMETRY"); }
void set_qaoa_symmetry_enabled(bool on) { g_symmetry.store(on ? 1 : 0, std::memory_order_relaxed); }

QaoaShape detect_qaoa(const Program& p) {
  QaoaShape s;
  const unsigned n = p.n;
  if (n < 2 || n > 30 || p.gates.size() < n + (n + 1)) return s;
  if ((p.gates.size() - n) % (n + 1) != 0) return s;
  for (unsigned q = 0; q < n; ++q)
    if (!is_hadamard(p.gates[q], q)) return s;
  const std::size_t layers = (p.gates.size() - n) / (n + 1);
  for (std::size_t l = 0; l < layers; ++l) {
    const std::size_t base = n + l * (n + 1);
    const Gate& c = p.gates[base];
    if (c.slot < 0 || !c.diagonal || !c.controls.empty() || c.qubits.size() != n) return QaoaShape();
    for (unsigned q = 0; q < n; ++q)
      if (c.qubits[q] != q) return QaoaShape();
    const Gate& m0 = p.gates[base + 1];
    for (unsigned q = 0; q < n; ++q) {
      const Gate& g = p.gates[base + 1 + q];
      if (!is_x_generator(g, q) || g.slot != m0.slot || g.scale != m0.scale || g.offset != m0.offset)
        return QaoaShape();
    }
    s.cost_gate.push_back(base);
    s.mixer_gate.push_back(base + 1);
  }
  s.p = static_cast<unsigned>(layers);
  const DiagIndex& di = p.dindex[s.cost_gate[0]];
  const std::vector<double>& g0 = p.gates[s.cost_gate[0]].generator;
  s.shared_index = di.bytes != 0;
  s.shared_generator = true;
  for (std::size_t l = 1; l < layers; ++l) {
    const DiagIndex& d2 = p.dindex[s.cost_gate[l]];
    s.shared_index = s.shared_index && d2.bytes == di.bytes && d2.idx8 == di.idx8 && d2.idx16 == di.idx16 &&
                     d2.values == di.values;
    s.shared_generator = s.shared_generator && p.gates[s.cost_gate[l]].generator == g0;
  }
  return s;
}

// The observable's table, kept with the program.
struct QaoaCache {
  std::mutex table_mu;
  std::vector<PauliTerm> terms;   // the observable the table is for
  bool have = false, per_value = false;
  bool o_even = false;      // every Z string of the observable has even weight
  int cost_symmetric = -1;  // C(z) = C(¬z) for every z (-1: not yet checked)
  std::vector<double> oval;
};
namespace {
// The sweep's 2p states: one process-wide set (not one per cached
// program, which could hold 64 × 80 MiB), reused while the size stays the
// same (fresh pages cost ~10 ms per call at 20 qubits); a concurrent caller
// allocates its own.
struct QaoaScratch {
  std::mutex mu;
  std::vector<AlignedBuffer<double>> s64;
  std::vector<AlignedBuffer<float>> s32;
};
QaoaScratch& scratch() {
  static auto* s = new QaoaScratch();  // leaked: no destruction order issues at exit
  return *s;
}
}  // namespace
std::shared_ptr<QaoaCache> make_qaoa_cache() { return std::make_shared<QaoaCache>(); }

namespace {
bool same_terms(const std::vector<PauliTerm>& a, const std::vector<PauliTerm>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].coeff != b[i].coeff || a[i].x_mask != b[i].x_mask || a[i].z_mask != b[i].z_mask) return false;
  return true;
}

// O(z) = Σ_t c_t (−1)^{popcount(z & zmask_t)}: the unnormalised WHT of the
// coefficients placed at their masks. Stored per distinct cost value when O
// is a function of the cost index (to 1e-13 of Σ|c|), else per amplitude.
void build_table(const Program& p, const PauliSum& h, QaoaCache& c) {
  const unsigned n = p.n;
  const std::size_t N = std::size_t(1) << n;
  std::vector<double> o(N, 0.0);
  double norm = 0;
  for (const PauliTerm& t : h.terms) {
    o[t.z_mask] += t.coeff;
    norm += std::fabs(t.coeff);
  }
  walsh_hadamard_in_place(o.data(), N);
  const DiagIndex& di = p.dindex[p.qaoa.cost_gate[0]];
  c.per_value = false;
  if (p.qaoa.shared_index) {
    const std::size_t U = di.values.size();
    std::vector<double> ov(U, 0.0);
    std::vector<char> seen(U, 0);
    bool ok = true;
    const double tol = 1e-13 * (1.0 + norm);
    for (std::size_t z = 0; z < N && ok; ++z) {
      const std::size_t u = di.bytes == 1 ? di.idx8[z] : di.idx16[z];
      if (!seen[u]) {
        seen[u] = 1;
        ov[u] = o[z];
      } else if (std::fabs(ov[u] - o[z]) > tol) {
        ok = false;
      }
    }
    if (ok) {
      c.per_value = true;
      c.oval = std::move(ov);
    }
  }
  if (!c.per_value) c.oval = std::move(o);
  c.o_even = true;
  for (const PauliTerm& t : h.terms) c.o_even = c.o_even && __builtin_popcountll(t.z_mask) % 2 == 0;
  c.terms = h.terms;
  c.have = true;
}

// C(z) = C(¬z): the same distinct value for an indexed table; to 1e-13 of
// its largest value for a per-amplitude one.
bool cost_flip_symmetric(const QaoaTables& t) {
  const std::size_t N = std::size_t(1) << t.n, all = N - 1;
  if (t.idx_bytes == 1 || t.idx_bytes == 2) {
    for (std::size_t z = 0; z < N / 2; ++z) {
      const std::size_t a = t.idx_bytes == 1 ? static_cast<const std::uint8_t*>(t.idx)[z]
                                             : static_cast<const std::uint16_t*>(t.idx)[z];
      const std::size_t b = t.idx_bytes == 1 ? static_cast<const std::uint8_t*>(t.idx)[z ^ all]
                                             : static_cast<const std::uint16_t*>(t.idx)[z ^ all];
      if (a != b) return false;
    }
    return true;
  }
  double big = 0;
  for (std::size_t z = 0; z < N; ++z) big = std::max(big, std::fabs(t.cval[z]));
  for (std::size_t z = 0; z < N / 2; ++z)
    if (std::fabs(t.cval[z] - t.cval[z ^ all]) > 1e-13 * big) return false;
  return true;
}

template <typename FP>
double run_sweep(const QaoaTables& t, FP* const* bufs, double* gc, double* gm, const For& par,
                 const ExecOptions& opts) {
  // The ISA the caller chose (--isa / QUENCH_ISA; the best available by default).
  if (opts.isa == Isa::avx512 && isa_available(Isa::avx512))
    return qaoa_avx512::qaoa_sweep(t, bufs, gc, gm, par, opts.cancel);
  if (is_simd(opts.isa) && isa_available(Isa::avx2)) return qaoa_avx2::qaoa_sweep(t, bufs, gc, gm, par, opts.cancel);
  return qaoa_scalar::qaoa_sweep(t, bufs, gc, gm, par, opts.cancel);
}

template <typename FP>
std::vector<AlignedBuffer<FP>>& scratch_of(QaoaScratch& c);
template <>
std::vector<AlignedBuffer<double>>& scratch_of<double>(QaoaScratch& c) { return c.s64; }
template <>
std::vector<AlignedBuffer<float>>& scratch_of<float>(QaoaScratch& c) { return c.s32; }

template <typename FP>
double with_scratch(const QaoaTables& t, double* gc, double* gm, const ExecOptions& opts) {
  const unsigned n = t.n - (t.flip_symmetric ? 1 : 0);
  const std::size_t count = 2 * t.p, len = 2 * (std::size_t(1) << n);
  const For par = make_for(opts, n);
  QaoaScratch& c = scratch();
  std::unique_lock<std::mutex> lk(c.mu, std::try_to_lock);
  std::vector<AlignedBuffer<FP>> local;
  std::vector<AlignedBuffer<FP>>& bufs = lk.owns_lock() ? scratch_of<FP>(c) : local;
  if (bufs.size() != count || bufs[0].size() != len) {
    bufs.clear();
    for (std::size_t i = 0; i < count; ++i) bufs.emplace_back(len);
  }
  std::vector<FP*> ptr(count);
  for (std::size_t i = 0; i < count; ++i) ptr[i] = bufs[i].data();
  return run_sweep<FP>(t, ptr.data(), gc, gm, par, opts);
}
}  // namespace

bool qaoa_adjoint_gradient(const Program& program, Precision precision, const double* params,
                           const PauliSum& observable, double* grad, const ExecOptions& opts,
                           double* value) {
  const QaoaShape& s = program.qaoa;
  if (!s.p || !program.qaoa_cache || !qaoa_fast_enabled()) return false;
  for (const PauliTerm& t : observable.terms)
    if (t.x_mask) return false;
  const unsigned n = program.n;
  const std::size_t state = (precision == Precision::f32 ? 8 : 16) * (std::size_t(1) << n);
  try {
    check_memory(2 * s.p * state + 8 * (std::size_t(1) << n), "QAOA sweep");
  } catch (const Error&) {
    return false;  // the generic adjoint needs only two states
  }
  QaoaCache& c = *program.qaoa_cache;
  std::lock_guard<std::mutex> tl(c.table_mu);  // the table is read during the sweep
  if (!c.have || !same_terms(c.terms, observable.terms)) build_table(program, observable, c);
  QaoaTables t;
  t.n = n;
  t.p = s.p;
  const Gate& g0 = program.gates[s.cost_gate[0]];
  const DiagIndex& di = program.dindex[s.cost_gate[0]];
  const bool indexed = s.shared_index;
  if (!indexed) {
    // Per-amplitude values: every layer must share one generator table.
    if (!s.shared_generator) return false;
    t.idx_bytes = 0;
    t.cval = g0.generator.data();
    t.ncval = g0.generator.size();
  } else {
    t.idx_bytes = di.bytes;
    t.idx = di.index();
    t.cval = di.values.data();
    t.ncval = di.values.size();
  }
  t.o_per_value = c.per_value && indexed;
  if (c.per_value && !indexed) return false;  // (cannot happen: per_value needs the index)
  t.oval = c.oval.data();
  if (c.cost_symmetric < 0) c.cost_symmetric = cost_flip_symmetric(t) ? 1 : 0;
  t.flip_symmetric = qaoa_symmetry_enabled() && c.cost_symmetric == 1 && c.o_even;
  for (std::size_t l = 0; l < s.p; ++l) {
    const Gate& gc = program.gates[s.cost_gate[l]];
    const Gate& gm = program.gates[s.mixer_gate[l]];
    t.theta_c.push_back(gate_angle(gc, params));
    t.theta_m.push_back(gate_angle(gm, params));
    t.scale_c.push_back(gc.scale);
    t.scale_m.push_back(gm.scale);
    t.slot_c.push_back(gc.slot);
    t.slot_m.push_back(gm.slot);
  }
  std::vector<double> dc(s.p), dm(s.p);
  const double v = precision == Precision::f32 ? with_scratch<float>(t, dc.data(), dm.data(), opts)
                                               : with_scratch<double>(t, dc.data(), dm.data(), opts);
  std::fill(grad, grad + program.num_params, 0.0);
  for (std::size_t l = 0; l < s.p; ++l) {
    grad[t.slot_c[l]] += t.scale_c[l] * dc[l];
    grad[t.slot_m[l]] += t.scale_m[l] * dm[l];
  }
  *value = v;
  return true;
}

}  // namespace quench
