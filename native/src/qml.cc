// Quantum kernels: batches of states and the fidelity (QSVM) kernel
// K_ij = |<ψ(a_i)|ψ(b_j)>|^2. Every data point's state is computed once
// (threads over the points for small states) and packed into split re/im
// micro-panels, then K is a packed GEMM-like product (gram.h): tiles of
// kTile x kTile points handed out to threads dynamically (symmetric: only
// tiles on and above the diagonal, mirrored), each tile a sweep of the ISA's
// register micro-kernel over blocks of kc amplitudes.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "quench/batch.h"
#include "quench/engine.h"
#include "quench/gram.h"
#include "quench/kernels.h"
#include "quench/program.h"
#include "quench/profile.h"
#include "quench/state_space.h"

namespace quench {

// ---- portable Gram micro-kernel (gram.h; the vector ones: gram_avx2.cc, gram_avx512.cc) ----
namespace {
template <typename FP>
struct GramPortable {
  static constexpr unsigned MR = 4, NR = 4;
  static void run(const FP* a, const FP* b, std::size_t kc, double* c) {
    FP re[NR][MR] = {}, im[NR][MR] = {};
    for (std::size_t t = 0; t < kc; ++t) {
      const FP* at = a + t * 2 * MR;
      const FP* bt = b + t * 2 * NR;
      for (unsigned j = 0; j < NR; ++j)
        for (unsigned i = 0; i < MR; ++i) {
          re[j][i] += at[i] * bt[j] + at[MR + i] * bt[NR + j];
          im[j][i] += at[i] * bt[NR + j] - at[MR + i] * bt[j];
        }
    }
    for (unsigned j = 0; j < NR; ++j)
      for (unsigned i = 0; i < MR; ++i) {
        c[j * MR + i] += double(re[j][i]);
        c[(NR + j) * MR + i] += double(im[j][i]);
      }
  }
};
}  // namespace

GramKernel<float> gram_kernel_scalar_f32() {
  return {GramPortable<float>::MR, GramPortable<float>::NR, 256, &GramPortable<float>::run};
}
GramKernel<double> gram_kernel_scalar_f64() {
  return {GramPortable<double>::MR, GramPortable<double>::NR, 256, &GramPortable<double>::run};
}

namespace {
// Points per tile (both sides): a multiple of every micro-kernel's MR (4, 8,
// 16, 32) and NR (3, 4, 6). A task is one tile (ib, jb); 1000 points make
// 11 x 11 tiles (66 on and above the diagonal).
constexpr unsigned kTile = 96;
constexpr unsigned kMaxKernelQubits = 30;

template <typename FP>
const KernelTable<FP>& table_checked(const ExecOptions& opts) {
  if (opts.isa != Isa::scalar && opts.isa != Isa::avx2 && opts.isa != Isa::avx512) throw Error(Error::Kind::Range, "unknown ISA");
  if (!isa_available(opts.isa))
    throw Error(Error::Kind::Range,
                std::string("ISA ") + to_string(opts.isa) + " is not available on this CPU");
  return kernel_table<FP>(opts.isa);
}

std::string gib(double bytes) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / double(1ull << 30));
  return buf;
}

void check_params_rows(const Program& p, const double* params, std::size_t rows, const char* what) {
  if (p.num_params == 0 || rows == 0) return;
  if (!params)
    throw Error(Error::Kind::Type, std::string(what) + " is null but the program has parameters");
  if (rows > (std::size_t(1) << 40) / std::max(1u, p.num_params))
    throw Error(Error::Kind::Range, std::string(what) + ": too many rows (" + std::to_string(rows) + ")");
  for (std::size_t i = 0; i < rows * p.num_params; ++i)
    if (!std::isfinite(params[i]))
      throw Error(Error::Kind::Type, std::string(what) + "[" + std::to_string(i) + "] is not finite (row " +
                                         std::to_string(i / p.num_params) + ")");
  check_angles(p, params, rows);
}

void check_qubits(const Program& p, const char* fn) {
  if (p.n > kMaxKernelQubits)
    throw Error(Error::Kind::Range, std::string(fn) + ": the program has " + std::to_string(p.n) +
                                        " qubits; at most " + std::to_string(kMaxKernelQubits) +
                                        " are supported");
}

// ExecOptions whose progress maps [0, 1] onto [lo, hi] of the caller's.
ExecOptions sub_progress(const ExecOptions& opts, double lo, double hi) {
  ExecOptions o = opts;
  if (opts.progress) {
    const ProgressFn outer = opts.progress;
    o.progress = [outer, lo, hi](double f) { outer(lo + (hi - lo) * f); };
  }
  return o;
}

