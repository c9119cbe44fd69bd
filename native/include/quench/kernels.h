// kernels.h — the per precision x ISA table of kernels. The ISA is chosen
// once per call above the kernels (kernel_table<FP>(isa)); inside a kernel
// there is no dispatch. Kernels know nothing of gate names: they apply flat
// matrices (FP, interleaved complex, row-major; bit j of a matrix index is
// qubits[j]) to sorted qubits, touching only amplitudes whose control bits
// are all 1.
#pragma once

#include <cstddef>
#include <cstdint>

#include "quench/engine.h"
#include "quench/parallel.h"

namespace quench {

template <typename FP>
struct KernelTable {
  Isa isa;
  // log2 of the complex amplitudes in one SIMD vector (0 for scalar).
  unsigned lane_bits;
  // Smallest state (qubits) the table handles; smaller ones go to scalar.
  unsigned min_qubits;

  // Dense k-qubit matrix (1 <= k <= 6), 2 * 4^k values.
  void (*dense)(FP* state, unsigned n, const unsigned* qubits, unsigned k, const unsigned* controls,
                unsigned c, const FP* matrix, const For& par);
  // Diagonal over k qubits (1 <= k <= n), 2 * 2^k values. The AVX2 kernel
  // requires: no control below lane_bits, and the qubits below lane_bits
  // either all targets or none (prepare_diagonal in program.cc arranges it).
  void (*diagonal)(FP* state, unsigned n, const unsigned* qubits, unsigned k,
                   const unsigned* controls, unsigned c, const FP* diag, const For& par);
  // Structured gates (structure.h finds them in the bound matrices): they
  // read and write only the amplitudes that change, with no arithmetic on the
  // rest — so a CNOT touches the half of the state where its control is 1, a
  // CZ the quarter where both qubits are 1.
  //
  // Permutation over k target qubits (1 <= k <= 6; X, CNOT, Toffoli, SWAP):
  // in each group whose controls are all 1, amplitude r (bit j of r is
  // qubits[j]) takes the value amplitude src[r] had; fixed points are not
  // touched. The AVX2 kernel requires k == 1 or no target below lane_bits
  // (apply_structured sends the others to the dense kernel).
  void (*permute)(FP* state, unsigned n, const unsigned* qubits, unsigned k,
                  const unsigned* controls, unsigned c, const std::uint8_t* src, const For& par);
  // Multiplies by one complex `phase` (2 values) every amplitude whose
  // control bits are all 1 (c >= 1; Z, S, T, P on their |1> half, CZ and CP
  // on the |11> quarter).
  void (*phase)(FP* state, unsigned n, const unsigned* controls, unsigned c, const FP* phase,
                const For& par);
  // A 1-qubit diagonal diag(d0, d1) (4 values) on `target` under controls
  // (RZ, CRZ): each amplitude of the control subspace scaled by d0 or d1,
  // with no per-amplitude index arithmetic. Any control placement.
  void (*diagonal1)(FP* state, unsigned n, unsigned target, const unsigned* controls, unsigned c,
                    const FP* diag, const For& par);
  double (*norm_squared)(const FP* state, unsigned n, const For& par);
  void (*probabilities)(const FP* state, unsigned n, double* out, const For& par);
  // Sum of coeff * <psi|P|psi> over the terms (all-diagonal terms in one pass,
  // off-diagonal ones grouped by x mask).
  double (*expectation)(const FP* state, unsigned n, const PauliTerm* terms, std::size_t count,
                        const For& par);
  // x = a * x + b over `count` values (the in-place bandwidth reference), as
  // one memory stream or (halves) two, the two halves of x in step.
  void (*scale_add)(FP* x, std::size_t count, FP a, FP b, bool halves, const For& par);
};

// Scalar tables always exist; AVX2 tables exist when the CPU has AVX2+FMA.
const KernelTable<float>& scalar_kernels_f32();
const KernelTable<double>& scalar_kernels_f64();
const KernelTable<float>& avx2_kernels_f32();
const KernelTable<double>& avx2_kernels_f64();
// AVX-512 tables (kernels_avx512.cc): reached only when isa_available(avx512).
const KernelTable<float>& avx512_kernels_f32();
const KernelTable<double>& avx512_kernels_f64();

template <typename FP>
const KernelTable<FP>& kernel_table(Isa isa);
template <>
inline const KernelTable<float>& kernel_table<float>(Isa isa) {
  return isa == Isa::avx512 ? avx512_kernels_f32() : isa == Isa::avx2 ? avx2_kernels_f32() : scalar_kernels_f32();
}
template <>
inline const KernelTable<double>& kernel_table<double>(Isa isa) {
  return isa == Isa::avx512 ? avx512_kernels_f64() : isa == Isa::avx2 ? avx2_kernels_f64() : scalar_kernels_f64();
}

}  // namespace quench
