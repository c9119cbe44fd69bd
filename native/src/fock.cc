// fock.cc — public API of the Fock-space simulator (validation, planning,
// dispatch, the seed QGAN generator) and the baseline-ISA kernel instance.
#include "quench/fock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <utility>

#include "fock_internal.h"
#include "quench/parallel.h"
#include "fock_kernels.inl"

namespace quench {
namespace fock {

namespace detail {
namespace {
constexpr int kLanesBaseline = 4;
}  // namespace

unsigned lanes_baseline() { return kLanesBaseline; }

std::size_t workspace_bytes(const Plan& plan, bool vjp, unsigned lanes) {
  switch (lanes) {
    case 1: return Workspace<1>::count(plan, vjp) * sizeof(double);
    case 2: return Workspace<2>::count(plan, vjp) * sizeof(double);
    case 4: return Workspace<4>::count(plan, vjp) * sizeof(double);
    case 8: return Workspace<8>::count(plan, vjp) * sizeof(double);
    default: return Workspace<16>::count(plan, vjp) * sizeof(double) / 16 * lanes;
  }
}

void run_job_baseline(const Plan& plan, const Job& job) { run_job_impl<kLanesBaseline>(plan, job); }

void build_matrix_baseline(const Plan& plan, CvGate::Kind kind, double a, double b,
                           std::complex<double>* out) {
  Job job;
  Workspace<1> ws;
  ws.setup(plan, false);
  Chunk<1> ch(plan, job, ws);
  Op op;
  op.kind = kind;
  op.a.value = a;
  op.b.value = b;
  const unsigned D = plan.D;
  std::vector<double> mats(2 * std::max<std::size_t>(2 * std::size_t(D) * D, 2 * std::size_t(plan.bs_total)));
  double* mat = mats.data();
  if (kind == CvGate::Kind::Rotation || kind == CvGate::Kind::Kerr) {
    ch.diag_phases(kind, &a, mat);
    for (unsigned m = 0; m < D; ++m)
      for (unsigned n = 0; n < D; ++n)
        out[m * D + n] = m == n ? std::complex<double>(mat[2 * m], mat[2 * m + 1]) : 0.0;
  } else if (kind == CvGate::Kind::Beamsplitter) {
    ch.build_bs(op, mat, mat + 2 * std::size_t(plan.bs_total));
    const std::size_t D2 = std::size_t(D) * D;
    std::fill(out, out + D2 * D2, std::complex<double>(0.0));
    for (unsigned N = 0; N + 1 < 2 * D; ++N) {
      const unsigned lo = plan.bs_lo[N], sz = plan.bs_size[N], off = plan.bs_off[N];
      for (unsigned mi = 0; mi < sz; ++mi)
        for (unsigned pi = 0; pi < sz; ++pi) {
          const unsigned m = lo + mi, pp = lo + pi;
          const std::size_t row = m + std::size_t(D) * (N - m), col = pp + std::size_t(D) * (N - pp);
          const double* e = mat + 2 * std::size_t(off + mi * sz + pi);
          out[row * D2 + col] = {e[0], e[1]};
        }
    }
  } else {
    op.type = Op::Type::Dense;
    ch.build_dense(op, mat, mat + 2 * std::size_t(D) * D);
    for (std::size_t i = 0; i < std::size_t(D) * D; ++i) out[i] = {mat[2 * i], mat[2 * i + 1]};
  }
}

}  // namespace detail

using detail::DiagFactor;
using detail::Job;
using detail::Op;
using detail::Plan;

const char* to_string(CvGate::Kind kind) {
  switch (kind) {
    case CvGate::Kind::Displacement: return "Displacement";
    case CvGate::Kind::Squeezing: return "Squeezing";
    case CvGate::Kind::Rotation: return "Rotation";
    case CvGate::Kind::Beamsplitter: return "Beamsplitter";
    case CvGate::Kind::Kerr: return "Kerr";
  }
  return "unknown";
}

double CvOutputs::mean_truncation_loss() const {
  if (norm.empty()) return 0.0;
  double s = 0;
  for (double v : norm) s += 1.0 - v;
  return s / double(norm.size());
}

namespace {

[[noreturn]] void fail(Error::Kind k, const std::string& msg) { throw Error(k, "fock: " + msg); }

std::string gate_name(std::size_t gi, const CvGate& g) {
  return "gate " + std::to_string(gi) + " (" + to_string(g.kind) + ")";
}

bool kind_valid(CvGate::Kind k) {
  switch (k) {
    case CvGate::Kind::Displacement:
    case CvGate::Kind::Squeezing:
    case CvGate::Kind::Rotation:
    case CvGate::Kind::Beamsplitter:
    case CvGate::Kind::Kerr: return true;
  }
  return false;
}

bool is_diag(CvGate::Kind k) { return k == CvGate::Kind::Rotation || k == CvGate::Kind::Kerr; }
bool is_dense(CvGate::Kind k) {
  return k == CvGate::Kind::Displacement || k == CvGate::Kind::Squeezing;
}
bool touches(const CvGate& g, unsigned m) {
  return g.mode0 == m || (g.kind == CvGate::Kind::Beamsplitter && g.mode1 == m);
}

void check_angle(const Angle& a, std::size_t gi, const CvGate& g, const char* field,
                 unsigned num_params) {
  if (!std::isfinite(a.value))
    fail(Error::Kind::Type, gate_name(gi, g) + ": " + field + ".value is not finite");
  if (!std::isfinite(a.scale))
    fail(Error::Kind::Type, gate_name(gi, g) + ": " + field + ".scale is not finite");
  if (a.slot >= 0 && static_cast<unsigned>(a.slot) >= num_params)
    fail(Error::Kind::Range, gate_name(gi, g) + ": " + field + ".slot " + std::to_string(a.slot) +
                                 " out of range for " + std::to_string(num_params) + " params");
}

std::size_t state_dim(unsigned modes, unsigned cutoff) {
  std::size_t d = 1;
  for (unsigned m = 0; m < modes; ++m) d *= cutoff;
  return d;
}

Plan make_plan(const CvCircuit& c, bool fuse) {
  Plan p;
  p.M = c.modes;
  p.D = c.cutoff;
  p.P = c.num_params;
  p.dim = state_dim(p.M, p.D);
  const unsigned M = p.M, D = p.D;
  p.stride.resize(M);
  for (unsigned m = 0; m < M; ++m) p.stride[m] = m == 0 ? 1 : p.stride[m - 1] * D;
  auto digit = [&](std::size_t i, unsigned m) { return (i / p.stride[m]) % D; };
  p.bases.resize(M);
  for (unsigned m = 0; m < M; ++m) {
    p.bases[m].reserve(p.dim / D);
    const std::size_t s = p.stride[m], block = s * D;
    for (std::size_t hi = 0; hi < p.dim; hi += block)
      for (std::size_t lo = 0; lo < s; ++lo) p.bases[m].push_back(hi + lo);
  }
  std::map<std::pair<unsigned, unsigned>, unsigned> pair_bases;
  // Beamsplitter blocks.
  p.bs_lo.resize(2 * D - 1);
  p.bs_size.resize(2 * D - 1);
  p.bs_off.resize(2 * D - 1);
  unsigned off = 0;
  for (unsigned N = 0; N + 1 < 2 * D; ++N) {
    const unsigned lo = N >= D ? N - (D - 1) : 0, hi = std::min(N, D - 1);
    p.bs_lo[N] = lo;
    p.bs_size[N] = hi - lo + 1;
    p.bs_off[N] = off;
    off += p.bs_size[N] * p.bs_size[N];
  }
  p.bs_total = off;
  p.sq.resize(D + 2);
  p.isq.resize(D + 2);
  for (unsigned n = 0; n < D + 2; ++n) {
    p.sq[n] = std::sqrt(double(n));
    p.isq[n] = n ? 1.0 / p.sq[n] : 0.0;
  }
  p.bs_rec.assign(p.bs_total, detail::BsRec{});
  for (unsigned N = 1; N + 1 < 2 * D; ++N) {
    const unsigned lo = p.bs_lo[N], sz = p.bs_size[N], boff = p.bs_off[N];
    const unsigned plo = p.bs_lo[N - 1], psz = p.bs_size[N - 1], poff = p.bs_off[N - 1];
    for (unsigned mi = 0; mi < sz; ++mi)
      for (unsigned pi = 0; pi < sz; ++pi) {
        const unsigned m = lo + mi, n = N - m, pp = lo + pi, q = N - pp;
        detail::BsRec& r = p.bs_rec[boff + mi * sz + pi];
        r.p0 = pp == 0;
        const unsigned pc = (pp >= 1 ? pp - 1 : 0) - plo;  // p = 0 implies N ≤ D−1, plo = 0
        const double k = pp >= 1 ? p.isq[pp] : p.isq[q];
        if (m >= 1) {
          r.src1 = poff + (m - 1 - plo) * psz + pc;
          r.f1 = p.sq[m] * k;
        }
        if (n >= 1) {
          r.src2 = poff + (m - plo) * psz + pc;
          r.f2 = p.sq[n] * k;
        }
      }
  }

  // Fold each Rotation/Kerr into the nearest Displacement/Squeezing on its
  // mode, moving it only past gates it commutes with (other modes, or other
  // diagonal gates on the same mode): forward first (as a column factor,
  // "pre"), else backward (row factor, "post"), else it stays a diagonal pass.
  const std::size_t G = c.gates.size();
  std::vector<std::vector<DiagFactor>> pre(G), post(G);
  std::vector<bool> folded(G, false);
  if (fuse) {
    for (std::size_t i = 0; i < G; ++i) {
      const CvGate& g = c.gates[i];
      if (!is_diag(g.kind)) continue;
      const unsigned m = g.mode0;
      auto blocker = [&](std::size_t j) {
        const CvGate& h = c.gates[j];
        return touches(h, m) && !is_diag(h.kind);
      };
      for (std::size_t j = i + 1; j < G; ++j) {
        if (!blocker(j)) continue;
        if (is_dense(c.gates[j].kind)) {
          pre[j].push_back({g.kind, g.a});
          folded[i] = true;
        }
        break;
      }
      if (folded[i]) continue;
      for (std::size_t j = i; j-- > 0;) {
        if (!blocker(j)) continue;
        if (is_dense(c.gates[j].kind)) {
          post[j].push_back({g.kind, g.a});
          folded[i] = true;
        }
        break;
      }
    }
  }
  unsigned buf = 0;
  std::size_t mat_off = 0;
  const std::size_t dense_mats = 2 * std::size_t(D) * D, bs_mats = 2 * std::size_t(p.bs_total);
  for (std::size_t i = 0; i < G; ++i) {
    if (folded[i]) continue;
    const CvGate& g = c.gates[i];
    Op op;
    op.kind = g.kind;
    op.gate = unsigned(i);
    op.m0 = g.mode0;
    op.s0 = p.stride[g.mode0];
    op.a = g.a;
    op.b = g.b;
    op.mat_off = mat_off;
    std::size_t mats = 0;
    if (is_diag(g.kind)) {
      op.type = Op::Type::Diagonal;
      op.bases = g.mode0;
      mats = D;
    } else if (is_dense(g.kind)) {
      op.type = Op::Type::Dense;
      op.bases = g.mode0;
      op.pre = std::move(pre[i]);
      op.post = std::move(post[i]);
      op.buf = buf++;
      mats = dense_mats;
    } else {
      op.type = Op::Type::Beamsplitter;
      op.m1 = g.mode1;
      op.s1 = p.stride[g.mode1];
      const auto key = std::make_pair(std::min(g.mode0, g.mode1), std::max(g.mode0, g.mode1));
      auto it = pair_bases.find(key);
      if (it == pair_bases.end()) {
        std::vector<std::size_t> v;
        v.reserve(p.dim / D / D);
        for (std::size_t k = 0; k < p.dim; ++k)
          if (digit(k, key.first) == 0 && digit(k, key.second) == 0) v.push_back(k);
        p.bases.push_back(std::move(v));
        it = pair_bases.emplace(key, unsigned(p.bases.size() - 1)).first;
      }
      op.bases = it->second;
      op.buf = buf++;
      mats = bs_mats;
    }
    op.fixed = op.a.slot < 0 && (op.type == Op::Type::Diagonal || op.b.slot < 0);
    for (const DiagFactor& f : op.pre) op.fixed = op.fixed && f.a.slot < 0;
    for (const DiagFactor& f : op.post) op.fixed = op.fixed && f.a.slot < 0;
    if (op.fixed) {
      op.fixed_off = p.fixed_total;
      p.fixed_total += mats;
    }
    mat_off += mats;
    p.mat_max = std::max(p.mat_max, mats);
    p.ops.push_back(std::move(op));
  }
  p.num_buffers = buf + 1;
  p.mat_total = mat_off;
  p.mat_max = std::max<std::size_t>(p.mat_max, 1);
  return p;
}

// Below this many bytes, allocations are not checked against MemAvailable
// (reading /proc/meminfo costs more than a small batch).
constexpr std::size_t kSmallBytes = std::size_t(256) << 20;

// Plans are immutable; the last few are kept, keyed by the circuit's content.
std::shared_ptr<const Plan> cached_plan(const CvCircuit& c, bool fuse) {
  std::vector<double> key;
  key.reserve(8 + c.gates.size() * 9);
  key.push_back(c.modes);
  key.push_back(c.cutoff);
  key.push_back(c.num_params);
  key.push_back(fuse ? 1 : 0);
  for (const CvGate& g : c.gates) {
    key.push_back(double(static_cast<int>(g.kind)));
    key.push_back(g.mode0);
    key.push_back(g.kind == CvGate::Kind::Beamsplitter ? g.mode1 : 0);
    key.push_back(g.a.slot);
    key.push_back(g.a.value);
    key.push_back(g.a.scale);
    key.push_back(g.b.slot);
    key.push_back(g.b.value);
    key.push_back(g.b.scale);
  }
  static std::mutex mu;
  static std::vector<std::pair<std::vector<double>, std::shared_ptr<const Plan>>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (std::size_t i = 0; i < cache.size(); ++i)
      if (cache[i].first.size() == key.size() &&
          std::memcmp(cache[i].first.data(), key.data(), key.size() * sizeof(double)) == 0) {
        auto hit = cache[i];
        cache.erase(cache.begin() + long(i));
        cache.push_back(hit);
        return hit.second;
      }
  }
  auto plan = std::make_shared<const Plan>(make_plan(c, fuse));
  if (plan->dim > (std::size_t(1) << 20)) return plan;  // large: not worth keeping
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() >= 8) cache.erase(cache.begin());
  cache.emplace_back(std::move(key), plan);
  return plan;
}

// The instance to run: avx512 (8 lanes) or avx2 (4 lanes) when asked for
// and available, else the baseline. The AVX-512 instance only where it
// measured faster than AVX2 (bench/isa_ab.cjs fock cases, interleaved):
// cutoff >= 8 (x0.70-0.88 of AVX2's time at cutoff 8 and 10, batch 8-256,
// forward and VJP); at cutoff <= 6 (the qgan seed case: 4 modes, cutoff 4)
// it was x1.0-1.17. Chosen by the circuit alone, never by the batch, so a
// sample's result does not depend on the batch it runs in.
constexpr unsigned kFockAvx512MinCutoff = 8;
Isa fock_isa(const CvOptions& o, const Plan& plan) {
  if (o.isa == Isa::avx512 && isa_available(Isa::avx512) && plan.D >= kFockAvx512MinCutoff)
    return Isa::avx512;
  if ((o.isa == Isa::avx2 || o.isa == Isa::avx512) && isa_available(Isa::avx2)) return Isa::avx2;
  return Isa::scalar;
}

unsigned resolve_threads(const CvOptions& o) {
  return o.threads ? o.threads : default_threads();
}

void check_params(const CvCircuit& c, const double* params, std::size_t batch) {
  if (batch && c.num_params && !params) fail(Error::Kind::Range, "params is null");
  const std::size_t total = batch * c.num_params;
  for (std::size_t i = 0; i < total; ++i)
    if (!std::isfinite(params[i]))
      fail(Error::Kind::Type, "params[" + std::to_string(i / c.num_params) + "][" +
                                  std::to_string(i % c.num_params) + "] is not finite");
}

void execute(const CvCircuit& c, Job& job, const CvOptions& opts) {
  const std::shared_ptr<const Plan> plan_ptr = cached_plan(c, opts.fuse_diagonals);
  const Plan& plan = *plan_ptr;
  const Isa isa = fock_isa(opts, plan);
  const unsigned lanes = isa == Isa::avx512 ? detail::lanes_avx512()
                         : isa == Isa::avx2 ? detail::lanes_avx2()
                                            : detail::lanes_baseline();
  const std::size_t chunks = (job.batch + lanes - 1) / lanes;
  job.threads = unsigned(std::min<std::size_t>(resolve_threads(opts), std::max<std::size_t>(chunks, 1)));
  job.cancel = opts.cancel;
  job.normalize = opts.normalize;
  const std::size_t ws = detail::workspace_bytes(plan, job.dx != nullptr, lanes);
  if (ws * job.threads > kSmallBytes)
    check_memory(ws * job.threads, "the Fock workspace (" + std::to_string(job.threads) +
                                       " threads x " + std::to_string(ws) + " bytes)");
  if (isa == Isa::avx512)
    detail::run_job_avx512(plan, job);
  else if (isa == Isa::avx2)
    detail::run_job_avx2(plan, job);
  else
    detail::run_job_baseline(plan, job);
}

}  // namespace