// Computes the states of `rows` parameter sets and packs each into the
// micro-panels of gram.h: row i goes to panel i / MR, slot i % MR (real
// parts, then imaginary parts, per amplitude), for each (pack, MR) given.
template <typename FP>
struct PanelSink {
  FP* pack = nullptr;
  unsigned mr = 0;
};
// Small states are staged: a chunk of whole panels' rows is computed into a
// row-major buffer, then each panel is written in one sequential sweep.
// (Written straight from each state, a row puts one value per cache line
// of its panel, 2·2^n lines, and the next row comes back to each of them.)
constexpr std::size_t kStagedMaxDim = std::size_t(1) << 12;
constexpr std::size_t kStageBytes = std::size_t(4) << 20;
template <typename FP>
void compute_states(const Program& p, const double* params, std::size_t rows,
                    const PanelSink<FP>* sinks, unsigned nsinks, const KernelTable<FP>& kt,
                    const ExecOptions& opts) {
  const std::size_t dim = std::size_t(1) << p.n;
  auto run_row = [&](std::size_t i, StateSpace<FP>& st, const For& par) {
    st.set_zero_state(par);
    run_program<FP>(st.data(), p, params ? params + i * p.num_params : nullptr, kt, par, nullptr);
  };
  const std::string what = "state scratch (" + std::to_string(p.n) + " qubits per thread)";
  if (dim <= kStagedMaxDim) {
    std::size_t L = 1;  // rows per chunk: a multiple of every sink's panel height
    for (unsigned k = 0; k < nsinks; ++k) L = std::lcm(L, std::size_t(sinks[k].mr));
    const std::size_t row_len = 2 * dim;
    const std::size_t chunk = std::max<std::size_t>(1, kStageBytes / (row_len * sizeof(FP) * L)) * L;
    AlignedBuffer<FP> stage(std::min(chunk, rows) * row_len);
    const unsigned threads = effective_threads(opts);
    for (std::size_t c0 = 0; c0 < rows; c0 += chunk) {
      const std::size_t cr = std::min(chunk, rows - c0);
      for_batch<StateSpace<FP>>(
          cr, p.n, sub_progress(opts, double(c0) / double(rows), double(c0 + cr) / double(rows)),
          StateSpace<FP>::bytes_for(p.n), what, [&] { return StateSpace<FP>(p.n); },
          [&](std::size_t r, StateSpace<FP>& st, const For& par) {
            run_row(c0 + r, st, par);
            std::memcpy(stage.data() + r * row_len, st.data(), row_len * sizeof(FP));
          });
      for (unsigned k = 0; k < nsinks; ++k) {
        const unsigned mr = sinks[k].mr;
        const std::size_t panels = (cr + mr - 1) / mr;  // c0 is a multiple of mr
        for_items(std::min<unsigned>(threads, unsigned(panels)), panels, [&](std::uint64_t q, unsigned) {
          const std::size_t r0 = std::size_t(q) * mr, nr = std::min<std::size_t>(mr, cr - r0);
          FP* panel = sinks[k].pack + ((c0 + r0) / mr) * dim * 2 * mr;
          const FP* src = stage.data() + r0 * row_len;
          for (std::size_t t = 0; t < dim; ++t) {
            FP* d = panel + t * 2 * mr;
            for (std::size_t r = 0; r < nr; ++r) {
              d[r] = src[r * row_len + 2 * t];
              d[mr + r] = src[r * row_len + 2 * t + 1];
            }
          }
        });
      }
    }
    return;
  }
  for_batch<StateSpace<FP>>(
      rows, p.n, opts, StateSpace<FP>::bytes_for(p.n), what, [&] { return StateSpace<FP>(p.n); },
      [&](std::size_t i, StateSpace<FP>& st, const For& par) {
        run_row(i, st, par);
        const FP* src = st.data();
        for (unsigned k = 0; k < nsinks; ++k) {
          const unsigned mr = sinks[k].mr;
          FP* panel = sinks[k].pack + (i / mr) * dim * 2 * mr + (i % mr);
          par.run(dim, [&](std::uint64_t b, std::uint64_t e, unsigned) {
            for (std::uint64_t t = b; t < e; ++t) {
              panel[t * 2 * mr] = src[2 * t];
              panel[t * 2 * mr + mr] = src[2 * t + 1];
            }
          });
        }
      });
}

