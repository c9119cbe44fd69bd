// fock_kernels.inl — the Fock-space kernels, written once as portable,
// auto-vectorisable C++ and compiled twice: by fock.cc (baseline x86-64) and
// by fock_avx2.cc (-mavx2 -mfma). Not a translation unit of its own (the core
// globs *.cc only). Everything below has internal linkage.
//
// Layout: a chunk of L samples ("lanes") is simulated together. A state is
// dim complex "lane vectors"; lane vector i holds amplitude i of the L
// samples as [re_0 .. re_{L-1}, im_0 .. im_{L-1}] (2L doubles). Every gate
// matrix element is also a lane vector (the samples' parameters differ), so
// every inner loop runs over the L lanes, contiguously, whatever D and M are.
// Samples never interact, so a sample's result does not depend on its lane,
// its chunk, or the thread that ran it (padding lanes run with zero params).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <type_traits>

#include "fock_internal.h"
#include "quench/parallel.h"
#include "quench/profile.h"

namespace quench {
namespace fock {
namespace detail {
namespace {

// Lane loops: lane l of every operand is touched only by iteration l (all
// operands are whole lane vectors, identical or disjoint), hence ivdep.
#define FOCK_LANES _Pragma("GCC ivdep") for (int l = 0; l < L; ++l)
#define FOCK_INLINE __attribute__((always_inline)) inline
#ifdef __AVX2__
constexpr bool kFockSimd = true;  // this instance is the AVX2 build (profiler: vector time)
#else
constexpr bool kFockSimd = false;
#endif
#define FOCK_UNROLL _Pragma("GCC unroll 8")

template <int L>
struct Workspace {
  static constexpr int C = 2 * L;
  std::vector<double> mem;
  double* bufs = nullptr;   // num_buffers × dim × C
  double* g = nullptr;      // dim × C (VJP)
  double* mats = nullptr;   // mat_total (VJP) or mat_max × C
  double* A = nullptr;      // recurrence scratch: max(D², bs_total) × L
  double* dA = nullptr;
  double* T = nullptr;      // max(D², bs_total) × C
  double* E = nullptr;      // D × C phase powers
  double* Ppre = nullptr;   // D × C
  double* Ppost = nullptr;  // D × C
  double* Pf = nullptr;     // D × C (one factor)
  double* pl = nullptr;     // P × L parameters of the chunk
  double* gl = nullptr;     // P × L gradients of the chunk
  double* Qr = nullptr;     // D × L
  double* Qc = nullptr;     // D × L
  double* red = nullptr;    // (2M + 1) × L readouts, then (2M + 1) × L upstream
  double* up = nullptr;
  std::vector<std::size_t> offs;  // D² beamsplitter pair offsets
  unsigned nbuf = 0;

  // Carves the workspace out of `take(n)` (n doubles, 64-byte aligned pieces).
  template <typename Take>
  void carve(const Plan& p, bool vjp, Take&& take) {
    const std::size_t big = std::max<std::size_t>(std::size_t(p.D) * p.D, p.bs_total);
    nbuf = vjp ? p.num_buffers : 2;
    bufs = take(std::size_t(nbuf) * p.dim * C);
    g = vjp ? take(p.dim * C) : nullptr;
    mats = take((vjp ? p.mat_total : p.mat_max) * C);
    A = take(big * L);
    dA = take(big * L);
    T = take(big * C);
    E = take(std::size_t(p.D) * C);
    Ppre = take(std::size_t(p.D) * C);
    Ppost = take(std::size_t(p.D) * C);
    Pf = take(std::size_t(p.D) * C);
    pl = take(std::size_t(p.P + 1) * L);
    gl = take(std::size_t(p.P + 1) * L);
    Qr = take(std::size_t(p.D) * L);
    Qc = take(std::size_t(p.D) * L);
    red = take(std::size_t(2 * p.M + 1) * L);
    up = take(std::size_t(2 * p.M + 1) * L);
  }
  static std::size_t round8(std::size_t n) { return (n + 7) / 8 * 8; }

  // Doubles needed (plus the D² offsets, counted as doubles).
  static std::size_t count(const Plan& p, bool vjp) {
    std::size_t n = 8 + std::size_t(p.D) * p.D;  // alignment slack, offsets
    Workspace dry;
    dry.carve(p, vjp, [&](std::size_t k) {
      n += round8(k);
      return static_cast<double*>(nullptr);
    });
    return n;
  }

  ~Workspace() { profile::on_free(mem.capacity() * sizeof(double)); }
  // The profiler counts this buffer's growth as an engine allocation.
  void release() {
    profile::on_free(mem.capacity() * sizeof(double));
    std::vector<double>().swap(mem);
  }

  void setup(const Plan& p, bool vjp) {
    std::size_t need = 8;
    Workspace dry;
    dry.carve(p, vjp, [&](std::size_t k) {
      need += round8(k);
      return static_cast<double*>(nullptr);
    });
    if (mem.size() < need) {
      const std::size_t before = mem.capacity();
      mem.resize(need);
      if (mem.capacity() > before) profile::on_alloc((mem.capacity() - before) * sizeof(double));
    }
    double* q = mem.data();
    q += (64 - reinterpret_cast<std::uintptr_t>(q) % 64) % 64 / sizeof(double);
    carve(p, vjp, [&](std::size_t k) {
      double* r = q;
      q += round8(k);
      return r;
    });
    if (offs.size() < std::size_t(p.D) * p.D) offs.resize(std::size_t(p.D) * p.D);
  }
  double* buf(const Plan& p, unsigned i) { return bufs + std::size_t(i) * p.dim * C; }
};

// One workspace per calling thread and lane count, reused across calls.
// Very large ones are released after the call.
template <int L>
Workspace<L>& thread_workspace() {
  thread_local Workspace<L> ws;
  return ws;
}
constexpr std::size_t kKeepWorkspaceDoubles = std::size_t(8) << 20;  // 64 MiB

template <int L>
struct Chunk {
  static constexpr int C = 2 * L;
  const Plan& p;
  const Job& job;
  Workspace<L>& w;
  const bool vjp;
  const double* fixed = nullptr;  // matrices of the fixed ops (Op::fixed_off)