void validate(const CvCircuit& c) {
  if (c.modes < 1 || c.modes > kMaxModes)
    fail(Error::Kind::Range, "modes = " + std::to_string(c.modes) + " out of range 1.." +
                                 std::to_string(kMaxModes));
  if (c.cutoff < kMinCutoff || c.cutoff > kMaxCutoff)
    fail(Error::Kind::Range, "cutoff = " + std::to_string(c.cutoff) + " out of range " +
                                 std::to_string(kMinCutoff) + ".." + std::to_string(kMaxCutoff));
  const double amps = std::pow(double(c.cutoff), double(c.modes));
  if (amps * 16.0 > 1e18)
    fail(Error::Kind::Memory, "a state of " + std::to_string(c.modes) + " modes at cutoff " +
                                  std::to_string(c.cutoff) + " is too large");
  if (state_dim(c.modes, c.cutoff) * 16 > kSmallBytes)
    check_memory(state_dim(c.modes, c.cutoff) * 16,
                 "one Fock state (cutoff " + std::to_string(c.cutoff) + "^" +
                     std::to_string(c.modes) + " amplitudes)");
  for (std::size_t gi = 0; gi < c.gates.size(); ++gi) {
    const CvGate& g = c.gates[gi];
    if (!kind_valid(g.kind))
      fail(Error::Kind::Type, "gate " + std::to_string(gi) + ": unknown kind " +
                                  std::to_string(static_cast<int>(g.kind)));
    if (g.mode0 >= c.modes)
      fail(Error::Kind::Range, gate_name(gi, g) + ": mode0 = " + std::to_string(g.mode0) +
                                   " out of range for " + std::to_string(c.modes) + " modes");
    if (g.kind == CvGate::Kind::Beamsplitter) {
      if (g.mode1 >= c.modes)
        fail(Error::Kind::Range, gate_name(gi, g) + ": mode1 = " + std::to_string(g.mode1) +
                                     " out of range for " + std::to_string(c.modes) + " modes");
      if (g.mode1 == g.mode0)
        fail(Error::Kind::Range, gate_name(gi, g) + ": mode1 = " + std::to_string(g.mode1) +
                                     " equals mode0 (beamsplitter modes must differ)");
    }
    check_angle(g.a, gi, g, "a", c.num_params);
    if (!is_diag(g.kind)) check_angle(g.b, gi, g, "b", c.num_params);
  }
}

