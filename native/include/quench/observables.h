// observables.h — whole-state reductions: norm, probabilities and Pauli-sum
// expectation values. Written once as templates on (FP, Tag); each ISA's
// translation unit instantiates them with its own Tag (so the AVX2 build of a
// template never replaces the portable one at link time) and puts them in its
// KernelTable.
//
// <psi|P|psi> for P = X^x Z^z with Y phases: P|i> = i^{popcount(x&z)}
// (-1)^{popcount(i&z)} |i^x>.  Diagonal terms (x = 0) are summed in one pass
// over the state (probabilities of a block of amplitudes, then a dot product
// with each term's sign pattern); off-diagonal terms are grouped by x mask,
// one pass per group over the pairs (i, i^x) with the top bit of x clear.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "quench/bits.h"
#include "quench/engine.h"
#include "quench/parallel.h"

namespace quench {

template <typename FP, typename Tag>
struct Reductions {
  // Scratch owned by this instantiation (kept out of shared inline code so an
  // AVX2 build of it can never be linked into the portable path).
  template <typename T>
  struct Buf {
    T* p;
    explicit Buf(std::size_t n) : p(static_cast<T*>(std::malloc(sizeof(T) * (n ? n : 1)))) {
      if (!p) throw std::bad_alloc();
    }
    ~Buf() { std::free(p); }
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    T& operator[](std::size_t i) { return p[i]; }
    T* data() { return p; }
  };
  static double norm_squared(const FP* s, unsigned n, const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    return par.sum(dim, [&](std::uint64_t b, std::uint64_t e) {
      double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      std::uint64_t i = b;
      for (; i + 2 <= e; i += 2) {
        const double r0 = s[2 * i], i0 = s[2 * i + 1], r1 = s[2 * i + 2], i1 = s[2 * i + 3];
        a0 += r0 * r0;
        a1 += i0 * i0;
        a2 += r1 * r1;
        a3 += i1 * i1;
      }
      for (; i < e; ++i) {
        const double r0 = s[2 * i], i0 = s[2 * i + 1];
        a0 += r0 * r0 + i0 * i0;
      }
      return (a0 + a1) + (a2 + a3);
    });
  }

  static void probabilities(const FP* s, unsigned n, double* out, const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    par.run(dim, [&](std::uint64_t b, std::uint64_t e, unsigned) {
      for (std::uint64_t i = b; i < e; ++i) {
        const double r = s[2 * i], im = s[2 * i + 1];
        out[i] = r * r + im * im;
      }
    });
  }

  static double expectation(const FP* s, unsigned n, const PauliTerm* terms, std::size_t count,
                            const For& par) {
    const std::uint64_t dim = std::uint64_t(1) << n;
    double total = 0;
    // ---- all diagonal terms: one pass ----
    std::size_t nd = 0;
    for (std::size_t t = 0; t < count; ++t)
      if (terms[t].x_mask == 0) ++nd;
    if (nd) {
      const unsigned bb = std::min(n, 8u);
      const std::uint64_t B = std::uint64_t(1) << bb;
      Buf<double> coeff(nd), signs(nd * B);
      Buf<std::uint64_t> zs(nd);
      std::size_t d = 0;
      for (std::size_t t = 0; t < count; ++t) {
        if (terms[t].x_mask) continue;
        coeff[d] = terms[t].coeff;
        zs[d] = terms[t].z_mask;
        for (std::uint64_t j = 0; j < B; ++j)
          signs[d * B + j] = __builtin_parityll(j & zs[d]) ? -1.0 : 1.0;
        ++d;
      }
      const std::uint64_t blocks = dim / B;
      total += par.sum(blocks, [&](std::uint64_t b, std::uint64_t e) {
        alignas(64) double p[256];
        double acc = 0;
        for (std::uint64_t blk = b; blk < e; ++blk) {
          const std::uint64_t i0 = blk * B;
          const FP* a = s + 2 * i0;
          for (std::uint64_t j = 0; j < B; ++j) {
            const double r = a[2 * j], im = a[2 * j + 1];
            p[j] = r * r + im * im;
          }
          for (std::size_t t = 0; t < nd; ++t) {
            const double* sg = signs.data() + t * B;
            double x0 = 0, x1 = 0, x2 = 0, x3 = 0;
            std::uint64_t j = 0;
            for (; j + 4 <= B; j += 4) {
              x0 += p[j] * sg[j];
              x1 += p[j + 1] * sg[j + 1];
              x2 += p[j + 2] * sg[j + 2];
              x3 += p[j + 3] * sg[j + 3];
            }
            for (; j < B; ++j) x0 += p[j] * sg[j];
            const double v = (x0 + x1) + (x2 + x3);
            acc += coeff[t] * (__builtin_parityll(i0 & zs[t]) ? -v : v);
          }
        }
        return acc;
      });
    }
    // ---- off-diagonal terms, grouped by x mask ----
    Buf<std::size_t> order(count ? count : 1);
    std::size_t no = 0;
    for (std::size_t t = 0; t < count; ++t)
      if (terms[t].x_mask) order[no++] = t;
    std::sort(order.data(), order.data() + no,
              [&](std::size_t a, std::size_t b) { return terms[a].x_mask < terms[b].x_mask; });
    for (std::size_t g0 = 0; g0 < no;) {
      std::size_t g1 = g0;
      const std::uint64_t x = terms[order[g0]].x_mask;
      while (g1 < no && terms[order[g1]].x_mask == x) ++g1;
      const std::size_t m = g1 - g0;
      const unsigned h = 63u - static_cast<unsigned>(__builtin_clzll(x));
      Buf<double> cf(m);
      Buf<std::uint64_t> zz(m);
      Buf<unsigned> ph(m);
      for (std::size_t t = 0; t < m; ++t) {
        const PauliTerm& pt = terms[order[g0 + t]];
        cf[t] = pt.coeff;
        zz[t] = pt.z_mask;
        ph[t] = static_cast<unsigned>(__builtin_popcountll(pt.x_mask & pt.z_mask)) & 3u;
      }
      total += 2.0 * par.sum(dim / 2, [&](std::uint64_t b, std::uint64_t e) {
        double acc = 0;
        for (std::size_t t = 0; t < m; ++t) {
          const std::uint64_t z = zz[t];
          const unsigned phase = ph[t];
          double a = 0;
          for (std::uint64_t g = b; g < e; ++g) {
            const std::uint64_t low = g & (bit(h) - 1);
            const std::uint64_t i = ((g ^ low) << 1) | low;
            const std::uint64_t j = i ^ x;
            const double ar = s[2 * i], ai = s[2 * i + 1], br = s[2 * j], bi = s[2 * j + 1];
            // v = conj(psi_j) * psi_i
            const double vr = br * ar + bi * ai, vi = br * ai - bi * ar;
            double val = (phase == 0) ? vr : (phase == 1) ? -vi : (phase == 2) ? -vr : vi;
            a += __builtin_parityll(i & z) ? -val : val;
          }
          acc += cf[t] * a;
        }
        return acc;
      });
      g0 = g1;
    }
    return total;
  }
};

}  // namespace quench