  Chunk(const Plan& plan, const Job& j, Workspace<L>& ws, const double* fixed_mats = nullptr)
      : p(plan), job(j), w(ws), vjp(j.dx != nullptr), fixed(fixed_mats) {}

  // Builds op's matrices (U, ∂U) or diagonal phases into mat.
  void build(const Op& op, double* mat) const {
    if (op.type == Op::Type::Diagonal) {
      alignas(64) double th[L];
      angle(op.a, th);
      diag_phases(op.kind, th, mat);
    } else if (op.type == Op::Type::Dense) {
      build_dense(op, mat, mat + std::size_t(p.D) * p.D * C);
    } else {
      build_bs(op, mat, mat + std::size_t(p.bs_total) * C);
    }
  }
  const double* op_matrix(const Op& op) const {
    return op.fixed ? fixed + op.fixed_off * C : w.mats + op.mat_off * C;
  }

  void check_cancel() const {
    if (job.cancel && job.cancel->cancelled.load(std::memory_order_relaxed))
      throw Error(Error::Kind::Cancelled, "fock: cancelled");
  }

  void angle(const Angle& a, double* out) const {
    if (a.slot < 0) {
      FOCK_LANES out[l] = a.value;
    } else {
      const double* v = w.pl + std::size_t(a.slot) * L;
      const double s = a.scale, o = a.value;
      FOCK_LANES out[l] = s * v[l] + o;
    }
  }
  void add_grad(const Angle& a, const double* g) const {
    if (a.slot < 0) return;
    double* t = w.gl + std::size_t(a.slot) * L;
    const double s = a.scale;
    FOCK_LANES t[l] += s * g[l];
  }

  // E[k] = e^{ikφ}, k = 0..K−1 (repeated multiplication: element k does not
  // depend on K, so smaller cutoffs give bit-identical leading elements).
  void powers(const double* phi, unsigned K, double* E) const {
    FOCK_LANES {
      E[l] = 1.0;
      E[L + l] = 0.0;
    }
    if (K < 2) return;
    double* e1 = E + C;
    FOCK_LANES {
      e1[l] = std::cos(phi[l]);
      e1[L + l] = std::sin(phi[l]);
    }
    for (unsigned k = 2; k < K; ++k) {
      const double* a = E + (k - 1) * C;
      double* o = E + k * C;
      FOCK_LANES {
        o[l] = a[l] * e1[l] - a[L + l] * e1[L + l];
        o[L + l] = a[l] * e1[L + l] + a[L + l] * e1[l];
      }
    }
  }

  // Diagonal phases of R(θ) = e^{iθn} or K(θ) = e^{iθn²}, n = 0..D−1.
  void diag_phases(CvGate::Kind kind, const double* th, double* P) const {
    const unsigned D = p.D;
    if (kind == CvGate::Kind::Rotation) {
      powers(th, D, P);
      return;
    }
    // Kerr: P[n] = P[n−1] · e^{iθ(2n−1)}, step_{n+1} = step_n · e^{2iθ}.
    alignas(64) double zr[L], zi[L], z2r[L], z2i[L], sr[L], si[L];
    FOCK_LANES {
      zr[l] = std::cos(th[l]);
      zi[l] = std::sin(th[l]);
      z2r[l] = zr[l] * zr[l] - zi[l] * zi[l];
      z2i[l] = 2 * zr[l] * zi[l];
      sr[l] = zr[l];
      si[l] = zi[l];
      P[l] = 1.0;
      P[L + l] = 0.0;
    }
    for (unsigned n = 1; n < D; ++n) {
      const double* a = P + (n - 1) * C;
      double* o = P + n * C;
      FOCK_LANES {
        o[l] = a[l] * sr[l] - a[L + l] * si[l];
        o[L + l] = a[l] * si[l] + a[L + l] * sr[l];
        const double tr = sr[l] * z2r[l] - si[l] * z2i[l];
        si[l] = sr[l] * z2i[l] + si[l] * z2r[l];
        sr[l] = tr;
      }
    }
  }

  // Product of the diagonal factors into P; returns false when there are none.
  bool factor_product(const std::vector<DiagFactor>& fs, double* P) const {
    if (fs.empty()) return false;
    alignas(64) double th[L];
    for (std::size_t i = 0; i < fs.size(); ++i) {
      angle(fs[i].a, th);
      if (i == 0) {
        diag_phases(fs[i].kind, th, P);
        continue;
      }
      diag_phases(fs[i].kind, th, w.Pf);
      for (unsigned n = 0; n < p.D; ++n) {
        double* o = P + n * C;
        const double* f = w.Pf + n * C;
        FOCK_LANES {
          const double r = o[l] * f[l] - o[L + l] * f[L + l];
          o[L + l] = o[l] * f[L + l] + o[L + l] * f[l];
          o[l] = r;
        }
      }
    }
    return true;
  }

  // ---- matrix builders -------------------------------------------------------------
  // Displacement at φ = 0 (d real), thewalrus recurrence, from D a† = (a† − α*) D:
  //   d_00 = e^{−r²/2},  d_m0 = r/√m d_{m−1,0},
  //   d_mn = (−r d_{m,n−1} + √m d_{m−1,n−1}) / √n,
  // and its exact r-derivative by differentiating the recurrence.
  void real_displacement(const double* r) const {
    const unsigned D = p.D;
    const double* sq = p.sq.data();
    const double* isq = p.isq.data();
    double* A = w.A;
    double* dA = w.dA;
    FOCK_LANES {
      A[l] = std::exp(-0.5 * r[l] * r[l]);
      dA[l] = -r[l] * A[l];
    }
    for (unsigned m = 1; m < D; ++m) {
      const double* a = A + (m - 1) * D * L;
      const double* da = dA + (m - 1) * D * L;
      double* o = A + m * D * L;
      double* d = dA + m * D * L;
      const double k = isq[m];
      FOCK_LANES {
        o[l] = k * r[l] * a[l];
        d[l] = k * (a[l] + r[l] * da[l]);
      }
    }
    for (unsigned m = 0; m < D; ++m) {
      for (unsigned n = 1; n < D; ++n) {
        const double k = isq[n];
        const double* a = A + (m * D + n - 1) * L;
        const double* da = dA + (m * D + n - 1) * L;
        double* o = A + (m * D + n) * L;
        double* d = dA + (m * D + n) * L;
        if (m == 0) {
          FOCK_LANES {
            o[l] = k * (-r[l] * a[l]);
            d[l] = k * (-a[l] - r[l] * da[l]);
          }
        } else {
          const double* b = A + ((m - 1) * D + n - 1) * L;
          const double* db = dA + ((m - 1) * D + n - 1) * L;
          const double sm = sq[m];
          FOCK_LANES {
            o[l] = k * (-r[l] * a[l] + sm * b[l]);
            d[l] = k * (-a[l] - r[l] * da[l] + sm * db[l]);
          }
        }
      }
    }
  }

