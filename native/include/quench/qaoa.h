// qaoa.h — a specialised energy + adjoint gradient for QAOA-shaped programs.
//
// Shape (detected at compile time, Program::qaoa): a Hadamard on every qubit
// (fixed, in qubit order), then p layers of
//   [one parameterised diagonal over all qubits, no controls (the cost layer
//    e^{−iθ_c C}, C = its generator table),
//    a parameterised 1-qubit gate with generator X on every qubit, in qubit
//    order, all sharing one slot, scale and offset (the mixer e^{−iθ_m ΣX})],
// and an observable that is a sum of Z strings only (diagonal; its table O
// is computed once per program and observable by a Walsh–Hadamard transform
// of the coefficients, and stored per distinct cost value when O is a
// function of C, as for −⟨C⟩ of MaxCut).
//
// The simulation is the same circuit, in another order of operations:
//  - the cost layer is one diagonal pass with a phase table over the distinct
//    cost values (the program's DiagIndex; one sincos per distinct value);
//  - the mixer is Π_q e^{−iθX_q} = H^⊗n · diag(e^{−iθ(n − 2·popcount k)}) · H^⊗n,
//    two unnormalised fast Walsh–Hadamard transforms (cache-blocked: one pass
//    over 2^11-amplitude blocks for the low qubits, one over gathered column
//    tiles for the high ones) with the diagonal and the 1/2^n folded into the
//    second transform's first pass;
//  - the gradient is adjoint differentiation with checkpoints: the forward
//    sweep keeps, per layer, the state after the cost layer and its
//    Hadamard-basis image, so the backward sweep transforms only λ: per layer
//    two transforms, the β-derivative Im⟨λ|ΣX|ψ⟩ as a diagonal product in the
//    Hadamard basis (ΣX_q = n − 2·popcount there), the γ-derivative
//    Im⟨λ|C|φ⟩ with the cost table; every diagonal and every reduction is
//    fused into a transform's first pass;
//  - flip symmetry: when C(z) = C(¬z) and every Z string of the observable
//    has even weight (MaxCut, and any Ising cost without fields), the global
//    flip X^⊗n commutes with every step and fixes |+⟩^⊗n, so ψ(z) = ψ(¬z)
//    throughout. The sweep then keeps only the half z_{n−1} = 0: its
//    Walsh–Hadamard image is the transform of that half on n − 1 qubits (the
//    odd-weight k vanish; k's top bit is the parity of the rest), so every
//    transform, diagonal and reduction does half the work, and the sums are
//    doubled at the end. QUENCH_QAOA_SYMMETRY=0 turns it off (for A/B).
// Memory: 2p states (one process-wide set, reused between calls). Falls
// back (returns false) when the observable is not diagonal, the memory does
// not fit, or QUENCH_QAOA_FAST=0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "quench/engine.h"
#include "quench/parallel.h"

namespace quench {

class Program;

// What the fast path needs per call, resolved from the program, observable and parameters.
struct QaoaTables {
  unsigned n = 0, p = 0;
  unsigned idx_bytes = 0;           // 1, 2 (DiagIndex) or 0 (per-amplitude values)
  const void* idx = nullptr;        // per-amplitude index into the distinct cost values
  const double* cval = nullptr;     // cost values: per distinct value (idx) or per amplitude
  std::size_t ncval = 0;
  const double* oval = nullptr;     // observable: per distinct cost value (o_per_value) or per amplitude
  bool o_per_value = false;
  bool flip_symmetric = false;      // run on the half z_{n-1} = 0 (see above)
  std::vector<double> theta_c, theta_m;  // per layer
  std::vector<double> scale_c, scale_m;  // d θ / d param
  std::vector<int> slot_c, slot_m;
};

// The kernels, per ISA (qaoa.cc: scalar; qaoa_avx2.cc: AVX2+FMA; qaoa_avx512.cc).
// bufs: 2p states of 2·2^n FP each (the work state, c_0, then φ_l, c_l for l ≥ 1).
// Writes d value / d θ per layer into gc[l], gm[l]; returns ⟨O⟩.
#define QUENCH_QAOA_DECL(NS)                                                                         \
  namespace NS {                                                                                     \
  double qaoa_sweep(const QaoaTables& t, double* const* bufs, double* gc, double* gm, const For& par, \
                    const CancelToken* cancel);                                                      \
  double qaoa_sweep(const QaoaTables& t, float* const* bufs, double* gc, double* gm, const For& par,  \
                    const CancelToken* cancel);                                                      \
  }
QUENCH_QAOA_DECL(qaoa_scalar)
QUENCH_QAOA_DECL(qaoa_avx2)
QUENCH_QAOA_DECL(qaoa_avx512)
#undef QUENCH_QAOA_DECL

// Detected shape (program.cc calls detect at compile time).
struct QaoaShape {
  unsigned p = 0;  // 0: not QAOA-shaped
  std::vector<std::size_t> cost_gate;  // per layer: source gate index of the cost diagonal
  std::vector<std::size_t> mixer_gate; // per layer: first mixer gate
  // Every cost layer has the same DiagIndex (distinct values), or else the
  // same per-amplitude table: decided once, at compile time.
  bool shared_index = false, shared_generator = false;
};
QaoaShape detect_qaoa(const Program& p);
struct QaoaCache;  // qaoa.cc
std::shared_ptr<QaoaCache> make_qaoa_cache();

// The fast path; false when it does not apply (then nothing was written).
bool qaoa_adjoint_gradient(const Program& program, Precision precision, const double* params,
                           const PauliSum& observable, double* grad, const ExecOptions& opts,
                           double* value);
// Whether QUENCH_QAOA_FAST allows the fast path (read once; tests toggle it with the setter).
bool qaoa_fast_enabled();
void set_qaoa_fast_enabled(bool on);
// Whether QUENCH_QAOA_SYMMETRY allows the flip-symmetric half sweep (tests toggle it).
bool qaoa_symmetry_enabled();
void set_qaoa_symmetry_enabled(bool on);

}  // namespace quench
