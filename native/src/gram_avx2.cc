// AVX2+FMA micro-kernel of the fidelity kernel's Gram product (see gram.h).
// A 3 x 4 register tile: per step of one vector along t, 3 loads of A and 4
// of B feed 12 FMAs into 12 accumulators (16 ymm registers in all).
#include <immintrin.h>

#include <algorithm>

#include "quench/gram.h"

namespace quench {
namespace {

inline double hsum(__m256d v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
inline double hsum(__m256 v) {
  // Reduced in double: each lane holds a partial sum of kGramKC / 8 products.
  const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
  const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  return hsum(_mm256_add_pd(lo, hi));
}

struct VD {
  using T = __m256d;
  static constexpr unsigned L = 4;
  static T zero() { return _mm256_setzero_pd(); }
  static T load(const double* p) { return _mm256_load_pd(p); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_pd(a, b, c); }
};
struct VF {
  using T = __m256;
  static constexpr unsigned L = 8;
  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_load_ps(p); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
};

template <typename V, typename FP>
void tile(const FP* A, std::size_t lda, unsigned mr, const FP* B, std::size_t ldb, unsigned nr,
          std::size_t k, double* C, std::size_t ldc) {
  using T = typename V::T;
  for (std::size_t t0 = 0; t0 < k; t0 += kGramKC) {
    const std::size_t t1 = std::min(k, t0 + kGramKC);
    for (unsigned i = 0; i < mr; i += kGramMR) {
      const FP* a0 = A + i * lda;
      const FP* a1 = a0 + lda;
      const FP* a2 = a1 + lda;
      for (unsigned j = 0; j < nr; j += kGramNR) {
        const FP* b0 = B + j * ldb;
        const FP* b1 = b0 + ldb;
        const FP* b2 = b1 + ldb;
        const FP* b3 = b2 + ldb;
        T c00 = V::zero(), c01 = V::zero(), c02 = V::zero(), c03 = V::zero();
        T c10 = V::zero(), c11 = V::zero(), c12 = V::zero(), c13 = V::zero();
        T c20 = V::zero(), c21 = V::zero(), c22 = V::zero(), c23 = V::zero();
        for (std::size_t t = t0; t < t1; t += V::L) {
          const T x0 = V::load(a0 + t), x1 = V::load(a1 + t), x2 = V::load(a2 + t);
          T y = V::load(b0 + t);
          c00 = V::fma(x0, y, c00);
          c10 = V::fma(x1, y, c10);
          c20 = V::fma(x2, y, c20);
          y = V::load(b1 + t);
          c01 = V::fma(x0, y, c01);
          c11 = V::fma(x1, y, c11);
          c21 = V::fma(x2, y, c21);
          y = V::load(b2 + t);
          c02 = V::fma(x0, y, c02);
          c12 = V::fma(x1, y, c12);
          c22 = V::fma(x2, y, c22);
          y = V::load(b3 + t);
          c03 = V::fma(x0, y, c03);
          c13 = V::fma(x1, y, c13);
          c23 = V::fma(x2, y, c23);
        }
        double* r0 = C + i * ldc + j;
        double* r1 = r0 + ldc;
        double* r2 = r1 + ldc;
        r0[0] += hsum(c00); r0[1] += hsum(c01); r0[2] += hsum(c02); r0[3] += hsum(c03);
        r1[0] += hsum(c10); r1[1] += hsum(c11); r1[2] += hsum(c12); r1[3] += hsum(c13);
        r2[0] += hsum(c20); r2[1] += hsum(c21); r2[2] += hsum(c22); r2[3] += hsum(c23);
      }
    }
  }
}

}  // namespace

void gram_tile_avx2(const float* A, std::size_t lda, unsigned mr, const float* B, std::size_t ldb,
                    unsigned nr, std::size_t k, double* C, std::size_t ldc) {
  tile<VF>(A, lda, mr, B, ldb, nr, k, C, ldc);
}
void gram_tile_avx2(const double* A, std::size_t lda, unsigned mr, const double* B,
                    std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc) {
  tile<VD>(A, lda, mr, B, ldb, nr, k, C, ldc);
}

}  // namespace quench