  // Squeezing at φ = 0 (s real), thewalrus recurrence:
  //   s_00 = √sech r,  s_m0 = −√((m−1)/m) tanh r s_{m−2,0}  (m even),
  //   s_mn = (√m sech r s_{m−1,n−1} + √(n−1) tanh r s_{m,n−2}) / √n  (m+n even).
  void real_squeezing(const double* r) const {
    const unsigned D = p.D;
    const double* sq = p.sq.data();
    const double* isq = p.isq.data();
    double* A = w.A;
    double* dA = w.dA;
    alignas(64) double sech[L], t[L], dsech[L], dt[L];
    FOCK_LANES {
      const double ch = std::cosh(r[l]);
      sech[l] = 1.0 / ch;
      t[l] = std::tanh(r[l]);
      dsech[l] = -sech[l] * t[l];
      dt[l] = sech[l] * sech[l];
    }
    for (std::size_t i = 0; i < std::size_t(D) * D * L; ++i) A[i] = dA[i] = 0.0;
    FOCK_LANES {
      A[l] = std::sqrt(sech[l]);
      dA[l] = -0.5 * A[l] * t[l];
    }
    for (unsigned m = 2; m < D; m += 2) {
      const double k = sq[m - 1] * isq[m];
      const double* a = A + (m - 2) * D * L;
      const double* da = dA + (m - 2) * D * L;
      double* o = A + m * D * L;
      double* d = dA + m * D * L;
      FOCK_LANES {
        o[l] = -k * t[l] * a[l];
        d[l] = -k * (dt[l] * a[l] + t[l] * da[l]);
      }
    }
    for (unsigned m = 0; m < D; ++m) {
      for (unsigned n = 1; n < D; ++n) {
        if ((m + n) & 1) continue;
        const double k = isq[n];
        double* o = A + (m * D + n) * L;
        double* d = dA + (m * D + n) * L;
        FOCK_LANES { o[l] = d[l] = 0.0; }
        if (m >= 1) {
          const double* b = A + ((m - 1) * D + n - 1) * L;
          const double* db = dA + ((m - 1) * D + n - 1) * L;
          const double sm = sq[m] * k;
          FOCK_LANES {
            o[l] += sm * sech[l] * b[l];
            d[l] += sm * (dsech[l] * b[l] + sech[l] * db[l]);
          }
        }
        if (n >= 2) {
          const double* a = A + (m * D + n - 2) * L;
          const double* da = dA + (m * D + n - 2) * L;
          const double sn = sq[n - 1] * k;
          FOCK_LANES {
            o[l] += sn * t[l] * a[l];
            d[l] += sn * (dt[l] * a[l] + t[l] * da[l]);
          }
        }
      }
    }
  }

  // Dense single-mode op: U' = diag(post) · U(r, φ) · diag(pre), and ∂U'/∂r
  // (squeezing: elements with odd m − n are zero and skipped by the kernels).
  void build_dense(const Op& op, double* U, double* dU) const {
    const unsigned D = p.D;
    alignas(64) double r[L], phi[L];
    angle(op.a, r);
    angle(op.b, phi);
    const bool sqz = op.kind == CvGate::Kind::Squeezing;
    if (sqz) {
      real_squeezing(r);
      // Phase e^{iφ(m−n)/2} = (e^{iφ})^k with k = (m−n)/2, |k| ≤ (D−1)/2.
      powers(phi, (D + 1) / 2, w.E);
    } else {
      real_displacement(r);
      powers(phi, D, w.E);
    }
    const bool hpre = factor_product(op.pre, w.Ppre);
    const bool hpost = factor_product(op.post, w.Ppost);
    for (unsigned m = 0; m < D; ++m) {
      for (unsigned n = 0; n < D; ++n) {
        const std::size_t idx = std::size_t(m) * D + n;
        double* u = U + idx * C;
        double* du = dU + idx * C;
        const int diff = int(m) - int(n);
        if (sqz && (diff & 1)) {
          FOCK_LANES { u[l] = u[L + l] = du[l] = du[L + l] = 0.0; }
          continue;
        }
        const int k = sqz ? diff / 2 : diff;
        const double* e = w.E + std::size_t(k < 0 ? -k : k) * C;
        const double sgn = k < 0 ? -1.0 : 1.0;
        alignas(64) double fr[L], fi[L];
        FOCK_LANES {
          fr[l] = e[l];
          fi[l] = sgn * e[L + l];
        }
        if (hpost) {
          const double* q = w.Ppost + m * C;
          FOCK_LANES {
            const double t = fr[l] * q[l] - fi[l] * q[L + l];
            fi[l] = fr[l] * q[L + l] + fi[l] * q[l];
            fr[l] = t;
          }
        }
        if (hpre) {
          const double* q = w.Ppre + n * C;
          FOCK_LANES {
            const double t = fr[l] * q[l] - fi[l] * q[L + l];
            fi[l] = fr[l] * q[L + l] + fi[l] * q[l];
            fr[l] = t;
          }
        }
        const double* a = w.A + idx * L;
        const double* da = w.dA + idx * L;
        FOCK_LANES {
          u[l] = a[l] * fr[l];
          u[L + l] = a[l] * fi[l];
          du[l] = da[l] * fr[l];
          du[L + l] = da[l] * fi[l];
        }
      }
    }
  }

