// Compilation (fusion plan, multiplied-out fixed blocks), the program cache,
// binding, and the per-op application path shared by run(), adjoint and
// batches.
#include "quench/program.h"
#include "quench/profile.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "quench/bits.h"
#include "quench/state_space.h"
#include "quench/structure.h"

namespace quench {

std::uint64_t next_program_uid() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}


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
  block_matrix(p.gates, op.qubits, op.members, op.diagonal, ptrs, scratch);
  return scratch.data();
}

// ---- threads -------------------------------------------------------------------
unsigned effective_threads(const ExecOptions& opts) {
  unsigned t = opts.threads;
  if (t == 0) t = default_threads();
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

// ---- binding in FP ---------------------------------------------------------------------
// U -> U^dagger in place (diagonal: conjugate the entries).
void adjoint_in_place(std::vector<double>& m, bool diagonal, unsigned k) {
  if (diagonal) {
    for (std::size_t j = 1; j < m.size(); j += 2) m[j] = -m[j];
    return;
  }
  const std::size_t D = std::size_t(1) << k;
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t c = r; c < D; ++c) {
      double* a = &m[2 * (r * D + c)];
      double* b = &m[2 * (c * D + r)];
      const double ar = a[0], ai = a[1];
      a[0] = b[0];
      a[1] = -b[1];
      b[0] = ar;
      b[1] = -ai;
    }
}

template <typename FP>
void bind_gate_fp(const Program& p, std::size_t gi, const double* params, bool adjoint,
                  BoundOp<FP>& out, long override_gate, double override_theta) {
  const Gate& g = p.gates[gi];
  const DiagIndex& di = p.dindex[gi];
  if (di.bytes) {
    const std::size_t U = g.slot >= 0 ? di.values.size() : di.values.size() / 2;
    out.m.resize(2 * U);
    if (g.slot >= 0) {
      const double th = static_cast<long>(gi) == override_gate ? override_theta : gate_angle(g, params);
      for (std::size_t u = 0; u < U; ++u) {
        const double a = th * di.values[u];
        out.m[2 * u] = static_cast<FP>(std::cos(a));
        out.m[2 * u + 1] = static_cast<FP>(adjoint ? std::sin(a) : -std::sin(a));
      }
    } else {
      for (std::size_t u = 0; u < U; ++u) {
        out.m[2 * u] = static_cast<FP>(di.values[2 * u]);
        out.m[2 * u + 1] = static_cast<FP>(adjoint ? -di.values[2 * u + 1] : di.values[2 * u + 1]);
      }
    }
    return;
  }
  thread_local std::vector<double> m;
  if (static_cast<long>(gi) == override_gate) gate_matrix_at(p, gi, override_theta, m);
  else gate_matrix(p, gi, params, m);
  if (adjoint) adjoint_in_place(m, g.diagonal, static_cast<unsigned>(g.qubits.size()));
  out.m.assign(m.begin(), m.end());
}

// ---- executing a sequence of operations, cache-tiled --------------------------------------
namespace {
// Applies an operation whose structure was read off its matrix, timed under
// its profiler kind. `sh` only says whether it was a fused block.
template <typename FP>
void apply_found(FP* s, unsigned n, const OpShape& sh, const Structured<FP>& st,
                 const KernelTable<FP>& kt, const For& par) {
  using namespace profile;
  if (st.form == Form::identity) return;
  const unsigned kind = st.form == Form::permutation ? kPermutation
                        : st.form == Form::phase     ? kPhase
                        : st.form == Form::diagonal  ? kDiagonal
                        : st.c                       ? kControlled
                        : sh.fused                   ? kFused
                        : st.k == 1                  ? kDense1
                        : st.k == 2                  ? kDense2
                                                     : kDenseK;
  Scope scope(kind, enabled() ? touched_amplitudes(st, n) : 0, is_simd(kt.isa) && n >= kt.min_qubits);
  apply_structured<FP>(s, n, st, kt, par);
}

template <typename FP>
void find_structure_of(const OpShape& sh, const FP* m, Structured<FP>& st) {
  find_structure<FP>(sh.qubits, sh.k, sh.controls, sh.c, sh.diagonal, m, st);
}

template <typename FP>
void apply_shape(FP* s, unsigned n, const OpShape& sh, const FP* m, const KernelTable<FP>& kt,
                 const For& par) {
  using namespace profile;
  if (sh.index) {
    Scope scope(kIndexedDiagonal, std::uint64_t(1) << n, is_simd(kt.isa) && n >= kt.min_qubits);
    IndexedDiag d;
    d.qubits = sh.qubits;
    d.k = sh.k;
    d.index = sh.index->index();
    d.index_bytes = sh.index->bytes;
    reduction_table<FP>(kt.isa).diag_apply(s, n, d, m, par);
    return;
  }
  thread_local Structured<FP> st;
  find_structure_of<FP>(sh, m, st);
  apply_found<FP>(s, n, sh, st, kt, par);
}

std::uint64_t support_mask(const OpShape& sh) {
  return mask_of(sh.qubits, sh.k) | mask_of(sh.controls, sh.c);
}
}  // namespace