CvOutputs run_batch(const CvCircuit& c, const double* params, std::size_t batch,
                    const CvOptions& opts) {
  validate(c);
  check_params(c, params, batch);
  CvOutputs out;
  out.x.assign(batch * c.modes, 0.0);
  out.n.assign(batch * c.modes, 0.0);
  out.norm.assign(batch, 0.0);
  if (!batch) return out;
  Job job;
  job.params = params;
  job.batch = batch;
  job.x = out.x.data();
  job.n = out.n.data();
  job.norm = out.norm.data();
  execute(c, job, opts);
  return out;
}

CvOutputs vjp_batch(const CvCircuit& c, const double* params, std::size_t batch, const double* dx,
                    const double* dn, const double* dnorm, double* grad_params,
                    const CvOptions& opts) {
  validate(c);
  check_params(c, params, batch);
  if (batch && !dx) fail(Error::Kind::Range, "vjp_batch: dx is null");
  if (batch && c.num_params && !grad_params) fail(Error::Kind::Range, "vjp_batch: grad_params is null");
  CvOutputs out;
  out.x.assign(batch * c.modes, 0.0);
  out.n.assign(batch * c.modes, 0.0);
  out.norm.assign(batch, 0.0);
  if (!batch) return out;
  Job job;
  job.params = params;
  job.batch = batch;
  job.dx = dx;
  job.dn = dn;
  job.dnorm = dnorm;
  job.grad = grad_params;
  job.x = out.x.data();
  job.n = out.n.data();
  job.norm = out.norm.data();
  execute(c, job, opts);
  return out;
}