  // Beamsplitter at φ = 0 (b real), blocks of fixed N = m + n = p + q, from
  // BS a_j† BS† = c a_j† + s a_k†,  BS a_k† BS† = c a_k† − s a_j†  (c = cos θ, s = sin θ):
  //   p ≥ 1:  b_{mn,pq} = (c √m b_{m−1 n, p−1 q} + s √n b_{m n−1, p−1 q}) / √p
  //   p = 0:  b_{mn,0q} = (−s √m b_{m−1 n, 0 q−1} + c √n b_{m n−1, 0 q−1}) / √q
  // with ∂/∂θ by the same recurrence (∂c = −s, ∂s = c). Phase e^{iφ(p−m)}.
  // Plan::bs_rec holds, per element, its two sources and coefficients.
  void build_bs(const Op& op, double* U, double* dU) const {
    const unsigned D = p.D;
    alignas(64) double th[L], phi[L], c[L], s[L];
    angle(op.a, th);
    angle(op.b, phi);
    FOCK_LANES {
      c[l] = std::cos(th[l]);
      s[l] = std::sin(th[l]);
    }
    double* A = w.A;
    double* dA = w.dA;
    FOCK_LANES {
      A[l] = 1.0;
      dA[l] = 0.0;
    }
    for (unsigned idx = 1; idx < p.bs_total; ++idx) {
      const BsRec& r = p.bs_rec[idx];
      const double* a1 = A + std::size_t(r.src1) * L;
      const double* da1 = dA + std::size_t(r.src1) * L;
      const double* a2 = A + std::size_t(r.src2) * L;
      const double* da2 = dA + std::size_t(r.src2) * L;
      double* o = A + std::size_t(idx) * L;
      double* d = dA + std::size_t(idx) * L;
      const double f1 = r.f1, f2 = r.f2;
      if (!r.p0) {
        FOCK_LANES {
          o[l] = f1 * c[l] * a1[l] + f2 * s[l] * a2[l];
          d[l] = f1 * (c[l] * da1[l] - s[l] * a1[l]) + f2 * (c[l] * a2[l] + s[l] * da2[l]);
        }
      } else {
        FOCK_LANES {
          o[l] = f2 * c[l] * a2[l] - f1 * s[l] * a1[l];
          d[l] = f2 * (c[l] * da2[l] - s[l] * a2[l]) - f1 * (c[l] * a1[l] + s[l] * da1[l]);
        }
      }
    }
    powers(phi, D, w.E);
    for (unsigned N = 0; N + 1 < 2 * D; ++N) {
      const unsigned sz = p.bs_size[N], off = p.bs_off[N];
      for (unsigned mi = 0; mi < sz; ++mi) {
        for (unsigned pi = 0; pi < sz; ++pi) {
          const std::size_t idx = off + mi * sz + pi;
          const int k = int(pi) - int(mi);  // p − m
          const double* e = w.E + std::size_t(k < 0 ? -k : k) * C;
          const double sgn = k < 0 ? -1.0 : 1.0;
          const double* a = A + idx * L;
          const double* da = dA + idx * L;
          double* u = U + idx * C;
          double* du = dU + idx * C;
          FOCK_LANES {
            const double fr = e[l], fi = sgn * e[L + l];
            u[l] = a[l] * fr;
            u[L + l] = a[l] * fi;
            du[l] = da[l] * fr;
            du[L + l] = da[l] * fi;
          }
        }
      }
    }
  }
  // ---- forward kernels -----------------------------------------------------------------
  // acc += u · v  and  acc += conj(u) · v  on complex lane vectors.
  FOCK_INLINE static void cmac(double* __restrict acc, const double* __restrict u,
                          const double* __restrict v) {
    // Four separate multiply-adds (each contracts to one FMA under -mfma).
    FOCK_LANES {
      acc[l] += u[l] * v[l];
      acc[L + l] += u[l] * v[L + l];
      acc[l] -= u[L + l] * v[L + l];
      acc[L + l] += u[L + l] * v[l];
    }
  }
  FOCK_INLINE static void cmacc(double* __restrict acc, const double* __restrict u,
                           const double* __restrict v) {
    FOCK_LANES {
      acc[l] += u[l] * v[l];
      acc[L + l] += u[l] * v[L + l];
      acc[l] += u[L + l] * v[L + l];
      acc[L + l] -= u[L + l] * v[l];
    }
  }
  FOCK_INLINE static void czero(double* acc) {
    for (int i = 0; i < C; ++i) acc[i] = 0.0;
  }
  FOCK_INLINE static void cstore(double* __restrict o, const double* __restrict acc) {
    for (int i = 0; i < C; ++i) o[i] = acc[i];
  }

  // Calls f(std::integral_constant<int, DC>) with DC = D for small cutoffs
  // (fully unrolled kernels) and DC = 0 (run-time D) otherwise.
  template <typename F>
  void with_cutoff(F&& f) const {
    switch (p.D) {
      case 2: f(std::integral_constant<int, 2>{}); break;
      case 3: f(std::integral_constant<int, 3>{}); break;
      case 4: f(std::integral_constant<int, 4>{}); break;
      case 5: f(std::integral_constant<int, 5>{}); break;
      case 6: f(std::integral_constant<int, 6>{}); break;
      default: f(std::integral_constant<int, 0>{}); break;
    }
  }

  // Offsets (doubles) of the (p, N − p) pairs of a beamsplitter, block by block.
  void bs_offsets(const Op& op) const {
    const unsigned D = p.D;
    std::size_t k = 0;
    for (unsigned N = 0; N + 1 < 2 * D; ++N) {
      const unsigned lo = p.bs_lo[N], sz = p.bs_size[N];
      for (unsigned i = 0; i < sz; ++i, ++k)
        w.offs[k] = ((lo + i) * op.s0 + (N - lo - i) * op.s1) * C;
    }
  }

