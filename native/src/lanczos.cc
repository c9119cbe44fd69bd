// ground_energy: the lowest eigenvalue of a Pauli-sum Hamiltonian by Lanczos.
//
// H is applied in gather form, one output block of 2^b amplitudes at a time
// (threads over blocks, no write conflicts):
//   (H v)[j] = D[j] v[j] + Σ_x F_x(j) v[j ^ x],  F_x(j) = Σ_t c_t (−1)^{|j & z_t|}
// where D is the diagonal (all x = 0 terms, precomputed), and for each x mask
// the terms' coefficients c_t = coeff · i^{|x&z|} · (−1)^{|x&z|} (P = X^x Z^z
// up to the Y phases). The signs split into a per-block factor (high bits)
// and a per-offset table (low bits). The recurrence keeps two vectors: the
// new w = H v − β prev overwrites prev in the same pass.
// Without reorthogonalisation, spurious copies of converged Ritz values can
// appear, but the extreme one converges to the true lowest eigenvalue.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/parallel.h"
#include "quench/program.h"
#include "quench/state_space.h"

namespace quench {
namespace {

struct Term {
  double cr, ci;      // complex coefficient (see above)
  std::uint64_t z;
  std::uint64_t zhi;  // z without the block bits
  int table;          // index of the low-bit sign table, −1 when z has no low bits
};
struct Group {
  std::uint64_t x;
  std::vector<Term> terms;
};

inline std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
inline double unit(std::uint64_t h) { return double(h >> 11) * (2.0 / 9007199254740992.0) - 1.0; }

// Lowest eigenvalue of the symmetric tridiagonal (d, e) (e[i] couples i, i+1)
// and the last component of its eigenvector (implicit QL, tracking only the
// last row of the eigenvector matrix).
bool tridiag_lowest(std::vector<double> d, std::vector<double> e, double& theta, double& last) {
  const int n = static_cast<int>(d.size());
  e.resize(n);
  e[n - 1] = 0;
  std::vector<double> z(n, 0.0);
  z[n - 1] = 1;
  for (int l = 0; l < n; ++l) {
    int iter = 0, m;
    do {
      for (m = l; m < n - 1; ++m) {
        const double dd = std::fabs(d[m]) + std::fabs(d[m + 1]);
        if (std::fabs(e[m]) <= 1e-16 * dd) break;
      }
      if (m != l) {
        if (iter++ == 100) return false;
        double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
        double r = std::hypot(g, 1.0);
        g = d[m] - d[l] + e[l] / (g + std::copysign(r, g));
        double s = 1, c = 1, p = 0;
        int i;
        for (i = m - 1; i >= l; --i) {
          double f = s * e[i];
          const double b = c * e[i];
          e[i + 1] = (r = std::hypot(f, g));
          if (r == 0.0) {
            d[i + 1] -= p;
            e[m] = 0.0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2.0 * c * b;
          d[i + 1] = g + (p = s * r);
          g = c * r - b;
          f = z[i + 1];
          z[i + 1] = s * z[i] + c * f;
          z[i] = c * z[i] - s * f;
        }
        if (r == 0.0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0.0;
      }
    } while (m != l);
  }
  int k = 0;
  for (int i = 1; i < n; ++i)
    if (d[i] < d[k]) k = i;
  theta = d[k];
  last = std::fabs(z[k]);
  return true;
}

template <bool CPLX>
class Lanczos {
 public:
  static constexpr unsigned W = CPLX ? 2 : 1;  // doubles per amplitude

  Lanczos(unsigned n, std::vector<Group> groups, const std::vector<PauliTerm>& diag_terms,
          const For& par)
      : n_(n), dim_(std::uint64_t(1) << n), b_(std::min(n, 10u)), B_(std::uint64_t(1) << b_),
        groups_(std::move(groups)), par_(par) {
    diag_.allocate(dim_);
    double* D = diag_.data();
    par_.run(dim_, [&](std::uint64_t lo, std::uint64_t hi, unsigned) {
      for (std::uint64_t j = lo; j < hi; ++j) {
        double s = 0;
        for (const PauliTerm& t : diag_terms) s += __builtin_parityll(j & t.z_mask) ? -t.coeff : t.coeff;
        D[j] = s;
      }
    });
    const std::uint64_t lowmask = B_ - 1;
    for (Group& g : groups_)
      for (Term& t : g.terms) {
        t.zhi = t.z & ~lowmask;
        const std::uint64_t zl = t.z & lowmask;
        if (!zl) {
          t.table = -1;
          continue;
        }
        auto it = table_of_.find(zl);
        if (it == table_of_.end()) {
          it = table_of_.emplace(zl, static_cast<int>(tables_.size() / B_)).first;
          for (std::uint64_t l = 0; l < B_; ++l) tables_.push_back(__builtin_parityll(l & zl) ? -1.0 : 1.0);
        }
        t.table = it->second;
      }
  }

  static std::size_t bytes_for(unsigned n) {
    return (std::size_t(2) * W * sizeof(double) + sizeof(double)) * (std::size_t(1) << n);
  }

  // w[j] = (H v)[j] − beta·w[j]; returns Re <v|w>.
  double apply(const double* v, double* w, double beta) const {
    const std::uint64_t blocks = dim_ / B_;
    return par_.sum(blocks, [&](std::uint64_t b0, std::uint64_t b1) {
      std::vector<double> f(W * B_), acc(W * B_);
      double alpha = 0;
      for (std::uint64_t blk = b0; blk < b1; ++blk) {
        const std::uint64_t j0 = blk * B_;
        const double* D = diag_.data() + j0;
        const double* vb = v + W * j0;
        double* wb = w + W * j0;
        for (std::uint64_t l = 0; l < W * B_; ++l) acc[l] = D[l / W] * vb[l] - beta * wb[l];
        for (const Group& g : groups_) {
          const std::uint64_t src = (j0 ^ g.x) & ~(B_ - 1);
          const std::uint64_t xl = g.x & (B_ - 1);
          const double* vs = v + W * src;
          // f[l] = Σ_t c_t (−1)^{|j0 & zhi|} table_t[l]
          bool uniform = true;
          double ur = 0, ui = 0;
          for (const Term& t : g.terms)
            if (t.table < 0) {
              const double sg = __builtin_parityll(j0 & t.zhi) ? -1.0 : 1.0;
              ur += sg * t.cr;
              ui += sg * t.ci;
            } else {
              uniform = false;
            }
          if (uniform) {
            if (CPLX) {
              for (std::uint64_t l = 0; l < B_; ++l) {
                const std::uint64_t s = l ^ xl;
                const double xr = vs[2 * s], xi = vs[2 * s + 1];
                acc[2 * l] += ur * xr - ui * xi;
                acc[2 * l + 1] += ur * xi + ui * xr;
              }
            } else {
              for (std::uint64_t l = 0; l < B_; ++l) acc[l] += ur * vs[l ^ xl];
            }
            continue;
          }
          for (std::uint64_t l = 0; l < B_; ++l) {
            f[W * l] = ur;
            if (CPLX) f[W * l + 1] = ui;
          }
          for (const Term& t : g.terms) {
            if (t.table < 0) continue;
            const double sg = __builtin_parityll(j0 & t.zhi) ? -1.0 : 1.0;
            const double* tb = tables_.data() + std::size_t(t.table) * B_;
            const double cr = sg * t.cr, ci = sg * t.ci;
            for (std::uint64_t l = 0; l < B_; ++l) {
              f[W * l] += cr * tb[l];
              if (CPLX) f[W * l + 1] += ci * tb[l];
            }
          }
          if (CPLX) {
            for (std::uint64_t l = 0; l < B_; ++l) {
              const std::uint64_t s = l ^ xl;
              const double xr = vs[2 * s], xi = vs[2 * s + 1];
              acc[2 * l] += f[2 * l] * xr - f[2 * l + 1] * xi;
              acc[2 * l + 1] += f[2 * l] * xi + f[2 * l + 1] * xr;
            }
          } else {
            for (std::uint64_t l = 0; l < B_; ++l) acc[l] += f[l] * vs[l ^ xl];
          }
        }
        for (std::uint64_t l = 0; l < W * B_; ++l) {
          wb[l] = acc[l];
          alpha += vb[l] * acc[l];  // Re <v|w> (the imaginary part vanishes for Hermitian H)
        }
      }
      return alpha;
    });
  }

  GroundEnergyResult run(double hnorm, const GroundEnergyOptions& lo, const ExecOptions& opts) {
    AlignedBuffer<double> va(W * dim_), vb(W * dim_);
    double* v = va.data();
    double* w = vb.data();
    const std::uint64_t seed = splitmix(lo.seed ^ 0x5155454E4348ull);
    par_.run(W * dim_, [&](std::uint64_t b, std::uint64_t e, unsigned) {
      for (std::uint64_t i = b; i < e; ++i) {
        v[i] = unit(splitmix(seed + i));
        w[i] = 0;
      }
    });
    normalize(v);
    std::vector<double> alpha, beta;
    GroundEnergyResult res;
    const double target = lo.tolerance * hnorm;
    const unsigned maxit = std::max(1u, lo.max_iterations);
    double prev_beta = 0;
    double last_report = -1;
    for (unsigned k = 0; k < maxit; ++k) {
      if (opts.cancel && opts.cancel->cancelled.load(std::memory_order_relaxed))
        throw Error(Error::Kind::Cancelled, "cancelled");
      const double a = apply(v, w, prev_beta);
      // w -= a v; β = ‖w‖
      const double bsq = par_.sum(W * dim_, [&](std::uint64_t b, std::uint64_t e) {
        double s = 0;
        for (std::uint64_t i = b; i < e; ++i) {
          const double x = w[i] - a * v[i];
          w[i] = x;
          s += x * x;
        }
        return s;
      });
      const double bt = std::sqrt(bsq);
      alpha.push_back(a);
      beta.push_back(bt);
      const unsigned m = k + 1;
      const bool breakdown = bt <= 1e-14 * std::max(hnorm, 1e-300) || m >= dim_;
      const unsigned every = std::max(4u, m / 16);
      if (breakdown || m % every == 0 || m == maxit || m <= 8) {
        double theta, last;
        std::vector<double> off(beta.begin(), beta.end() - 1);
        if (tridiag_lowest(alpha, off, theta, last)) {
          res.energy = theta;
          res.residual = bt * last;
          res.iterations = m;
          if (res.residual <= target || breakdown) {
            res.converged = true;
            break;
          }
        }
      }
      if (breakdown) break;
      // v_{k+1} = w / β; prev = v_k
      const double inv = 1.0 / bt;
      par_.run(W * dim_, [&](std::uint64_t b, std::uint64_t e, unsigned) {
        for (std::uint64_t i = b; i < e; ++i) w[i] *= inv;
      });
      std::swap(v, w);
      prev_beta = bt;
      if (opts.progress) {
        const double f = double(m) / double(maxit);
        if (f - last_report >= 0.01) {
          last_report = f;
          opts.progress(f);
        }
      }
    }
    if (opts.progress) opts.progress(1.0);
    return res;
  }

 private:
  void normalize(double* v) const {
    const double s = par_.sum(W * dim_, [&](std::uint64_t b, std::uint64_t e) {
      double a = 0;
      for (std::uint64_t i = b; i < e; ++i) a += v[i] * v[i];
      return a;
    });
    const double inv = 1.0 / std::sqrt(s);
    par_.run(W * dim_, [&](std::uint64_t b, std::uint64_t e, unsigned) {
      for (std::uint64_t i = b; i < e; ++i) v[i] *= inv;
    });
  }

  unsigned n_;
  std::uint64_t dim_;
  unsigned b_;
  std::uint64_t B_;
  std::vector<Group> groups_;
  const For& par_;
  AlignedBuffer<double> diag_;
  std::vector<double> tables_;
  std::map<std::uint64_t, int> table_of_;
};

}  // namespace

GroundEnergyResult ground_energy(const PauliSum& observable, unsigned num_qubits,
                                 const ExecOptions& opts, const GroundEnergyOptions& lanczos) {
  if (num_qubits < 1 || num_qubits > kGroundEnergyMaxQubits)
    throw Error(Error::Kind::Range, "ground_energy: num_qubits must be from 1 to " +
                                        std::to_string(kGroundEnergyMaxQubits) + ", got " +
                                        std::to_string(num_qubits));
  validate(observable, num_qubits);
  if (!(lanczos.tolerance > 0) || !std::isfinite(lanczos.tolerance))
    throw Error(Error::Kind::Range, "ground_energy: tolerance must be a positive number");
  if (lanczos.max_iterations < 1 || lanczos.max_iterations > 1000000)
    throw Error(Error::Kind::Range, "ground_energy: max_iterations must be from 1 to 1000000");
  if (opts.isa != Isa::scalar && opts.isa != Isa::avx2 && opts.isa != Isa::avx512) throw Error(Error::Kind::Range, "unknown ISA");
  // Merge equal Pauli strings; split diagonal and off-diagonal terms.
  std::map<std::pair<std::uint64_t, std::uint64_t>, double> merged;
  for (const PauliTerm& t : observable.terms) merged[{t.x_mask, t.z_mask}] += t.coeff;
  std::vector<PauliTerm> diag;
  std::map<std::uint64_t, Group> groups;
  double hnorm = 0, constant = 0;
  bool real = true;
  for (const auto& kv : merged) {
    const std::uint64_t x = kv.first.first, z = kv.first.second;
    const double c = kv.second;
    if (c == 0) continue;
    hnorm += std::fabs(c);
    if (x == 0) {
      if (z == 0) constant += c;
      else diag.push_back(PauliTerm{c, 0, z});
      continue;
    }
    // P|i> = i^{|x&z|} (−1)^{|i&z|} |i^x>; gathered at j = i^x: (−1)^{|i&z|} = (−1)^{|x&z|}(−1)^{|j&z|}.
    const unsigned y = static_cast<unsigned>(__builtin_popcountll(x & z));
    const double sgn = (y & 1u) ? -1.0 : 1.0;
    Term t{};
    t.z = z;
    switch (y & 3u) {
      case 0: t.cr = c * sgn; break;
      case 1: t.ci = c * sgn; break;
      case 2: t.cr = -c * sgn; break;
      default: t.ci = -c * sgn; break;
    }
    if (y & 1u) real = false;
    Group& g = groups[x];
    g.x = x;
    g.terms.push_back(t);
  }
  GroundEnergyResult res;
  if (hnorm - std::fabs(constant) == 0) {  // H = constant · I
    res.energy = constant;
    res.converged = true;
    return res;
  }
  if (constant != 0) diag.push_back(PauliTerm{constant, 0, 0});
  std::vector<Group> list;
  for (auto& kv : groups) list.push_back(std::move(kv.second));
  const std::size_t bytes = real ? Lanczos<false>::bytes_for(num_qubits) : Lanczos<true>::bytes_for(num_qubits);
  check_memory(bytes, "ground_energy (Lanczos vectors for " + std::to_string(num_qubits) + " qubits)");
  const For par = make_for(opts, num_qubits);
  try {
    if (real) {
      Lanczos<false> lz(num_qubits, std::move(list), diag, par);
      return lz.run(hnorm, lanczos, opts);
    }
    Lanczos<true> lz(num_qubits, std::move(list), diag, par);
    return lz.run(hnorm, lanczos, opts);
  } catch (const std::bad_alloc&) {
    throw Error(Error::Kind::Memory, "ground_energy: allocation of the Lanczos vectors failed");
  }
}

}  // namespace quench
