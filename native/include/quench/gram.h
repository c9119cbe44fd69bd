// gram.h — the blocked real matrix product behind the fidelity kernel.
// C[i·ldc + j] += Σ_t A[i·lda + t] · B[j·ldb + t] for i < mr, j < nr, t < k:
// both operands row-major along t (each row a state, interleaved re/im), so
// the complex overlap <a|b> = Σ conj(a) b is two real dot products:
//   Re = a · (br, bi),  Im = a · (bi, −br)   (B holds both rows per point).
// Requirements (the caller pads with zeros): mr % kGramMR == 0,
// nr % kGramNR == 0, k % 16 == 0, rows 32-byte aligned (lda, ldb % 16 == 0,
// A and B 64-byte aligned). Partial dot products over blocks of kGramKC are
// summed in FP, then added to C in double.
#pragma once

#include <cstddef>

namespace quench {

constexpr unsigned kGramMR = 3;    // rows of A per micro-tile
constexpr unsigned kGramNR = 4;    // rows of B per micro-tile
constexpr std::size_t kGramKC = 512;  // t per block (A and B micro-panels stay in L1)

// Portable (gram.cc in qml.cc) and AVX2+FMA (gram_avx2.cc) versions.
void gram_tile_scalar(const float* A, std::size_t lda, unsigned mr, const float* B,
                      std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc);
void gram_tile_scalar(const double* A, std::size_t lda, unsigned mr, const double* B,
                      std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc);
void gram_tile_avx2(const float* A, std::size_t lda, unsigned mr, const float* B,
                    std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc);
void gram_tile_avx2(const double* A, std::size_t lda, unsigned mr, const double* B,
                    std::size_t ldb, unsigned nr, std::size_t k, double* C, std::size_t ldc);

}  // namespace quench