  template <int DC>
  void apply_dense_t(const Op& op, const double* __restrict in, double* __restrict out,
                     const double* __restrict U) const {
    const unsigned D = DC ? unsigned(DC) : p.D;
    constexpr unsigned DM = DC ? unsigned(DC) : kMaxCutoff;
    const std::size_t sC = op.s0 * C;
    const bool sqz = op.kind == CvGate::Kind::Squeezing;
    for (const std::size_t b : p.bases[op.bases]) {
      const double* x = in + b * C;
      double* y = out + b * C;
      alignas(64) double acc[DM][C];
      FOCK_UNROLL
      for (unsigned m = 0; m < D; ++m) czero(acc[m]);
      if (sqz) {
        FOCK_UNROLL
        for (unsigned n = 0; n < D; ++n)
          FOCK_UNROLL
          for (unsigned m = n & 1; m < D; m += 2) cmac(acc[m], U + (m * D + n) * C, x + n * sC);
      } else {
        FOCK_UNROLL
        for (unsigned n = 0; n < D; ++n)
          FOCK_UNROLL
          for (unsigned m = 0; m < D; ++m) cmac(acc[m], U + (m * D + n) * C, x + n * sC);
      }
      FOCK_UNROLL
      for (unsigned m = 0; m < D; ++m) cstore(y + m * sC, acc[m]);
    }
  }

  template <int DC>
  void apply_bs_t(const Op& op, const double* __restrict in, double* __restrict out,
                  const double* __restrict U) const {
    const unsigned D = DC ? unsigned(DC) : p.D;
    constexpr unsigned DM = DC ? unsigned(DC) : kMaxCutoff;
    const std::size_t* offs = w.offs.data();
    for (const std::size_t b : p.bases[op.bases]) {
      const double* x = in + b * C;
      double* y = out + b * C;
      unsigned off = 0, start = 0;
      FOCK_UNROLL
      for (unsigned N = 0; N + 1 < 2 * D; ++N) {
        const unsigned lo = N + 1 > D ? N + 1 - D : 0, hi = N < D - 1 ? N : D - 1;
        const unsigned sz = hi - lo + 1;
        alignas(64) double acc[DM][C];
        FOCK_UNROLL
        for (unsigned i = 0; i < sz; ++i) czero(acc[i]);
        FOCK_UNROLL
        for (unsigned pi = 0; pi < sz; ++pi) {
          const double* v = x + offs[start + pi];
          FOCK_UNROLL
          for (unsigned mi = 0; mi < sz; ++mi) cmac(acc[mi], U + (off + mi * sz + pi) * C, v);
        }
        FOCK_UNROLL
        for (unsigned mi = 0; mi < sz; ++mi) cstore(y + offs[start + mi], acc[mi]);
        off += sz * sz;
        start += sz;
      }
    }
  }

  void apply_dense(const Op& op, const double* in, double* out, const double* U) const {
    with_cutoff([&](auto dc) { apply_dense_t<decltype(dc)::value>(op, in, out, U); });
  }
  void apply_bs(const Op& op, const double* in, double* out, const double* U) const {
    bs_offsets(op);
    with_cutoff([&](auto dc) { apply_bs_t<decltype(dc)::value>(op, in, out, U); });
  }

  void apply_diag(const Op& op, double* psi, const double* P) const {
    const unsigned D = p.D;
    const std::size_t sC = op.s0 * C;
    for (const std::size_t b : p.bases[op.bases]) {
      double* x = psi + b * C;
      for (unsigned n = 0; n < D; ++n) {
        double* v = x + n * sC;
        const double* f = P + n * C;
        FOCK_LANES {
          const double r = v[l] * f[l] - v[L + l] * f[L + l];
          v[L + l] = v[l] * f[L + l] + v[L + l] * f[l];
          v[l] = r;
        }
      }
    }
  }

  // ---- backward kernels ----------------------------------------------------------------
  // With g = 2 ∂L/∂ψ* after the op and x the op's input: T[m][n] = Σ conj(g_m) x_n
  // over the slices (pass 1, row by row in registers), then g ← U† g (pass 2).
  template <int DC, bool SQZ>
  void back_dense_t(const Op& op, const double* __restrict x, double* g,
                    const double* __restrict U, bool with_T) const {
    const unsigned D = DC ? unsigned(DC) : p.D;
    constexpr unsigned DM = DC ? unsigned(DC) : kMaxCutoff;
    constexpr unsigned step = SQZ ? 2 : 1;
    const std::size_t sC = op.s0 * C;
    const auto& bases = p.bases[op.bases];
    if (with_T) {
      FOCK_UNROLL
      for (unsigned m = 0; m < D; ++m) {
        alignas(64) double acc[DM][C];
        FOCK_UNROLL
        for (unsigned n = 0; n < D; ++n) czero(acc[n]);
        const unsigned n0 = SQZ ? (m & 1) : 0;
        for (const std::size_t b : bases) {
          const double* gm = g + b * C + m * sC;
          const double* xv = x + b * C;
          FOCK_UNROLL
          for (unsigned n = n0; n < D; n += step) cmacc(acc[n], gm, xv + n * sC);
        }
        FOCK_UNROLL
        for (unsigned n = n0; n < D; n += step) cstore(w.T + (m * D + n) * C, acc[n]);
      }
    }
    for (const std::size_t b : bases) {
      double* gv = g + b * C;
      alignas(64) double acc[DM][C];
      FOCK_UNROLL
      for (unsigned n = 0; n < D; ++n) czero(acc[n]);
      FOCK_UNROLL
      for (unsigned m = 0; m < D; ++m) {
        const double* gm = gv + m * sC;
        FOCK_UNROLL
        for (unsigned n = SQZ ? (m & 1) : 0; n < D; n += step) cmacc(acc[n], U + (m * D + n) * C, gm);
      }
      FOCK_UNROLL
      for (unsigned n = 0; n < D; ++n) cstore(gv + n * sC, acc[n]);
    }
  }
  void back_dense(const Op& op, const double* x, double* g, const double* U, bool with_T) const {
    if (op.kind == CvGate::Kind::Squeezing)
      with_cutoff([&](auto dc) { back_dense_t<decltype(dc)::value, true>(op, x, g, U, with_T); });
    else
      with_cutoff([&](auto dc) { back_dense_t<decltype(dc)::value, false>(op, x, g, U, with_T); });
  }
  void grads_dense(const Op& op, const double* U, const double* dU) const {
    const unsigned D = p.D;
    const bool sqz = op.kind == CvGate::Kind::Squeezing;
    alignas(64) double gr[L] = {}, gphi[L] = {};
    std::fill(w.Qr, w.Qr + std::size_t(D) * L, 0.0);
    std::fill(w.Qc, w.Qc + std::size_t(D) * L, 0.0);
    for (unsigned m = 0; m < D; ++m) {
      for (unsigned n = sqz ? (m & 1) : 0; n < D; n += sqz ? 2 : 1) {
        const std::size_t idx = std::size_t(m) * D + n;
        const double* t = w.T + idx * C;
        const double* u = U + idx * C;
        const double* du = dU + idx * C;
        double* qr = w.Qr + m * L;
        double* qc = w.Qc + n * L;
        FOCK_LANES {
          gr[l] += t[l] * du[l] - t[L + l] * du[L + l];
          const double q = t[l] * u[L + l] + t[L + l] * u[l];
          qr[l] += q;
          qc[l] += q;
        }
      }
    }
    // ∂U'/∂φ = i k U' with k = m − n (displacement) or (m − n)/2 (squeezing).
    const double half = sqz ? 0.5 : 1.0;
    for (unsigned m = 0; m < D; ++m) {
      const double* qr = w.Qr + m * L;
      const double* qc = w.Qc + m * L;
      FOCK_LANES gphi[l] -= half * double(m) * (qr[l] - qc[l]);
    }
    add_grad(op.a, gr);
    add_grad(op.b, gphi);
    // Folded diagonals: pre (columns) and post (rows), weight n or n².
    for (int side = 0; side < 2; ++side) {
      const auto& fs = side == 0 ? op.pre : op.post;
      const double* Q = side == 0 ? w.Qc : w.Qr;
      for (const DiagFactor& f : fs) {
        alignas(64) double gf[L] = {};
        for (unsigned n = 0; n < D; ++n) {
          const double wt = f.kind == CvGate::Kind::Kerr ? double(n) * n : double(n);
          const double* q = Q + n * L;
          FOCK_LANES gf[l] -= wt * q[l];
        }
        add_grad(f.a, gf);
      }
    }
  }

