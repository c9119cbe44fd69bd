// reductions_impl.h — bodies of the ReductionTable passes (reductions.h),
// templates on (FP, Tag): each ISA's translation unit instantiates them with
// its own Tag so the AVX2 build can never replace the portable one at link
// time. Plain loops with OpenMP simd reductions (vectorised by the AVX2 TU).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "quench/bits.h"
#include "quench/engine.h"
#include "quench/parallel.h"
#include "quench/reductions.h"

namespace quench {

template <typename FP, typename Tag>
struct ReductionImpl {
  // Scratch owned by this instantiation: no std:: containers here, so an
  // AVX2 build of shared library code can never be linked into the portable
  // path (same rule as observables.h).
  template <typename T>
  struct Buf {
    T* p;
    std::size_t n;
    explicit Buf(std::size_t count, T init = T()) : p(static_cast<T*>(std::malloc(sizeof(T) * (count ? count : 1)))), n(count) {
      if (!p) throw std::bad_alloc();
      for (std::size_t i = 0; i < count; ++i) p[i] = init;
    }
    ~Buf() { std::free(p); }
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    T& operator[](std::size_t i) { return p[i]; }
    const T& operator[](std::size_t i) const { return p[i]; }
    T* data() { return p; }
    const T* data() const { return p; }
    std::size_t size() const { return n; }
  };
  // Both pair products of two runs at once: o[0..1] += Σ conj(l0) p1, o[2..3] += Σ conj(l1) p0.
  static inline void cdot2(const FP* l0, const FP* p0, const FP* l1, const FP* p1, std::uint64_t len,
                           double* o) {
    double r01 = 0, i01 = 0, r10 = 0, i10 = 0;
#pragma omp simd reduction(+ : r01, i01, r10, i10)
    for (std::uint64_t t = 0; t < len; ++t) {
      const double ar = l0[2 * t], ai = l0[2 * t + 1], br = p1[2 * t], bi = p1[2 * t + 1];
      const double cr = l1[2 * t], ci = l1[2 * t + 1], dr = p0[2 * t], di = p0[2 * t + 1];
      r01 += ar * br + ai * bi;
      i01 += ar * bi - ai * br;
      r10 += cr * dr + ci * di;
      i10 += cr * di - ci * dr;
    }
    o[0] += r01;
    o[1] += i01;
    o[2] += r10;
    o[3] += i10;
  }

  template <typename Idx, bool DIRECT>
  static void diag_apply_t(FP* s, unsigned n, const IndexedDiag& d, const Idx* idx, const FP* tab,
                           const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    if (DIRECT) {  // qubits 0..n-1: entry index = amplitude index
      par.run(dim, [&](std::uint64_t b, std::uint64_t e, unsigned) {
        for (std::uint64_t i = b; i < e; ++i) {
          const FP* t = tab + 2 * idx[i];
          const FP dr = t[0], di = t[1], ar = s[2 * i], ai = s[2 * i + 1];
          s[2 * i] = dr * ar - di * ai;
          s[2 * i + 1] = dr * ai + di * ar;
        }
      });
      return;
    }
    const unsigned bb = n < 10u ? n : 10u;
    const std::uint64_t B = bit(bb);
    Buf<std::uint32_t> low(B);
    for (std::uint64_t t = 0; t < B; ++t) low[t] = static_cast<std::uint32_t>(gather_bits(t, d.qubits, d.k));
    par.run(dim >> bb, [&](std::uint64_t g0, std::uint64_t g1, unsigned) {
      for (std::uint64_t g = g0; g < g1; ++g) {
        const std::uint64_t base = g << bb;
        const std::uint64_t jb = gather_bits(base, d.qubits, d.k);
        FP* a = s + 2 * base;
        for (std::uint64_t t = 0; t < B; ++t) {
          const FP* tt = tab + 2 * idx[jb + low[t]];
          const FP dr = tt[0], di = tt[1], ar = a[2 * t], ai = a[2 * t + 1];
          a[2 * t] = dr * ar - di * ai;
          a[2 * t + 1] = dr * ai + di * ar;
        }
      }
    });
  }

