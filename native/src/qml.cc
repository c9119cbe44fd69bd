// Quantum kernels: batches of states and the fidelity (QSVM) kernel
// K_ij = |<ψ(a_i)|ψ(b_j)>|^2. Every data point's state is computed once
// (threads over the points for small states), then K is a blocked product of
// the state matrices (gram.h): tiles of kTileM x kTileN points handed out to
// threads dynamically, each tile a sweep of 3 x 4 register micro-tiles over
// blocks of kGramKC amplitudes.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
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

// ---- portable Gram micro-kernel (same contract as gram_avx2.cc) ----------------------
namespace {
template <typename FP>
void gram_tile_portable(const FP* A, std::size_t lda, unsigned mr, const FP* B, std::size_t ldb,
                        unsigned nr, std::size_t k, double* C, std::size_t ldc) {
  for (std::size_t t0 = 0; t0 < k; t0 += kGramKC) {
    const std::size_t t1 = std::min(k, t0 + kGramKC);
    for (unsigned i = 0; i < mr; i += kGramMR)
      for (unsigned j = 0; j < nr; j += kGramNR) {
        FP acc[kGramMR][kGramNR] = {};
        for (std::size_t t = t0; t < t1; ++t)
          for (unsigned r = 0; r < kGramMR; ++r) {
            const FP x = A[(i + r) * lda + t];
            for (unsigned c = 0; c < kGramNR; ++c) acc[r][c] += x * B[(j + c) * ldb + t];
          }
        for (unsigned r = 0; r < kGramMR; ++r)
          for (unsigned c = 0; c < kGramNR; ++c) C[(i + r) * ldc + j + c] += double(acc[r][c]);
      }
  }
}
}  // namespace

void gram_tile_scalar(const float* A, std::size_t lda, unsigned mr, const float* B,
                      std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc) {
  gram_tile_portable<float>(A, lda, mr, B, ldb, nr, k, C, ldc);
}
void gram_tile_scalar(const double* A, std::size_t lda, unsigned mr, const double* B,
                      std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc) {
  gram_tile_portable<double>(A, lda, mr, B, ldb, nr, k, C, ldc);
}