template <typename FP>
void execute_ops(FP* s, unsigned n, std::size_t count,
                 const std::function<OpShape(std::size_t)>& shape,
                 const std::function<void(std::size_t, BoundOp<FP>&)>& bind,
                 const KernelTable<FP>& kt, const For& par, Progress* progress) {
  constexpr unsigned TB = Tiles<FP>::kTileBits;
  // A gathered tile always holds the run bits below RB (runs of >= 64
  // amplitudes) and up to TB - RB other qubits.
  constexpr unsigned RB = TB - Tiles<FP>::kMaxHigh;
  constexpr std::size_t kWindow = 4096;
  // Per calling thread (reused between calls); the sweeps below run on
  // helper threads too, so they use these through plain references.
  thread_local std::vector<BoundOp<FP>> bound_tl;
  thread_local std::vector<OpShape> shapes_tl;
  thread_local std::vector<std::uint64_t> masks_tl;
  thread_local std::vector<std::uint32_t> pending_tl, take_low_tl, take_gathered_tl, rest_tl;
  std::vector<BoundOp<FP>>& bound = bound_tl;
  std::vector<OpShape>& shapes = shapes_tl;
  std::vector<std::uint64_t>& masks = masks_tl;
  std::vector<std::uint32_t>& pending = pending_tl;
  std::vector<std::uint32_t>& take_low = take_low_tl;
  std::vector<std::uint32_t>& take_gathered = take_gathered_tl;
  std::vector<std::uint32_t>& rest = rest_tl;
  const std::uint64_t all = n >= 64 ? ~std::uint64_t(0) : bit(n) - 1;
  const For serial(1);

  // One sweep over memory applying ops `take` (window indices, in order):
  // over contiguous tiles of the low TB qubits (low_tile), else over tiles
  // gathered from runs of the qubits below rb and the qubits G.
  auto sweep = [&](const std::vector<std::uint32_t>& take, bool low_tile, std::uint64_t G_mask) {
    // Adjacent 1-qubit dense ops on different qubits are merged into one
    // 2-qubit op (their Kronecker product): fewer sweeps of the tile for the
    // same arithmetic.
    struct Item {
      OpShape sh;
      const FP* m;
      unsigned q[2];
      bool merged;
    };
    std::vector<Item> items;
    std::vector<std::vector<FP>> kron;
    items.reserve(take.size());
    kron.reserve(take.size());
    auto single = [](const OpShape& sh) { return !sh.diagonal && !sh.index && sh.k == 1 && sh.c == 0; };
    for (std::uint32_t t : take) {
      Item it{shapes[t], bound[t].m.data(), {0, 0}, false};
      if (!items.empty() && !items.back().merged && single(items.back().sh) && single(it.sh) &&
          items.back().sh.qubits[0] != it.sh.qubits[0]) {
        Item& a = items.back();
        const bool a_low = a.sh.qubits[0] < it.sh.qubits[0];
        const FP* A = a_low ? a.m : it.m;   // on the lower qubit (bit 0)
        const FP* Bm = a_low ? it.m : a.m;  // on the higher qubit (bit 1)
        std::vector<FP> M(32);
        for (unsigned rb = 0; rb < 2; ++rb)
          for (unsigned ra = 0; ra < 2; ++ra)
            for (unsigned cb = 0; cb < 2; ++cb)
              for (unsigned ca = 0; ca < 2; ++ca) {
                const FP br = Bm[2 * (rb * 2 + cb)], bi = Bm[2 * (rb * 2 + cb) + 1];
                const FP ar = A[2 * (ra * 2 + ca)], ai = A[2 * (ra * 2 + ca) + 1];
                const unsigned idx = (rb * 2 + ra) * 4 + (cb * 2 + ca);
                M[2 * idx] = br * ar - bi * ai;
                M[2 * idx + 1] = br * ai + bi * ar;
              }
        kron.push_back(std::move(M));
        a.q[0] = std::min(a.sh.qubits[0], it.sh.qubits[0]);
        a.q[1] = std::max(a.sh.qubits[0], it.sh.qubits[0]);
        a.sh.qubits = a.q;
        a.sh.k = 2;
        a.m = kron.back().data();
        a.merged = true;
        continue;
      }
      items.push_back(it);
    }
    // Each item's structure is read once, before the tiles (each tile applies it).
    thread_local std::vector<Structured<FP>> found_tl;
    std::vector<Structured<FP>>& found = found_tl;
    if (found.size() < items.size()) found.resize(items.size());
    if (low_tile) {
      for (std::size_t t = 0; t < items.size(); ++t) find_structure_of<FP>(items[t].sh, items[t].m, found[t]);
      par.run(std::uint64_t(1) << (n - TB), [&](std::uint64_t b, std::uint64_t e, unsigned) {
        for (std::uint64_t tile = b; tile < e; ++tile) {
          FP* sub = s + 2 * (tile << TB);
          for (std::size_t t = 0; t < items.size(); ++t) apply_found<FP>(sub, TB, items[t].sh, found[t], kt, serial);
        }
      });
      return;
    }
    // The tile's qubits: the run bits 0..rb-1 and G (G's qubits below rb
    // join the run, which lengthens the contiguous runs copied).
    unsigned rb = TB - static_cast<unsigned>(__builtin_popcountll(G_mask));
    while (G_mask & (bit(rb) - 1)) {
      G_mask &= ~(bit(rb) - 1);
      rb = TB - static_cast<unsigned>(__builtin_popcountll(G_mask));
    }
    unsigned G[64], gk = 0;
    for (unsigned q = 0; q < 64; ++q)
      if ((G_mask >> q) & 1u) G[gk++] = q;
    const std::uint64_t run = bit(rb), H = bit(gk);
    // Local qubit numbering: run bits 0..rb-1 as they are, then G[p] -> rb + p.
    const std::size_t nh = items.size();
    std::vector<std::vector<unsigned>> lq(nh), lc(nh);
    std::vector<OpShape> lsh(nh);
    auto local = [&](unsigned q) {
      if (q < rb) return q;
      unsigned p = 0;
      while (G[p] != q) ++p;
      return rb + p;
    };
    for (std::size_t t = 0; t < nh; ++t) {
      const OpShape& sh = items[t].sh;
      for (unsigned a = 0; a < sh.k; ++a) lq[t].push_back(local(sh.qubits[a]));
      for (unsigned a = 0; a < sh.c; ++a) lc[t].push_back(local(sh.controls[a]));
      lsh[t] = sh;
      lsh[t].qubits = lq[t].data();
      lsh[t].controls = lc[t].data();
      find_structure_of<FP>(lsh[t], items[t].m, found[t]);
    }
    const unsigned workers = par.threads;
    AlignedBuffer<FP> scratch(std::size_t(workers) * 2 * bit(TB));
    par.run(std::uint64_t(1) << (n - TB), [&](std::uint64_t b, std::uint64_t e, unsigned w) {
      FP* buf = scratch.data() + std::size_t(w) * 2 * bit(TB);
      for (std::uint64_t tile = b; tile < e; ++tile) {
        const std::uint64_t base = deposit_zeros(tile << rb, G, gk);
        for (std::uint64_t h = 0; h < H; ++h)
          std::memcpy(buf + 2 * (h << rb), s + 2 * (base + scatter_bits(h, G, gk)), 2 * run * sizeof(FP));
        for (std::size_t t = 0; t < nh; ++t) apply_found<FP>(buf, TB, lsh[t], found[t], kt, serial);
        for (std::uint64_t h = 0; h < H; ++h)
          std::memcpy(s + 2 * (base + scatter_bits(h, G, gk)), buf + 2 * (h << rb), 2 * run * sizeof(FP));
      }
    });
  };

  std::size_t i = 0;
  while (i < count) {
    if (progress) progress->check();
    // A window [i, j) of small ops (no indexed diagonals, at most 6 qubits),
    // only when the state is larger than a tile.
    std::size_t j = i;
    shapes.clear();
    if (n > TB) {
      for (; j < count && j - i < kWindow; ++j) {
        const OpShape sh = shape(j);
        if (sh.index || sh.k + sh.c > 6) break;
        shapes.push_back(sh);
      }
    }
    if (j - i < 2) {  // a single op: bind and apply directly
      if (bound.empty()) bound.resize(1);
      const OpShape sh = shape(i);
      bind(i, bound[0]);
      apply_shape<FP>(s, n, sh, bound[0].m.data(), kt, par);
      if (progress) progress->advance();
      ++i;
      continue;
    }
    const std::size_t r = j - i;
    if (bound.size() < r) bound.resize(r);
    masks.resize(r);
    pending.resize(r);
    for (std::size_t t = 0; t < r; ++t) {
      bind(i + t, bound[t]);
      masks[t] = support_mask(shapes[t]);
      pending[t] = static_cast<std::uint32_t>(t);
    }
    // Sweeps, each the larger of two candidates: the ops that can run in the
    // contiguous low tile, or in one gathered tile, before every op they do
    // not commute with that is left for a later sweep. An op left behind
    // blocks its qubits for the rest of the scan, so each sweep takes a set
    // closed under "comes earlier on a shared qubit" and the order of
    // non-commuting ops is kept; ops on disjoint qubits commute exactly.
    // On deep circuits this runs several layers per sweep on the qubits a
    // tile holds (a light cone), instead of breaking at every op that
    // straddles the tiles.
    while (!pending.empty()) {
      if (progress) progress->check();
      take_low.clear();
      take_gathered.clear();
      std::uint64_t blocked = 0;
      for (std::uint32_t t : pending) {
        const std::uint64_t S = masks[t];
        if ((S >> TB) == 0 && (S & blocked) == 0) take_low.push_back(t);
        else if ((blocked |= S) == all) break;
      }
      blocked = 0;
      std::uint64_t G_mask = 0;
      for (std::uint32_t t : pending) {
        const std::uint64_t S = masks[t];
        const std::uint64_t above = G_mask | (S & ~(bit(RB) - 1));
        if ((S & blocked) == 0 && static_cast<unsigned>(__builtin_popcountll(above)) <= TB - RB) {
          G_mask = above;
          take_gathered.push_back(t);
        } else if ((blocked |= S) == all) {
          break;
        }
      }
      const bool low_tile = take_low.size() >= take_gathered.size();
      const std::vector<std::uint32_t>& take = low_tile ? take_low : take_gathered;
      if (take.size() == 1) apply_shape<FP>(s, n, shapes[take[0]], bound[take[0]].m.data(), kt, par);
      else sweep(take, low_tile, G_mask);
      // pending minus take (both ascending)
      rest.clear();
      std::size_t a = 0;
      for (std::uint32_t t : pending) {
        if (a < take.size() && take[a] == t) ++a;
        else rest.push_back(t);
      }
      pending.swap(rest);
      if (progress) progress->advance(double(take.size()));
    }
    i = j;
  }
}