  static void diag_apply(FP* s, unsigned n, const IndexedDiag& d, const FP* tab, const For& par) {
    const bool direct = d.k == n;
    if (d.index_bytes == 1) {
      const auto* idx = static_cast<const std::uint8_t*>(d.index);
      if (direct) diag_apply_t<std::uint8_t, true>(s, n, d, idx, tab, par);
      else diag_apply_t<std::uint8_t, false>(s, n, d, idx, tab, par);
    } else {
      const auto* idx = static_cast<const std::uint16_t*>(d.index);
      if (direct) diag_apply_t<std::uint16_t, true>(s, n, d, idx, tab, par);
      else diag_apply_t<std::uint16_t, false>(s, n, d, idx, tab, par);
    }
  }

  // value of entry j: values[idx[j]] or values[j]
  template <typename Idx>
  static double diag_im_t(const FP* lam, const FP* phi, unsigned n, const IndexedDiag& d,
                          const Idx* idx, const double* vals, const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    auto entry = [&](std::uint64_t j) { return idx ? vals[idx[j]] : vals[j]; };
    if (d.k == n) {
      return par.sum(dim, [&](std::uint64_t b, std::uint64_t e) {
        double a0 = 0, a1 = 0;
        std::uint64_t i = b;
        for (; i + 2 <= e; i += 2) {
          a0 += entry(i) * (double(lam[2 * i]) * phi[2 * i + 1] - double(lam[2 * i + 1]) * phi[2 * i]);
          a1 += entry(i + 1) *
                (double(lam[2 * i + 2]) * phi[2 * i + 3] - double(lam[2 * i + 3]) * phi[2 * i + 2]);
        }
        for (; i < e; ++i)
          a0 += entry(i) * (double(lam[2 * i]) * phi[2 * i + 1] - double(lam[2 * i + 1]) * phi[2 * i]);
        return a0 + a1;
      });
    }
    const unsigned bb = n < 10u ? n : 10u;
    const std::uint64_t B = bit(bb);
    Buf<std::uint32_t> low(B);
    for (std::uint64_t t = 0; t < B; ++t) low[t] = static_cast<std::uint32_t>(gather_bits(t, d.qubits, d.k));
    return par.sum(dim >> bb, [&](std::uint64_t g0, std::uint64_t g1) {
      double acc = 0;
      for (std::uint64_t g = g0; g < g1; ++g) {
        const std::uint64_t base = g << bb;
        const std::uint64_t jb = gather_bits(base, d.qubits, d.k);
        const FP* l = lam + 2 * base;
        const FP* p = phi + 2 * base;
        for (std::uint64_t t = 0; t < B; ++t)
          acc += entry(jb + low[t]) * (double(l[2 * t]) * p[2 * t + 1] - double(l[2 * t + 1]) * p[2 * t]);
      }
      return acc;
    });
  }

  static double diag_im(const FP* lam, const FP* phi, unsigned n, const IndexedDiag& d,
                        const double* vals, const For& par) {
    if (!d.index) return diag_im_t<std::uint8_t>(lam, phi, n, d, nullptr, vals, par);
    if (d.index_bytes == 1)
      return diag_im_t(lam, phi, n, d, static_cast<const std::uint8_t*>(d.index), vals, par);
    return diag_im_t(lam, phi, n, d, static_cast<const std::uint16_t*>(d.index), vals, par);
  }

