// engine.h — the facade of the simulator core, and the only core header the
// N-API binding includes. Everything here is plain C++ (no napi.h): the core
// can be built and tested on its own (native/test).
//
// Conventions (shared with src-shared/ and every backend):
//  - State index bit q is qubit q (little-endian, as in Qiskit).
//  - A gate acts on `qubits` (strictly ascending). Bit j of a matrix row or
//    column index is qubits[j]. Matrices are row-major, interleaved complex
//    (re, im) doubles: a dense k-qubit gate has 2 * 4^k doubles, a diagonal
//    one 2 * 2^k.
//  - `controls` (ascending, disjoint from qubits) must all be |1> for the
//    gate to act; elsewhere it is the identity.
//  - A parameterised gate has slot >= 0 and angle θ = scale * params[slot] + offset.
//      dense:    generator G (2 * 4^k doubles) with G^3 = G (eigenvalues in
//                {-1, 0, 1}); U(θ) = I + (cos θ − 1) G² − i sin θ G = exp(−iθG)
//      diagonal: generator λ (2^k real doubles);     U(θ) = diag(exp(−iθ λ_j))
//    so dU/dθ = −i G U in both cases (adjoint differentiation relies on it).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace quench {

enum class Precision { f32, f64 };
enum class Isa { scalar, avx2, avx512 };
// True for the vector ISAs (their kernel tables need min_qubits qubits).
inline bool is_simd(Isa isa) { return isa != Isa::scalar; }

const char* to_string(Precision p);
const char* to_string(Isa isa);

// Every error the core reports. `kind` lets the binding map it to the right
// JavaScript error class (RangeError, TypeError, Error).
struct Error : std::runtime_error {
  enum class Kind { Range, Type, Memory, Cancelled, Internal };
  Kind kind;
  Error(Kind k, const std::string& message) : std::runtime_error(message), kind(k) {}
};

// ---- machine ---------------------------------------------------------------
struct CpuInfo {
  std::string model;
  unsigned logical_cores = 1;
  bool avx2 = false, fma = false, avx512f = false;
  // The AVX-512 subsets the avx512 ISA uses (and the OS saving ZMM state).
  bool avx512dq = false, avx512bw = false, avx512vl = false;
};
CpuInfo cpu_info();
// The ISA chosen once at load: the best available (avx512 when the CPU has
// AVX-512 F/DQ/BW/VL with ZMM state enabled by the OS, else avx2 with
// AVX2+FMA, else scalar), or QUENCH_ISA (scalar|avx2|avx512) when that one is
// available (an unavailable one falls back to the best, with a warning).
Isa default_isa();
// Replaces the default (the command line's --isa); throws Error(Range) when
// the CPU lacks it.
void set_default_isa(Isa isa);
bool isa_available(Isa isa);
// MemAvailable from /proc/meminfo (bytes); 0 if unknown.
std::size_t available_memory_bytes();
// Throws Error(Memory) naming `what`, the bytes needed and the bytes available
// when `bytes` does not fit (leaving headroom for the rest of the process).
void check_memory(std::size_t bytes, const std::string& what);
// Compiler flags and options the core was built with, for `quench info`.
std::string build_info();

// ---- execution options -------------------------------------------------------
struct CancelToken {
  std::atomic<bool> cancelled{false};
};
// Called from worker threads with the fraction done in [0, 1]; must be cheap
// and thread-safe. May be empty.
using ProgressFn = std::function<void(double)>;

struct ExecOptions {
  Isa isa = Isa::avx2;     // must be available (the binding checks)
  unsigned threads = 0;    // 0 = all logical cores
  const CancelToken* cancel = nullptr;  // checked between gates / batch items
  ProgressFn progress;
};

// ---- circuits as data -----------------------------------------------------------
struct Gate {
  std::vector<unsigned> qubits;
  std::vector<unsigned> controls;
  bool diagonal = false;
  std::vector<double> matrix;     // fixed gates (slot < 0)
  int slot = -1;
  double scale = 1.0, offset = 0.0;
  std::vector<double> generator;  // parameterised gates (slot >= 0)
};

struct Circuit {
  unsigned num_qubits = 0;
  unsigned num_params = 0;
  std::vector<Gate> gates;
};