// ---- running ---------------------------------------------------------------------------
// H on each of `qubits` (a small state: merge_single_qubit_pairs makes these
// ops below kCostAwareFusionMinQubits qubits only, so one thread).
namespace {
template <typename FP>
inline void hadamard_stages(FP* s, unsigned n, const unsigned* qubits, std::size_t k) {
  const FP r = static_cast<FP>(M_SQRT1_2);
  const std::size_t N = std::size_t(1) << n;
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t h = std::size_t(1) << qubits[j];
    for (std::size_t i0 = 0; i0 < N; i0 += 2 * h) {
      FP* __restrict a = s + 2 * i0;
      FP* __restrict b = s + 2 * (i0 + h);
      for (std::size_t t = 0; t < 2 * h; ++t) {
        const FP x = a[t], y = b[t];
        a[t] = (x + y) * r;
        b[t] = (x - y) * r;
      }
    }
  }
}
QUENCH_MULTIVERSION void hadamard_stages_f64(double* s, unsigned n, const unsigned* q, std::size_t k) {
  hadamard_stages(s, n, q, k);
}
QUENCH_MULTIVERSION void hadamard_stages_f32(float* s, unsigned n, const unsigned* q, std::size_t k) {
  hadamard_stages(s, n, q, k);
}
}  // namespace
template <typename FP>
void walsh_hadamard(FP* s, unsigned n, const std::vector<unsigned>& qubits) {
  profile::Scope scope(profile::kFused, std::uint64_t(qubits.size()) << n, false);
  if constexpr (std::is_same<FP, double>::value) hadamard_stages_f64(s, n, qubits.data(), qubits.size());
  else hadamard_stages_f32(s, n, qubits.data(), qubits.size());
}

