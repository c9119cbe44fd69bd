// Compilation (fusion plan, multiplied-out fixed blocks), the program cache,
// binding, and the per-op application path shared by run(), adjoint and
// batches.
#include "quench/program.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "quench/bits.h"

namespace quench {

// ---- binding ------------------------------------------------------------------
double gate_angle(const Gate& g, const double* params) {
  return g.scale * params[g.slot] + g.offset;
}

void gate_matrix_at(const Program& p, std::size_t gi, double theta, std::vector<double>& out) {
  const Gate& g = p.gates[gi];
  if (g.slot < 0) {
    out = g.matrix;
    return;
  }
  const std::size_t D = std::size_t(1) << g.qubits.size();
  if (g.diagonal) {
    out.resize(2 * D);
    for (std::size_t j = 0; j < D; ++j) {
      const double a = theta * g.generator[j];
      out[2 * j] = std::cos(a);
      out[2 * j + 1] = -std::sin(a);
    }
    return;
  }
  const double c1 = std::cos(theta) - 1.0, sn = std::sin(theta);
  const std::vector<double>& G = g.generator;
  const std::vector<double>& G2 = p.g2[gi];
  out.resize(2 * D * D);
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t c = 0; c < D; ++c) {
      const std::size_t i = r * D + c;
      out[2 * i] = (r == c ? 1.0 : 0.0) + c1 * G2[2 * i] + sn * G[2 * i + 1];
      out[2 * i + 1] = c1 * G2[2 * i + 1] - sn * G[2 * i];
    }
}

void gate_matrix(const Program& p, std::size_t gi, const double* params, std::vector<double>& out) {
  const Gate& g = p.gates[gi];
  gate_matrix_at(p, gi, g.slot >= 0 ? gate_angle(g, params) : 0.0, out);
}

const double* bind_op(const Program& p, const Op& op, const double* params,
                      std::vector<double>& scratch) {
  if (op.fixed) return op.matrix.data();
  if (op.lone) {
    gate_matrix(p, op.members[0], params, scratch);
    return scratch.data();
  }
  thread_local std::vector<std::vector<double>> mats;
  if (mats.size() < op.members.size()) mats.resize(op.members.size());
  std::vector<const double*> ptrs(op.members.size());
  for (std::size_t m = 0; m < op.members.size(); ++m) {
    gate_matrix(p, op.members[m], params, mats[m]);
    ptrs[m] = mats[m].data();
  }
  FusedBlock b;
  b.qubits = op.qubits;
  b.members = op.members;
  b.diagonal = op.diagonal;
  block_matrix(p.gates, b, ptrs, scratch);
  return scratch.data();
}

// ---- threads -------------------------------------------------------------------
unsigned effective_threads(const ExecOptions& opts) {
  unsigned t = opts.threads;
  if (t == 0) {
    static const unsigned hw = [] {
      unsigned h = cpu_info().logical_cores;
      return h ? h : 1u;
    }();
    t = hw;
  }
  return std::min(t, 256u);
}

For make_for(const ExecOptions& opts, unsigned n) {
  return For(n < kParallelMinQubits ? 1u : effective_threads(opts));
}

