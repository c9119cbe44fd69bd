// phase_poly.h — a run of CNOT-type gates and diagonal gates applied as one
// diagonal (a phase polynomial, as in the ZZ feature map's CX·P·CX ladders,
// IQP circuits, or an RZ layer followed by a CNOT chain).
//
// Moving the run's permutations (X, CNOT, SWAP: affine maps of the bits) to
// its end turns each diagonal gate into a phase on parities of the run's
// input bits: the bits a gate sees are affine functions of the input index z
// ("wires"). The run's phase is then a Walsh series
//     θ(z) = Σ_m A_m (-1)^popcount(z & m),
// with each A_m linear in the gates' angles. exp(iθ) over the 2^K patterns
// of the K qubits it depends on comes from a multiplicative Walsh–Hadamard
// transform — butterflies (a, b) -> (a·b, a·conj(b)) on unit complex numbers,
// K·2^K products and no trigonometry per pattern — and is applied as one
// diagonal pass. That replaces a pass and a binding per gate, which on
// the small states of a kernel method or a batch is nearly all the cost. The
// permutations follow as ordinary operations unless their product is the
// identity (CX·P·CX).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quench/engine.h"

namespace quench {

// A phase polynomial over the run's support qubits.
struct PhasePoly {
  std::vector<unsigned> support;     // ascending qubits θ depends on (at least one)
  std::vector<std::uint64_t> masks;  // distinct Walsh masks, over support positions
  std::vector<double> fixed;         // per mask: the fixed gates' part of A_m
  struct Term {
    std::uint32_t mask;  // index into masks
    std::uint32_t gate;  // source gate (parameterised): A_m += coeff · θ(gate)
    double coeff;
  };
  std::vector<Term> terms;
  std::size_t begin = 0, end = 0;  // its source gates [begin, end), for the fallback
};

struct PhaseRegion {
  std::size_t begin = 0, end = 0;        // source gates [begin, end)
  PhasePoly poly;
  std::vector<std::size_t> diagonals;    // its diagonal gates
  std::vector<std::size_t> permutations; // its permutation gates, replayed after the phase
  bool identity = false;                 // their product is the identity: none replayed
};

// Support wider than this is not folded (the table is 2^K complex numbers).
constexpr unsigned kPhasePolyMaxSupport = 16;
// Folding adds and subtracts the gates' phases before taking exp(i·): with
// a phase of magnitude x the rounding is about x·1e-16 rad per term, so a
// row whose parameterised phases exceed this many radians (a huge scale or
// eigenvalue) runs the region gate by gate instead, as unfolded.
constexpr double kPhasePolyMaxPhase = 4096;

// The runs of `gates` (validated, on n qubits) worth applying as a phase
// polynomial: maximal contiguous runs of diagonal gates (fixed and unitary, or
// parameterised; with controls) and affine permutations (X, CNOT, SWAP and
// other 0/1 matrices that are affine maps of their bits, without controls
// except X under one control), holding at least two diagonal gates, with a
// support of at most kPhasePolyMaxSupport qubits, and where the folded
// diagonal (its table, one pass, the replayed permutations) is estimated
// cheaper than the blocks fusion at `max_fused` makes of the run.
std::vector<PhaseRegion> find_phase_regions(const std::vector<Gate>& gates, unsigned n, unsigned max_fused);

// The region's diagonal over poly.support (2·2^K values, interleaved complex)
// at `params` (one parameter row of the program whose source gates are
// `gates`; unused when nothing is parameterised). False, with `out` unset,
// when a parameterised phase exceeds kPhasePolyMaxPhase at this row.
template <typename FP>
bool phase_poly_table(const PhasePoly& poly, const std::vector<Gate>& gates, const double* params,
                      std::vector<FP>& out);

}  // namespace quench