// True when s is |0…0⟩ exactly (stops at the first other value; small states).
template <typename FP>
bool is_zero_state(const FP* s, unsigned n) {
  if (s[0] != FP(1) || s[1] != FP(0)) return false;
  const std::size_t len = 2 * (std::size_t(1) << n);
  for (std::size_t i = 2; i < len; ++i)
    if (s[i] != FP(0)) return false;
  return true;
}
// H on each of `qubits` applied to |0…0⟩: (1/√2)^k on the indices made of
// those qubits' bits only, 0 elsewhere (what walsh_hadamard would compute).
template <typename FP>
void hadamard_of_zero(FP* s, unsigned n, const std::vector<unsigned>& qubits) {
  profile::Scope scope(profile::kFused, std::uint64_t(qubits.size()) << n, false);
  const std::size_t N = std::size_t(1) << n;
  const std::uint64_t mask = mask_of(qubits.data(), static_cast<unsigned>(qubits.size()));
  const FP v = static_cast<FP>(std::pow(M_SQRT1_2, double(qubits.size())));
  for (std::size_t z = 0; z < N; ++z) {
    s[2 * z] = (z & ~mask) ? FP(0) : v;
    s[2 * z + 1] = FP(0);
  }
}

template <typename FP>
void run_program(FP* s, const Program& p, const double* params, const KernelTable<FP>& kt,
                 const For& par, Progress* progress) {
  thread_local std::vector<double> scratch;
  auto shape = [&](std::size_t i) {
    const Op& op = p.ops[i];
    OpShape sh;
    sh.qubits = op.qubits.data();
    sh.k = static_cast<unsigned>(op.qubits.size());
    sh.controls = op.controls.data();
    sh.c = static_cast<unsigned>(op.controls.size());
    sh.diagonal = op.diagonal;
    sh.fused = op.members.size() > 1;
    if (op.lone && p.dindex[op.members[0]].bytes) sh.index = &p.dindex[op.members[0]];
    return sh;
  };
  auto bind = [&](std::size_t i, BoundOp<FP>& out) {
    const Op& op = p.ops[i];
    if (op.lone && p.dindex[op.members[0]].bytes) {
      bind_gate_fp<FP>(p, op.members[0], params, false, out);
      return;
    }
    if constexpr (std::is_same<FP, float>::value) {
      if (op.fixed) {
        out.m.assign(op.matrix_f32.begin(), op.matrix_f32.end());
        return;
      }
    }
    const double* m = bind_op(p, op, params, scratch);
    const std::size_t len = op.diagonal ? 2 * (std::size_t(1) << op.qubits.size())
                                        : 2 * (std::size_t(1) << (2 * op.qubits.size()));
    out.m.assign(m, m + len);
  };
  // Folded runs (phase_poly.h) split the operations into stretches that
  // execute_ops tiles on their own.
  std::size_t start = 0;
  auto stretch = [&](std::size_t end) {
    if (end <= start) return;
    const std::size_t off = start;
    execute_ops<FP>(
        s, p.n, end - start, [&](std::size_t i) { return shape(off + i); },
        [&](std::size_t i, BoundOp<FP>& out) { bind(off + i, out); }, kt, par, progress);
  };
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    const Op& op = p.ops[i];
    if (op.hadamard) {
      stretch(i);
      // Most feature maps start with an H layer on |0…0⟩: the result is known.
      if (i == 0 && is_zero_state(s, p.n)) hadamard_of_zero<FP>(s, p.n, op.qubits);
      else walsh_hadamard<FP>(s, p.n, op.qubits);
      if (progress) progress->advance();
      start = i + 1;
      continue;
    }
    if (op.phase < 0) continue;
    stretch(i);
    const PhasePoly& poly = p.phase_polys[std::size_t(op.phase)];
    thread_local std::vector<FP> table;
    if (!phase_poly_table<FP>(poly, p.gates, params, table)) {
      // Phases too large to fold without losing digits: the run's own gates,
      // one by one (they include the permutations the next ops replay).
      std::vector<double> scratch_gate;
      for (std::size_t g = poly.begin; g < poly.end; ++g)
        apply_gate<FP>(s, p, g, params, false, kt, par, scratch_gate);
      if (progress) progress->advance(double(1 + op.replays));
      i += op.replays;
      start = i + 1;
      continue;
    }
    if (op.qubits.size() == p.n) {
      // Support = every qubit (ascending from 0): the table is the diagonal
      // itself, indexed by the amplitude's index; no gather, no kernel setup.
      profile::Scope scope(profile::kDiagonal, std::uint64_t(1) << p.n, false);
      const FP* d = table.data();
      par.run(std::uint64_t(1) << p.n, [&](std::uint64_t b, std::uint64_t e, unsigned) {
        for (std::uint64_t z = b; z < e; ++z) {
          const FP dr = d[2 * z], di = d[2 * z + 1], ar = s[2 * z], ai = s[2 * z + 1];
          s[2 * z] = dr * ar - di * ai;
          s[2 * z + 1] = dr * ai + di * ar;
        }
      });
    } else {
      OpShape sh;
      sh.qubits = op.qubits.data();
      sh.k = static_cast<unsigned>(op.qubits.size());
      sh.diagonal = true;
      sh.fused = true;
      apply_shape<FP>(s, p.n, sh, table.data(), kt, par);
    }
    if (progress) progress->advance();
    start = i + 1;
  }
  stretch(p.ops.size());
}