std::vector<std::complex<double>> run_state(const CvCircuit& c, const double* params,
                                            const std::complex<double>* initial,
                                            const CvOptions& opts) {
  validate(c);
  check_params(c, params, 1);
  const std::size_t dim = state_dim(c.modes, c.cutoff);
  std::vector<std::complex<double>> out(dim);
  Job job;
  job.params = params;
  job.batch = 1;
  job.initial = initial;
  job.final_state = out.data();
  execute(c, job, opts);
  return out;
}

std::vector<std::complex<double>> gate_matrix(CvGate::Kind kind, double a, double b,
                                              unsigned cutoff) {
  if (!kind_valid(kind)) fail(Error::Kind::Type, "gate_matrix: unknown kind");
  if (cutoff < kMinCutoff || cutoff > kMaxCutoff)
    fail(Error::Kind::Range, "gate_matrix: cutoff = " + std::to_string(cutoff) + " out of range");
  if (!std::isfinite(a) || !std::isfinite(b)) fail(Error::Kind::Type, "gate_matrix: angle not finite");
  CvCircuit c;
  c.modes = kind == CvGate::Kind::Beamsplitter ? 2 : 1;
  c.cutoff = cutoff;
  const Plan plan = make_plan(c, false);
  const std::size_t n = kind == CvGate::Kind::Beamsplitter ? plan.dim * plan.dim
                                                           : std::size_t(cutoff) * cutoff;
  std::vector<std::complex<double>> out(n);
  detail::build_matrix_baseline(plan, kind, a, b, out.data());
  return out;
}

