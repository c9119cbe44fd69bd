// fock.h — batched pure-state Fock-space (continuous-variable) simulator.
//
// State: M modes, cutoff D per mode, D^M complex128 amplitudes per sample,
// basis index = Σ_m n_m D^m (mode 0 varies fastest). Every sample starts in
// the vacuum |0…0⟩; B samples (one parameter row each) run in one call.
//
// Conventions (Strawberry Fields; a = annihilation operator, n = a†a,
// ħ = 2 as SF's default so x = √(ħ/2)(a + a†) = a + a†):
//   Displacement  D(r, φ)   = exp(α a† − α* a),  α = r e^{iφ}
//                 ⟨m|D|n⟩ = e^{iφ(m−n)} d_{mn}(r),  d real (φ = 0)
//   Squeezing     S(r, φ)   = exp((r/2)(e^{−iφ} a² − e^{iφ} a†²))
//                 ⟨m|S|n⟩ = e^{iφ(m−n)/2} s_{mn}(r)  (zero unless m − n even)
//   Rotation      R(φ)      = exp(iφ n)
//   Beamsplitter  BS(θ, φ)  = exp(θ (e^{iφ} a_j a_k† − e^{−iφ} a_j† a_k)),
//                 j = mode0, k = mode1;  BS|1,0⟩ = cos θ |1,0⟩ + e^{iφ} sin θ |0,1⟩
//                 (|n_j, n_k⟩), i.e. a_j† → cos θ a_j† + e^{iφ} sin θ a_k†; in the
//                 Heisenberg picture a_j → t a_j − r* a_k with t = cos θ, r = e^{iφ} sin θ.
//                 ⟨m,n|BS|p,q⟩ = e^{iφ(p−m)} b_{mn,pq}(θ), zero unless m+n = p+q.
//   Kerr          K(κ)      = exp(iκ n²)
//
// Gate matrices are the EXACT matrix elements ⟨m|U|n⟩ (m, n < D) of the
// infinite-dimensional operators, computed with the standard recurrences
// (as thewalrus / SF's Fock backends do), NOT the exponential of a truncated
// generator: the D×D block of a cutoff-30 matrix equals the cutoff-D matrix
// bit for bit. The truncated evolution is therefore not unitary; the norm
// leaks, and "truncation loss" = 1 − ‖ψ‖² after the last gate is reported.
//
// Readouts per sample are computed on the UN-renormalised truncated state:
//   x_m = ⟨ψ|(a_m + a_m†)|ψ⟩   (a truncated: a|D−1⟩ keeps only √(D−1)|D−2⟩)
//   n_m = ⟨ψ|n_m|ψ⟩,  norm = ‖ψ‖² = 1 − truncation loss.
// With CvOptions::normalize, x and n are divided by ‖ψ‖² (norm stays raw);
// gradients follow the chosen variant.
//
// Gradients (vjp_batch) are exact reverse mode through the truncated gate
// matrices: every intermediate state a non-diagonal gate reads is kept, and
// the derivatives of the matrix elements come from differentiating the same
// recurrences (so they are the exact derivatives of the truncated elements —
// equivalent to G·U computed with one/two extra rows, never the truncated
// generator). φ-derivatives use the phase structure above.
#pragma once

#include <complex>
#include <cstddef>
#include <string>
#include <vector>

#include "quench/engine.h"