  // Pair sums of one qubit over a contiguous run of T amplitudes, with
  // GCC/Clang vector types (four doubles: two amplitudes interleaved; f32
  // loads are widened), two sets of accumulators to hide the add latency. On the
  // interleaved doubles, Re conj(l) p = Σ l·p over all lanes and
  // Im conj(l) p = Σ over even lanes − Σ over odd lanes of l·swap(p).
  // Member functions: each ISA's Tag gets its own copy (see the top).
  typedef double V4 __attribute__((vector_size(32)));
  typedef double V4u __attribute__((vector_size(32), aligned(8)));
  typedef float V4f __attribute__((vector_size(16), aligned(4)));
  // (Results by reference: a vector returned by value changes the ABI of
  // the portable build, which GCC warns about.)
  static inline void ld4(V4& r, const double* p) { r = *reinterpret_cast<const V4u*>(p); }
  static inline void ld4(V4& r, const float* p) { r = __builtin_convertvector(*reinterpret_cast<const V4f*>(p), V4); }
  static void pair_sums_run(const FP* lam, const FP* phi, std::uint64_t T, unsigned q, double* o) {
    V4 a0 = {0, 0, 0, 0}, b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
    if (q == 0) {
      // One vector = amplitudes 2u (lanes 0-1) and 2u + 1 (lanes 2-3): the
      // pair itself. a: (l0·p1, l1·p0) lane-wise, b: the same crossed for Im.
      std::uint64_t u = 0;
      for (; u + 2 <= T / 2; u += 2) {
        V4 L, P, L2, P2;
        ld4(L, lam + 4 * u);
        ld4(P, phi + 4 * u);
        ld4(L2, lam + 4 * u + 4);
        ld4(P2, phi + 4 * u + 4);
        a0 += L * __builtin_shufflevector(P, P, 2, 3, 0, 1);
        b0 += L * __builtin_shufflevector(P, P, 3, 2, 1, 0);
        a1 += L2 * __builtin_shufflevector(P2, P2, 2, 3, 0, 1);
        b1 += L2 * __builtin_shufflevector(P2, P2, 3, 2, 1, 0);
      }
      for (; u < T / 2; ++u) {
        V4 L, P;
        ld4(L, lam + 4 * u);
        ld4(P, phi + 4 * u);
        a0 += L * __builtin_shufflevector(P, P, 2, 3, 0, 1);
        b0 += L * __builtin_shufflevector(P, P, 3, 2, 1, 0);
      }
      const V4 a = a0 + a1, b = b0 + b1;
      o[0] += a[0] + a[1];
      o[1] += b[0] - b[1];
      o[2] += a[2] + a[3];
      o[3] += b[2] - b[3];
      return;
    }
    const std::uint64_t hd = 2 * bit(q);  // doubles in each half of a pair block
    auto step = [&](const FP* l0, const FP* p0, V4& a, V4& b, V4& c, V4& d) {
      V4 L0, P0, L1, P1;
      ld4(L0, l0);
      ld4(P0, p0);
      ld4(L1, l0 + hd);
      ld4(P1, p0 + hd);
      a += L0 * P1;
      b += L0 * __builtin_shufflevector(P1, P1, 1, 0, 3, 2);
      c += L1 * P0;
      d += L1 * __builtin_shufflevector(P0, P0, 1, 0, 3, 2);
    };
    if (hd == 4) {  // q = 1: one vector per half, two pair blocks per step
      std::uint64_t base = 0;
      for (; base + 16 <= 2 * T; base += 16) {
        step(lam + base, phi + base, a0, b0, c0, d0);
        step(lam + base + 8, phi + base + 8, a1, b1, c1, d1);
      }
      for (; base < 2 * T; base += 8) step(lam + base, phi + base, a0, b0, c0, d0);
    } else {
      for (std::uint64_t base = 0; base < 2 * T; base += 2 * hd)
        for (std::uint64_t t = 0; t < hd; t += 8) {
          step(lam + base + t, phi + base + t, a0, b0, c0, d0);
          step(lam + base + t + 4, phi + base + t + 4, a1, b1, c1, d1);
        }
    }
    const V4 a = a0 + a1, b = b0 + b1, c = c0 + c1, d = d0 + d1;
    o[0] += (a[0] + a[1]) + (a[2] + a[3]);
    o[1] += (b[0] - b[1]) + (b[2] - b[3]);
    o[2] += (c[0] + c[1]) + (c[2] + c[3]);
    o[3] += (d[0] - d[1]) + (d[2] - d[3]);
  }

  // Pair sums of the low qubits (all < c) over one contiguous tile of 2^c.
  static void pair_sums_tile(const FP* lam, const FP* phi, unsigned c, const unsigned* qs,
                             const unsigned* slot, unsigned m, double* acc) {
    const std::uint64_t T = std::uint64_t(1) << c;
    for (unsigned t = 0; t < m; ++t) pair_sums_run(lam, phi, T, qs[t], acc + 4 * slot[t]);
  }

