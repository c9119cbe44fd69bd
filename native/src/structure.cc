// Finding and applying the structure of bound operations (structure.h).
#include "quench/structure.h"

#include "quench/bits.h"
#include "quench/program.h"

namespace quench {

namespace {
template <typename FP>
bool is_one(const FP* z) {
  return z[0] == FP(1) && z[1] == FP(0);
}
template <typename FP>
bool is_zero(const FP* z) {
  return z[0] == FP(0) && z[1] == FP(0);
}

// Positions (indices into the target list) not in `moved`, and the output
// qubit lists: remaining targets, and controls merged with the moved targets.
template <typename FP>
unsigned split_targets(const unsigned* qubits, unsigned k, const unsigned* controls, unsigned c,
                       std::uint32_t moved, unsigned* keep, Structured<FP>& out) {
  unsigned mq[64], nm = 0, nk = 0;
  for (unsigned j = 0; j < k; ++j) {
    if ((moved >> j) & 1u) mq[nm++] = qubits[j];
    else {
      keep[nk] = j;
      out.qubits[nk++] = qubits[j];
    }
  }
  out.k = nk;
  out.c = merge_sorted(controls, c, mq, nm, out.controls);
  return nk;
}

// Diagonal d over k targets: a target is a control when every entry with
// its bit 0 (and the bits of the targets already found set) is 1. One pass
// finds them all: an entry that fails the test for target j has every
// earlier-found target's bit set (otherwise it would be 1), so it fails it
// again later.
template <typename FP>
void diagonal_structure(const unsigned* qubits, unsigned k, const unsigned* controls, unsigned c,
                        const FP* d, Structured<FP>& out) {
  const std::uint64_t D = std::uint64_t(1) << k;
  std::uint32_t moved = 0;
  for (unsigned j = 0; j < k; ++j) {
    bool ok = true;
    for (std::uint64_t x = 0; x < D && ok; ++x)
      if (!((x >> j) & 1u) && (x & moved) == moved) ok = is_one(d + 2 * x);
    if (ok) moved |= 1u << j;
  }
  if (!moved) {
    std::copy(qubits, qubits + k, out.qubits);
    std::copy(controls, controls + c, out.controls);
    out.k = k;
    out.c = c;
    out.form = Form::diagonal;
    out.m = d;
    return;
  }
  unsigned keep[64];
  const unsigned nk = split_targets(qubits, k, controls, c, moved, keep, out);
  const std::uint64_t R = std::uint64_t(1) << nk;
  out.reduced.resize(2 * R);
  for (std::uint64_t y = 0; y < R; ++y) {
    const std::uint64_t x = scatter_bits(y, keep, nk) | moved;
    out.reduced[2 * y] = d[2 * x];
    out.reduced[2 * y + 1] = d[2 * x + 1];
  }
  out.m = out.reduced.data();
  out.form = nk == 0 ? (is_one(out.m) ? Form::identity : Form::phase) : Form::diagonal;
}
}  // namespace

template <typename FP>
void find_structure(const unsigned* qubits, unsigned k, const unsigned* controls, unsigned c,
                    bool diagonal, const FP* m, Structured<FP>& out) {
  if (diagonal) {
    if (k > kStructureMaxDiagQubits) {
      std::copy(qubits, qubits + k, out.qubits);
      std::copy(controls, controls + c, out.controls);
      out.k = k;
      out.c = c;
      out.form = Form::diagonal;
      out.m = m;
      return;
    }
    diagonal_structure(qubits, k, controls, c, m, out);
    return;
  }
  const unsigned D = 1u << k;
  auto at = [&](unsigned r, unsigned col) { return m + 2 * (std::size_t(r) * D + col); };
  // A dense matrix that is diagonal (a product of diagonals fused as dense).
  bool diag = true;
  for (unsigned r = 0; r < D && diag; ++r)
    for (unsigned col = 0; col < D && diag; ++col) diag = r == col || is_zero(at(r, col));
  if (diag) {
    thread_local std::vector<FP> dv;
    dv.resize(2 * D);
    for (unsigned r = 0; r < D; ++r) {
      dv[2 * r] = at(r, r)[0];
      dv[2 * r + 1] = at(r, r)[1];
    }
    diagonal_structure(qubits, k, controls, c, dv.data(), out);
    if (out.m == dv.data()) {  // not reduced: keep our own copy
      out.reduced.assign(dv.begin(), dv.end());
      out.m = out.reduced.data();
    }
    return;
  }
  // Targets acting as controls: rows and columns with the bit 0 (and the
  // earlier-found bits 1) are those of the identity. One pass, as for diagonals.
  std::uint32_t moved = 0;
  for (unsigned j = 0; j < k; ++j) {
    bool ok = true;
    for (unsigned r = 0; r < D && ok; ++r) {
      if ((r & moved) != moved) continue;
      for (unsigned col = 0; col < D && ok; ++col) {
        if ((col & moved) != moved || (((r & col) >> j) & 1u)) continue;
        ok = r == col ? is_one(at(r, col)) : is_zero(at(r, col));
      }
    }
    if (ok) moved |= 1u << j;
  }
  unsigned keep[64];
  const unsigned nk = split_targets(qubits, k, controls, c, moved, keep, out);
  const FP* red = m;
  if (moved) {
    const unsigned R = 1u << nk;
    out.reduced.resize(2 * std::size_t(R) * R);
    for (unsigned r = 0; r < R; ++r)
      for (unsigned col = 0; col < R; ++col) {
        const unsigned fr = unsigned(scatter_bits(r, keep, nk)) | moved;
        const unsigned fc = unsigned(scatter_bits(col, keep, nk)) | moved;
        const FP* z = at(fr, fc);
        out.reduced[2 * (r * R + col)] = z[0];
        out.reduced[2 * (r * R + col) + 1] = z[1];
      }
    red = out.reduced.data();
  }
  out.m = red;
  if (nk == 0) {  // (a fused CZ and its like)
    out.form = is_one(red) ? Form::identity : Form::phase;
    return;
  }
  // A permutation: each row one exact 1, the rest exact 0s.
  const unsigned R = 1u << nk;
  bool perm = true;
  std::uint64_t used = 0;  // columns taken (a bijection, not only one 1 per row)
  for (unsigned r = 0; r < R && perm; ++r) {
    int one = -1;
    for (unsigned col = 0; col < R && perm; ++col) {
      const FP* z = red + 2 * (std::size_t(r) * R + col);
      if (is_one(z) && one < 0) one = int(col);
      else perm = is_zero(z);
    }
    perm = perm && one >= 0 && !((used >> one) & 1u);
    if (perm) {
      used |= std::uint64_t(1) << one;
      out.src[r] = static_cast<std::uint8_t>(one);
    }
  }
  out.form = perm ? Form::permutation : Form::dense;
}

template <typename FP>
void apply_structured(FP* s, unsigned n, const Structured<FP>& st, const KernelTable<FP>& kt0,
                      const For& par) {
  const KernelTable<FP>& kt = n < kt0.min_qubits ? kernel_table<FP>(Isa::scalar) : kt0;
  switch (st.form) {
    case Form::identity:
      return;
    case Form::phase:
      kt.phase(s, n, st.controls, st.c, st.m, par);
      return;
    case Form::diagonal:
      if (st.k == 1) {  // RZ, CRZ
        kt.diagonal1(s, n, st.qubits[0], st.controls, st.c, st.m, par);
        return;
      }
      break;
    case Form::permutation:
      // The AVX2 kernel moves whole vectors (or permutes inside them for a
      // 1-qubit one). A multi-qubit permutation of lane qubits (SWAP(0, q))
      // goes to the dense kernel: it touches every cache line anyway, and
      // the scalar kernel's single-amplitude moves measured slower.
      if (st.k > 1 && st.qubits[0] < kt.lane_bits) break;
      kt.permute(s, n, st.qubits, st.k, st.controls, st.c, st.src, par);
      return;
    default:
      break;
  }
  apply_matrix_fp<FP>(s, n, st.qubits, st.k, st.controls, st.c, st.form == Form::diagonal, st.m, kt, par);
}

template <typename FP>
std::uint64_t touched_amplitudes(const Structured<FP>& st, unsigned n) {
  if (st.form == Form::identity) return 0;
  const std::uint64_t sub = std::uint64_t(1) << (n - st.c);  // the control subspace
  if (st.form != Form::permutation) return sub;
  unsigned moved = 0;
  for (unsigned r = 0; r < (1u << st.k); ++r) moved += st.src[r] != r;
  return (sub >> st.k) * moved;
}

template void find_structure<float>(const unsigned*, unsigned, const unsigned*, unsigned, bool,
                                    const float*, Structured<float>&);
template void find_structure<double>(const unsigned*, unsigned, const unsigned*, unsigned, bool,
                                     const double*, Structured<double>&);
template void apply_structured<float>(float*, unsigned, const Structured<float>&,
                                      const KernelTable<float>&, const For&);
template void apply_structured<double>(double*, unsigned, const Structured<double>&,
                                       const KernelTable<double>&, const For&);
template std::uint64_t touched_amplitudes<float>(const Structured<float>&, unsigned);
template std::uint64_t touched_amplitudes<double>(const Structured<double>&, unsigned);

}  // namespace quench