// ---- seed generator -----------------------------------------------------------------------
std::size_t num_weights(unsigned modes, unsigned layers) {
  const std::size_t M = modes;
  return std::size_t(layers) * (2 * (M * (M - 1) + M) + 4 * M);
}

CvCircuit qgan_generator(unsigned modes, unsigned cutoff, unsigned layers, unsigned latent_dim) {
  if (modes < 1 || modes > kMaxModes)
    fail(Error::Kind::Range, "qgan_generator: modes = " + std::to_string(modes) + " out of range");
  if (latent_dim > 2 * modes)
    fail(Error::Kind::Range, "qgan_generator: latent_dim = " + std::to_string(latent_dim) +
                                 " exceeds 2 x modes (two quadratures per mode)");
  CvCircuit c;
  c.modes = modes;
  c.cutoff = cutoff;
  c.num_params = unsigned(latent_dim + num_weights(modes, layers));
  const double half_pi = 1.5707963267948966;
  for (unsigned i = 0; i < latent_dim; ++i) {
    CvGate g;
    g.kind = CvGate::Kind::Displacement;
    g.mode0 = i % modes;
    g.a.slot = int(i);
    g.b.value = i < modes ? 0.0 : half_pi;
    c.gates.push_back(g);
  }
  int slot = int(latent_dim);
  auto interferometer = [&] {
    const unsigned nbs = modes * (modes - 1) / 2;
    const int theta0 = slot, phi0 = slot + int(nbs), rot0 = slot + 2 * int(nbs);
    unsigned k = 0;
    for (unsigned l = 0; l < modes; ++l)
      for (unsigned j = 0; j + 1 < modes; ++j)
        if ((l + j) % 2 == 0) {
          CvGate g;
          g.kind = CvGate::Kind::Beamsplitter;
          g.mode0 = j;
          g.mode1 = j + 1;
          g.a.slot = theta0 + int(k);
          g.b.slot = phi0 + int(k);
          c.gates.push_back(g);
          ++k;
        }
    for (unsigned m = 0; m < modes; ++m) {
      CvGate g;
      g.kind = CvGate::Kind::Rotation;
      g.mode0 = m;
      g.a.slot = rot0 + int(m);
      c.gates.push_back(g);
    }
    slot += int(2 * nbs + modes);
  };
  for (unsigned layer = 0; layer < layers; ++layer) {
    interferometer();
    for (unsigned m = 0; m < modes; ++m) {
      CvGate g;
      g.kind = CvGate::Kind::Squeezing;
      g.mode0 = m;
      g.a.slot = slot + int(m);
      c.gates.push_back(g);
    }
    slot += int(modes);
    interferometer();
    const int dr = slot, dp = slot + int(modes), kk = slot + 2 * int(modes);
    for (unsigned m = 0; m < modes; ++m) {
      CvGate d;
      d.kind = CvGate::Kind::Displacement;
      d.mode0 = m;
      d.a.slot = dr + int(m);
      d.b.slot = dp + int(m);
      c.gates.push_back(d);
      CvGate k;
      k.kind = CvGate::Kind::Kerr;
      k.mode0 = m;
      k.a.slot = kk + int(m);
      c.gates.push_back(k);
    }
    slot += int(3 * modes);
  }
  return c;
}