template <typename FP>
void states_batch_impl(const Program& p, const double* params, std::size_t batch, double* out,
                       const ExecOptions& opts) {
  const KernelTable<FP>& kt = table_checked<FP>(opts);
  const std::size_t len = 2 * (std::size_t(1) << p.n);
  for_batch<StateSpace<FP>>(
      batch, p.n, opts, StateSpace<FP>::bytes_for(p.n),
      "state scratch (" + std::to_string(p.n) + " qubits per thread)",
      [&] { return StateSpace<FP>(p.n); },
      [&](std::size_t i, StateSpace<FP>& st, const For& par) {
        st.set_zero_state(par);
        run_program<FP>(st.data(), p, params ? params + i * p.num_params : nullptr, kt, par, nullptr);
        double* row = out + i * len;
        st.store(row, par);
      });
}

// The B panels of the last product whose B side was computed, kept for the
// next call: a QSVM computes train x train, then test x train, and the second
// call finds the train states packed (exact match of program, precision, ISA
// and every parameter; at most kMaxCachedPanelBytes).
constexpr std::size_t kMaxCachedPanelBytes = std::size_t(256) << 20;
struct PanelCache {
  std::mutex mu;
  std::uint64_t uid = 0;
  Precision prec = Precision::f64;
  Isa isa = Isa::scalar;
  std::size_t rows = 0;
  std::vector<double> params;
  std::shared_ptr<const void> pack;  // AlignedBuffer<FP>
};
PanelCache& panel_cache() {
  static PanelCache c;
  return c;
}
}  // namespace

void clear_panel_cache() {
  PanelCache& c = panel_cache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.pack.reset();
  c.params.clear();
  c.params.shrink_to_fit();
}