template <typename FP>
void apply_gate(FP* s, const Program& p, std::size_t gi, const double* params, bool adjoint,
                const KernelTable<FP>& kt, const For& par, std::vector<double>& scratch,
                long override_gate, double override_theta) {
  (void)scratch;
  const Gate& g = p.gates[gi];
  thread_local BoundOp<FP> b;
  bind_gate_fp<FP>(p, gi, params, adjoint, b, override_gate, override_theta);
  OpShape sh;
  sh.qubits = g.qubits.data();
  sh.k = static_cast<unsigned>(g.qubits.size());
  sh.controls = g.controls.data();
  sh.c = static_cast<unsigned>(g.controls.size());
  sh.diagonal = g.diagonal;
  if (p.dindex[gi].bytes) sh.index = &p.dindex[gi];
  apply_shape<FP>(s, p.n, sh, b.m.data(), kt, par);
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
template void bind_gate_fp<float>(const Program&, std::size_t, const double*, bool,
                                  BoundOp<float>&, long, double);
template void bind_gate_fp<double>(const Program&, std::size_t, const double*, bool,
                                   BoundOp<double>&, long, double);
template void execute_ops<float>(float*, unsigned, std::size_t,
                                 const std::function<OpShape(std::size_t)>&,
                                 const std::function<void(std::size_t, BoundOp<float>&)>&,
                                 const KernelTable<float>&, const For&, Progress*);
template void execute_ops<double>(double*, unsigned, std::size_t,
                                  const std::function<OpShape(std::size_t)>&,
                                  const std::function<void(std::size_t, BoundOp<double>&)>&,
                                  const KernelTable<double>&, const For&, Progress*);
template void apply_gate<float>(float*, const Program&, std::size_t, const double*, bool,
                                const KernelTable<float>&, const For&, std::vector<double>&, long,
                                double);
template void apply_gate<double>(double*, const Program&, std::size_t, const double*, bool,
                                 const KernelTable<double>&, const For&, std::vector<double>&, long,
                                 double);

// ---- compile + cache ---------------------------------------------------------------------
// Compiled programs are kept by a 64-bit digest of the circuit, not by a copy of it: a QAOA
// cost table alone is 8 MiB at 20 qubits, and a key that copied it (twice, in the list and the
// index) cost ~10 ms and 32 MiB per cached program. A digest match is confirmed by comparing the
// circuit with the program's own gates, bit for bit, so a collision can never share a program.
namespace {
struct Digest {
  std::uint64_t h = 0x243F6A8885A308D3ull;
  void word(std::uint64_t w) {
    h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDull;
  }
  void bytes(const void* p, std::size_t n) {
    const unsigned char* b = static_cast<const unsigned char*>(p);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, b + i, 8);
      word(w);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, b + i, n - i);
    word(tail ^ (std::uint64_t(n) << 56));
  }
  template <typename T>
  void vec(const std::vector<T>& v) {
    word(v.size());
    if (!v.empty()) bytes(v.data(), v.size() * sizeof(T));
  }
};

template <typename T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// What a program is compiled from: the qubit count, parameters, fusion width and every gate's
// qubits, controls, kind, slot and data (the generator of a parametrised gate, else its matrix).
std::uint64_t circuit_digest(const Circuit& c, unsigned max_fused) {
  Digest d;
  d.word(c.num_qubits);
  d.word(c.num_params);
  d.word(max_fused);
  d.word(c.gates.size());
  for (const Gate& g : c.gates) {
    d.vec(g.qubits);
    d.vec(g.controls);
    d.word(std::uint64_t(g.diagonal) | (std::uint64_t(std::uint32_t(g.slot)) << 8));
    if (g.slot >= 0) {
      d.bytes(&g.scale, sizeof g.scale);
      d.bytes(&g.offset, sizeof g.offset);
      d.vec(g.generator);
    } else {
      d.vec(g.matrix);
    }
  }
  return d.h;
}

// The same inputs as circuit_digest compares (build() keeps the gates as given, less the unused
// one of matrix and generator).
bool compiled_from(const Program& p, const Circuit& c, unsigned max_fused) {
  if (p.n != c.num_qubits || p.num_params != c.num_params || p.max_fused != max_fused || p.gates.size() != c.gates.size())
    return false;
  for (std::size_t i = 0; i < c.gates.size(); ++i) {
    const Gate &a = p.gates[i], &b = c.gates[i];
    if (a.qubits != b.qubits || a.controls != b.controls || a.diagonal != b.diagonal || a.slot != b.slot) return false;
    if (b.slot >= 0 ? !(same_bits(a.scale, b.scale) && same_bits(a.offset, b.offset) && same_bits(a.generator, b.generator))
                    : !same_bits(a.matrix, b.matrix))
      return false;
  }
  return true;
}

// Roughly what a program holds in memory: its gates' data, their squared generators and the
// diagonal indexes (the ops refer to these).
std::size_t program_bytes(const Program& p) {
  std::size_t b = sizeof(Program);
  for (const Gate& g : p.gates) b += 8 * (g.matrix.size() + g.generator.size()) + 4 * (g.qubits.size() + g.controls.size());
  for (const auto& g2 : p.g2) b += 8 * g2.size();
  for (const DiagIndex& d : p.dindex) b += d.idx8.size() + 2 * d.idx16.size() + 8 * d.values.size() + 4 * d.values_f32.size();
  return b;
}

struct Cache {
  struct Entry {
    std::uint64_t digest;
    std::size_t bytes;
    std::shared_ptr<const Program> program;
  };
  std::mutex mu;
  std::list<Entry> lru;  // most recently used first
  std::unordered_multimap<std::uint64_t, std::list<Entry>::iterator> index;
  std::size_t bytes = 0, hits = 0, misses = 0;
  // At most this many programs and (beyond the newest) this many bytes: a sweep of large QAOA
  // circuits must not keep gigabytes of cost tables alive.
  static constexpr std::size_t kCapacity = 64;
  static constexpr std::size_t kMaxBytes = std::size_t(1) << 30;

  std::shared_ptr<const Program> find(std::uint64_t digest, const Circuit& c, unsigned max_fused) {
    auto range = index.equal_range(digest);
    for (auto it = range.first; it != range.second; ++it)
      if (compiled_from(*it->second->program, c, max_fused)) {
        lru.splice(lru.begin(), lru, it->second);
        return it->second->program;
      }
    return nullptr;
  }
  void erase_last() {
    const auto last = std::prev(lru.end());
    auto range = index.equal_range(last->digest);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second == last) {
        index.erase(it);
        break;
      }
    bytes -= last->bytes;
    lru.pop_back();
  }
  void add(std::uint64_t digest, std::shared_ptr<const Program> p) {
    const std::size_t b = program_bytes(*p);
    lru.push_front(Entry{digest, b, std::move(p)});
    index.emplace(digest, lru.begin());
    bytes += b;
    while (lru.size() > kCapacity || (lru.size() > 1 && bytes > kMaxBytes)) erase_last();
  }
};
Cache& cache() {
  static Cache c;
  return c;
}