// Throws Error(Range/Type) naming the gate index and the field at fault:
// qubit out of range or repeated, control overlapping a target, wrong matrix
// size, NaN/Inf entries, a fixed dense matrix that is not unitary (1e-6), a
// dense generator with G^3 != G or not Hermitian, slot >= num_params.
void validate(const Circuit& circuit);

// Observables: a real-weighted sum of Pauli strings. Bit q of x_mask/z_mask:
// X = x only, Z = z only, Y = x and z.
struct PauliTerm {
  double coeff = 0;
  std::uint64_t x_mask = 0, z_mask = 0;
};
struct PauliSum {
  std::vector<PauliTerm> terms;
};
void validate(const PauliSum& observable, unsigned num_qubits);

// ---- compiled circuits -------------------------------------------------------------
// A Program is a circuit compiled for execution: the fusion plan (which gates
// merge into which k-qubit block) is fixed at compile time, fixed-only blocks
// are multiplied out once, blocks holding parameterised gates are bound late
// (per run). Programs are immutable and shared: compile() returns the cached
// Program for a circuit of the same structure and fixed matrices.
struct ProgramStats {
  std::size_t gates = 0;        // gates in the source circuit
  std::size_t passes = 0;       // operations (passes over the state) after fusion
  unsigned max_fused_qubits = 0;
  std::size_t cache_hits = 0;   // process-wide counters of the cache
  std::size_t cache_misses = 0;
};
class Program;
// max_fused_qubits: 0 or 1 = no fusion; up to 6.
std::shared_ptr<const Program> compile(const Circuit& circuit, unsigned max_fused_qubits);
ProgramStats stats(const Program& program);
unsigned num_qubits(const Program& program);
unsigned num_params(const Program& program);
// Also drops the fidelity kernel's kept packed states (qml.cc).
void clear_program_cache();

// ---- state vectors ----------------------------------------------------------------------
// A state vector owned by the core (64-byte aligned). Results are copied out.
class State {
 public:
  virtual ~State() = default;
  // Checks memory first (Error Memory), starts in |0...0>.
  static std::unique_ptr<State> create(unsigned num_qubits, Precision precision);

  virtual unsigned num_qubits() const = 0;
  virtual Precision precision() const = 0;
  virtual std::size_t bytes() const = 0;

  virtual void reset() = 0;  // |0...0>
  // `amplitudes` holds 2 * 2^n doubles (interleaved). Not renormalised.
  virtual void set_amplitudes(const double* amplitudes) = 0;
  virtual void get_amplitudes(double* out) const = 0;  // 2 * 2^n doubles

  // Apply a program (params: num_params(program) doubles) or one gate.
  virtual void run(const Program& program, const double* params, const ExecOptions& opts) = 0;
  virtual void apply(const Gate& gate, const double* params, const ExecOptions& opts) = 0;

  virtual double norm_squared(const ExecOptions& opts) const = 0;
  virtual double expectation(const PauliSum& observable, const ExecOptions& opts) const = 0;
  virtual void probabilities(double* out, const ExecOptions& opts) const = 0;  // 2^n
  // Probabilities of the listed qubits (bit j of the output index = qubits[j]).
  virtual void marginal(const std::vector<unsigned>& qubits, double* out,
                        const ExecOptions& opts) const = 0;
  // `shots` outcomes (full basis-state indices) drawn with a seeded generator;
  // the same seed gives the same outcomes on every ISA, thread count and run.
  virtual std::vector<std::uint64_t> sample(std::size_t shots, std::uint64_t seed,
                                            const ExecOptions& opts) const = 0;

  // Mid-circuit measurement: projects `qubit` onto |outcome> (0 or 1) and
  // renormalises. Returns the probability the outcome had before. Throws
  // Error(Range) when that probability is 0 (nothing to renormalise).
  virtual double collapse(unsigned qubit, unsigned outcome, const ExecOptions& opts) = 0;
  // Copies the amplitudes of a state with the same qubits and precision
  // (branching a simulation at a measurement).
  virtual void copy_from(const State& other) = 0;
};