// ---- applying matrices -------------------------------------------------------------
template <typename FP>
void apply_matrix_fp(FP* s, unsigned n, const unsigned* qubits, unsigned k, const unsigned* controls,
                     unsigned c, bool diagonal, const FP* m, const KernelTable<FP>& kt0,
                     const For& par) {
  const KernelTable<FP>& kt = n < kt0.min_qubits ? kernel_table<FP>(Isa::scalar) : kt0;
  if (!diagonal) {
    kt.dense(s, n, qubits, k, controls, c, m, par);
    return;
  }
  const unsigned lb = kt.lane_bits;
  unsigned lane_t = 0, lane_c = 0;
  for (unsigned j = 0; j < k; ++j) lane_t += qubits[j] < lb;
  for (unsigned j = 0; j < c; ++j) lane_c += controls[j] < lb;
  if (lb == 0 || (lane_c == 0 && (lane_t == 0 || lane_t == lb))) {
    kt.diagonal(s, n, qubits, k, controls, c, m, par);
    return;
  }
  // Fold lane controls into targets and complete the lane targets.
  unsigned nt[64], nc[64], kk = 0, cc = 0;
  std::uint64_t tmask = 0;
  for (unsigned j = 0; j < k; ++j) tmask |= bit(qubits[j]);
  std::uint64_t folded_c = 0;
  for (unsigned j = 0; j < c; ++j) {
    if (controls[j] < lb) folded_c |= bit(controls[j]);
    else nc[cc++] = controls[j];
  }
  std::uint64_t nmask = tmask | folded_c;
  if ((nmask & (bit(lb) - 1)) != 0) nmask |= bit(lb) - 1;
  for (unsigned q = 0; q < 64; ++q)
    if ((nmask >> q) & 1u) nt[kk++] = q;
  thread_local std::vector<FP> folded;
  const std::size_t D = std::size_t(1) << kk;
  folded.resize(2 * D);
  for (std::size_t j = 0; j < D; ++j) {
    const std::uint64_t x = scatter_bits(j, nt, kk);
    if ((x & folded_c) == folded_c) {
      const std::uint64_t src = gather_bits(x, qubits, k);
      folded[2 * j] = m[2 * src];
      folded[2 * j + 1] = m[2 * src + 1];
    } else {
      folded[2 * j] = 1;
      folded[2 * j + 1] = 0;
    }
  }
  kt.diagonal(s, n, nt, kk, nc, cc, folded.data(), par);
}

template <typename FP>
void apply_matrix(FP* s, unsigned n, const unsigned* qubits, unsigned k, const unsigned* controls,
                  unsigned c, bool diagonal, const double* m, const KernelTable<FP>& kt,
                  const For& par) {
  if constexpr (std::is_same<FP, double>::value) {
    apply_matrix_fp<double>(s, n, qubits, k, controls, c, diagonal, m, kt, par);
  } else {
    thread_local std::vector<FP> conv;
    const std::size_t len = diagonal ? 2 * (std::size_t(1) << k) : 2 * (std::size_t(1) << (2 * k));
    conv.resize(len);
    for (std::size_t i = 0; i < len; ++i) conv[i] = static_cast<FP>(m[i]);
    apply_matrix_fp<FP>(s, n, qubits, k, controls, c, diagonal, conv.data(), kt, par);
  }
}

// ---- progress ------------------------------------------------------------------------
static std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Progress::Progress(const ExecOptions& opts, double total)
    : opts_(opts), total_(total > 0 ? total : 1), last_ns_(now_ns()) {}

void Progress::check() const {
  if (opts_.cancel && opts_.cancel->cancelled.load(std::memory_order_relaxed))
    throw Error(Error::Kind::Cancelled, "cancelled");
}

void Progress::advance(double amount) {
  done_ += amount;
  if (!opts_.progress) return;
  const double f = std::min(1.0, done_ / total_);
  if (f - last_reported_ < 0.01) return;
  const std::int64_t t = now_ns();
  if (t - last_ns_ < 2000000) return;
  last_ns_ = t;
  last_reported_ = f;
  opts_.progress(f);
}

void Progress::finish() {
  if (opts_.progress && last_reported_ < 1.0) {
    last_reported_ = 1.0;
    opts_.progress(1.0);
  }
}

// ---- running ---------------------------------------------------------------------------
template <typename FP>
void run_program(FP* s, const Program& p, const double* params, const KernelTable<FP>& kt,
                 const For& par, Progress* progress) {
  thread_local std::vector<double> scratch;
  for (const Op& op : p.ops) {
    if (progress) progress->check();
    const unsigned k = static_cast<unsigned>(op.qubits.size());
    const unsigned c = static_cast<unsigned>(op.controls.size());
    bool done = false;
    if constexpr (std::is_same<FP, float>::value) {
      if (op.fixed) {
        apply_matrix_fp<float>(s, p.n, op.qubits.data(), k, op.controls.data(), c, op.diagonal,
                               op.matrix_f32.data(), kt, par);
        done = true;
      }
    }
    if (!done) {
      const double* m = bind_op(p, op, params, scratch);
      apply_matrix<FP>(s, p.n, op.qubits.data(), k, op.controls.data(), c, op.diagonal, m, kt, par);
    }
    if (progress) progress->advance();
  }
}