namespace quench {
namespace fock {

// θ = slot < 0 ? value : scale * params[slot] + value
struct Angle {
  int slot = -1;
  double value = 0;
  double scale = 1;
};

struct CvGate {
  enum class Kind { Displacement, Squeezing, Rotation, Beamsplitter, Kerr };
  Kind kind = Kind::Rotation;
  unsigned mode0 = 0;
  unsigned mode1 = 0;  // Beamsplitter only (must differ from mode0)
  // Displacement, Squeezing: a = r, b = φ.  Beamsplitter: a = θ, b = φ.
  // Rotation: a = φ.  Kerr: a = κ.  (b unused for Rotation and Kerr.)
  Angle a, b;
};

struct CvCircuit {
  unsigned modes = 1;
  unsigned cutoff = 2;
  unsigned num_params = 0;
  std::vector<CvGate> gates;
};

const char* to_string(CvGate::Kind kind);

// Limits: modes 1..8, cutoff 2..30.
constexpr unsigned kMaxModes = 8;
constexpr unsigned kMinCutoff = 2;
constexpr unsigned kMaxCutoff = 30;

// Throws quench::Error (Range / Type / Memory) naming the gate index and the
// field: modes/cutoff out of range, one D^M state not fitting in memory,
// mode out of range, beamsplitter modes equal, non-finite value/scale,
// slot >= num_params. (run_batch / vjp_batch also check the memory of their
// per-thread workspaces with quench::check_memory and that params are finite.)
void validate(const CvCircuit& circuit);

struct CvOptions {
  unsigned threads = 0;                    // threads over the batch; 0 = all logical cores
  const quench::CancelToken* cancel = nullptr;  // checked between gates
  bool normalize = false;                  // x, n divided by ‖ψ‖² (see above)
  bool fuse_diagonals = true;              // fold R/K gates into neighbouring D/S gates
  quench::Isa isa = quench::Isa::avx2;     // falls back to scalar when unavailable
};

struct CvOutputs {
  std::vector<double> x;     // batch × modes, row-major
  std::vector<double> n;     // batch × modes
  std::vector<double> norm;  // batch: ‖ψ‖² (1 − truncation loss)
  // mean over the batch of 1 − norm
  double mean_truncation_loss() const;
};

// params: batch × num_params, row-major (may be null when num_params == 0).
CvOutputs run_batch(const CvCircuit& circuit, const double* params, std::size_t batch,
                    const CvOptions& opts = {});

// Vector–Jacobian product: L = Σ dx·x + Σ dn·n + Σ dnorm·norm (per sample);
// writes dL/dparams to grad_params (batch × num_params, row-major) and returns
// the same outputs as run_batch. dx must not be null; dn, dnorm may be null.
CvOutputs vjp_batch(const CvCircuit& circuit, const double* params, std::size_t batch,
                    const double* dx, const double* dn, const double* dnorm, double* grad_params,
                    const CvOptions& opts = {});

// Final (un-normalised) state of one sample: D^M amplitudes. `initial` (D^M
// amplitudes, or null for the vacuum) is the input state.
std::vector<std::complex<double>> run_state(const CvCircuit& circuit, const double* params,
                                            const std::complex<double>* initial = nullptr,
                                            const CvOptions& opts = {});

// The truncated matrix of one gate with angles (a, b) as in CvGate. Single-mode
// gates: D×D row-major, element [m*D + n] = ⟨m|U|n⟩. Beamsplitter: D²×D²,
// basis index n_mode0 + D·n_mode1.
std::vector<std::complex<double>> gate_matrix(CvGate::Kind kind, double a, double b,
                                              unsigned cutoff);

// ---- the seed workload: CV quantum-GAN generator (Killoran et al. CV-QNN layer) ----
// Slot layout of qgan_generator(M, D, layers, latent_dim):
//   [0, latent_dim)  latent z_i → Displacement(r = z_i) on mode i mod M, with
//                    φ = 0 for i < M and φ = π/2 for M ≤ i < 2M (so a second
//                    latent value per mode drives the other quadrature);
//                    latent_dim > 2M is rejected (Error Range).
//   then, for each layer ℓ, num_weights(M, 1) = 2(M(M−1) + M) + 4M weights:
//     interferometer 1: BS θ_k (M(M−1)/2), BS φ_k (M(M−1)/2), rotation φ_m (M)
//     squeezing r_m (M)                            (φ = 0)
//     interferometer 2: as interferometer 1
//     displacement r_m (M), displacement φ_m (M)
//     Kerr κ_m (M)
// The interferometer is the rectangular (Clements) mesh of SF's CV-QNN
// tutorial: for l in 0..M−1, for k in 0..M−2 with (l + k) even, BS on
// (k, k+1); then one rotation per mode. Gate order in a layer: interferometer
// 1, S_0..S_{M−1}, interferometer 2, then D_m K_m for each mode m.
// Seed configuration: qgan_generator(4, 4, 2, 4): 100 params, 68 gates.
CvCircuit qgan_generator(unsigned modes, unsigned cutoff, unsigned layers, unsigned latent_dim);
std::size_t num_weights(unsigned modes, unsigned layers);

// Seed generator (4 modes, cutoff 4, 2 layers, latent 4) timed over `batch`
// samples with random, per-sample parameters (latent and weights): microseconds
// per sample (best of 5 trials of ~20 ms), forward (vjp = false) or forward +
// VJP (vjp = true), on `threads` threads (0 = all logical cores).
//
// Execution notes: samples run in chunks of 4 (one AVX2 register of doubles
// per amplitude component, batch-innermost layout); threads take whole chunks,
// so results do not depend on the thread count or a sample's position in the
// batch. Each gate's matrix is built per chunk from its samples' angles, or
// once per call when no angle of the gate reads a slot. Rotation/Kerr gates
// are folded into the nearest Displacement/Squeezing on the same mode when
// only commuting gates lie between (CvOptions::fuse_diagonals). The VJP keeps
// every state a non-diagonal gate reads ((non-diagonal gates + 1) × D^M × 4
// samples × 16 bytes per thread); standalone diagonal gates are undone on
// the way back by their conjugate phases (they are unitary even truncated).
double bench_seed_generator_us_per_sample(std::size_t batch, unsigned threads, bool vjp = false);

}  // namespace fock
}  // namespace quench