// Indexes a large diagonal without controls when it has few distinct values.
void index_diagonal(const Gate& g, DiagIndex& di) {
  if (!g.diagonal || !g.controls.empty() || g.qubits.size() < kIndexedDiagMinQubits) return;
  const bool param = g.slot >= 0;
  const std::vector<double>& src = param ? g.generator : g.matrix;
  const std::size_t D = std::size_t(1) << g.qubits.size();
  // value bits -> id (param): open addressing over 2^17 slots (at most 65536 values)
  constexpr unsigned kSlotBits = 17;
  std::vector<std::uint64_t> slot_key;
  std::vector<std::uint32_t> slot_id;
  if (param) {
    slot_key.assign(std::size_t(1) << kSlotBits, 0);
    slot_id.assign(std::size_t(1) << kSlotBits, ~std::uint32_t(0));
  }
  std::unordered_map<std::string, std::uint32_t> seen_c;   // complex value bits -> id (fixed)
  std::vector<std::uint32_t> id(D);
  std::vector<double> values;
  for (std::size_t j = 0; j < D; ++j) {
    std::uint32_t v;
    if (param) {
      std::uint64_t key;
      std::memcpy(&key, &src[j], sizeof key);
      std::size_t h = (key * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits);
      while (slot_id[h] != ~std::uint32_t(0) && slot_key[h] != key) h = (h + 1) & ((std::size_t(1) << kSlotBits) - 1);
      if (slot_id[h] == ~std::uint32_t(0)) {
        if (values.size() >= 65536) return;
        v = static_cast<std::uint32_t>(values.size());
        slot_key[h] = key;
        slot_id[h] = v;
        values.push_back(src[j]);
      } else {
        v = slot_id[h];
      }
    } else {
      std::string key(reinterpret_cast<const char*>(&src[2 * j]), 2 * sizeof(double));
      auto it = seen_c.find(key);
      if (it == seen_c.end()) {
        if (seen_c.size() >= 65536) return;
        v = static_cast<std::uint32_t>(seen_c.size());
        seen_c.emplace(std::move(key), v);
        values.push_back(src[2 * j]);
        values.push_back(src[2 * j + 1]);
      } else {
        v = it->second;
      }
    }
    id[j] = v;
  }
  const std::size_t U = param ? values.size() : values.size() / 2;
  di.bytes = U <= 256 ? 1 : 2;
  if (di.bytes == 1) di.idx8.assign(id.begin(), id.end());
  else di.idx16.assign(id.begin(), id.end());
  di.values = std::move(values);
  if (!param) di.values_f32.assign(di.values.begin(), di.values.end());
}

bool commutes_with(const Gate& a, std::uint64_t support_all, std::uint64_t support_dense) {
  const std::uint64_t S = mask_of(a.qubits.data(), static_cast<unsigned>(a.qubits.size())) |
                          mask_of(a.controls.data(), static_cast<unsigned>(a.controls.size()));
  return a.diagonal ? (S & support_dense) == 0 : (S & support_all) == 0;
}

// The undo of a segment on a state that stays in L1/L2 (under
// kCostAwareFusionMinQubits qubits), where an operation costs its arithmetic
// and not a sweep of memory: merging gates on different qubits into a dense
// block costs more than applying them apart (10 qubits, f64: a 2-qubit dense
// block about 0.48 µs per call, a 1-qubit gate 0.18, a CNOT 0.07: perf's time
// shares over the calls in bench/vqe_engine.cjs).
// So each gate is undone on its own, except that a gate joins the block
// before it when one's qubits contain the other's (RX·RZ on one qubit, RXX,
// RYY and RZZ on one pair: the block is no wider), and consecutive
// uncontrolled 1-qubit diagonals on distinct qubits (an RZ layer) become one
// diagonal over their qubits, built as a Kronecker product (2^k entries, one
// complex product each) and applied once per state instead of once per gate.
std::vector<FusedBlock> undo_blocks_in_cache(const Program& p, const AdjointSegment& seg) {
  std::vector<FusedBlock> out;
  std::uint64_t layer = 0;  // qubits of the open diagonal layer (out.back())
  std::uint64_t last = 0;   // qubits of out.back() when it is not a layer
  for (std::size_t u = 0; u < seg.undo_gates.size(); ++u) {
    const Gate& g = seg.undo_gates[u];
    const std::size_t src = seg.undo_src[u];
    const bool diag1 = g.diagonal && g.controls.empty() && g.qubits.size() == 1 && !p.dindex[src].bytes;
    const std::uint64_t q = diag1 ? bit(g.qubits[0]) : 0;
    const std::uint64_t S = mask_of(g.qubits.data(), static_cast<unsigned>(g.qubits.size())) |
                            mask_of(g.controls.data(), static_cast<unsigned>(g.controls.size()));
    if (diag1 && layer && !(layer & q)) {
      FusedBlock& b = out.back();
      b.members.push_back(u);
      b.qubits.insert(std::lower_bound(b.qubits.begin(), b.qubits.end(), g.qubits[0]), g.qubits[0]);
      layer |= q;
      continue;
    }
    if (last && !p.dindex[src].bytes && ((S & last) == S || (S & last) == last) &&
        __builtin_popcountll(S | last) <= 6) {
      FusedBlock& b = out.back();
      b.members.push_back(u);
      b.diagonal = b.diagonal && g.diagonal;
      last |= S;
      b.qubits = mask_qubits(last);
      continue;
    }
    FusedBlock b;
    b.qubits = mask_qubits(S);
    b.members = {u};
    b.diagonal = g.diagonal;
    out.push_back(std::move(b));
    layer = q;
    last = (q || p.dindex[src].bytes) ? 0 : S;
  }
  return out;
}