namespace {
constexpr unsigned kTileM = 48;  // a points per tile (multiple of kGramMR)
constexpr unsigned kTileN = 48;  // b points per tile (2 rows each; 2·kTileN multiple of kGramNR)
constexpr unsigned kMaxKernelQubits = 30;

template <typename FP>
const KernelTable<FP>& table_checked(const ExecOptions& opts) {
  if (opts.isa != Isa::scalar && opts.isa != Isa::avx2) throw Error(Error::Kind::Range, "unknown ISA");
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

// Computes the states of `rows` parameter sets into a row-major FP matrix
// (row i at out + i * ld, the 2·2^n values then zeros up to ld).
template <typename FP>
void compute_states(const Program& p, const double* params, std::size_t rows, FP* out,
                    std::size_t ld, const KernelTable<FP>& kt, const ExecOptions& opts) {
  const std::size_t len = 2 * (std::size_t(1) << p.n);
  for_batch<StateSpace<FP>>(
      rows, p.n, opts, StateSpace<FP>::bytes_for(p.n),
      "state scratch (" + std::to_string(p.n) + " qubits per thread)",
      [&] { return StateSpace<FP>(p.n); },
      [&](std::size_t i, StateSpace<FP>& st, const For& par) {
        st.set_zero_state(par);
        run_program<FP>(st.data(), p, params ? params + i * p.num_params : nullptr, kt, par, nullptr);
        FP* row = out + i * ld;
        const FP* src = st.data();
        par.run(len / 2, [&](std::uint64_t b, std::uint64_t e, unsigned) {
          std::memcpy(row + 2 * b, src + 2 * b, (e - b) * 2 * sizeof(FP));
        });
        if (ld > len) std::memset(row + len, 0, (ld - len) * sizeof(FP));
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

template <typename FP>
void fidelity_impl(const Program& p, const double* pa, std::size_t na, const double* pb,
                   std::size_t nb, double* out, const ExecOptions& opts) {
  const KernelTable<FP>& kt = table_checked<FP>(opts);
  const bool sym = pb == nullptr;
  const std::size_t dim = std::size_t(1) << p.n;
  const std::size_t len = 2 * dim;
  const std::size_t ld = (len + 15) / 16 * 16;
  const std::size_t na_pad = (na + kTileM - 1) / kTileM * kTileM;
  const std::size_t nb_pad = sym ? na_pad : (nb + kTileN - 1) / kTileN * kTileN;
  const unsigned threads = effective_threads(opts);
  const std::size_t panel = std::size_t(2) * kTileN * ld;  // B rows of one tile (FP)
  const std::size_t tile_c = std::size_t(kTileM) * 2 * kTileN;  // doubles
  const double state_bytes = double(sizeof(FP)) * ld * double(na_pad + (sym ? 0 : nb_pad));
  const double scratch_bytes =
      double(threads) * (double(panel) * sizeof(FP) + tile_c * sizeof(double)) +
      double(threads) * double(StateSpace<FP>::bytes_for(p.n));
  const double out_bytes = double(na) * double(nb) * sizeof(double);
  const double total = state_bytes + scratch_bytes + out_bytes;
  if (total > 9.0e18) throw Error(Error::Kind::Memory, "fidelity kernel is too large");
  check_memory(std::size_t(total),
               "fidelity kernel (" + std::to_string(na + (sym ? 0 : nb)) + " states of " +
                   std::to_string(p.n) + " qubits: " + gib(state_bytes) + ", output " +
                   std::to_string(na) + " x " + std::to_string(nb) + ": " + gib(out_bytes) + ")");

  // Work estimates for progress: states vs the product.
  const double w_states = double(na + (sym ? 0 : nb)) * double(p.ops.size() + 1) * double(dim) * 8;
  const double w_gram = double(na) * double(nb) * double(dim) * 8 / (sym ? 2.0 : 1.0);
  const double split = w_states / (w_states + w_gram);

  AlignedBuffer<FP> A(na_pad * ld);
  AlignedBuffer<FP> Bst(sym ? 0 : nb_pad * ld);
  std::memset(A.data(), 0, A.size() * sizeof(FP));
  if (!sym) std::memset(Bst.data(), 0, Bst.size() * sizeof(FP));
  {
    const double wa = double(na), wb = sym ? 0.0 : double(nb);
    const double mid = split * wa / (wa + wb);
    compute_states<FP>(p, pa, na, A.data(), ld, kt, sub_progress(opts, 0, mid));
    if (!sym) compute_states<FP>(p, pb, nb, Bst.data(), ld, kt, sub_progress(opts, mid, split));
  }
  const FP* Bs = sym ? A.data() : Bst.data();

  // Tiles (ib, jb); symmetric: jb >= ib only.
  const std::size_t mt = na_pad / kTileM, nt = nb_pad / kTileN;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tasks;
  tasks.reserve(sym ? mt * (mt + 1) / 2 : mt * nt);
  for (std::size_t jb = 0; jb < nt; ++jb)
    for (std::size_t ib = 0; ib < (sym ? jb + 1 : mt); ++ib)
      tasks.emplace_back(std::uint32_t(ib), std::uint32_t(jb));
  auto tile_fn = opts.isa == Isa::avx2
                     ? static_cast<void (*)(const FP*, std::size_t, unsigned, const FP*, std::size_t,
                                            unsigned, std::size_t, double*, std::size_t)>(&gram_tile_avx2)
                     : static_cast<void (*)(const FP*, std::size_t, unsigned, const FP*, std::size_t,
                                            unsigned, std::size_t, double*, std::size_t)>(&gram_tile_scalar);
  const unsigned T = static_cast<unsigned>(std::min<std::size_t>(threads, tasks.size()));
  std::vector<AlignedBuffer<FP>> panels(T);
  std::vector<AlignedBuffer<double>> tiles(T);
  for (unsigned t = 0; t < T; ++t) {
    panels[t].allocate(panel);
    tiles[t].allocate(tile_c);
  }
  std::atomic<std::size_t> done{0};
  auto cancelled = [&] { return opts.cancel && opts.cancel->cancelled.load(std::memory_order_relaxed); };
  const std::size_t ntasks = tasks.size();
  double last = -1;
  // Tiles claimed one at a time by the pool's workers; each has its own panel and tile.
  for_items(T, ntasks, [&](std::uint64_t task, unsigned tid) {
      if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
      FP* P = panels[tid].data();
      double* C = tiles[tid].data();
      const std::size_t ib = tasks[task].first, jb = tasks[task].second;
      const std::size_t i0 = ib * kTileM, j0 = jb * kTileN;
      // Panel: per b point, its row (Re) and the row (im, −re) (Im).
      for (unsigned j = 0; j < kTileN; ++j) {
        const FP* b = Bs + (j0 + j) * ld;
        FP* r0 = P + (2 * j) * ld;
        FP* r1 = r0 + ld;
        std::memcpy(r0, b, ld * sizeof(FP));
        for (std::size_t t = 0; t < ld; t += 2) {
          r1[t] = b[t + 1];
          r1[t + 1] = -b[t];
        }
      }
      std::memset(C, 0, tile_c * sizeof(double));
      {
        profile::Scope scope(profile::kKernelMatrix, std::uint64_t(kTileM) * kTileN * (ld / 2), opts.isa == Isa::avx2);
        tile_fn(A.data() + i0 * ld, ld, kTileM, P, ld, 2 * kTileN, ld, C, 2 * kTileN);
      }
      const std::size_t iend = std::min<std::size_t>(na, i0 + kTileM);
      const std::size_t jend = std::min<std::size_t>(sym ? na : nb, j0 + kTileN);
      for (std::size_t i = i0; i < iend; ++i) {
        const double* c = C + (i - i0) * 2 * kTileN;
        std::size_t js = j0;
        if (sym && ib == jb) js = i;  // upper triangle of a diagonal tile
        for (std::size_t j = js; j < jend; ++j) {
          const double re = c[2 * (j - j0)], im = c[2 * (j - j0) + 1];
          const double v = re * re + im * im;
          out[i * nb + j] = v;
          if (sym) out[j * nb + i] = v;
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
