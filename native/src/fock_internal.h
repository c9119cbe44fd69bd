// fock_internal.h — private to fock*.cc: the execution plan shared by the
// baseline (fock.cc) and AVX2 (fock_avx2.cc) instances of the Fock kernels.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "quench/engine.h"
#include "quench/fock.h"

namespace quench {
namespace fock {
namespace detail {

// A diagonal single-mode gate (Rotation or Kerr) folded into a dense op.
struct DiagFactor {
  CvGate::Kind kind;
  Angle a;
};

struct Op {
  enum class Type { Dense, Beamsplitter, Diagonal } type;
  CvGate::Kind kind;     // Displacement/Squeezing, Beamsplitter, Rotation/Kerr
  unsigned gate = 0;     // index in the source circuit
  unsigned m0 = 0, m1 = 0;
  std::size_t s0 = 0, s1 = 0;  // strides D^m0, D^m1
  unsigned bases = 0;    // index into Plan::bases
  Angle a, b;
  // Dense only: U' = diag(post) · U · diag(pre) (products of the factors).
  std::vector<DiagFactor> pre, post;
  std::size_t mat_off = 0;  // VJP: offset in the matrix store (complex lane vectors)
  // No angle (nor folded factor) reads a slot: the matrix is built once per
  // call (at fixed_off in the shared store) and the op has no gradient.
  bool fixed = false;
  std::size_t fixed_off = 0;
  unsigned buf = 0;         // VJP: input buffer of a non-diagonal op
};

// Beamsplitter recurrence step for one block element (see build_bs).
struct BsRec {
  unsigned src1 = 0, src2 = 0;  // elements (m−1, ·) and (m, ·) of the previous block
  double f1 = 0, f2 = 0;        // √m / √p and √n / √p (√q when p = 0); 0 when absent
  bool p0 = false;              // p = 0: recurrence in q
};

struct Plan {
  unsigned M = 0, D = 0, P = 0;
  std::size_t dim = 0;
  std::vector<std::size_t> stride;                 // D^m
  std::vector<std::vector<std::size_t>> bases;     // [0, M): digit m zero; then BS pairs
  std::vector<Op> ops;
  unsigned num_buffers = 0;                        // VJP: non-diagonal ops + 1
  std::size_t mat_total = 0;                       // VJP: complex lane vectors of matrices
  std::size_t mat_max = 0;                         // largest single op's matrices
  std::size_t fixed_total = 0;                     // complex lane vectors of fixed ops' matrices
  // Beamsplitter blocks: total photon number N = 0..2D−2 of the two modes,
  // rows/cols m ∈ [lo, lo + size), element (m, p) at off + (m−lo)·size + (p−lo).
  std::vector<unsigned> bs_lo, bs_size, bs_off;
  unsigned bs_total = 0;
  std::vector<BsRec> bs_rec;                       // bs_total entries (entry 0 unused)
  std::vector<double> sq, isq;                     // √n, 1/√n (isq[0] = 0), n ≤ D + 1
};

struct Job {
  const double* params = nullptr;  // batch × P
  std::size_t batch = 0;
  const double* dx = nullptr;      // VJP upstream (batch × M); null → forward only
  const double* dn = nullptr;
  const double* dnorm = nullptr;
  double* grad = nullptr;          // batch × P
  double* x = nullptr;             // outputs batch × M (may be null)
  double* n = nullptr;
  double* norm = nullptr;          // batch
  bool normalize = false;
  const std::complex<double>* initial = nullptr;  // same input state for every sample
  std::complex<double>* final_state = nullptr;    // batch × dim (tests)
  unsigned threads = 1;
  const CancelToken* cancel = nullptr;
};

// Lanes (samples processed together) of each instance.
unsigned lanes_baseline();
unsigned lanes_avx2();
unsigned lanes_avx512();
// Bytes of one thread's workspace.
std::size_t workspace_bytes(const Plan& plan, bool vjp, unsigned lanes);

void run_job_baseline(const Plan& plan, const Job& job);
void run_job_avx2(const Plan& plan, const Job& job);
void run_job_avx512(const Plan& plan, const Job& job);
// Single-lane matrix builders (fock.cc), for gate_matrix().
void build_matrix_baseline(const Plan& plan, CvGate::Kind kind, double a, double b,
                           std::complex<double>* out);

}  // namespace detail
}  // namespace fock
}  // namespace quench