namespace {
template <typename FP>
constexpr Precision precision_of() {
  return std::is_same<FP, float>::value ? Precision::f32 : Precision::f64;
}
template <typename FP>
std::shared_ptr<const AlignedBuffer<FP>> cached_panels(const Program& p, const double* params,
                                                       std::size_t rows, Isa isa) {
  PanelCache& c = panel_cache();
  std::lock_guard<std::mutex> lock(c.mu);
  const std::size_t np = std::size_t(rows) * p.num_params;
  if (!c.pack || c.uid != p.uid || c.prec != precision_of<FP>() || c.isa != isa || c.rows != rows ||
      c.params.size() != np || (np && std::memcmp(c.params.data(), params, np * sizeof(double)) != 0))
    return nullptr;
  return std::static_pointer_cast<const AlignedBuffer<FP>>(c.pack);
}
template <typename FP>
void keep_panels(const Program& p, const double* params, std::size_t rows, Isa isa,
                 std::shared_ptr<const AlignedBuffer<FP>> pack) {
  PanelCache& c = panel_cache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.pack.reset();
  if (pack->size() * sizeof(FP) > kMaxCachedPanelBytes) return;
  const std::size_t np = std::size_t(rows) * p.num_params;
  c.uid = p.uid;
  c.prec = precision_of<FP>();
  c.isa = isa;
  c.rows = rows;
  c.params.assign(params ? params : nullptr, params ? params + np : nullptr);
  c.pack = std::move(pack);
}

template <typename FP>
void fidelity_impl(const Program& p, const double* pa, std::size_t na, const double* pb,
                   std::size_t nb, double* out, const ExecOptions& opts) {
  const KernelTable<FP>& kt = table_checked<FP>(opts);
  const GramKernel<FP> gk = gram_kernel<FP>(opts.isa);
  const unsigned MR = gk.mr, NR = gk.nr;
  const bool sym = pb == nullptr;
  const std::size_t dim = std::size_t(1) << p.n;
  const std::size_t nbe = sym ? na : nb;  // points on the B side
  const std::size_t pa_n = (na + MR - 1) / MR, pb_n = (nbe + NR - 1) / NR;  // micro-panels
  const unsigned threads = effective_threads(opts);
  const std::size_t tile_c = std::size_t(kTile) * kTile * 2;  // doubles per task's sums
  const double pack_bytes = double(sizeof(FP)) * 2 * double(dim) * double(pa_n * MR + pb_n * NR);
  const double scratch_bytes = double(threads) * (tile_c * sizeof(double)) +
                               double(threads) * double(StateSpace<FP>::bytes_for(p.n));
  const double out_bytes = double(na) * double(nb) * sizeof(double);
  const double total = pack_bytes + scratch_bytes + out_bytes;
  if (total > 9.0e18) throw Error(Error::Kind::Memory, "fidelity kernel is too large");
  check_memory(std::size_t(total),
               "fidelity kernel (" + std::to_string(na + (sym ? 0 : nb)) + " states of " +
                   std::to_string(p.n) + " qubits: " + gib(pack_bytes) + ", output " +
                   std::to_string(na) + " x " + std::to_string(nb) + ": " + gib(out_bytes) + ")");

  // Work estimates for progress: states vs the product.
  const double w_states = double(na + (sym ? 0 : nb)) * double(p.ops.size() + 1) * double(dim) * 8;
  const double w_gram = double(na) * double(nb) * double(dim) * 8 / (sym ? 2.0 : 1.0);
  const double split = w_states / (w_states + w_gram);

  // Packed states (gram.h): A panels of MR points, B panels of NR points
  // (symmetric: both from the same states, computed once).
  // (the states fill every slot of a panel but the last one's padding: only
  // that panel is zeroed)
  auto zero_last_panel = [&](FP* pack, std::size_t panels, std::size_t rows, unsigned mr) {
    if (rows % mr) std::memset(pack + (panels - 1) * mr * 2 * dim, 0, std::size_t(mr) * 2 * dim * sizeof(FP));
  };
  AlignedBuffer<FP> Ap(pa_n * MR * 2 * dim);
  zero_last_panel(Ap.data(), pa_n, na, MR);
  const double* pbe = sym ? pa : pb;  // the B side's parameters
  std::shared_ptr<const AlignedBuffer<FP>> Bkeep = cached_panels<FP>(p, pbe, nbe, opts.isa);
  const bool cached = Bkeep != nullptr;
  if (!cached) {
    auto fresh = std::make_shared<AlignedBuffer<FP>>(pb_n * NR * 2 * dim);
    zero_last_panel(fresh->data(), pb_n, nbe, NR);
    const double wa = double(na), wb = sym ? 0.0 : double(nb);
    const double mid = split * wa / (wa + wb);
    const PanelSink<FP> both[2] = {{Ap.data(), MR}, {fresh->data(), NR}};
    compute_states<FP>(p, pa, na, both, sym ? 2 : 1, kt, sub_progress(opts, 0, mid));
    if (!sym) compute_states<FP>(p, pb, nb, both + 1, 1, kt, sub_progress(opts, mid, split));
    Bkeep = fresh;
    keep_panels<FP>(p, pbe, nbe, opts.isa, Bkeep);
  } else {
    // The B side's states are packed already: only A's (its B panels alone
    // would not do for a symmetric call, which packs A both ways).
    const PanelSink<FP> a_only[1] = {{Ap.data(), MR}};
    compute_states<FP>(p, pa, na, a_only, 1, kt, sub_progress(opts, 0, split));
  }
  const AlignedBuffer<FP>& Bp = *Bkeep;

  // Tiles (ib, jb) of kTile x kTile points; symmetric: jb >= ib only.
  const std::size_t mt = (na + kTile - 1) / kTile, nt = (nbe + kTile - 1) / kTile;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tasks;
  tasks.reserve(sym ? mt * (mt + 1) / 2 : mt * nt);
  for (std::size_t jb = 0; jb < nt; ++jb)
    for (std::size_t ib = 0; ib < (sym ? jb + 1 : mt); ++ib)
      tasks.emplace_back(std::uint32_t(ib), std::uint32_t(jb));
  const unsigned T = static_cast<unsigned>(std::min<std::size_t>(threads, tasks.size()));
  std::vector<AlignedBuffer<double>> sums(T);
  for (unsigned t = 0; t < T; ++t) sums[t].allocate(tile_c);
  std::atomic<std::size_t> done{0};
  auto cancelled = [&] { return opts.cancel && opts.cancel->cancelled.load(std::memory_order_relaxed); };
  const std::size_t ntasks = tasks.size();
  const std::size_t kc = gk.kc;
  const std::size_t blk = std::size_t(2) * MR * NR;  // doubles per micro-block
  double last = -1;
  for_items(T, ntasks, [&](std::uint64_t task, unsigned tid) {
      if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
      double* C = sums[tid].data();
      const std::size_t ib = tasks[task].first, jb = tasks[task].second;
      const std::size_t i0 = ib * kTile, j0 = jb * kTile;
      const std::size_t iend = std::min<std::size_t>(na, i0 + kTile);
      const std::size_t jend = std::min<std::size_t>(nbe, j0 + kTile);
      const std::size_t ni = (iend - i0 + MR - 1) / MR, nj = (jend - j0 + NR - 1) / NR;
      const bool diag = sym && ib == jb;
      // Micro-block (ip, jp) is needed unless all its rows are below all its columns' diagonal.
      auto needed = [&](std::size_t ip, std::size_t jp) {
        return !diag || i0 + ip * MR <= j0 + jp * NR + NR - 1;
      };
      std::memset(C, 0, ni * nj * blk * sizeof(double));
      {
        profile::Scope scope(profile::kKernelMatrix, std::uint64_t(iend - i0) * (jend - j0) * dim,
                             is_simd(opts.isa));
        const FP* A0 = Ap.data() + (i0 / MR) * MR * 2 * dim;
        const FP* B0 = Bp.data() + (j0 / NR) * NR * 2 * dim;
        for (std::size_t t0 = 0; t0 < dim; t0 += kc) {
          const std::size_t kcb = std::min(kc, dim - t0);
          for (std::size_t jp = 0; jp < nj; ++jp) {
            const FP* b = B0 + jp * NR * 2 * dim + t0 * 2 * NR;
            for (std::size_t ip = 0; ip < ni; ++ip)
              if (needed(ip, jp)) gk.run(A0 + ip * MR * 2 * dim + t0 * 2 * MR, b, kcb, C + (jp * ni + ip) * blk);
          }
        }
      }
      for (std::size_t jp = 0; jp < nj; ++jp)
        for (std::size_t ip = 0; ip < ni; ++ip) {
          if (!needed(ip, jp)) continue;
          const double* c = C + (jp * ni + ip) * blk;
          // (row by row: each row's NR entries are contiguous in out)
          for (unsigned ii = 0; ii < MR; ++ii) {
            const std::size_t i = i0 + ip * MR + ii;
            if (i >= iend) break;
            double* row = out + i * nb;
            for (unsigned jj = 0; jj < NR; ++jj) {
              const std::size_t j = j0 + jp * NR + jj;
              if (j >= jend) break;
              if (diag && i > j) continue;
              const double re = c[jj * MR + ii], im = c[(NR + jj) * MR + ii];
              row[j] = re * re + im * im;
            }
          }
        }
      const std::size_t d = done.fetch_add(1) + 1;
      if (opts.progress && tid == 0) {
        const double f = split + (1 - split) * double(d) / double(ntasks);
        if (f - last >= 0.01) {
          last = f;
          opts.progress(f);
        }
      }
  });
  if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
  // Symmetric: the lower triangle mirrors the upper one, block by block (a
  // column-wise write per entry would miss the cache once per entry).
  if (sym) {
    constexpr std::size_t kB = 64;
    const std::size_t nblk = (na + kB - 1) / kB;
    for_items(T, nblk, [&](std::uint64_t bi, unsigned) {
      const std::size_t i0 = bi * kB, iend = std::min(na, i0 + kB);
      for (std::size_t j0 = i0; j0 < na; j0 += kB) {
        const std::size_t jend = std::min(na, j0 + kB);
        for (std::size_t j = j0; j < jend; ++j)
          for (std::size_t i = i0; i < std::min(iend, j); ++i) out[j * nb + i] = out[i * nb + j];
      }
    });
  }
  if (opts.progress) opts.progress(1.0);
}
}  // namespace