  template <int DC>
  void back_bs_t(const Op& op, const double* __restrict x, double* g,
                 const double* __restrict U, bool with_T) const {
    const unsigned D = DC ? unsigned(DC) : p.D;
    constexpr unsigned DM = DC ? unsigned(DC) : kMaxCutoff;
    const std::size_t* offs = w.offs.data();
    const auto& bases = p.bases[op.bases];
    if (with_T) {
      unsigned off = 0, start = 0;
      FOCK_UNROLL
      for (unsigned N = 0; N + 1 < 2 * D; ++N) {
        const unsigned lo = N + 1 > D ? N + 1 - D : 0, hi = N < D - 1 ? N : D - 1;
        const unsigned sz = hi - lo + 1;
        FOCK_UNROLL
        for (unsigned mi = 0; mi < sz; ++mi) {
          alignas(64) double acc[DM][C];
          FOCK_UNROLL
          for (unsigned i = 0; i < sz; ++i) czero(acc[i]);
          const std::size_t gm_off = offs[start + mi];
          for (const std::size_t b : bases) {
            const double* gm = g + b * C + gm_off;
            const double* xv = x + b * C;
            FOCK_UNROLL
            for (unsigned pi = 0; pi < sz; ++pi) cmacc(acc[pi], gm, xv + offs[start + pi]);
          }
          FOCK_UNROLL
          for (unsigned pi = 0; pi < sz; ++pi) cstore(w.T + (off + mi * sz + pi) * C, acc[pi]);
        }
        off += sz * sz;
        start += sz;
      }
    }
    for (const std::size_t b : bases) {
      double* gv = g + b * C;
      unsigned off = 0, start = 0;
      FOCK_UNROLL
      for (unsigned N = 0; N + 1 < 2 * D; ++N) {
        const unsigned lo = N + 1 > D ? N + 1 - D : 0, hi = N < D - 1 ? N : D - 1;
        const unsigned sz = hi - lo + 1;
        alignas(64) double acc[DM][C];
        FOCK_UNROLL
        for (unsigned i = 0; i < sz; ++i) czero(acc[i]);
        FOCK_UNROLL
        for (unsigned mi = 0; mi < sz; ++mi) {
          const double* gm = gv + offs[start + mi];
          FOCK_UNROLL
          for (unsigned pi = 0; pi < sz; ++pi) cmacc(acc[pi], U + (off + mi * sz + pi) * C, gm);
        }
        FOCK_UNROLL
        for (unsigned pi = 0; pi < sz; ++pi) cstore(gv + offs[start + pi], acc[pi]);
        off += sz * sz;
        start += sz;
      }
    }
  }
  void back_bs(const Op& op, const double* x, double* g, const double* U, bool with_T) const {
    bs_offsets(op);
    with_cutoff([&](auto dc) { back_bs_t<decltype(dc)::value>(op, x, g, U, with_T); });
  }
  void grads_bs(const Op& op, const double* U, const double* dU) const {
    const unsigned D = p.D;
    alignas(64) double gth[L] = {}, gphi[L] = {};
    for (unsigned N = 0; N + 1 < 2 * D; ++N) {
      const unsigned sz = p.bs_size[N], off = p.bs_off[N];
      for (unsigned mi = 0; mi < sz; ++mi) {
        for (unsigned pi = 0; pi < sz; ++pi) {
          const std::size_t idx = off + mi * sz + pi;
          const double* t = w.T + idx * C;
          const double* u = U + idx * C;
          const double* du = dU + idx * C;
          const double k = double(int(pi) - int(mi));  // p − m
          FOCK_LANES {
            gth[l] += t[l] * du[l] - t[L + l] * du[L + l];
            gphi[l] -= k * (t[l] * u[L + l] + t[L + l] * u[l]);
          }
        }
      }
    }
    add_grad(op.a, gth);
    add_grad(op.b, gphi);
  }

