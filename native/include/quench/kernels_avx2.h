// kernels_avx2.h — AVX2+FMA kernels (same method set as kernels_scalar.h).
// Included only by kernels_avx2.cc, the one translation unit built with
// -mavx2 -mfma.
//
// A 256-bit vector holds L = 2 (f64) or 4 (f32) consecutive amplitudes: the
// low LB = log2 L qubits are "lane" qubits. Dense gates:
//  - targets above the lanes: a group loads 2^kh vectors (one per pattern of
//    the high target bits), all lanes share the matrix;
//  - targets among the lane qubits: each loaded vector is also permuted in
//    register (lane l <- lane l ^ s for every pattern s of the lane target
//    bits), and the matrix becomes per-lane coefficient vectors;
//  - controls among the lane qubits make their lanes the identity (folded
//    into the coefficients); controls above are fixed bits of the group
//    enumeration (only amplitudes with all control bits 1 are visited).
// Complex products: acc1 = sum v * re(c), acc2 = sum swap(v) * im(c),
// result = addsub(acc1, acc2) (FMA throughout).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "quench/bits.h"
#include "quench/parallel.h"

#ifndef QUENCH_PREFETCH_MAX_SPAN
#define QUENCH_PREFETCH_MAX_SPAN (1u << 20)
#endif
#ifndef QUENCH_PREFETCH_L1_SPAN
#define QUENCH_PREFETCH_L1_SPAN (16u << 10)
#endif
#ifndef QUENCH_PREFETCH_MIN_DIST
#define QUENCH_PREFETCH_MIN_DIST 4096u
#endif

// kernels_avx512.cc includes this header too, for dense_kt with 512-bit
// vectors: it renames the namespace (QUENCH_AVX2_NS) so that no template
// instantiated there (-mavx512*) can stand in for the AVX2 one at link time.
#ifndef QUENCH_AVX2_NS
#define QUENCH_AVX2_NS avx2
#endif
// Register constraint of the empty asm statements pinning vectors: "v" (any
// of the 32 registers) where AVX-512 is on, else "x".
#ifdef __AVX512F__
#define QUENCH_VREG "+v"
#else
#define QUENCH_VREG "+x"
#endif