// ---- gradients and batches -----------------------------------------------------------------
// <ψ(p)|H|ψ(p)> with ψ(p) = program(p)|0>, and its gradient with respect to all
// num_params parameters by adjoint differentiation (one forward and one
// backward sweep). Returns the value, writes num_params doubles to grad.
double adjoint_gradient(const Program& program, Precision precision, const double* params,
                        const PauliSum& observable, double* grad, const ExecOptions& opts);

// The same gradient by the parameter-shift rule (kept for comparison; valid for
// gates whose generator has eigenvalues ±1 or a two-valued spectrum).
double parameter_shift_gradient(const Program& program, Precision precision, const double* params,
                                const PauliSum& observable, double* grad, const ExecOptions& opts);

// One program over `batch` parameter sets (row-major batch x num_params), each
// from |0...0>. out: batch x observables.size() expectation values (row-major).
// Threads go over the batch when states are small, over the amplitudes otherwise.
void run_batch(const Program& program, Precision precision, const double* params, std::size_t batch,
               const std::vector<PauliSum>& observables, double* out, const ExecOptions& opts);

// Per-sample values and adjoint gradients of one observable over a batch:
// values: batch doubles, grads: batch x num_params (row-major).
void gradient_batch(const Program& program, Precision precision, const double* params,
                    std::size_t batch, const PauliSum& observable, double* values, double* grads,
                    const ExecOptions& opts);

// ---- quantum kernels and spectra ---------------------------------------------------------------
// The states ψ(p_i) = program(p_i)|0...0> of a batch (row-major batch x
// num_params parameters): out holds batch x 2·2^n doubles (interleaved).
void states_batch(const Program& program, Precision precision, const double* params,
                  std::size_t batch, double* out, const ExecOptions& opts);

// The fidelity (quantum) kernel K_ij = |<ψ(a_i)|ψ(b_j)>|^2 of a QSVM, with
// ψ(p) = program(p)|0...0>. params_a: na x num_params (row-major); params_b:
// nb x num_params, or null for the symmetric (Gram) matrix of the a's, when
// nb must equal na (only i <= j is computed, then mirrored; the diagonal is
// ‖ψ‖^4 ≈ 1). out: na x nb doubles, row-major. Every state is computed once
// (in `precision`), then K comes from one blocked complex matrix product
// (AVX2+FMA when opts.isa is avx2; threads over row blocks).
void fidelity_kernel(const Program& program, Precision precision, const double* params_a,
                     std::size_t na, const double* params_b, std::size_t nb, double* out,
                     const ExecOptions& opts);

// The lowest eigenvalue of a Pauli-sum Hamiltonian on num_qubits qubits, by
// Lanczos (three-term recurrence in double precision, no reorthogonalisation,
// real arithmetic when every term has an even number of Y factors). Stops when
// the Ritz residual ‖Hy − θy‖ (β_m·|s_m|) falls below tolerance·‖H‖ (‖H‖
// bounded by Σ|coeff|), at an invariant subspace, or after max_iterations.
struct GroundEnergyOptions {
  unsigned max_iterations = 3000;
  double tolerance = 1e-10;
  std::uint64_t seed = 1;  // of the random start vector
};
struct GroundEnergyResult {
  double energy = 0;
  unsigned iterations = 0;
  double residual = 0;   // ‖Hy − θy‖ estimate at the end
  bool converged = false;
};
constexpr unsigned kGroundEnergyMaxQubits = 26;
// Throws Error(Range) for num_qubits < 1 or > 26 and Error(Memory) when the
// Lanczos vectors do not fit.
GroundEnergyResult ground_energy(const PauliSum& observable, unsigned num_qubits,
                                 const ExecOptions& opts,
                                 const GroundEnergyOptions& lanczos = GroundEnergyOptions());

// ---- benchmarking helpers ------------------------------------------------------------
// Sustained in-place read-modify-write bandwidth (bytes read + written per
// second) over a buffer of `bytes`, with the given threads: the fastest of
// `repeats` rounds, each timing one pass as one memory stream and one as two
// (the halves in step, as a gate on the top qubit walks the state). The
// reference the gate kernels' effective bandwidth is compared with.
double measure_inplace_bandwidth(std::size_t bytes, unsigned threads, unsigned repeats);

}  // namespace quench