void states_batch(const Program& program, Precision precision, const double* params,
                  std::size_t batch, double* out, const ExecOptions& opts) {
  check_qubits(program, "states_batch");
  check_params_rows(program, params, batch, "params");
  if (batch == 0) return;
  if (!out) throw Error(Error::Kind::Type, "states_batch: out is null");
  if (precision == Precision::f32) states_batch_impl<float>(program, params, batch, out, opts);
  else states_batch_impl<double>(program, params, batch, out, opts);
}

void fidelity_kernel(const Program& program, Precision precision, const double* params_a,
                     std::size_t na, const double* params_b, std::size_t nb, double* out,
                     const ExecOptions& opts) {
  check_qubits(program, "fidelity_kernel");
  if (!params_b && nb != na)
    throw Error(Error::Kind::Range, "fidelity_kernel: nb (" + std::to_string(nb) +
                                        ") must equal na (" + std::to_string(na) +
                                        ") when params_b is null (symmetric kernel)");
  if (na > (std::size_t(1) << 31) || nb > (std::size_t(1) << 31))
    throw Error(Error::Kind::Range, "fidelity_kernel: na and nb must be below 2^31");
  check_params_rows(program, params_a, na, "params_a");
  if (params_b) check_params_rows(program, params_b, nb, "params_b");
  if (na == 0 || nb == 0) return;
  if (!out) throw Error(Error::Kind::Type, "fidelity_kernel: out is null");
  if (precision == Precision::f32) fidelity_impl<float>(program, params_a, na, params_b, nb, out, opts);
  else fidelity_impl<double>(program, params_a, na, params_b, nb, out, opts);
}

}  // namespace quench