template <typename FP>
void apply_gate(FP* s, const Program& p, std::size_t gi, const double* params, bool adjoint,
                const KernelTable<FP>& kt, const For& par, std::vector<double>& scratch,
                long override_gate, double override_theta) {
  const Gate& g = p.gates[gi];
  if (static_cast<long>(gi) == override_gate) gate_matrix_at(p, gi, override_theta, scratch);
  else gate_matrix(p, gi, params, scratch);
  const unsigned k = static_cast<unsigned>(g.qubits.size());
  if (adjoint) {
    if (g.diagonal) {
      for (std::size_t j = 1; j < scratch.size(); j += 2) scratch[j] = -scratch[j];
    } else {
      const std::size_t D = std::size_t(1) << k;
      for (std::size_t r = 0; r < D; ++r)
        for (std::size_t c = r; c < D; ++c) {
          double* a = &scratch[2 * (r * D + c)];
          double* b = &scratch[2 * (c * D + r)];
          const double ar = a[0], ai = a[1];
          a[0] = b[0];
          a[1] = -b[1];
          b[0] = ar;
          b[1] = -ai;
        }
    }
  }
  apply_matrix<FP>(s, p.n, g.qubits.data(), k, g.controls.data(),
                   static_cast<unsigned>(g.controls.size()), g.diagonal, scratch.data(), kt, par);
}

template void apply_matrix_fp<float>(float*, unsigned, const unsigned*, unsigned, const unsigned*,
                                     unsigned, bool, const float*, const KernelTable<float>&,
                                     const For&);
template void apply_matrix_fp<double>(double*, unsigned, const unsigned*, unsigned, const unsigned*,
                                      unsigned, bool, const double*, const KernelTable<double>&,
                                      const For&);
template void apply_matrix<float>(float*, unsigned, const unsigned*, unsigned, const unsigned*,
                                  unsigned, bool, const double*, const KernelTable<float>&,
                                  const For&);
template void apply_matrix<double>(double*, unsigned, const unsigned*, unsigned, const unsigned*,
                                   unsigned, bool, const double*, const KernelTable<double>&,
                                   const For&);
template void run_program<float>(float*, const Program&, const double*, const KernelTable<float>&,
                                 const For&, Progress*);
template void run_program<double>(double*, const Program&, const double*,
                                  const KernelTable<double>&, const For&, Progress*);
template void apply_gate<float>(float*, const Program&, std::size_t, const double*, bool,
                                const KernelTable<float>&, const For&, std::vector<double>&, long,
                                double);
template void apply_gate<double>(double*, const Program&, std::size_t, const double*, bool,
                                 const KernelTable<double>&, const For&, std::vector<double>&, long,
                                 double);