  static void pair_sums(const FP* lam, const FP* phi, unsigned n, const unsigned* qubits, unsigned m,
                        double* out, const For& par) {
    for (unsigned j = 0; j < 4 * m; ++j) out[j] = 0;
    if (!m) return;
    const unsigned c = n < Tiles<FP>::kTileBits ? n : Tiles<FP>::kTileBits;
    Buf<unsigned> lq(m), ls(m), hq(m), hs(m);
    unsigned nl = 0, nh = 0;
    for (unsigned t = 0; t < m; ++t) {
      if (qubits[t] < c) {
        lq[nl] = qubits[t];
        ls[nl++] = t;
      } else {
        hq[nh] = qubits[t];
        hs[nh++] = t;
      }
    }
    auto reduce = [&](std::uint64_t tiles, auto&& tile_fn) {
      const std::uint64_t chunks = par.chunk_count(tiles);
      Buf<double> part(chunks * 4 * m, 0.0);
      par.run_chunks(tiles, [&](std::uint64_t b, std::uint64_t e, std::uint64_t ch, unsigned) {
        double* acc = part.data() + ch * 4 * m;
        for (std::uint64_t tile = b; tile < e; ++tile) tile_fn(tile, acc);
      });
      for (std::uint64_t ch = 0; ch < chunks; ++ch)
        for (unsigned j = 0; j < 4 * m; ++j) out[j] += part[ch * 4 * m + j];
    };
    if (nl) {
      reduce(std::uint64_t(1) << (n - c), [&](std::uint64_t tile, double* acc) {
        const std::uint64_t base = tile << c;
        pair_sums_tile(lam + 2 * base, phi + 2 * base, c, lq.data(), ls.data(), nl, acc);
      });
    }
    // High qubits: groups of up to kMaxHigh, sorted.
    Buf<unsigned> order(nh);
    for (unsigned j = 0; j < nh; ++j) order[j] = j;
    std::sort(order.data(), order.data() + nh, [&](unsigned a, unsigned b) { return hq[a] < hq[b]; });
    for (unsigned g0 = 0; g0 < nh; g0 += Tiles<FP>::kMaxHigh) {
      const unsigned gk = nh - g0 < Tiles<FP>::kMaxHigh ? nh - g0 : Tiles<FP>::kMaxHigh;
      unsigned G[64], S[64];
      for (unsigned j = 0; j < gk; ++j) {
        G[j] = hq[order[g0 + j]];
        S[j] = hs[order[g0 + j]];
      }
      const unsigned r = Tiles<FP>::kTileBits - gk < G[0] ? Tiles<FP>::kTileBits - gk : G[0];
      const std::uint64_t R = bit(r), H = bit(gk);
      reduce(std::uint64_t(1) << (n - r - gk), [&](std::uint64_t tile, double* acc) {
        const std::uint64_t base = deposit_zeros(tile << r, G, gk);
        for (unsigned p = 0; p < gk; ++p) {
          double* o = acc + 4 * S[p];
          for (std::uint64_t h = 0; h < H; ++h) {
            if ((h >> p) & 1u) continue;
            const std::uint64_t i0 = base + scatter_bits(h, G, gk), i1 = i0 + bit(G[p]);
            cdot2(lam + 2 * i0, phi + 2 * i0, lam + 2 * i1, phi + 2 * i1, R, o);
          }
        }
      });
    }
  }

  // Σ w[t] over the t < B whose bit q is 1 (q < log2 B).
  static double upper_sum(const double* w, std::uint64_t B, unsigned q) {
    double s = 0;
    if (q == 0) {
#pragma omp simd reduction(+ : s)
      for (std::uint64_t u = 0; u < B / 2; ++u) s += w[2 * u + 1];
      return s;
    }
    if (q == 1) {
#pragma omp simd reduction(+ : s)
      for (std::uint64_t u = 0; u < B / 4; ++u) s += w[4 * u + 2] + w[4 * u + 3];
      return s;
    }
    const std::uint64_t h = bit(q);
    for (std::uint64_t b = h; b < B; b += 2 * h) {
      const double* x = w + b;
#pragma omp simd reduction(+ : s)
      for (std::uint64_t t = 0; t < h; ++t) s += x[t];
    }
    return s;
  }