double bench_seed_generator_us_per_sample(std::size_t batch, unsigned threads, bool vjp) {
  const CvCircuit c = qgan_generator(4, 4, 2, 4);
  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> params(batch * c.num_params);
  for (std::size_t b = 0; b < batch; ++b)
    for (unsigned s = 0; s < c.num_params; ++s)
      params[b * c.num_params + s] = s < 4 ? 0.4 * u(rng) : 0.15 * u(rng);
  std::vector<double> dx(batch * c.modes, 1.0), grad(batch * c.num_params);
  CvOptions opts;
  opts.threads = threads;
  auto once = [&] {
    if (vjp)
      vjp_batch(c, params.data(), batch, dx.data(), nullptr, nullptr, grad.data(), opts);
    else
      run_batch(c, params.data(), batch, opts);
  };
  once();
  using clock = std::chrono::steady_clock;
  // Repeats per trial so that a trial lasts ~20 ms.
  auto t0 = clock::now();
  once();
  const double one = std::chrono::duration<double>(clock::now() - t0).count();
  const int reps = std::max(1, int(0.02 / std::max(one, 1e-9)));
  double best = 1e300;
  for (int trial = 0; trial < 5; ++trial) {
    t0 = clock::now();
    for (int r = 0; r < reps; ++r) once();
    const double t = std::chrono::duration<double>(clock::now() - t0).count() / reps;
    best = std::min(best, t);
  }
  return best * 1e6 / double(batch);
}

}  // namespace fock
}  // namespace quench