// ---- compile + cache ---------------------------------------------------------------------
namespace {
template <typename T>
void put(std::string& k, const T& v) {
  k.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_vec_u(std::string& k, const std::vector<unsigned>& v) {
  put(k, static_cast<std::uint64_t>(v.size()));
  for (unsigned x : v) put(k, x);
}
void put_vec_d(std::string& k, const std::vector<double>& v) {
  put(k, static_cast<std::uint64_t>(v.size()));
  if (!v.empty()) k.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}

struct Cache {
  std::mutex mu;
  std::list<std::pair<std::string, std::shared_ptr<const Program>>> lru;
  std::unordered_map<std::string, decltype(lru)::iterator> index;
  std::size_t hits = 0, misses = 0;
  static constexpr std::size_t kCapacity = 64;
};
Cache& cache() {
  static Cache c;
  return c;
}

std::shared_ptr<const Program> build(const Circuit& circuit, unsigned max_fused) {
  auto p = std::make_shared<Program>();
  p->n = circuit.num_qubits;
  p->num_params = circuit.num_params;
  p->max_fused = max_fused;
  p->gates = circuit.gates;
  p->g2.resize(p->gates.size());
  for (std::size_t i = 0; i < p->gates.size(); ++i) {
    Gate& g = p->gates[i];
    if (g.slot < 0) g.generator.clear();
    else g.matrix.clear();
    if (g.slot >= 0 && !g.diagonal) {
      const std::size_t D = std::size_t(1) << g.qubits.size();
      std::vector<double>& G2 = p->g2[i];
      G2.assign(2 * D * D, 0.0);
      const std::vector<double>& G = g.generator;
      for (std::size_t r = 0; r < D; ++r)
        for (std::size_t c = 0; c < D; ++c) {
          double re = 0, im = 0;
          for (std::size_t t = 0; t < D; ++t) {
            const double ar = G[2 * (r * D + t)], ai = G[2 * (r * D + t) + 1];
            const double br = G[2 * (t * D + c)], bi = G[2 * (t * D + c) + 1];
            re += ar * br - ai * bi;
            im += ar * bi + ai * br;
          }
          G2[2 * (r * D + c)] = re;
          G2[2 * (r * D + c) + 1] = im;
        }
    }
  }
  std::vector<FusedBlock> blocks = fuse(p->gates, max_fused);
  p->ops.reserve(blocks.size());
  for (FusedBlock& b : blocks) {
    Op op;
    op.members = b.members;
    if (b.members.size() == 1) {
      const Gate& g = p->gates[b.members[0]];
      op.lone = true;
      op.qubits = g.qubits;
      op.controls = g.controls;
      op.diagonal = g.diagonal;
      op.fixed = g.slot < 0;
      if (op.fixed) op.matrix = g.matrix;
    } else {
      op.qubits = b.qubits;
      op.diagonal = b.diagonal;
      op.fixed = true;
      for (std::size_t m : b.members) op.fixed = op.fixed && p->gates[m].slot < 0;
      if (op.fixed) {
        std::vector<const double*> mats;
        for (std::size_t m : b.members) mats.push_back(p->gates[m].matrix.data());
        block_matrix(p->gates, b, mats, op.matrix);
      }
    }
    if (op.fixed) op.matrix_f32.assign(op.matrix.begin(), op.matrix.end());
    p->ops.push_back(std::move(op));
  }
  return p;
}
}  // namespace

std::string cache_key(const Circuit& c, unsigned max_fused) {
  std::string k;
  put(k, c.num_qubits);
  put(k, c.num_params);
  put(k, max_fused);
  put(k, static_cast<std::uint64_t>(c.gates.size()));
  for (const Gate& g : c.gates) {
    put_vec_u(k, g.qubits);
    put_vec_u(k, g.controls);
    put(k, static_cast<char>(g.diagonal));
    put(k, g.slot);
    if (g.slot >= 0) {
      put(k, g.scale);
      put(k, g.offset);
      put_vec_d(k, g.generator);
    } else {
      put_vec_d(k, g.matrix);
    }
  }
  return k;
}

std::shared_ptr<const Program> compile(const Circuit& circuit, unsigned max_fused_qubits) {
  if (max_fused_qubits > 6)
    throw Error(Error::Kind::Range, "max_fused_qubits must be at most 6 (got " +
                                        std::to_string(max_fused_qubits) + ")");
  validate(circuit);
  const unsigned mf = max_fused_qubits <= 1 ? 0 : max_fused_qubits;
  std::string key = cache_key(circuit, mf);
  Cache& C = cache();
  {
    std::lock_guard<std::mutex> lock(C.mu);
    auto it = C.index.find(key);
    if (it != C.index.end()) {
      C.lru.splice(C.lru.begin(), C.lru, it->second);
      ++C.hits;
      return it->second->second;
    }
    ++C.misses;
  }
  std::shared_ptr<const Program> p = build(circuit, mf);
  std::lock_guard<std::mutex> lock(C.mu);
  auto it = C.index.find(key);
  if (it != C.index.end()) return it->second->second;
  C.lru.emplace_front(key, p);
  C.index.emplace(std::move(key), C.lru.begin());
  while (C.lru.size() > Cache::kCapacity) {
    C.index.erase(C.lru.back().first);
    C.lru.pop_back();
  }
  return p;
}

std::shared_ptr<const Program> compile_uncached(const Circuit& circuit, unsigned max_fused) {
  validate(circuit);
  return build(circuit, max_fused <= 1 ? 0 : std::min(max_fused, 6u));
}

ProgramStats stats(const Program& program) {
  ProgramStats s;
  s.gates = program.gates.size();
  s.passes = program.ops.size();
  s.max_fused_qubits = program.max_fused;
  Cache& C = cache();
  std::lock_guard<std::mutex> lock(C.mu);
  s.cache_hits = C.hits;
  s.cache_misses = C.misses;
  return s;
}

unsigned num_qubits(const Program& program) { return program.n; }
unsigned num_params(const Program& program) { return program.num_params; }

void clear_program_cache() {
  Cache& C = cache();
  std::lock_guard<std::mutex> lock(C.mu);
  C.index.clear();
  C.lru.clear();
}

}  // namespace quench