  static void diag1_sums(const FP* lam, const FP* phi, unsigned n, const unsigned* qubits, unsigned m,
                         double* out, const For& par) {
    for (unsigned j = 0; j <= m; ++j) out[j] = 0;
    // Blocks of 2^bb amplitudes: Im(conj(l) p) into w (L1), then per qubit
    // either a strided sum of w (low qubits) or the block total (high ones).
    const unsigned bb = n < 10u ? n : 10u;
    const std::uint64_t B = bit(bb), blocks = std::uint64_t(1) << (n - bb);
    const std::uint64_t chunks = par.chunk_count(blocks);
    Buf<double> part(chunks * (m + 1), 0.0);
    par.run_chunks(blocks, [&](std::uint64_t b, std::uint64_t e, std::uint64_t ch, unsigned) {
      alignas(64) double w[1024];
      double* acc = part.data() + ch * (m + 1);
      for (std::uint64_t blk = b; blk < e; ++blk) {
        const std::uint64_t base = blk << bb;
        const FP* l = lam + 2 * base;
        const FP* p = phi + 2 * base;
        double tot = 0;
#pragma omp simd reduction(+ : tot)
        for (std::uint64_t t = 0; t < B; ++t) {
          w[t] = double(l[2 * t]) * p[2 * t + 1] - double(l[2 * t + 1]) * p[2 * t];
          tot += w[t];
        }
        acc[0] += tot;
        for (unsigned j = 0; j < m; ++j) {
          const unsigned q = qubits[j];
          if (q >= bb) {
            if ((base >> q) & 1u) acc[1 + j] += tot;
          } else {
            acc[1 + j] += upper_sum(w, B, q);
          }
        }
      }
    });
    for (std::uint64_t ch = 0; ch < chunks; ++ch)
      for (unsigned j = 0; j <= m; ++j) out[j] += part[ch * (m + 1) + j];
  }

  static double inner_re(const FP* a, const FP* b, unsigned n, const For& par) {
    return par.sum(std::uint64_t(1) << n, [&](std::uint64_t lo, std::uint64_t hi) {
      double acc = 0;
      const FP* x = a + 2 * lo;
      const FP* y = b + 2 * lo;
      const std::uint64_t len = 2 * (hi - lo);
#pragma omp simd reduction(+ : acc)
      for (std::uint64_t i = 0; i < len; ++i) acc += double(x[i]) * double(y[i]);
      return acc;
    });
  }

