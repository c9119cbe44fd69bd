// program.h — compiled circuits. A Program holds the validated source gates
// (for adjoint differentiation and parameter shift, which work gate by gate)
// and the fused operations that run() applies. Fixed operations carry their
// multiplied-out matrix (double and float copies); parameterised ones keep
// their member gates and are bound per run (late binding). compile() returns
// a shared Program from a process-wide LRU cache keyed by the full circuit
// structure (compared for equality, not only hashed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/fuser.h"
#include "quench/kernels.h"
#include "quench/parallel.h"
#include "quench/phase_poly.h"
#include "quench/qaoa.h"
#include "quench/reductions.h"

namespace quench {

// U -> U^dagger in place for a gate matrix in the engine.h layout (k qubits;
// diagonal: 2^k complex entries, conjugated).
void adjoint_in_place(std::vector<double>& m, bool diagonal, unsigned k);

// A large diagonal (fixed or parameterised, no controls) whose entries take
// few distinct values, stored as the values plus a uint8/uint16 index per
// entry (see reductions.h). Parameterised: values are the distinct generator
// entries λ_u and binding computes exp(-iθλ_u) only for those; fixed: values
// are the distinct complex entries (and their float copy).
struct DiagIndex {
  unsigned bytes = 0;                // 0 = not indexed, else 1 or 2
  std::vector<std::uint8_t> idx8;
  std::vector<std::uint16_t> idx16;
  std::vector<double> values;        // parameterised: real λ_u; fixed: complex (2 per value)
  std::vector<float> values_f32;     // fixed only
  const void* index() const {
    return bytes == 1 ? static_cast<const void*>(idx8.data()) : static_cast<const void*>(idx16.data());
  }
};
// Diagonals of at least this many qubits are considered for indexing.
constexpr unsigned kIndexedDiagMinQubits = 10;

// Adjoint differentiation plan (adjoint.h). The source gates are cut, from
// the end, into segments whose parameterised gates each commute with every
// later gate of the segment (disjoint qubits, or both diagonal); so all the
// generator products of a segment can be taken at its end, and the segment is
// then undone (U^dagger, reversed, fused) with one binding per gate for both
// |phi> and |lambda>.
struct AdjointSegment {
  std::vector<std::size_t> diag_evals;    // diagonal parameterised, no controls, k >= 2
  std::vector<std::size_t> diag1_evals;   // the same on one qubit (an RZ layer: one pass for all)
  std::vector<unsigned> diag1_qubits;     // their qubits (same order)
  std::vector<std::size_t> pair_evals;    // 1-qubit dense parameterised, no controls
  std::vector<unsigned> pair_qubits;      // their qubits (same order)
  std::vector<std::size_t> general_evals; // everything else (controls, k >= 2 dense)
  std::vector<Gate> undo_gates;           // structure of the reversed gates (no matrices)
  std::vector<std::size_t> undo_src;      // source gate of each undo gate
  std::vector<FusedBlock> undo_blocks;    // fused undo operations (members index undo_gates)
};
struct AdjointPlan {
  std::vector<AdjointSegment> segments;  // from the end of the circuit backwards
  std::size_t needed = 0;                // segments to visit (the rest holds no parameter)
};

struct Op {
  bool diagonal = false;
  bool fixed = true;
  std::vector<unsigned> qubits;    // targets, ascending
  std::vector<unsigned> controls;  // ascending (only a lone controlled gate keeps them)
  std::vector<double> matrix;      // fixed: bound matrix (double)
  std::vector<float> matrix_f32;   // fixed: the same in float
  std::vector<std::size_t> members;  // source gates (late binding); size 1 for a lone gate
  bool lone = false;                 // one member, applied with its own qubits/controls
  int phase = -1;                    // >= 0: Program::phase_polys[phase], a folded run
                                     // (qubits = its support; members = its diagonal gates)
  std::size_t replays = 0;           // folded run: the operations after it that replay
                                     // its permutations
  bool hadamard = false;             // H on every one of qubits (small states; members: the H gates)
};

// A number no other Program of this process has (never reused, unlike an
// address): keys caches of results computed from a program.
std::uint64_t next_program_uid();
// Drops the fidelity kernel's kept B panels (qml.cc; clear_program_cache calls it).
void clear_panel_cache();

class Program {
 public:
  std::uint64_t uid = next_program_uid();
  unsigned n = 0;
  unsigned num_params = 0;
  unsigned max_fused = 0;
  std::vector<Gate> gates;                  // validated source gates
  std::vector<GateTraits> traits;           // per source gate: the fuser's view (structure.h)
  std::vector<std::vector<double>> g2;      // G^2 of dense parameterised gates (else empty)
  std::vector<Op> ops;
  std::vector<PhasePoly> phase_polys;       // folded runs (phase_poly.h), referenced by ops
  std::vector<DiagIndex> dindex;            // per source gate (bytes == 0: not indexed)
  std::vector<double> phase_bound;          // per source gate: max |λ| of a parameterised
                                            // diagonal, 1 for a dense one, 0 for a fixed one
  AdjointPlan adjoint;
  QaoaShape qaoa;                           // QAOA-shaped (qaoa.h): the fast gradient applies
  std::shared_ptr<QaoaCache> qaoa_cache;    // its observable table and scratch (when qaoa.p)
};

// Throws Error(Range) naming the gate when, at one of `rows` parameter rows
// (row-major, num_params each), a parameterised gate's phase is not finite:
// θ = scale·p[slot] + offset overflows, or θ·λ does for a diagonal's
// eigenvalue λ. validate() cannot see this (it depends on the parameters), and
// cos/sin of ±inf are NaN: the state would silently become NaN.
void check_angles(const Program& p, const double* params, std::size_t rows);

// The bound matrix of a source gate at angle theta (parameterised) or its
// fixed matrix: dense 2*4^k or diagonal 2*2^k doubles.
void gate_matrix_at(const Program& p, std::size_t gate, double theta, std::vector<double>& out);
double gate_angle(const Gate& g, const double* params);
void gate_matrix(const Program& p, std::size_t gate, const double* params, std::vector<double>& out);

// Matrix of op (bound with params when late). Returns a pointer into op (fixed)
// or into `scratch`.
const double* bind_op(const Program& p, const Op& op, const double* params,
                      std::vector<double>& scratch);

// Threads for a state of n qubits: 1 below the parallel threshold.
unsigned effective_threads(const ExecOptions& opts);
For make_for(const ExecOptions& opts, unsigned n);
constexpr unsigned kParallelMinQubits = 14;

// Applies one matrix (already in FP) to a state: routes tiny states to the
// scalar table and arranges diagonals for the AVX2 kernel.
template <typename FP>
void apply_matrix_fp(FP* s, unsigned n, const unsigned* qubits, unsigned k, const unsigned* controls,
                     unsigned c, bool diagonal, const FP* m, const KernelTable<FP>& kt,
                     const For& par);
// The same from a double matrix (converted into a per-thread scratch).
template <typename FP>
void apply_matrix(FP* s, unsigned n, const unsigned* qubits, unsigned k, const unsigned* controls,
                  unsigned c, bool diagonal, const double* m, const KernelTable<FP>& kt,
                  const For& par);

// Throttled progress reporting and cancellation between operations.
class Progress {
 public:
  Progress(const ExecOptions& opts, double total);
  // Throws Error(Cancelled) when the token is set.
  void check() const;
  void advance(double amount = 1);
  void finish();