namespace quench {
namespace QUENCH_AVX2_NS {

template <typename FP>
struct Vec;

template <>
struct Vec<double> {
  using T = __m256d;
  static constexpr unsigned LB = 1, L = 2;
  static T set1(double x) { return _mm256_set1_pd(x); }
  static T load(const double* p) { return _mm256_load_pd(p); }
  static T loadu(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, T v) { _mm256_store_pd(p, v); }
  static T swap_ri(T v) { return _mm256_permute_pd(v, 0x5); }
  template <unsigned S>
  static T perm(T v) {
    if constexpr (S == 0) return v;
    else return _mm256_permute2f128_pd(v, v, 1);
  }
  static T mul(T a, T b) { return _mm256_mul_pd(a, b); }
  static T fmadd(T a, T b, T c) { return _mm256_fmadd_pd(a, b, c); }
  static T addsub(T a, T b) { return _mm256_addsub_pd(a, b); }
  static T fmaddsub(T a, T b, T c) { return _mm256_fmaddsub_pd(a, b, c); }
  static T dup_re(T v) { return _mm256_movedup_pd(v); }
  static T dup_im(T v) { return _mm256_permute_pd(v, 0xF); }
  static T blendv(T a, T b, T sel) { return _mm256_blendv_pd(a, b, sel); }  // b where sel < 0
  static T bcast_complex(const double* p) {
    return _mm256_broadcast_pd(reinterpret_cast<const __m128d*>(p));
  }
};

template <>
struct Vec<float> {
  using T = __m256;
  static constexpr unsigned LB = 2, L = 4;
  static T set1(float x) { return _mm256_set1_ps(x); }
  static T load(const float* p) { return _mm256_load_ps(p); }
  static T loadu(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, T v) { _mm256_store_ps(p, v); }
  static T swap_ri(T v) { return _mm256_permute_ps(v, 0xB1); }
  template <unsigned S>
  static T perm(T v) {
    if constexpr (S == 0) return v;
    else if constexpr (S == 1) return _mm256_permute_ps(v, 0x4E);
    else if constexpr (S == 2) return _mm256_permute2f128_ps(v, v, 1);
    else return _mm256_permute_ps(_mm256_permute2f128_ps(v, v, 1), 0x4E);
  }
  static T mul(T a, T b) { return _mm256_mul_ps(a, b); }
  static T fmadd(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T addsub(T a, T b) { return _mm256_addsub_ps(a, b); }
  static T fmaddsub(T a, T b, T c) { return _mm256_fmaddsub_ps(a, b, c); }
  static T dup_re(T v) { return _mm256_moveldup_ps(v); }
  static T dup_im(T v) { return _mm256_movehdup_ps(v); }
  static T blendv(T a, T b, T sel) { return _mm256_blendv_ps(a, b, sel); }  // b where sel < 0
  static T bcast_complex(const float* p) {
    double d;
    __builtin_memcpy(&d, p, sizeof d);
    return _mm256_castpd_ps(_mm256_set1_pd(d));
  }
};

constexpr unsigned popcount_c(unsigned x) { return x ? (x & 1u) + popcount_c(x >> 1) : 0u; }
// Deposits the bits of si into the set bits of mask.
constexpr unsigned deposit_c(unsigned si, unsigned mask) {
  unsigned r = 0, j = 0;
  for (unsigned b = 0; b < 8; ++b)
    if ((mask >> b) & 1u) {
      if ((si >> j) & 1u) r |= 1u << b;
      ++j;
    }
  return r;
}

template <typename V, unsigned TLM, unsigned SI, typename T>
inline void make_perms(T x, T* v, T* w) {
  if constexpr (SI < (1u << popcount_c(TLM))) {
    const T y = V::template perm<deposit_c(SI, TLM)>(x);
    v[SI] = y;
    w[SI] = V::swap_ri(y);
    make_perms<V, TLM, SI + 1>(x, v, w);
  }
}

template <typename V, unsigned TLM, unsigned SI, typename T>
inline void make_perms_v(T x, T* v) {
  if constexpr (SI < (1u << popcount_c(TLM))) {
    v[SI] = V::template perm<deposit_c(SI, TLM)>(x);
    make_perms_v<V, TLM, SI + 1>(x, v);
  }
}

// Rows [R0, R0 + R) of a dense matrix applied to G amplitude groups at once
// (K >= 3, compute-bound): each coefficient vector is loaded once and feeds
// G FMAs. The imaginary part is accumulated unswapped, Σ v·im(c), and
// swapped once per output (swap(v)·im(c) = swap(v·im(c)) because im(c) is
// the same in both slots of a complex lane), so the inner loop has no
// shuffles: per column, G loads of amplitudes + 2R of coefficients feed 2RG
// FMAs into 2RG accumulators (R = 2, G = 2: 12 registers, 0.75 loads per FMA;
// R = 3 or 4 spills and is slower). The empty asm statements pin the loaded
// amplitude and coefficient in registers: otherwise GCC folds them into the
// FMAs as memory operands and loads each G or 2R times (load-bound, ~55% of
// the FMA peak instead of ~70% measured on Zen 4 with states in cache).
template <typename V, unsigned NJ, unsigned R, unsigned G>
inline void dense_rows(const typename V::T* C, const typename V::T* const* v,
                       typename V::T* const* out, unsigned r0) {
  using T = typename V::T;
  constexpr unsigned RS = 2 * NJ;  // coefficient vectors per row
  T a[R][G], b[R][G];
  const T* cr = C + r0 * RS;
#pragma GCC unroll 8
  for (unsigned r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (unsigned q = 0; q < G; ++q) {
      a[r][q] = V::mul(v[q][0], cr[r * RS]);
      b[r][q] = V::mul(v[q][0], cr[r * RS + 1]);
    }
#pragma GCC unroll 64
  for (unsigned j = 1; j < NJ; ++j) {
    T x[G];
#pragma GCC unroll 4
    for (unsigned q = 0; q < G; ++q) {
      x[q] = v[q][j];
      if constexpr (G > 1) __asm__("" : QUENCH_VREG(x[q]));
    }
#pragma GCC unroll 8
    for (unsigned r = 0; r < R; ++r) {
      T re = cr[r * RS + 2 * j];
      // Keep the coefficient in a register: folded into each FMA as a memory
      // operand it would be loaded G times (the loads, not the FMAs, would bound).
      if constexpr (G > 1) __asm__("" : QUENCH_VREG(re));
#pragma GCC unroll 4
      for (unsigned q = 0; q < G; ++q) a[r][q] = V::fmadd(x[q], re, a[r][q]);
      T im = cr[r * RS + 2 * j + 1];
      if constexpr (G > 1) __asm__("" : QUENCH_VREG(im));
#pragma GCC unroll 4
      for (unsigned q = 0; q < G; ++q) b[r][q] = V::fmadd(x[q], im, b[r][q]);
    }
  }
#pragma GCC unroll 8
  for (unsigned r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (unsigned q = 0; q < G; ++q) out[q][r0 + r] = V::addsub(a[r][q], V::swap_ri(b[r][q]));
}

template <typename V, unsigned NJ, unsigned DH, unsigned G>
inline void dense_all_rows(const typename V::T* C, const typename V::T* const* v,
                           typename V::T* const* out) {
#ifndef QUENCH_DENSE_ROWS  // rows per micro-tile of the multi-group path
#define QUENCH_DENSE_ROWS 2
#endif
#ifndef QUENCH_DENSE_ROWS_512  // the same with 32 vector registers (AVX-512)
#define QUENCH_DENSE_ROWS_512 4
#endif
#ifdef __AVX512F__
  constexpr unsigned R = G > 1 ? QUENCH_DENSE_ROWS_512 : 4;
#else
  constexpr unsigned R = G > 1 ? QUENCH_DENSE_ROWS : 4;
#endif
  unsigned r = 0;
  for (; r + R <= DH; r += R) dense_rows<V, NJ, R, G>(C, v, out, r);
  if constexpr (DH % R != 0) dense_rows<V, NJ, DH % R, G>(C, v, out, r);
}

// Dense K-qubit kernel with lane-target mask TLM. In vector-index space:
// hq = high targets (ascending, KH of them), fixed = high targets and high
// controls (ascending), set = high control bits, lcm = lane control mask.
// V: the vector type (Vec<FP> here; kernels_avx512.cc passes 512-bit ones).
template <typename FP, unsigned K, unsigned TLM, typename V = Vec<FP>>
void dense_kt(FP* s, unsigned nv, const unsigned* hq, const unsigned* fixed, unsigned nf,
              std::uint64_t set, unsigned lcm, const FP* m, const For& par) {
  using T = typename V::T;
  constexpr unsigned L = V::L, KL = popcount_c(TLM), KH = K - KL, DH = 1u << KH,
                     SL = 1u << KL, D = 1u << K, NC = DH * DH * SL;
  static_assert(KL <= K, "lane targets");
  unsigned lpos[2] = {0, 0}, nl = 0;
  for (unsigned b = 0; b < V::LB; ++b)
    if ((TLM >> b) & 1u) lpos[nl++] = b;
  // The broadcast coefficients: on the stack up to 8 KiB (k <= 2, and k = 3
  // in f64 at 256 bits), where an allocation per call cost more than the
  // kernel on small states (10 qubits: a 2-qubit block is ~0.5 µs).
  constexpr bool kOnStack = sizeof(T) * 2 * NC <= 8192;
  alignas(64) T coef_stack[kOnStack ? 2 * NC : 1];
  T* coef = kOnStack ? coef_stack : static_cast<T*>(std::aligned_alloc(64, sizeof(T) * 2 * NC));
  if (!coef) return;
  for (unsigned r = 0; r < DH; ++r)
    for (unsigned c = 0; c < DH; ++c)
      for (unsigned si = 0; si < SL; ++si) {
        alignas(64) FP re[2 * L], im[2 * L];
        const unsigned smask = static_cast<unsigned>(scatter_bits(si, lpos, nl));
        for (unsigned l = 0; l < L; ++l) {
          FP cr, ci;
          if ((l & lcm) == lcm) {
            const unsigned R = (r << KL) | static_cast<unsigned>(gather_bits(l, lpos, nl));
            const unsigned C = (c << KL) | static_cast<unsigned>(gather_bits(l ^ smask, lpos, nl));
            cr = m[2 * (R * D + C)];
            ci = m[2 * (R * D + C) + 1];
          } else {
            cr = (r == c && si == 0) ? FP(1) : FP(0);
            ci = 0;
          }
          re[2 * l] = re[2 * l + 1] = cr;
          im[2 * l] = im[2 * l + 1] = ci;
        }
        const unsigned idx = (r * DH + c) * SL + si;
        coef[2 * idx] = V::load(re);
        coef[2 * idx + 1] = V::load(im);
      }
  std::uint64_t off[DH];
  for (unsigned c = 0; c < DH; ++c) off[c] = 2 * L * scatter_bits(c, hq, KH);
  const std::uint64_t groups = std::uint64_t(1) << (nv - nf);
  // Fixed bits 0..f-1 (contiguous from 0) only set a stride: the group base
  // is deposit(g over the remaining fixed bits) << f, stepping by 2^f vectors.
  unsigned lowfix = 0;
  while (lowfix < nf && fixed[lowfix] == lowfix) ++lowfix;
  unsigned red[64];
  for (unsigned j = lowfix; j < nf; ++j) red[j - lowfix] = fixed[j] - lowfix;
  const unsigned nred = nf - lowfix;
  const std::uint64_t stride = bit(lowfix);
  const std::uint64_t runlen = nred ? bit(red[0]) : groups;
  // Short runs (the halves of a pair block a few KiB apart) defeat the
  // hardware prefetchers and DRAM: prefetch the block one or more blocks
  // ahead, walking it in address order (one step per iteration), so memory
  // sees one linear stream.
  std::uint64_t pfd = 0, pfstep = 0;  // bytes
  bool pf_l1 = true;  // small blocks into L1, larger ones into L2
  if (nred) {
    const std::uint64_t span_bytes = 2 * L * bit(fixed[lowfix] + 1) * sizeof(FP);  // one pair block
    if (span_bytes >= 512 && span_bytes <= QUENCH_PREFETCH_MAX_SPAN) {
      pfd = span_bytes * ((QUENCH_PREFETCH_MIN_DIST + span_bytes - 1) / span_bytes);
      pfstep = span_bytes / bit(red[0]);
      pf_l1 = span_bytes <= QUENCH_PREFETCH_L1_SPAN;
    }
  }
  const T* coef_c = coef;
  par.run(groups, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    constexpr bool local = K <= 2;
    T lc[local ? 2 * NC : 1];
    const T* C = coef_c;
    if constexpr (local) {
      for (unsigned i = 0; i < 2 * NC; ++i) lc[i] = coef_c[i];
      C = lc;
    }
    // Local copies: the vector stores below may alias anything, so values
    // read through the captured references would be reloaded per iteration.
    std::uint64_t o[DH];
    for (unsigned c = 0; c < DH; ++c) o[c] = off[c];
    const std::uint64_t pf = pfd, pstep = pfstep, rl = runlen, st = set;
    const bool l1 = pf_l1;
    unsigned fx[64];
    for (unsigned j = 0; j < nred; ++j) fx[j] = red[j];
    const unsigned nfx = nred, sh = lowfix;
    const std::uint64_t step = 2 * L * stride;
    FP* const sp = s;
    std::uint64_t g = b;
    while (g < e) {
      const std::uint64_t end = std::min(e, (g | (rl - 1)) + 1);
      FP* p = sp + 2 * L * ((deposit_zeros(g, fx, nfx) << sh) | st);
      const char* pfp = reinterpret_cast<const char*>(p) + pf;
      if constexpr (K >= 3) {
        // Two groups per iteration (the last one of an odd run alone).
        constexpr unsigned NJ = DH * SL;
        for (; g < end;) {
          const bool two = g + 1 < end;
          if (pf) {
            if (l1) {
              _mm_prefetch(pfp, _MM_HINT_T0);
              if (two) _mm_prefetch(pfp + pstep, _MM_HINT_T0);
            } else {
              _mm_prefetch(pfp, _MM_HINT_T1);
              if (two) _mm_prefetch(pfp + pstep, _MM_HINT_T1);
            }
          }
          T v0[NJ], v1[NJ], out0[DH], out1[DH];
          if (two) {
            FP* const p1 = p + step;
            for (unsigned c = 0; c < DH; ++c) {
              make_perms_v<V, TLM, 0>(V::load(p + o[c]), v0 + c * SL);
              make_perms_v<V, TLM, 0>(V::load(p1 + o[c]), v1 + c * SL);
            }
            const T* vv[2] = {v0, v1};
            T* oo[2] = {out0, out1};
            dense_all_rows<V, NJ, DH, 2>(C, vv, oo);
            for (unsigned r = 0; r < DH; ++r) {
              V::store(p + o[r], out0[r]);
              V::store(p1 + o[r], out1[r]);
            }
            g += 2;
            p += 2 * step;
            pfp += 2 * pstep;
          } else {
            for (unsigned c = 0; c < DH; ++c) make_perms_v<V, TLM, 0>(V::load(p + o[c]), v0 + c * SL);
            const T* vv[1] = {v0};
            T* oo[1] = {out0};
            dense_all_rows<V, NJ, DH, 1>(C, vv, oo);
            for (unsigned r = 0; r < DH; ++r) V::store(p + o[r], out0[r]);
            ++g;
            p += step;
            pfp += pstep;
          }
        }
        continue;
      }
      for (; g < end; ++g, p += step, pfp += pstep) {
        if (pf) {
          if (l1) _mm_prefetch(pfp, _MM_HINT_T0);
          else _mm_prefetch(pfp, _MM_HINT_T1);
        }
        T v[DH * SL], w[DH * SL];
        for (unsigned c = 0; c < DH; ++c) make_perms<V, TLM, 0>(V::load(p + o[c]), v + c * SL, w + c * SL);
        if constexpr (DH >= 4) {
          // Four output rows at a time: each loaded amplitude feeds 8 FMAs.
          T out[DH];
          constexpr unsigned RS = 2 * DH * SL;  // coefficient vectors per row
          for (unsigned r = 0; r < DH; r += 4) {
            const T* c0 = C + r * RS;
            T a0 = V::mul(v[0], c0[0]), b0 = V::mul(w[0], c0[1]);
            T a1 = V::mul(v[0], c0[RS]), b1 = V::mul(w[0], c0[RS + 1]);
            T a2 = V::mul(v[0], c0[2 * RS]), b2 = V::mul(w[0], c0[2 * RS + 1]);
            T a3 = V::mul(v[0], c0[3 * RS]), b3 = V::mul(w[0], c0[3 * RS + 1]);
            for (unsigned j = 1; j < DH * SL; ++j) {
              const T x = v[j], y = w[j];
              a0 = V::fmadd(x, c0[2 * j], a0);
              b0 = V::fmadd(y, c0[2 * j + 1], b0);
              a1 = V::fmadd(x, c0[RS + 2 * j], a1);
              b1 = V::fmadd(y, c0[RS + 2 * j + 1], b1);
              a2 = V::fmadd(x, c0[2 * RS + 2 * j], a2);
              b2 = V::fmadd(y, c0[2 * RS + 2 * j + 1], b2);
              a3 = V::fmadd(x, c0[3 * RS + 2 * j], a3);
              b3 = V::fmadd(y, c0[3 * RS + 2 * j + 1], b3);
            }
            out[r] = V::addsub(a0, b0);
            out[r + 1] = V::addsub(a1, b1);
            out[r + 2] = V::addsub(a2, b2);
            out[r + 3] = V::addsub(a3, b3);
          }
          for (unsigned r = 0; r < DH; ++r) V::store(p + o[r], out[r]);
        } else {
          for (unsigned r = 0; r < DH; ++r) {
            const T* cr = C + 2 * r * DH * SL;
            T a1 = V::mul(v[0], cr[0]);
            T a2 = V::mul(w[0], cr[1]);
            for (unsigned j = 1; j < DH * SL; ++j) {
              a1 = V::fmadd(v[j], cr[2 * j], a1);
              a2 = V::fmadd(w[j], cr[2 * j + 1], a2);
            }
            V::store(p + o[r], V::addsub(a1, a2));
          }
        }
      }
    }
  });
  if (!kOnStack) std::free(coef);
}

template <typename FP, unsigned K>
void dense_k(FP* s, unsigned nv, const unsigned* hq, const unsigned* fixed, unsigned nf,
             std::uint64_t set, unsigned tlm, unsigned lcm, const FP* m, const For& par) {
  switch (tlm) {
    case 0: return dense_kt<FP, K, 0>(s, nv, hq, fixed, nf, set, lcm, m, par);
    case 1: return dense_kt<FP, K, 1>(s, nv, hq, fixed, nf, set, lcm, m, par);
    default: break;
  }
  if constexpr (Vec<FP>::LB == 2) {
    switch (tlm) {
      case 2: return dense_kt<FP, K, 2>(s, nv, hq, fixed, nf, set, lcm, m, par);
      case 3:
        if constexpr (K >= 2) return dense_kt<FP, K, 3>(s, nv, hq, fixed, nf, set, lcm, m, par);
        break;
      default: break;
    }
  }
}

template <typename FP>
void dense(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
           const FP* m, const For& par) {
  using V = Vec<FP>;
  unsigned hq[64], hc[64], fixed[64], nh = 0, nhc = 0, tlm = 0, lcm = 0;
  for (unsigned j = 0; j < k; ++j) {
    if (qs[j] < V::LB) tlm |= 1u << qs[j];
    else hq[nh++] = qs[j] - V::LB;
  }
  for (unsigned j = 0; j < c; ++j) {
    if (cs[j] < V::LB) lcm |= 1u << cs[j];
    else hc[nhc++] = cs[j] - V::LB;
  }
  const unsigned nf = merge_sorted(hq, nh, hc, nhc, fixed);
  const std::uint64_t set = mask_of(hc, nhc);
  const unsigned nv = n - V::LB;
  switch (k) {
    case 1: return dense_k<FP, 1>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    case 2: return dense_k<FP, 2>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    case 3: return dense_k<FP, 3>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    case 4: return dense_k<FP, 4>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    case 5: return dense_k<FP, 5>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    case 6: return dense_k<FP, 6>(s, nv, hq, fixed, nf, set, tlm, lcm, m, par);
    default: return;
  }
}

// Diagonal kernel. Preconditions (arranged by the caller): no control below
// LB; the lane qubits are either all targets (ALL = true: one coefficient
// vector is loaded straight from the diagonal) or none (the coefficient is
// broadcast).
template <typename FP, bool ALL>
void diagonal_impl(FP* s, unsigned nv, const unsigned* hq, unsigned kh, const unsigned* cv,
                   unsigned c, const FP* d, const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  constexpr unsigned L = V::L;
  const std::uint64_t set = mask_of(cv, c);
  // Controls on vector bits 0 .. f-1 set a stride of 2^f vectors (a CRZ
  // controlled by a low qubit: every other vector); runs of 2^b strided
  // vectors up to the next control.
  unsigned lowfix = 0;
  while (lowfix < c && cv[lowfix] == lowfix) ++lowfix;
  unsigned red[64];
  const unsigned nred = c - lowfix;
  for (unsigned j = 0; j < nred; ++j) red[j] = cv[lowfix + j] - lowfix;
  unsigned b = std::min(nv - c, 10u);
  if (nred) b = std::min(b, red[0]);
  const std::uint64_t B = bit(b);  // b <= 10: at most 1024 entries, on the stack
  std::uint32_t low[1024];
  // low[t] = gather_bits(t << lowfix, hq, kh), built by doubling: bit i of t
  // adds the weight of vector bit i + lowfix (2^j when it is hq[j], else 0).
  // (Small states make many short calls: per-entry gathers and a malloc per
  // call were most of a diagonal's time at 8 qubits.)
  low[0] = 0;
  for (unsigned i = 0; i < b; ++i) {
    std::uint32_t w = 0;
    for (unsigned j = 0; j < kh; ++j)
      if (hq[j] == i + lowfix) w = std::uint32_t(1) << j;
    const std::uint64_t h = bit(i);
    for (std::uint64_t t = 0; t < h; ++t) low[h + t] = low[t] + w;
  }
  const std::uint64_t groups = std::uint64_t(1) << (nv - c - b);
  const std::uint64_t step = 2 * L * bit(lowfix);
  par.run(groups, [&](std::uint64_t g0, std::uint64_t g1, unsigned) {
    for (std::uint64_t g = g0; g < g1; ++g) {
      const std::uint64_t base = (deposit_zeros(g << b, red, nred) << lowfix) | set;
      const std::uint64_t jb = gather_bits(base, hq, kh);
      FP* p = s + 2 * L * base;
      for (std::uint64_t t = 0; t < B; ++t, p += step) {
        const std::uint64_t j = jb + low[t];
        const T dv = ALL ? V::loadu(d + 2 * L * j) : V::bcast_complex(d + 2 * j);
        const T x = V::load(p);
        V::store(p, V::fmaddsub(x, V::dup_re(dv), V::mul(V::swap_ri(x), V::dup_im(dv))));
      }
    }
  });
}

// A diagonal with at most kFewHigh targets above the lane bits: one
// coefficient vector per pattern of those targets (the lane targets vary
// across its lanes), applied to the 2^nh vectors of each group in turn, as
// diagonal1 does for one. No index arithmetic per vector: a fused ZZ phase
// (CX·RZ·CX) in a cache tile ran 4× slower than an RZ through the table path.
constexpr unsigned kDiagonalFewHigh = 3;
template <typename FP, typename Body>
inline void for_vector_groups(FP* s, unsigned nv, const unsigned* fixed, unsigned nf,
                              std::uint64_t set, const For& par, const Body& body,
                              bool halves = false);  // below
template <typename FP>
void diagonal_few(FP* s, unsigned nv, const unsigned* qs, unsigned k, const unsigned* cv, unsigned c,
                  const FP* d, const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  constexpr unsigned L = V::L;
  unsigned hv[kDiagonalFewHigh], hj[kDiagonalFewHigh], lb[64], lj[64], nh = 0, nl = 0;
  for (unsigned j = 0; j < k; ++j) {
    if (qs[j] < V::LB) lb[nl] = qs[j], lj[nl++] = j;
    else hv[nh] = qs[j] - V::LB, hj[nh++] = j;
  }
  const unsigned P = 1u << nh;
  T cre[1u << kDiagonalFewHigh], cim[1u << kDiagonalFewHigh];
  std::uint64_t off[1u << kDiagonalFewHigh];
  for (unsigned p = 0; p < P; ++p) {
    alignas(64) FP re[2 * L], im[2 * L];
    std::uint64_t hi = 0;
    off[p] = 0;
    for (unsigned i = 0; i < nh; ++i)
      if ((p >> i) & 1u) hi |= bit(hj[i]), off[p] += 2 * L * bit(hv[i]);
    for (unsigned l = 0; l < L; ++l) {
      std::uint64_t idx = hi;
      for (unsigned m = 0; m < nl; ++m) idx |= std::uint64_t((l >> lb[m]) & 1u) << lj[m];
      re[2 * l] = re[2 * l + 1] = d[2 * idx];
      im[2 * l] = im[2 * l + 1] = d[2 * idx + 1];
    }
    cre[p] = V::load(re);
    cim[p] = V::load(im);
  }
  unsigned sorted_hv[kDiagonalFewHigh], fixed[64];
  for (unsigned i = 0; i < nh; ++i) {  // insertion sort of at most 3
    unsigned j = i;
    for (; j > 0 && sorted_hv[j - 1] > hv[i]; --j) sorted_hv[j] = sorted_hv[j - 1];
    sorted_hv[j] = hv[i];
  }
  const unsigned nf = merge_sorted(sorted_hv, nh, cv, c, fixed);
  for_vector_groups(
      s, nv, fixed, nf, mask_of(cv, c), par,
      [&](FP* g) {
        for (unsigned p = 0; p < P; ++p) {
          FP* q = g + off[p];
          const T x = V::load(q);
          V::store(q, V::fmaddsub(x, cre[p], V::mul(V::swap_ri(x), cim[p])));
        }
      },
      P == 1);
}

template <typename FP>
void diagonal(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
              const FP* d, const For& par) {
  using V = Vec<FP>;
  unsigned hq[64], cv[64], nh = 0, nl = 0;
  for (unsigned j = 0; j < k; ++j) {
    if (qs[j] < V::LB) ++nl;
    else hq[nh++] = qs[j] - V::LB;
  }
  for (unsigned j = 0; j < c; ++j) cv[j] = cs[j] - V::LB;  // caller guarantees cs[j] >= LB
  if (nh <= kDiagonalFewHigh && nh + c <= n - V::LB) {
    diagonal_few<FP>(s, n - V::LB, qs, k, cv, c, d, par);
    return;
  }
  if (nl == V::LB) diagonal_impl<FP, true>(s, n - V::LB, hq, nh, cv, c, d, par);
  else diagonal_impl<FP, false>(s, n - V::LB, hq, nh, cv, c, d, par);
}

// ---- structured gates (kernels.h: permute, phase) ------------------------------------
// Memory-bound: they move or scale whole vectors and skip the groups whose
// high controls are not all 1. Controls among the lane qubits select lanes
// (a blend, or a coefficient of 1); a 1-qubit permutation on a lane qubit is
// a permutation inside the register.

// Calls body(p) for the base vector p of every group of the vector index
// space [0, 2^nv) whose `fixed` bits (ascending) are 0, or 1 for those in
// `set`. Consecutive groups (below the lowest fixed bit above the run of
// fixed bits 0, 1, .. f-1) are walked with one deposit per run, f setting a
// stride of 2^f vectors (a control on vector bit 0: every other vector).
template <typename FP, typename Body>
inline void for_vector_groups(FP* s, unsigned nv, const unsigned* fixed, unsigned nf,
                              std::uint64_t set, const For& par, const Body& body, bool halves) {
  constexpr unsigned L = Vec<FP>::L;
  const std::uint64_t groups = std::uint64_t(1) << (nv - nf);
  unsigned lowfix = 0;
  while (lowfix < nf && fixed[lowfix] == lowfix) ++lowfix;
  unsigned red[64];
  const unsigned nred = nf - lowfix;
  for (unsigned j = 0; j < nred; ++j) red[j] = fixed[lowfix + j] - lowfix;
  const std::uint64_t runlen = nred ? bit(red[0]) : groups;
  par.run(groups, [&](std::uint64_t b, std::uint64_t e, unsigned) {
    // Local copies: the body's stores may alias anything reached by reference.
    Body f = body;
    unsigned fx[64];
    for (unsigned j = 0; j < nred; ++j) fx[j] = red[j];
    const unsigned nfx = nred, sh = lowfix;
    const std::uint64_t rl = runlen, st = set, step = 2 * L * bit(lowfix);
    // With `halves`, each worker's range is walked as two halves in step:
    // twice the memory streams, which one core reads and writes faster. Taken
    // by bodies that touch one vector (AMD EPYC, 1 GiB state, 1 thread: an RZ
    // on the top qubit, whose pairs make two streams, 32.8 ms; on qubit 0, one
    // stream, 36.7 ms), and by pair bodies, whose two vectors walk runs with
    // gaps between them (24 qubits, f64, 1 thread: CNOT 12 -> 13 4.6-5.1 ms
    // before, 4.1-4.4 after, 2 -> 3 10.9 before, 8.4-8.6 after; RZ on qubit
    // 12 9.5-9.8 before, 8.9-9.2 after, on qubit 2 8.8-9.4 before, 8.0-8.2
    // after). On the top qubit, where the runs have no gaps, four streams
    // are level with two (RZ at 24 qubits 7.9-8.1 ms both ways).
    struct Cursor {
      std::uint64_t g, e, end;
      FP* p;
    };
    auto open = [&](Cursor& c) {
      if (c.g < c.e) {
        c.end = std::min(c.e, (c.g | (rl - 1)) + 1);
        c.p = s + 2 * L * ((deposit_zeros(c.g, fx, nfx) << sh) | st);
      }
    };
    const std::uint64_t mid = halves ? b + (e - b) / 2 : e;
    Cursor x{b, mid, 0, nullptr}, y{mid, e, 0, nullptr};
    open(x);
    open(y);
    while (x.g < x.e && y.g < y.e) {
      const std::uint64_t k = std::min(x.end - x.g, y.end - y.g);
      FP *p = x.p, *q = y.p;
#pragma GCC unroll 4
      for (std::uint64_t i = 0; i < k; ++i, p += step, q += step) {
        f(p);
        f(q);
      }
      x.g += k, y.g += k, x.p = p, y.p = q;
      if (x.g == x.end) open(x);
      if (y.g == y.end) open(y);
    }
    for (Cursor* c : {&x, &y})
      while (c->g < c->e) {
        FP* p = c->p;
#pragma GCC unroll 4
        for (; c->g < c->end; ++c->g, p += step) f(p);
        open(*c);
      }
  });
}

// Lanes whose lane-control bits (lcm) are all 1: sign bit set (a blendv selector).
template <typename FP>
inline typename Vec<FP>::T lane_selector(unsigned lcm) {
  constexpr unsigned L = Vec<FP>::L;
  alignas(32) FP m[2 * L];
  for (unsigned l = 0; l < L; ++l) m[2 * l] = m[2 * l + 1] = (l & lcm) == lcm ? FP(-1) : FP(1);
  return Vec<FP>::load(m);
}

template <typename FP, unsigned S>
void permute_in_lanes(FP* s, unsigned nv, const unsigned* fixed, unsigned nf, std::uint64_t set,
                      unsigned lcm, const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  if (lcm == 0) {
    for_vector_groups(s, nv, fixed, nf, set, par, [](FP* p) { V::store(p, V::template perm<S>(V::load(p))); }, true);
    return;
  }
  const T sel = lane_selector<FP>(lcm);
  for_vector_groups(
      s, nv, fixed, nf, set, par,
      [sel](FP* p) {
        const T x = V::load(p);
        V::store(p, V::blendv(x, V::template perm<S>(x), sel));
      },
      true);
}

template <typename FP>
void permute(FP* s, unsigned n, const unsigned* qs, unsigned k, const unsigned* cs, unsigned c,
             const std::uint8_t* src, const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  constexpr unsigned L = V::L;
  unsigned hc[64], tv[64], fixed[64], nhc = 0, lcm = 0;
  for (unsigned j = 0; j < c; ++j) {
    if (cs[j] < V::LB) lcm |= 1u << cs[j];
    else hc[nhc++] = cs[j] - V::LB;
  }
  const unsigned nv = n - V::LB;
  const std::uint64_t set = mask_of(hc, nhc);
  if (k == 1 && qs[0] < V::LB) {  // a lane target: swap inside each vector
    if (qs[0] == 0) return permute_in_lanes<FP, 1>(s, nv, hc, nhc, set, lcm, par);
    if constexpr (V::LB == 2) return permute_in_lanes<FP, 2>(s, nv, hc, nhc, set, lcm, par);
    return;
  }
  for (unsigned j = 0; j < k; ++j) tv[j] = qs[j] - V::LB;  // caller: no lane target when k > 1
  const unsigned nf = merge_sorted(tv, k, hc, nhc, fixed);
  Cycles cy;
  permutation_cycles(src, k, tv, 2 * L, cy);  // offsets in FP values
  if (cy.count == 0) return;
  const T sel = lane_selector<FP>(lcm);
  if (k == 1) {  // X, CNOT, Toffoli: swap vector pairs
    const std::uint64_t o = cy.pos[1];
    if (lcm == 0) {
      for_vector_groups(s, nv, fixed, nf, set, par, [o](FP* p) {
        const T a = V::load(p), b = V::load(p + o);
        V::store(p, b);
        V::store(p + o, a);
      }, true);
    } else {
      for_vector_groups(s, nv, fixed, nf, set, par, [o, sel](FP* p) {
        const T a = V::load(p), b = V::load(p + o);
        V::store(p, V::blendv(a, b, sel));
        V::store(p + o, V::blendv(b, a, sel));
      }, true);
    }
    return;
  }
  if (cy.count == 1 && cy.start[1] - cy.start[0] == 2) {  // SWAP, CSWAP: swap vector pairs
    const std::uint64_t o1 = cy.pos[cy.start[0]], o2 = cy.pos[cy.start[0] + 1];
    if (lcm == 0) {
      for_vector_groups(s, nv, fixed, nf, set, par, [o1, o2](FP* p) {
        const T a = V::load(p + o1), b = V::load(p + o2);
        V::store(p + o1, b);
        V::store(p + o2, a);
      }, true);
    } else {
      for_vector_groups(s, nv, fixed, nf, set, par, [o1, o2, sel](FP* p) {
        const T a = V::load(p + o1), b = V::load(p + o2);
        V::store(p + o1, V::blendv(a, b, sel));
        V::store(p + o2, V::blendv(b, a, sel));
      }, true);
    }
    return;
  }
  // Fused permutations: rotate each cycle by one vector.
  for_vector_groups(s, nv, fixed, nf, set, par, [cy, sel, lcm](FP* p) {
    for (unsigned y = 0; y < cy.count; ++y) {
      const unsigned b = cy.start[y], e = cy.start[y + 1];
      const T first = V::load(p + cy.pos[b]);
      T cur = first;
      for (unsigned j = b; j < e; ++j) {
        const T next = j + 1 < e ? V::load(p + cy.pos[j + 1]) : first;
        V::store(p + cy.pos[j], lcm ? V::blendv(cur, next, sel) : next);
        cur = next;
      }
    }
  });
}

template <typename FP>
void phase(FP* s, unsigned n, const unsigned* cs, unsigned c, const FP* ph, const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  constexpr unsigned L = V::L;
  unsigned hc[64], nhc = 0, lcm = 0;
  for (unsigned j = 0; j < c; ++j) {
    if (cs[j] < V::LB) lcm |= 1u << cs[j];
    else hc[nhc++] = cs[j] - V::LB;
  }
  // Per lane: the phase where the lane controls are 1, else 1.
  alignas(64) FP re[2 * L], im[2 * L];
  for (unsigned l = 0; l < L; ++l) {
    const bool on = (l & lcm) == lcm;
    re[2 * l] = re[2 * l + 1] = on ? ph[0] : FP(1);
    im[2 * l] = im[2 * l + 1] = on ? ph[1] : FP(0);
  }
  const T cre = V::load(re), cim = V::load(im);
  for_vector_groups(
      s, n - V::LB, hc, nhc, mask_of(hc, nhc), par,
      [cre, cim](FP* p) {
        const T x = V::load(p);
        V::store(p, V::fmaddsub(x, cre, V::mul(V::swap_ri(x), cim)));
      },
      true);
}

// diag(d0, d1) on target t under controls: a target above the lanes
// scales the two vectors of each pair by a broadcast d0 and d1; a lane
// target by one per-lane coefficient vector. Lanes failing a lane control
// get 1.
template <typename FP>
void diagonal1(FP* s, unsigned n, unsigned t, const unsigned* cs, unsigned c, const FP* d,
               const For& par) {
  using V = Vec<FP>;
  using T = typename V::T;
  constexpr unsigned L = V::L;
  unsigned hc[64], fixed[64], nhc = 0, lcm = 0;
  for (unsigned j = 0; j < c; ++j) {
    if (cs[j] < V::LB) lcm |= 1u << cs[j];
    else hc[nhc++] = cs[j] - V::LB;
  }
  const unsigned nv = n - V::LB;
  const std::uint64_t set = mask_of(hc, nhc);
  // Coefficients per lane for a pair half h (h = 2: lane target, by the lane's own bit).
  auto coef = [&](unsigned h, T& re_v, T& im_v) {
    alignas(64) FP re[2 * L], im[2 * L];
    for (unsigned l = 0; l < L; ++l) {
      const unsigned b = h < 2 ? h : (l >> t) & 1u;
      const bool on = (l & lcm) == lcm;
      re[2 * l] = re[2 * l + 1] = on ? d[2 * b] : FP(1);
      im[2 * l] = im[2 * l + 1] = on ? d[2 * b + 1] : FP(0);
    }
    re_v = V::load(re);
    im_v = V::load(im);
  };
  if (t < V::LB) {
    T cre, cim;
    coef(2, cre, cim);
    for_vector_groups(
        s, nv, hc, nhc, set, par,
        [cre, cim](FP* p) {
          const T x = V::load(p);
          V::store(p, V::fmaddsub(x, cre, V::mul(V::swap_ri(x), cim)));
        },
        true);
    return;
  }
  const unsigned tv = t - V::LB;
  const unsigned nf = merge_sorted(&tv, 1, hc, nhc, fixed);
  const std::uint64_t o = 2 * L * bit(tv);
  T r0, i0, r1, i1;
  coef(0, r0, i0);
  coef(1, r1, i1);
  for_vector_groups(s, nv, fixed, nf, set, par, [r0, i0, r1, i1, o](FP* p) {
    const T x = V::load(p), y = V::load(p + o);
    V::store(p, V::fmaddsub(x, r0, V::mul(V::swap_ri(x), i0)));
    V::store(p + o, V::fmaddsub(y, r1, V::mul(V::swap_ri(y), i1)));
  }, true);
}

}  // namespace QUENCH_AVX2_NS
}  // namespace quench