  static double apply_hamiltonian(const FP* in, FP* out, unsigned n, const PauliTerm* terms,
                                  std::size_t count, const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    double value = 0;
    // ---- diagonal terms, grouped by their low z bits: one pass, writes out ----
    const unsigned bl = n < 8u ? n : 8u;
    const std::uint64_t B = bit(bl);
    // Diagonal terms sorted by their low z bits; groups of equal low bits share a sign table.
    Buf<std::size_t> dterm(count ? count : 1), gstart(count + 1);
    Buf<std::uint64_t> zlow(count ? count : 1);
    std::size_t nd = 0, ng = 0;
    for (std::size_t t = 0; t < count; ++t)
      if (!terms[t].x_mask) dterm[nd++] = t;
    std::sort(dterm.data(), dterm.data() + nd, [&](std::size_t a, std::size_t b) {
      const std::uint64_t za = terms[a].z_mask & (B - 1), zb = terms[b].z_mask & (B - 1);
      return za != zb ? za < zb : a < b;
    });
    for (std::size_t t = 0; t < nd; ++t) {
      const std::uint64_t zl = terms[dterm[t]].z_mask & (B - 1);
      if (ng == 0 || zlow[ng - 1] != zl) {
        zlow[ng] = zl;
        gstart[ng++] = t;
      }
    }
    gstart[ng] = nd;
    Buf<double> sg(ng > 0 ? ng * B : 1);
    for (std::size_t g = 0; g < ng; ++g)
      for (std::uint64_t j = 0; j < B; ++j) sg[g * B + j] = __builtin_parityll(j & zlow[g]) ? -1.0 : 1.0;
    value += par.sum(dim >> bl, [&](std::uint64_t b0, std::uint64_t b1) {
      alignas(64) double d[256];
      Buf<double> cg(ng ? ng : 1);
      double acc = 0;
      for (std::uint64_t blk = b0; blk < b1; ++blk) {
        const std::uint64_t i0 = blk << bl;
        for (std::size_t g = 0; g < ng; ++g) {
          double c = 0;
          for (std::size_t u = gstart[g]; u < gstart[g + 1]; ++u) {
            const PauliTerm& pt = terms[dterm[u]];
            c += __builtin_parityll(i0 & pt.z_mask) ? -pt.coeff : pt.coeff;
          }
          cg[g] = c;
        }
        for (std::uint64_t j = 0; j < B; ++j) d[j] = 0;
        for (std::size_t g = 0; g < ng; ++g) {
          const double c = cg[g];
          if (c == 0) continue;
          const double* s = sg.data() + g * B;
#pragma omp simd
          for (std::uint64_t j = 0; j < B; ++j) d[j] += c * s[j];
        }
        const FP* a = in + 2 * i0;
        FP* o = out + 2 * i0;
        double v = 0;
#pragma omp simd reduction(+ : v)
        for (std::uint64_t j = 0; j < B; ++j) {
          const double ar = a[2 * j], ai = a[2 * j + 1];
          o[2 * j] = static_cast<FP>(d[j] * ar);
          o[2 * j + 1] = static_cast<FP>(d[j] * ai);
          v += d[j] * (ar * ar + ai * ai);
        }
        acc += v;
      }
      return acc;
    });
    // ---- off-diagonal terms: one pass per x mask over the pairs (i, i^x) ----
    Buf<std::size_t> order(count ? count : 1);
    std::size_t no = 0;
    for (std::size_t t = 0; t < count; ++t)
      if (terms[t].x_mask) order[no++] = t;
    std::sort(order.data(), order.data() + no, [&](std::size_t a, std::size_t b) {
      return terms[a].x_mask != terms[b].x_mask ? terms[a].x_mask < terms[b].x_mask : a < b;
    });
    for (std::size_t g0 = 0; g0 < no;) {
      std::size_t g1 = g0;
      const std::uint64_t x = terms[order[g0]].x_mask;
      while (g1 < no && terms[order[g1]].x_mask == x) ++g1;
      const std::size_t m = g1 - g0;
      Buf<double> cr(m), ci(m);
      Buf<std::uint64_t> zz(m);
      for (std::size_t t = 0; t < m; ++t) {
        const PauliTerm& pt = terms[order[g0 + t]];
        const unsigned ph = static_cast<unsigned>(__builtin_popcountll(pt.x_mask & pt.z_mask)) & 3u;
        cr[t] = (ph == 0) ? pt.coeff : (ph == 2) ? -pt.coeff : 0.0;
        ci[t] = (ph == 1) ? pt.coeff : (ph == 3) ? -pt.coeff : 0.0;
        zz[t] = pt.z_mask;
      }
      const unsigned h = 63u - static_cast<unsigned>(__builtin_clzll(x));
      value += par.sum(dim / 2, [&](std::uint64_t b, std::uint64_t e) {
        double acc = 0;
        for (std::uint64_t g = b; g < e; ++g) {
          const std::uint64_t low = g & (bit(h) - 1);
          const std::uint64_t i = ((g ^ low) << 1) | low;
          const std::uint64_t j = i ^ x;
          // f(k) = Σ_t c_t i^ph_t (-1)^{popcount(k & z_t)}
          double fir = 0, fii = 0, fjr = 0, fji = 0;
          for (std::size_t t = 0; t < m; ++t) {
            const double si = __builtin_parityll(i & zz[t]) ? -1.0 : 1.0;
            const double sj = __builtin_parityll(j & zz[t]) ? -1.0 : 1.0;
            fir += si * cr[t];
            fii += si * ci[t];
            fjr += sj * cr[t];
            fji += sj * ci[t];
          }
          const double ar = in[2 * i], ai = in[2 * i + 1], br = in[2 * j], bi = in[2 * j + 1];
          // out_j += f(i) a, out_i += f(j) b
          const double ujr = fir * ar - fii * ai, uji = fir * ai + fii * ar;
          const double uir = fjr * br - fji * bi, uii = fjr * bi + fji * br;
          out[2 * j] = static_cast<FP>(out[2 * j] + ujr);
          out[2 * j + 1] = static_cast<FP>(out[2 * j + 1] + uji);
          out[2 * i] = static_cast<FP>(out[2 * i] + uir);
          out[2 * i + 1] = static_cast<FP>(out[2 * i + 1] + uii);
          acc += (br * ujr + bi * uji) + (ar * uir + ai * uii);  // Re conj(b) u_j + Re conj(a) u_i
        }
        return acc;
      });
      g0 = g1;
    }
    return value;
  }

  static ReductionTable<FP> table(Isa isa) {
    ReductionTable<FP> t;
    t.isa = isa;
    t.diag_apply = &diag_apply;
    t.diag_im = &diag_im;
    t.pair_sums = &pair_sums;
    t.diag1_sums = &diag1_sums;
    t.inner_re = &inner_re;
    t.apply_hamiltonian = &apply_hamiltonian;
    return t;
  }
};

}  // namespace quench