 private:
  const ExecOptions& opts_;
  double total_, done_ = 0, last_reported_ = -1;
  std::int64_t last_ns_ = 0;
};

// The shape of an operation and its bound FP matrix (dense 2*4^k, diagonal
// 2*2^k) or, for an indexed diagonal, its bound table (2 per distinct value).
struct OpShape {
  const unsigned* qubits = nullptr;
  unsigned k = 0;
  const unsigned* controls = nullptr;
  unsigned c = 0;
  bool diagonal = false;
  const DiagIndex* index = nullptr;  // indexed diagonal (no controls)
  bool fused = false;                // several gates multiplied into one (for the profiler)
};
template <typename FP>
struct BoundOp {
  std::vector<FP> m;  // matrix, or table of an indexed diagonal
};

// Applies count operations in order: shape(i) describes op i, bind(i, out)
// fills its matrix. Small ops (at most 6 qubits, no indexed diagonal) are
// applied cache-tiled in sweeps over memory: each sweep applies, tile by
// tile, every op it can reach that fits one tile (the contiguous low qubits,
// or runs of the lowest qubits gathered with a few others), leaving behind
// ops that must wait for an op not in the tile. Ops on disjoint qubits
// commute, so the result is that of applying them in order.
template <typename FP>
void execute_ops(FP* s, unsigned n, std::size_t count,
                 const std::function<OpShape(std::size_t)>& shape,
                 const std::function<void(std::size_t, BoundOp<FP>&)>& bind,
                 const KernelTable<FP>& kt, const For& par, Progress* progress);

// Binds a source gate (adjoint = U^dagger) in FP; indexed diagonals bind their table.
template <typename FP>
void bind_gate_fp(const Program& p, std::size_t gate, const double* params, bool adjoint,
                  BoundOp<FP>& out, long override_gate = -1, double override_theta = 0);

// Runs all ops of the program on s (params: num_params doubles).
template <typename FP>
void run_program(FP* s, const Program& p, const double* params, const KernelTable<FP>& kt,
                 const For& par, Progress* progress);

// Applies source gates [begin, end) one by one; `adjoint` applies U^dagger
// (gates then run in reverse). override_gate/theta replace one gate's angle.
template <typename FP>
void apply_gate(FP* s, const Program& p, std::size_t gate, const double* params, bool adjoint,
                const KernelTable<FP>& kt, const For& par, std::vector<double>& scratch,
                long override_gate = -1, double override_theta = 0);

// Validates and compiles without the cache (single gates of State::apply).
std::shared_ptr<const Program> compile_uncached(const Circuit& circuit, unsigned max_fused);

}  // namespace quench