AdjointPlan plan_adjoint(const Program& p) {
  AdjointPlan plan;
  const std::size_t G = p.gates.size();
  std::size_t first_param = G;
  for (std::size_t i = 0; i < G; ++i)
    if (p.gates[i].slot >= 0) {
      first_param = i;
      break;
    }
  if (first_param == G) return plan;
  const unsigned undo_fuse = std::max(2u, p.max_fused);
  std::size_t end = G;  // current segment is [start, end)
  std::vector<GateTraits> undo_traits;
  while (end > first_param) {
    AdjointSegment seg;
    undo_traits.clear();
    std::uint64_t all = 0, dense = 0;
    std::size_t start = end;
    while (start > 0) {
      const Gate& g = p.gates[start - 1];
      if (start < end && g.slot >= 0 && !commutes_with(g, all, dense)) break;
      const std::uint64_t S = mask_of(g.qubits.data(), static_cast<unsigned>(g.qubits.size())) |
                              mask_of(g.controls.data(), static_cast<unsigned>(g.controls.size()));
      all |= S;
      if (!g.diagonal) dense |= S;
      --start;
      if (start == first_param) break;  // nothing earlier needs differentiating
    }
    for (std::size_t gi = end; gi-- > start;) {
      const Gate& g = p.gates[gi];
      if (g.slot >= 0) {
        if (g.diagonal && g.controls.empty() && g.qubits.size() == 1 && !p.dindex[gi].bytes) {
          seg.diag1_evals.push_back(gi);
          seg.diag1_qubits.push_back(g.qubits[0]);
        } else if (g.diagonal && g.controls.empty()) {
          seg.diag_evals.push_back(gi);
        } else if (!g.diagonal && g.controls.empty() && g.qubits.size() == 1) {
          seg.pair_evals.push_back(gi);
          seg.pair_qubits.push_back(g.qubits[0]);
        } else {
          seg.general_evals.push_back(gi);
        }
      }
      Gate u;
      u.qubits = g.qubits;
      u.controls = g.controls;
      u.diagonal = g.diagonal;
      seg.undo_gates.push_back(std::move(u));
      seg.undo_src.push_back(gi);
      undo_traits.push_back(p.traits[gi]);  // U^dagger has U's structure
    }
    if (p.n < kCostAwareFusionMinQubits) {
      seg.undo_blocks = undo_blocks_in_cache(p, seg);
    } else {
      // Large indexed diagonals stay alone (fuse() emits gates wider than the limit alone).
      seg.undo_blocks = fuse(seg.undo_gates, undo_fuse, p.n, &undo_traits);
    }
    plan.segments.push_back(std::move(seg));
    end = start;
  }
  plan.needed = plan.segments.size();
  return plan;
}

// The operation of one fused block (members index p.gates).
Op op_of_block(const Program& p, FusedBlock&& b) {
  Op op;
  if (b.members.size() == 1) {
    const Gate& g = p.gates[b.members[0]];
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
    for (std::size_t m : b.members) op.fixed = op.fixed && p.gates[m].slot < 0;
    if (op.fixed) {
      std::vector<const double*> mats;
      for (std::size_t m : b.members) mats.push_back(p.gates[m].matrix.data());
      block_matrix(p.gates, b, mats, op.matrix);
    }
  }
  op.members = std::move(b.members);  // moved, not copied: one member list alive per block
  if (op.fixed) op.matrix_f32.assign(op.matrix.begin(), op.matrix.end());
  return op;
}

