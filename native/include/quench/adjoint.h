// adjoint.h — gradients. Adjoint differentiation (Jones & Gacon 2020):
// forward to |psi>, |lambda> = H|psi>, then for each source gate in reverse:
// if parameterised, grad[slot] += scale * 2 Im <lambda| G_full |phi> (phi =
// the state after the gate, G_full = G on the targets times the projector on
// the controls, because dU/dtheta = -i G_full U); then phi <- U^dagger phi,
// lambda <- U^dagger lambda. Parameter shift (for comparison) uses the
// generator's spectrum: one frequency -> the two-term rule, two -> four terms.
#pragma once

#include <vector>

#include "quench/engine.h"
#include "quench/kernels.h"
#include "quench/parallel.h"
#include "quench/program.h"
#include "quench/state_space.h"

namespace quench {

// Per-thread scratch of the adjoint sweep (allocated once, reused per item).
template <typename FP>
struct AdjointScratch {
  StateSpace<FP> phi, lambda;
  std::vector<double> matrix;
  explicit AdjointScratch(unsigned n) : phi(n), lambda(n) {}
  static std::size_t bytes_for(unsigned n) { return 2 * StateSpace<FP>::bytes_for(n); }
};

// out = sum_t coeff_t P_t in.
template <typename FP>
void apply_pauli_sum(const FP* in, FP* out, unsigned n, const PauliSum& h, const For& par);

// Re <a|b>.
template <typename FP>
double inner_re(const FP* a, const FP* b, unsigned n, const For& par);

// Im <lambda| G_full |phi> for the generator of a parameterised source gate.
template <typename FP>
double generator_inner_im(const FP* lambda, const FP* phi, unsigned n, const Gate& g, const For& par);

template <typename FP>
double adjoint_gradient_impl(const Program& p, const double* params, const PauliSum& h, double* grad,
                             const KernelTable<FP>& kt, const For& par, AdjointScratch<FP>& scratch,
                             Progress* progress);

// Expectation of h after the source gates one by one, with one gate's angle replaced.
template <typename FP>
double shifted_expectation(const Program& p, const double* params, const PauliSum& h,
                           const KernelTable<FP>& kt, const For& par, StateSpace<FP>& state,
                           long gate, double theta);

template <typename FP>
double parameter_shift_impl(const Program& p, const double* params, const PauliSum& h, double* grad,
                            const KernelTable<FP>& kt, const For& par, Progress* progress);

}  // namespace quench