  // Standalone diagonal op, backward: ψ = its OUTPUT (cur), g after it.
  // ∂L/∂θ = Re Σ i w_n conj(g) ψ_out; then ψ ← P* ψ (its input), g ← P* g.
  void back_diag(const Op& op, double* psi, double* g, const double* P) const {
    const unsigned D = p.D;
    const std::size_t sC = op.s0 * C;
    const bool kerr = op.kind == CvGate::Kind::Kerr;
    alignas(64) double acc[L] = {};
    for (const std::size_t b : p.bases[op.bases]) {
      double* x = psi + b * C;
      double* y = g + b * C;
      for (unsigned n = 0; n < D; ++n) {
        double* v = x + n * sC;
        double* gg = y + n * sC;
        const double* f = P + n * C;
        const double wt = kerr ? double(n) * n : double(n);
        FOCK_LANES {
          acc[l] += wt * (gg[L + l] * v[l] - gg[l] * v[L + l]);
          const double vr = v[l] * f[l] + v[L + l] * f[L + l];
          v[L + l] = v[L + l] * f[l] - v[l] * f[L + l];
          v[l] = vr;
          const double gr = gg[l] * f[l] + gg[L + l] * f[L + l];
          gg[L + l] = gg[L + l] * f[l] - gg[l] * f[L + l];
          gg[l] = gr;
        }
      }
    }
    add_grad(op.a, acc);
  }

  // ---- readouts ------------------------------------------------------------------------
  // red: [x_0..x_{M−1}, n_0..n_{M−1}, norm] × L, on the un-normalised state.
  void readouts(const double* psi) const {
    const unsigned D = p.D, M = p.M;
    double* red = w.red;
    alignas(64) double nrm[L] = {};
    for (std::size_t i = 0; i < p.dim; ++i) {
      const double* v = psi + i * C;
      FOCK_LANES nrm[l] += v[l] * v[l] + v[L + l] * v[L + l];
    }
    FOCK_LANES red[std::size_t(2 * M) * L + l] = nrm[l];
    for (unsigned m = 0; m < M; ++m) {
      const std::size_t sC = p.stride[m] * C;
      alignas(64) double xm[L] = {}, nm[L] = {};
      for (const std::size_t b : p.bases[m]) {
        const double* x = psi + b * C;
        for (unsigned n = 1; n < D; ++n) {
          const double* v = x + n * sC;
          const double* u = x + (n - 1) * sC;
          const double dn = double(n), s2 = 2.0 * p.sq[n];
          FOCK_LANES {
            nm[l] += dn * (v[l] * v[l] + v[L + l] * v[L + l]);
            xm[l] += s2 * (v[l] * u[l] + v[L + l] * u[L + l]);
          }
        }
      }
      FOCK_LANES {
        red[std::size_t(m) * L + l] = xm[l];
        red[std::size_t(M + m) * L + l] = nm[l];
      }
    }
  }

  // g = 2 (dnorm ψ + Σ_m dn_m n_m ψ + dx_m (a_m + a_m†) ψ), upstream in w.up.
  void seed(const double* psi, double* g) const {
    const unsigned D = p.D, M = p.M;
    alignas(64) double un[L];
    FOCK_LANES un[l] = w.up[std::size_t(2 * M) * L + l];
    for (std::size_t i = 0; i < p.dim; ++i) {
      const double* v = psi + i * C;
      double* o = g + i * C;
      FOCK_LANES {
        o[l] = 2.0 * un[l] * v[l];
        o[L + l] = 2.0 * un[l] * v[L + l];
      }
    }
    for (unsigned m = 0; m < M; ++m) {
      const std::size_t sC = p.stride[m] * C;
      alignas(64) double ux[L], uq[L];
      FOCK_LANES {
        ux[l] = w.up[std::size_t(m) * L + l];
        uq[l] = w.up[std::size_t(M + m) * L + l];
      }
      for (const std::size_t b : p.bases[m]) {
        const double* x = psi + b * C;
        double* y = g + b * C;
        for (unsigned n = 0; n < D; ++n) {
          const double* v = x + n * sC;
          double* o = y + n * sC;
          const double dn2 = 2.0 * n;
          FOCK_LANES {
            o[l] += dn2 * uq[l] * v[l];
            o[L + l] += dn2 * uq[l] * v[L + l];
          }
          if (n + 1 < D) {
            const double* vu = x + (n + 1) * sC;
            const double c = 2.0 * p.sq[n + 1];
            FOCK_LANES {
              o[l] += c * ux[l] * vu[l];
              o[L + l] += c * ux[l] * vu[L + l];
            }
          }
          if (n >= 1) {
            const double* vd = x + (n - 1) * sC;
            const double c = 2.0 * p.sq[n];
            FOCK_LANES {
              o[l] += c * ux[l] * vd[l];
              o[L + l] += c * ux[l] * vd[L + l];
            }
          }
        }
      }
    }
  }

