// structure.h — what a bound operation really is. Lowering hands every gate
// over as a flat matrix (backends never see gate names), and fusion
// multiplies gates together; the matrix itself shows the structure that
// lightning-style gate kernels exploit:
//  - a target whose |0> half is the identity, and not coupled to its |1>
//    half, acts as a control: CZ is a phase on the quarter where both qubits
//    are 1; S, T, P, Z a phase on the half where the qubit is 1; CP and a
//    multi-controlled Z likewise;
//  - a matrix of 0s and 1s is a permutation: X, CNOT, Toffoli, SWAP move
//    amplitudes with no arithmetic, and only those that change;
//  - what remains is a dense or diagonal matrix on fewer targets under more
//    controls (CRX, CU: a 1-qubit kernel on the half where the control is 1).
// Tests are exact comparisons with 0 and 1: a matrix is treated as
// structured only when it is exactly so, so the result is the dense
// kernel's up to rounding, whatever the gate's origin (named gate, fused
// block, bound parameterised gate).
#pragma once

#include <cstdint>
#include <vector>

#include "quench/kernels.h"
#include "quench/parallel.h"

namespace quench {

enum class Form : std::uint8_t { identity, dense, diagonal, permutation, phase };

// Diagonals wider than this are applied as they are (finding their
// structure would read 2^k entries per target).
constexpr unsigned kStructureMaxDiagQubits = 12;

template <typename FP>
struct Structured {
  Form form = Form::dense;
  unsigned k = 0;          // remaining targets
  unsigned c = 0;          // controls
  unsigned qubits[64];     // remaining targets, ascending
  unsigned controls[64];   // declared controls and the targets found to be controls, ascending
  const FP* m = nullptr;   // dense (2*4^k) or diagonal (2*2^k) matrix over qubits, or the phase (2)
  std::uint8_t src[64];    // permutation: position r takes the value position src[r] had
  std::vector<FP> reduced; // holds m when the matrix was reduced (else m points into the input)
};

// Reads the structure of a dense (2*4^k values, k <= 6) or diagonal
// (2*2^k) matrix on `qubits` under `controls`. out.m may point into `m`,
// which must outlive out.
template <typename FP>
void find_structure(const unsigned* qubits, unsigned k, const unsigned* controls, unsigned c,
                    bool diagonal, const FP* m, Structured<FP>& out);

// Applies a structured operation: the permute, phase and 1-qubit diagonal
// kernels, or the dense and diagonal ones on the remaining targets (the
// scalar table for states below kt.min_qubits; the dense kernel for
// permutations of several lane qubits, which the AVX2 permute does not take).
template <typename FP>
void apply_structured(FP* s, unsigned n, const Structured<FP>& st, const KernelTable<FP>& kt,
                      const For& par);

// Amplitudes the operation reads and writes (the profiler's count).
template <typename FP>
std::uint64_t touched_amplitudes(const Structured<FP>& st, unsigned n);

}  // namespace quench
