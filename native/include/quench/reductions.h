// reductions.h — whole-state passes used by adjoint differentiation and by
// compressed diagonal gates, per precision x ISA (like kernels.h): the
// portable table (reductions_scalar.cc) always exists, the AVX2+FMA one
// (reductions_avx2.cc, the only TU of these built with -mavx2 -mfma) only
// when the CPU has them. The bodies are shared templates
// (reductions_impl.h); accumulation is always in double.
//
// Indexed diagonals: a diagonal over qubits qs (k of them, ascending) whose
// 2^k entries take few distinct values is stored as those values plus one
// uint8/uint16 index per entry, so applying it reads 1-2 bytes per amplitude
// instead of 16 and binding exp(-iθλ) costs one sin/cos per distinct value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "quench/engine.h"
#include "quench/parallel.h"

namespace quench {

// A diagonal over `k` ascending qubits: entry j (gate-local index) is
// values[index[j]] (index 1 or 2 bytes per entry), or values[j] when index is
// null (a plain real diagonal, e.g. a generator).
struct IndexedDiag {
  const unsigned* qubits = nullptr;
  unsigned k = 0;
  const void* index = nullptr;
  unsigned index_bytes = 0;  // 1 or 2 (ignored when index is null)
};

template <typename FP>
struct ReductionTable {
  Isa isa;
  // s_i *= table[idx(j(i))] (complex, interleaved FP), j(i) = gather(i, qubits).
  void (*diag_apply)(FP* s, unsigned n, const IndexedDiag& d, const FP* table, const For& par);
  // Σ_i values[idx(j(i))] · Im(conj(lam_i) phi_i)  (values: real, double).
  double (*diag_im)(const FP* lam, const FP* phi, unsigned n, const IndexedDiag& d,
                    const double* values, const For& par);
  // For each of the m qubits q (any order, distinct): out[4t..4t+3] =
  // (Re, Im) Σ_{bit q of i = 0} conj(lam_i) phi_{i^q}, then the same over bit q = 1.
  // All low qubits in one cache-tiled pass, the high ones in one more pass per
  // group of up to 7 (tiles of runs).
  void (*pair_sums)(const FP* lam, const FP* phi, unsigned n, const unsigned* qubits, unsigned m,
                    double* out, const For& par);
  // out[0] = Σ_i Im(conj(lam_i) phi_i); out[1 + t] = the same over the i whose
  // bit qubits[t] is 1. The generator products of m 1-qubit diagonal gates
  // (an RZ layer) in one pass: diag(a, b) on q gives a·(out[0] − out[1+t]) + b·out[1+t].
  void (*diag1_sums)(const FP* lam, const FP* phi, unsigned n, const unsigned* qubits, unsigned m,
                     double* out, const For& par);
  // Re <a|b>.
  double (*inner_re)(const FP* a, const FP* b, unsigned n, const For& par);
  // out = H in, H = Σ coeff P: one pass for all diagonal terms (which also
  // initialises out) and one pass per distinct x mask. Returns <in|H|in>
  // (real part), computed in the same passes.
  double (*apply_hamiltonian)(const FP* in, FP* out, unsigned n, const PauliTerm* terms,
                              std::size_t count, const For& par);
};

const ReductionTable<float>& scalar_reductions_f32();
const ReductionTable<double>& scalar_reductions_f64();
const ReductionTable<float>& avx2_reductions_f32();
const ReductionTable<double>& avx2_reductions_f64();

// The avx512 ISA uses the AVX2 reductions: built at 512 bits they measured no
// faster (adjoint gradients x0.96-1.04 of AVX2's time at 18 qubits, f64,
// interleaved: bench/isa_ab.cjs adjoint), so there is no AVX-512 build.
template <typename FP>
const ReductionTable<FP>& reduction_table(Isa isa);
template <>
inline const ReductionTable<float>& reduction_table<float>(Isa isa) {
  return isa != Isa::scalar ? avx2_reductions_f32() : scalar_reductions_f32();
}
template <>
inline const ReductionTable<double>& reduction_table<double>(Isa isa) {
  return isa != Isa::scalar ? avx2_reductions_f64() : scalar_reductions_f64();
}

// Tile geometry shared by the tiled passes: a tile holds 2^kTileBits
// amplitudes (per state); qubits below kTileBits are "low" (one contiguous
// tile pass), the others are handled in tiles made of runs of 2^r consecutive
// amplitudes, r = kTileBits - (high qubits in the group) >= kMinRunBits.
template <typename FP>
struct Tiles {
  static constexpr unsigned kTileBits = sizeof(FP) == 8 ? 13 : 14;  // 128 KiB per state
  static constexpr unsigned kMinRunBits = 4;
  static constexpr unsigned kMaxHigh = kTileBits - 6;  // runs of >= 64 amplitudes
};

}  // namespace quench
