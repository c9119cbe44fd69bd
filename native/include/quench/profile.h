// profile.h — the engine's own profiler: time and work per kernel kind, and
// the engine's large allocations (state vectors, scratch), collected while
// enabled. Cheap enough to leave on for a profiled run: one relaxed load when
// off, two clock reads and a few uncontended adds per kernel call when on
// (`quench profile` measures and reports that overhead).
//
// Counters live per thread (no shared cache line between the pool's
// workers); a snapshot sums them. Kernel times are CPU time summed over
// threads, so kernel time ÷ (wall time × threads) is the parallel efficiency.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quench {
namespace profile {

enum Kind : unsigned {
  kDense1,           // 1-qubit dense matrix
  kDense2,           // 2-qubit dense
  kDenseK,           // 3..6-qubit dense (unfused)
  kFused,            // a fused block (several gates multiplied into one matrix)
  kControlled,       // a dense gate with control qubits (CRX, CU; declared or found in its matrix)
  kPermutation,      // amplitudes moved without arithmetic (X, CNOT, Toffoli, SWAP)
  kPhase,            // one phase on a control subspace (Z, S, T, P on |1>; CZ, CP on |11>)
  kDiagonal,         // diagonal (RZ, ZZ, CRZ, fused diagonal blocks)
  kIndexedDiagonal,  // compressed diagonal (a QAOA cost layer, an encoding)
  kFock,             // CV Fock-space lane chunks (the CV-GAN generator)
  kExpectation,      // ⟨ψ|H|ψ⟩ and readouts
  kSampling,         // shots drawn from the state
  kKernelMatrix,     // fidelity kernel: the Gram product of the states (QSVM)
  kWalshHadamard,    // fast Walsh–Hadamard transform (the QAOA mixer), with its fused diagonal
  kKinds
};

const char* kind_name(unsigned k);

namespace detail {
extern std::atomic<bool> g_enabled;
void add(unsigned kind, std::uint64_t ns, std::uint64_t amplitudes, bool vector);
}  // namespace detail

inline bool enabled() { return detail::g_enabled.load(std::memory_order_relaxed); }
// Starts a profile: zeroes every counter (allocation peak = what is live now) and enables.
void start();
void stop();

struct KindTotals {
  // amplitudes: those the kernels read and wrote (for structured kinds — permutation,
  // phase, controlled — only their subspace; for the others the whole state).
  std::uint64_t ns = 0, calls = 0, amplitudes = 0;
  std::uint64_t vector_ns = 0;  // of ns: time in SIMD (AVX2) kernels
};
struct Snapshot {
  KindTotals kinds[kKinds];
  std::uint64_t alloc_current = 0, alloc_peak = 0, alloc_count = 0;
};
Snapshot snapshot();

// While a profile runs, a sampler thread records every ~10 ms the process's
// resident set and the engine's live allocations — also while the caller's
// thread is inside one long engine call (a synchronous batch).
struct MemorySample {
  double ms;  // since start()
  std::uint64_t rss_bytes, engine_bytes;
};
std::vector<MemorySample> memory_samples();

// What one counted kernel call costs the profiler (two clock reads and the
// adds), in ns: measured once per process on this machine.
double scope_cost_ns();
// Allocation accounting (AlignedBuffer): always counted, cheap (two atomics).
void on_alloc(std::size_t bytes);
void on_free(std::size_t bytes);

// Times one kernel call of `kind` when profiling is on.
class Scope {
 public:
  Scope(unsigned kind, std::uint64_t amplitudes, bool vector)
      : on_(enabled()), kind_(kind), amps_(amplitudes), vector_(vector) {
    if (on_) t0_ = std::chrono::steady_clock::now();
  }
  ~Scope() {
    if (on_)
      detail::add(kind_, std::uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - t0_)
                                            .count()),
                  amps_, vector_);
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  bool on_;
  unsigned kind_;
  std::uint64_t amps_;
  bool vector_;
  std::chrono::steady_clock::time_point t0_{};
};

}  // namespace profile
}  // namespace quench