// On a small state every operation is a pass with its fixed overhead (the
// greedy fuser leaves a layer of 1-qubit gates on distinct qubits, an H
// layer, as one block each): adjacent fixed dense 1-qubit ones on different
// qubits become one 2-qubit block, half the passes for the same arithmetic.
void merge_single_qubit_pairs(Program& p) {
  auto single = [&](const Op& op) {
    if (op.phase >= 0 || !op.lone || !op.fixed || op.diagonal || op.qubits.size() != 1 || !op.controls.empty())
      return false;
    return gate_traits(p.gates[op.members[0]]).kind == GateTraits::kDense;
  };
  // A layer of Hadamards (QSVM feature maps, IQP, Grover, QAOA's start) is a
  // Walsh–Hadamard transform over its qubits: add/subtract butterflies.
  auto is_h = [&](const Op& op) {
    if (!single(op)) return false;
    static const double h[8] = {M_SQRT1_2, 0, M_SQRT1_2, 0, M_SQRT1_2, 0, -M_SQRT1_2, 0};
    const std::vector<double>& m = p.gates[op.members[0]].matrix;
    for (int j = 0; j < 8; ++j)
      if (!(std::fabs(m[j] - h[j]) <= 1e-15)) return false;
    return true;
  };
  std::vector<Op> out;
  out.reserve(p.ops.size());
  for (std::size_t i = 0; i < p.ops.size(); ++i) {
    if (is_h(p.ops[i])) {
      std::size_t j = i;
      std::uint64_t seen = 0;
      while (j < p.ops.size() && is_h(p.ops[j]) && !((seen >> p.ops[j].qubits[0]) & 1u))
        seen |= bit(p.ops[j++].qubits[0]);
      if (j - i >= 2) {
        Op op;
        op.hadamard = true;
        for (unsigned q = 0; q < 64; ++q)
          if ((seen >> q) & 1u) op.qubits.push_back(q);
        for (std::size_t t = i; t < j; ++t) op.members.push_back(p.ops[t].members[0]);
        out.push_back(std::move(op));
        i = j - 1;
        continue;
      }
    }
    if (i + 1 < p.ops.size() && single(p.ops[i]) && single(p.ops[i + 1]) &&
        p.ops[i].qubits[0] != p.ops[i + 1].qubits[0]) {
      FusedBlock b;
      b.qubits = {std::min(p.ops[i].qubits[0], p.ops[i + 1].qubits[0]),
                  std::max(p.ops[i].qubits[0], p.ops[i + 1].qubits[0])};
      b.members = {p.ops[i].members[0], p.ops[i + 1].members[0]};
      b.diagonal = false;
      out.push_back(op_of_block(p, std::move(b)));
      ++i;
      continue;
    }
    out.push_back(std::move(p.ops[i]));
  }
  p.ops = std::move(out);
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
  // (also read by the adjoint plan's fusion of undo gates, which fuses at >= 2)
  if (p->n >= kCostAwareFusionMinQubits) {
    p->traits.reserve(p->gates.size());
    for (const Gate& g : p->gates) p->traits.push_back(gate_traits(g));
  } else {
    p->traits.assign(p->gates.size(), GateTraits{});  // (greedy fusion: not read)
  }
  // Runs of CNOTs and diagonals become one folded diagonal each (phase_poly.h);
  // the gates between them are fused as usual, piece by piece.
  std::vector<PhaseRegion> regions;
  if (max_fused >= 2) regions = find_phase_regions(p->gates, p->n, max_fused);
  auto add_fused = [&](const std::vector<std::size_t>& src) {
    if (src.empty()) return;
    if (src.size() == p->gates.size()) {  // nothing folded: the whole circuit
      for (FusedBlock& b : fuse(p->gates, max_fused, p->n, &p->traits))
        p->ops.push_back(op_of_block(*p, std::move(b)));
      return;
    }
    std::vector<Gate> sub;
    std::vector<GateTraits> sub_traits;
    sub.reserve(src.size());
    for (std::size_t gi : src) {
      sub.push_back(p->gates[gi]);
      sub_traits.push_back(p->traits[gi]);
    }
    for (FusedBlock& b : fuse(sub, max_fused, p->n, &sub_traits)) {
      for (std::size_t& m : b.members) m = src[m];
      p->ops.push_back(op_of_block(*p, std::move(b)));
    }
  };
  std::vector<std::size_t> pending;
  std::size_t next = 0;
  for (PhaseRegion& R : regions) {
    for (; next < R.begin; ++next) pending.push_back(next);
    add_fused(pending);
    pending.clear();
    Op op;
    op.phase = static_cast<int>(p->phase_polys.size());
    op.qubits = R.poly.support;
    op.diagonal = true;
    op.fixed = R.poly.terms.empty();
    op.members = R.diagonals;
    const std::size_t at = p->ops.size();
    p->ops.push_back(std::move(op));
    p->phase_polys.push_back(std::move(R.poly));
    if (!R.identity) add_fused(R.permutations);
    p->ops[at].replays = p->ops.size() - at - 1;
    next = R.end;
  }
  for (; next < p->gates.size(); ++next) pending.push_back(next);
  add_fused(pending);
  if (max_fused >= 2 && p->n < kCostAwareFusionMinQubits) merge_single_qubit_pairs(*p);
  p->phase_bound.assign(p->gates.size(), 0.0);
  for (std::size_t i = 0; i < p->gates.size(); ++i) {
    const Gate& g = p->gates[i];
    if (g.slot < 0) continue;
    double m = g.diagonal ? 0.0 : 1.0;  // dense: ‖G‖ <= 1 (G^3 = G, Hermitian)
    if (g.diagonal)
      for (double l : g.generator) m = std::max(m, std::fabs(l));
    p->phase_bound[i] = m;
  }
  p->dindex.resize(p->gates.size());
  std::vector<std::size_t> indexed;
  for (std::size_t i = 0; i < p->gates.size(); ++i) {
    // The same table again (QAOA's cost layer, once per layer): the same index.
    const Gate& g = p->gates[i];
    std::size_t same = i;
    for (std::size_t j : indexed) {
      const Gate& h = p->gates[j];
      if (g.diagonal && h.controls == g.controls && h.qubits.size() == g.qubits.size() && (h.slot >= 0) == (g.slot >= 0) &&
          (g.slot >= 0 ? h.generator == g.generator : h.matrix == g.matrix)) {
        same = j;
        break;
      }
    }
    if (same != i) p->dindex[i] = p->dindex[same];
    else index_diagonal(g, p->dindex[i]);
    if (p->dindex[i].bytes && same == i) indexed.push_back(i);
  }
  p->adjoint = plan_adjoint(*p);
  p->qaoa = detect_qaoa(*p);
  if (p->qaoa.p) p->qaoa_cache = make_qaoa_cache();
  return p;
}
}  // namespace

void check_angles(const Program& p, const double* params, std::size_t rows) {
  if (p.num_params == 0 || rows == 0) return;
  for (std::size_t gi = 0; gi < p.gates.size(); ++gi) {
    const Gate& g = p.gates[gi];
    if (g.slot < 0) continue;
    const double bound = p.phase_bound[gi];
    for (std::size_t r = 0; r < rows; ++r) {
      const double th = gate_angle(g, params + r * p.num_params);
      // (2x headroom: parameter shift evaluates θ ± π/(2ω) too)
      if (!std::isfinite(th) || !std::isfinite(2 * th * bound)) {
        char buf[160];
        if (std::isfinite(th))
          std::snprintf(buf, sizeof buf, "angle %.6g times its generator's largest eigenvalue %.6g", th, bound);
        else
          std::snprintf(buf, sizeof buf, "angle scale*params[%d] + offset", g.slot);
        throw Error(Error::Kind::Range, "gate " + std::to_string(gi) + ": " + buf + " is not finite" +
                                            (rows > 1 ? " (row " + std::to_string(r) + ")" : std::string()));
      }
    }
  }
}

std::shared_ptr<const Program> compile(const Circuit& circuit, unsigned max_fused_qubits) {
  if (max_fused_qubits > 6)
    throw Error(Error::Kind::Range, "max_fused_qubits must be at most 6 (got " +
                                        std::to_string(max_fused_qubits) + ")");
  validate(circuit);
  const unsigned mf = max_fused_qubits <= 1 ? 0 : max_fused_qubits;
  const std::uint64_t digest = circuit_digest(circuit, mf);
  Cache& C = cache();
  {
    std::lock_guard<std::mutex> lock(C.mu);
    if (auto hit = C.find(digest, circuit, mf)) {
      ++C.hits;
      return hit;
    }
    ++C.misses;
  }
  std::shared_ptr<const Program> p = build(circuit, mf);
  std::lock_guard<std::mutex> lock(C.mu);
  if (auto other = C.find(digest, circuit, mf)) return other;  // built meanwhile by another caller
  C.add(digest, p);
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
  C.bytes = 0;
  clear_panel_cache();
}

}  // namespace quench