  // ---- one chunk of L samples ----------------------------------------------------------
  void run(std::size_t chunk) {
    const unsigned M = p.M, P = p.P;
    const std::size_t row0 = chunk * L;
    const std::size_t valid = std::min<std::size_t>(L, job.batch - row0);
    for (unsigned s = 0; s < P; ++s) {
      double* v = w.pl + std::size_t(s) * L;
      for (int l = 0; l < L; ++l)  // no ivdep: padding lanes must not load
        v[l] = std::size_t(l) < valid ? job.params[(row0 + l) * P + s] : 0.0;
    }
    double* cur = w.buf(p, 0);
    if (job.initial) {
      for (std::size_t i = 0; i < p.dim; ++i) {
        const double re = job.initial[i].real(), im = job.initial[i].imag();
        double* v = cur + i * C;
        FOCK_LANES {
          v[l] = re;
          v[L + l] = im;
        }
      }
    } else {
      std::fill(cur, cur + p.dim * C, 0.0);
      FOCK_LANES cur[l] = 1.0;
    }
    for (const Op& op : p.ops) {
      check_cancel();
      const double* mat;
      if (op.fixed) {
        mat = fixed + op.fixed_off * C;
      } else {
        double* m = vjp ? w.mats + op.mat_off * C : w.mats;
        build(op, m);
        mat = m;
      }
      if (op.type == Op::Type::Diagonal) {
        apply_diag(op, cur, mat);
        continue;
      }
      double* out = vjp ? w.buf(p, op.buf + 1) : (cur == w.buf(p, 0) ? w.buf(p, 1) : w.buf(p, 0));
      if (op.type == Op::Type::Dense)
        apply_dense(op, cur, out, mat);
      else
        apply_bs(op, cur, out, mat);
      cur = out;
    }
    readouts(cur);
    const double* red = w.red;
    const double* nrm = red + std::size_t(2 * M) * L;
    for (std::size_t l = 0; l < valid; ++l) {
      const std::size_t row = row0 + l;
      const double inv = job.normalize ? 1.0 / nrm[l] : 1.0;
      for (unsigned m = 0; m < M; ++m) {
        if (job.x) job.x[row * M + m] = red[m * L + l] * inv;
        if (job.n) job.n[row * M + m] = red[(M + m) * L + l] * inv;
      }
      if (job.norm) job.norm[row] = nrm[l];
      if (job.final_state)
        for (std::size_t i = 0; i < p.dim; ++i)
          job.final_state[row * p.dim + i] = {cur[i * C + l], cur[i * C + L + l]};
    }
    if (!vjp) return;

    // Upstream per lane (zero on padding lanes); normalised variant by the chain rule.
    double* up = w.up;
    std::fill(up, up + std::size_t(2 * M + 1) * L, 0.0);
    for (std::size_t l = 0; l < valid; ++l) {
      const std::size_t row = row0 + l;
      double dnorm = job.dnorm ? job.dnorm[row] : 0.0;
      const double N = nrm[l];
      for (unsigned m = 0; m < M; ++m) {
        double ux = job.dx[row * M + m];
        double un = job.dn ? job.dn[row * M + m] : 0.0;
        if (job.normalize) {
          dnorm -= (ux * red[m * L + l] + un * red[(M + m) * L + l]) / (N * N);
          ux /= N;
          un /= N;
        }
        up[m * L + l] = ux;
        up[(M + m) * L + l] = un;
      }
      up[2 * M * L + l] = dnorm;
    }
    std::fill(w.gl, w.gl + std::size_t(P) * L, 0.0);
    double* g = w.g;
    seed(cur, g);
    for (std::size_t k = p.ops.size(); k-- > 0;) {
      check_cancel();
      const Op& op = p.ops[k];
      const double* mat = op_matrix(op);
      if (op.type == Op::Type::Diagonal) {
        back_diag(op, cur, g, mat);
        continue;
      }
      double* x = w.buf(p, op.buf);
      const bool grads = !op.fixed;  // fixed ops: only g ← U† g
      if (op.type == Op::Type::Dense) {
        const std::size_t n2 = std::size_t(p.D) * p.D * C;
        back_dense(op, x, g, mat, grads);
        if (grads) grads_dense(op, mat, mat + n2);
      } else {
        back_bs(op, x, g, mat, grads);
        if (grads) grads_bs(op, mat, mat + std::size_t(p.bs_total) * C);
      }
      cur = x;
    }
    for (std::size_t l = 0; l < valid; ++l)
      for (unsigned s = 0; s < P; ++s) job.grad[(row0 + l) * P + s] = w.gl[std::size_t(s) * L + l];
  }
};

template <int L>
void run_job_impl(const Plan& plan, const Job& job) {
  const std::size_t nchunks = (job.batch + L - 1) / L;
  if (!nchunks) return;
  const bool vjp = job.dx != nullptr;
  const unsigned T = unsigned(std::min<std::size_t>(std::max(1u, job.threads), nchunks));
  // Matrices of ops that read no slot: built once per call, shared by all chunks.
  std::vector<double> fixed(plan.fixed_total * 2 * L);
  if (plan.fixed_total) {
    Workspace<L>& ws = thread_workspace<L>();
    ws.setup(plan, vjp);
    Chunk<L> ch(plan, job, ws);
    for (const Op& op : plan.ops)
      if (op.fixed) ch.build(op, fixed.data() + op.fixed_off * 2 * L);
  }
  if (T <= 1) {
    Workspace<L>& ws = thread_workspace<L>();
    ws.setup(plan, vjp);
    Chunk<L> ch(plan, job, ws, fixed.data());
    try {
      for (std::size_t c = 0; c < nchunks; ++c) {
        profile::Scope scope(profile::kFock, std::uint64_t(L) * plan.dim, kFockSimd);
        ch.run(c);
      }
    } catch (...) {
      if (ws.mem.size() > kKeepWorkspaceDoubles) ws.release();
      throw;
    }
    if (ws.mem.size() > kKeepWorkspaceDoubles) ws.release();
    return;
  }
  // Lane chunks claimed one at a time by the pool's workers (for_items); small
  // batches stay on the caller. The caller (worker 0) uses its thread's
  // workspace; a helper gets one made for this call, since a pool thread's
  // own could be in use by another caller's job once this one returns.
  std::vector<Workspace<L>*> ws(T, nullptr);
  std::vector<std::unique_ptr<Workspace<L>>> owned(T);
  auto trim = [&] {
    if (ws[0] && ws[0]->mem.size() > kKeepWorkspaceDoubles) ws[0]->release();
  };
  try {
    for_items(T, nchunks, [&](std::uint64_t c, unsigned w) {
      if (!ws[w]) {
        if (w == 0) ws[0] = &thread_workspace<L>();
        else ws[w] = (owned[w] = std::make_unique<Workspace<L>>()).get();
        ws[w]->setup(plan, vjp);
      }
      Chunk<L> ch(plan, job, *ws[w], fixed.data());
      profile::Scope scope(profile::kFock, std::uint64_t(L) * plan.dim, kFockSimd);
      ch.run(static_cast<std::size_t>(c));
    });
  } catch (...) {
    trim();
    throw;
  }
  trim();
}

#undef FOCK_LANES
#undef FOCK_INLINE
#undef FOCK_UNROLL

}  // namespace
}  // namespace detail
}  // namespace fock
}  // namespace quench
