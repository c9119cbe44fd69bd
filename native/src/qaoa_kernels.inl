// qaoa_kernels.inl — the QAOA energy + gradient sweep (see qaoa.h), written
// once in plain C++ and compiled per ISA: qaoa.cc (any x86-64),
// qaoa_avx2.cc (-mavx2 -mfma), qaoa_avx512.cc (-mavx512f ...), each with its
// own QUENCH_QAOA_NS. The loops are simple contiguous runs that the compiler
// vectorises for the ISA of the translation unit.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "quench/profile.h"
#include "quench/qaoa.h"

namespace quench {
namespace QUENCH_QAOA_NS {
namespace {

constexpr unsigned kLowBits = 11;   // low qubits transformed per contiguous block (2^11 amplitudes)
#ifndef QUENCH_QAOA_GROUP
#define QUENCH_QAOA_GROUP 5
#define QUENCH_QAOA_COLS 256
#endif
constexpr unsigned kGroupBits = QUENCH_QAOA_GROUP;  // high qubits per gathered tile
constexpr std::size_t kCols = QUENCH_QAOA_COLS;     // amplitudes per tile row

template <typename FP>
inline void bf2(FP* __restrict a, FP* __restrict b, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    const FP x = a[i], y = b[i];
    a[i] = x + y;
    b[i] = x - y;
  }
}

template <typename FP>
inline void bf4(FP* __restrict a, FP* __restrict b, FP* __restrict c, FP* __restrict d, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    const FP s0 = a[i] + b[i], d0 = a[i] - b[i], s1 = c[i] + d[i], d1 = c[i] - d[i];
    a[i] = s0 + s1;
    b[i] = d0 + d1;
    c[i] = s0 - s1;
    d[i] = d0 - d1;
  }
}

// Unnormalised WHT over the low b qubits of a contiguous block of 2^b amplitudes.
template <typename FP>
void low_stages(FP* y, unsigned b) {
  const std::size_t m = std::size_t(1) << b;
  unsigned q = 0;
  if (b >= 2) {  // qubits 0 and 1: within 4 consecutive amplitudes
    for (std::size_t g = 0; g < m; g += 4) {
      FP* z = y + 2 * g;
      for (int r = 0; r < 2; ++r) {
        const FP x0 = z[r], x1 = z[2 + r], x2 = z[4 + r], x3 = z[6 + r];
        const FP s0 = x0 + x1, d0 = x0 - x1, s1 = x2 + x3, d1 = x2 - x3;
        z[r] = s0 + s1;
        z[2 + r] = d0 + d1;
        z[4 + r] = s0 - s1;
        z[6 + r] = d0 - d1;
      }
    }
    q = 2;
  }
  for (; q + 1 < b; q += 2) {
    const std::size_t h = std::size_t(1) << q;
    for (std::size_t g = 0; g < m; g += 4 * h) {
      FP* z = y + 2 * g;
      bf4(z, z + 2 * h, z + 4 * h, z + 6 * h, 2 * h);
    }
  }
  if (q < b) {
    const std::size_t h = std::size_t(1) << q;
    for (std::size_t g = 0; g < m; g += 2 * h) {
      FP* z = y + 2 * g;
      bf2(z, z + 2 * h, 2 * h);
    }
  }
}

// WHT over the row index of a contiguous tile of 2^g rows of kCols amplitudes.
template <typename FP>
void tile_stages(FP* t, unsigned g) {
  constexpr std::size_t L = 2 * kCols;
  const std::size_t R = std::size_t(1) << g;
  unsigned s = 0;
  for (; s + 1 < g; s += 2) {
    const std::size_t h = std::size_t(1) << s;
    for (std::size_t r0 = 0; r0 < R; r0 += 4 * h)
      for (std::size_t r = r0; r < r0 + h; ++r)
        bf4(t + r * L, t + (r + h) * L, t + (r + 2 * h) * L, t + (r + 3 * h) * L, L);
  }
  if (s < g) {
    const std::size_t h = std::size_t(1) << s;
    for (std::size_t r0 = 0; r0 < R; r0 += 2 * h)
      for (std::size_t r = r0; r < r0 + h; ++r) bf2(t + r * L, t + (r + h) * L, L);
  }
}

// x <- F pre(x), F = the unnormalised Walsh–Hadamard transform on all n
// qubits. pre(i0, m, y, acc) fills the block y = x + 2·i0 of m amplitudes
// (reading wherever it likes, x itself included) and may add to *acc, the
// accumulator of its chunk (partial[c]; summed by the caller in order).
template <typename FP, typename Pre>
void fwht(FP* x, unsigned n, const For& par, double* partial, bool vec, Pre&& pre) {
  profile::Scope scope(profile::kWalshHadamard, std::uint64_t(1) << n, vec);
  const unsigned b = std::min(n, kLowBits);
  const std::uint64_t blocks = std::uint64_t(1) << (n - b);
  const std::size_t m = std::size_t(1) << b;
  par.run_chunks(blocks, [&](std::uint64_t bb, std::uint64_t be, std::uint64_t c, unsigned) {
    double acc = 0;
    for (std::uint64_t blk = bb; blk < be; ++blk) {
      FP* y = x + 2 * (blk << b);
      pre(blk << b, m, y, &acc);
      low_stages(y, b);
    }
    if (partial) partial[c] = acc;
  });
  for (unsigned s0 = b; s0 < n; s0 += kGroupBits) {
    const unsigned g = std::min(kGroupBits, n - s0);
    const std::uint64_t lo_tiles = (std::uint64_t(1) << s0) / kCols;
    const std::uint64_t tiles = (std::uint64_t(1) << (n - g - s0)) * lo_tiles;
    par.run(tiles, [&](std::uint64_t tb, std::uint64_t te, unsigned) {
      constexpr std::size_t L = 2 * kCols;
      const std::size_t R = std::size_t(1) << g;
      thread_local std::vector<FP> tile;
      if (tile.size() < R * L) tile.resize(R * L);
      FP* t = tile.data();
      for (std::uint64_t ti = tb; ti < te; ++ti) {
        const std::uint64_t hi = ti / lo_tiles, lo = (ti % lo_tiles) * kCols;
        FP* base = x + 2 * ((hi << (s0 + g)) + lo);
        for (std::size_t r = 0; r < R; ++r) std::memcpy(t + r * L, base + 2 * (r << s0), L * sizeof(FP));
        tile_stages(t, g);
        for (std::size_t r = 0; r < R; ++r) std::memcpy(base + 2 * (r << s0), t + r * L, L * sizeof(FP));
      }
    });
  }
}

void check_cancel(const CancelToken* c) {
  if (c && c->cancelled.load(std::memory_order_relaxed)) throw Error(Error::Kind::Cancelled, "cancelled");
}

struct Ident {
  std::uint64_t operator()(std::uint64_t i) const { return i; }
};
template <typename T>
struct Lookup {
  const T* p;
  std::uint64_t operator()(std::uint64_t i) const { return p[i]; }
};

template <typename FP, typename Idx>
double sweep(const QaoaTables& t, Idx idx, FP* const* bufs, double* gc, double* gm, const For& par,
             const CancelToken* cancel) {
  const bool vec = QUENCH_QAOA_VECTOR;
  const unsigned n = t.n, p = t.p;
  const std::uint64_t N = std::uint64_t(1) << n;
  const unsigned b = std::min(n, kLowBits);
  const std::size_t m = std::size_t(1) << b;
  const std::uint64_t blocks = std::uint64_t(1) << (n - b);
  FP* w = bufs[2 * p];
  auto phi = [&](unsigned l) { return bufs[2 * l]; };   // state after cost layer l
  auto cwh = [&](unsigned l) { return bufs[2 * l + 1]; };  // F · phi(l)

  // Per-call tables: cost phases per distinct value, mixer phases by popcount.
  const std::size_t U = t.ncval;
  std::vector<FP> phase(2 * U * p);
  for (unsigned l = 0; l < p; ++l)
    for (std::size_t u = 0; u < U; ++u) {
      const double a = t.theta_c[l] * t.cval[u];
      phase[2 * (l * U + u)] = FP(std::cos(a));
      phase[2 * (l * U + u) + 1] = FP(-std::sin(a));
    }
  // e^{-iθ(n - 2 pc(i))}/N = hi(pc of block) · lo(pc of position in block)
  std::vector<FP> tlo(2 * m * p), thi(2 * (n - b + 1) * p), zlo(m);
  for (std::size_t j = 0; j < m; ++j) zlo[j] = FP(double(b) - 2.0 * __builtin_popcountll(j));
  for (unsigned l = 0; l < p; ++l) {
    const double th = t.theta_m[l];
    for (std::size_t j = 0; j < m; ++j) {
      const double a = th * (double(b) - 2.0 * __builtin_popcountll(j));
      tlo[2 * (l * m + j)] = FP(std::cos(a));
      tlo[2 * (l * m + j) + 1] = FP(-std::sin(a));
    }
    for (unsigned k = 0; k <= n - b; ++k) {
      const double a = th * (double(n - b) - 2.0 * k);
      thi[2 * (l * (n - b + 1) + k)] = FP(std::cos(a) / double(N));
      thi[2 * (l * (n - b + 1) + k) + 1] = FP(-std::sin(a) / double(N));
    }
  }
  std::vector<double> partial(par.chunk_count(blocks));
  auto total = [&]() {
    double s = 0;
    for (double v : partial) s += v;
    return s;
  };
  const FP u0 = FP(1.0 / std::sqrt(double(N)));

  // ---- forward ----
  for (unsigned l = 0; l < p; ++l) {
    check_cancel(cancel);
    const FP* ph = phase.data() + 2 * l * U;
    FP* f = phi(l);
    const bool first = l == 0;
    fwht(cwh(l), n, par, nullptr, vec, [&](std::uint64_t i0, std::size_t mm, FP* y, double*) {
      const FP* s = w + 2 * i0;
      FP* fo = f + 2 * i0;
      for (std::size_t j = 0; j < mm; ++j) {
        const FP* e = ph + 2 * idx(i0 + j);
        const FP sr = first ? u0 : s[2 * j], si = first ? FP(0) : s[2 * j + 1];
        const FP r = e[0] * sr - e[1] * si, im = e[0] * si + e[1] * sr;
        fo[2 * j] = r;
        fo[2 * j + 1] = im;
        y[2 * j] = r;
        y[2 * j + 1] = im;
      }
    });
    const FP* lo = tlo.data() + 2 * l * m;
    const FP* hiT = thi.data() + 2 * l * (n - b + 1);
    const FP* c = cwh(l);
    fwht(w, n, par, nullptr, vec, [&](std::uint64_t i0, std::size_t mm, FP* y, double*) {
      const FP* h = hiT + 2 * __builtin_popcountll(i0 >> b);
      const FP hr = h[0], hm = h[1];
      const FP* s = c + 2 * i0;
      for (std::size_t j = 0; j < mm; ++j) {
        const FP pr = lo[2 * j] * hr - lo[2 * j + 1] * hm, pi = lo[2 * j] * hm + lo[2 * j + 1] * hr;
        const FP sr = s[2 * j], si = s[2 * j + 1];
        y[2 * j] = pr * sr - pi * si;
        y[2 * j + 1] = pr * si + pi * sr;
      }
    });
  }

  // ---- energy, λ = O ψ, and the backward sweep ----
  double value = 0;
  for (unsigned l = p; l-- > 0;) {
    check_cancel(cancel);
    if (l == p - 1) {
      fwht(w, n, par, partial.data(), vec, [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
        double a = 0;
        for (std::size_t j = 0; j < mm; ++j) {
          const FP o = FP(t.o_per_value ? t.oval[idx(i0 + j)] : t.oval[i0 + j]);
          const FP r = y[2 * j], im = y[2 * j + 1];
          a += double(o * (r * r + im * im));
          y[2 * j] = o * r;
          y[2 * j + 1] = o * im;
        }
        *acc += a;
      });
      value = total();
    } else {
      // γ-derivative of layer l+1 (w = μ_{l+1}), then λ_l = D_{l+1}^† μ_{l+1}
      const FP* ph = phase.data() + 2 * (l + 1) * U;
      const FP* f = phi(l + 1);
      fwht(w, n, par, partial.data(), vec, [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
        double a = 0;
        const FP* fo = f + 2 * i0;
        for (std::size_t j = 0; j < mm; ++j) {
          const std::uint64_t u = idx(i0 + j);
          const FP* e = ph + 2 * u;
          const FP mr = y[2 * j], mi = y[2 * j + 1];
          a += t.cval[u] * double(mr * fo[2 * j + 1] - mi * fo[2 * j]);
          y[2 * j] = e[0] * mr + e[1] * mi;
          y[2 * j + 1] = e[0] * mi - e[1] * mr;
        }
        *acc += a;
      });
      gc[l + 1] = 2.0 * total();
    }
    // w = F λ_l; β-derivative in the Hadamard basis, then μ_l = F (D_β^†/N) F λ_l
    const FP* lo = tlo.data() + 2 * l * m;
    const FP* hiT = thi.data() + 2 * l * (n - b + 1);
    const FP* c = cwh(l);
    fwht(w, n, par, partial.data(), vec, [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
      const std::uint64_t hb = __builtin_popcountll(i0 >> b);
      const FP* h = hiT + 2 * hb;
      const FP hr = h[0], hm = h[1];
      const FP zh = FP(double(n - b) - 2.0 * double(hb));
      const FP* s = c + 2 * i0;
      double a = 0;
      for (std::size_t j = 0; j < mm; ++j) {
        const FP pr = lo[2 * j] * hr - lo[2 * j + 1] * hm, pi = lo[2 * j] * hm + lo[2 * j + 1] * hr;
        const FP sr = s[2 * j], si = s[2 * j + 1];
        const FP qr = pr * sr - pi * si, qi = pr * si + pi * sr;
        const FP ar = y[2 * j], ai = y[2 * j + 1];
        a += double((zh + zlo[j]) * (ar * qi - ai * qr));
        y[2 * j] = pr * ar + pi * ai;
        y[2 * j + 1] = pr * ai - pi * ar;
      }
      *acc += a;
    });
    gm[l] = 2.0 * total();
  }
  // γ-derivative of layer 0 (w = μ_0)
  {
    profile::Scope scope(profile::kIndexedDiagonal, N, vec);
    const FP* f = phi(0);
    gc[0] = 2.0 * par.sum(N, [&](std::uint64_t lo, std::uint64_t hi) {
      double a = 0;
      for (std::uint64_t i = lo; i < hi; ++i)
        a += t.cval[idx(i)] * double(w[2 * i] * f[2 * i + 1] - w[2 * i + 1] * f[2 * i]);
      return a;
    });
  }
  return value;
}

template <typename FP>
double dispatch(const QaoaTables& t, FP* const* bufs, double* gc, double* gm, const For& par,
                const CancelToken* cancel) {
  if (t.idx_bytes == 1)
    return sweep<FP>(t, Lookup<std::uint8_t>{static_cast<const std::uint8_t*>(t.idx)}, bufs, gc, gm, par, cancel);
  if (t.idx_bytes == 2)
    return sweep<FP>(t, Lookup<std::uint16_t>{static_cast<const std::uint16_t*>(t.idx)}, bufs, gc, gm, par, cancel);
  return sweep<FP>(t, Ident{}, bufs, gc, gm, par, cancel);
}

}  // namespace

double qaoa_sweep(const QaoaTables& t, double* const* bufs, double* gc, double* gm, const For& par,
                  const CancelToken* cancel) {
  return dispatch<double>(t, bufs, gc, gm, par, cancel);
}
double qaoa_sweep(const QaoaTables& t, float* const* bufs, double* gc, double* gm, const For& par,
                  const CancelToken* cancel) {
  return dispatch<float>(t, bufs, gc, gm, par, cancel);
}

}  // namespace QUENCH_QAOA_NS
}  // namespace quench
