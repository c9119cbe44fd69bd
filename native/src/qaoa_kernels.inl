// qaoa_kernels.inl — the QAOA energy + gradient sweep (see qaoa.h), written
// once in plain C++ and compiled per ISA: qaoa.cc (any x86-64),
// qaoa_avx2.cc (-mavx2 -mfma), qaoa_avx512.cc (-mavx512f ...), each with its
// own QUENCH_QAOA_NS. The elementwise steps are simple contiguous loops that
// the compiler vectorises for the ISA of the translation unit; the transform
// is written with GCC/Clang vector types of the TU's width (QUENCH_QAOA_VBYTES).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "quench/profile.h"
#include "quench/qaoa.h"

namespace quench {
namespace QUENCH_QAOA_NS {
namespace {

constexpr unsigned kLowBits = 11;   // qubits transformed per L1-resident sub-block (2^11 amplitudes)

template <typename FP>
inline void bf2(FP* __restrict a, FP* __restrict b, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    const FP x = a[i], y = b[i];
    a[i] = x + y;
    b[i] = x - y;
  }
}

template <typename FP>
inline void bf4(FP* __restrict a, FP* __restrict b, FP* __restrict c, FP* __restrict d, std::size_t len) {
  for (std::size_t i = 0; i < len; ++i) {
    const FP s0 = a[i] + b[i], d0 = a[i] - b[i], s1 = c[i] + d[i], d1 = c[i] - d[i];
    a[i] = s0 + s1;
    b[i] = d0 + d1;
    c[i] = s0 - s1;
    d[i] = d0 - d1;
  }
}

// Unnormalised WHT over the low b qubits of a contiguous block of 2^b amplitudes.
template <typename FP>
void low_stages(FP* y, unsigned b) {
  const std::size_t m = std::size_t(1) << b;
  unsigned q = 0;
  if (b >= 2) {  // qubits 0 and 1: within 4 consecutive amplitudes
    for (std::size_t g = 0; g < m; g += 4) {
      FP* z = y + 2 * g;
      for (int r = 0; r < 2; ++r) {
        const FP x0 = z[r], x1 = z[2 + r], x2 = z[4 + r], x3 = z[6 + r];
        const FP s0 = x0 + x1, d0 = x0 - x1, s1 = x2 + x3, d1 = x2 - x3;
        z[r] = s0 + s1;
        z[2 + r] = d0 + d1;
        z[4 + r] = s0 - s1;
        z[6 + r] = d0 - d1;
      }
    }
    q = 2;
  }
  for (; q + 1 < b; q += 2) {
    const std::size_t h = std::size_t(1) << q;
    for (std::size_t g = 0; g < m; g += 4 * h) {
      FP* z = y + 2 * g;
      bf4(z, z + 2 * h, z + 4 * h, z + 6 * h, 2 * h);
    }
  }
  if (q < b) {
    const std::size_t h = std::size_t(1) << q;
    for (std::size_t g = 0; g < m; g += 2 * h) {
      FP* z = y + 2 * g;
      bf2(z, z + 2 * h, 2 * h);
    }
  }
}

// ---- register-blocked transform -------------------------------------------
// One vector holds kVecBytes of interleaved (re, im): 2^kA amplitudes. The
// transform's butterflies are real, so re and im go through them alike:
// amplitude bits below kA are butterflies between lanes of one vector
// (shuffles), the others between whole vectors, 2^K of them at a time in
// registers (K stages per load and store).
#ifndef QUENCH_QAOA_VBYTES
#define QUENCH_QAOA_VBYTES 16
#endif
constexpr unsigned kVecBytes = QUENCH_QAOA_VBYTES;
typedef double VecD __attribute__((vector_size(kVecBytes)));
typedef float VecF __attribute__((vector_size(kVecBytes)));
template <typename FP>
struct VecOf;
template <>
struct VecOf<double> {
  using type = VecD;
};
template <>
struct VecOf<float> {
  using type = VecF;
};
// Stages per register pass: 2^K vectors live at once (16 of the 32 AVX-512
// registers; 8 of AVX2's 16).
constexpr unsigned kRegBits = kVecBytes >= 64 ? 4 : 3;


template <typename FP>
constexpr unsigned lanes() { return kVecBytes / sizeof(FP); }
template <typename FP>
constexpr unsigned vec_amp_bits() { return lanes<FP>() >= 16 ? 3 : lanes<FP>() >= 8 ? 2 : lanes<FP>() >= 4 ? 1 : 0; }

template <typename V>
inline V vload(const void* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
inline void vstore(void* p, V v) { std::memcpy(p, &v, sizeof v); }

// Butterfly over amplitude bit T inside one vector: lane i pairs with lane
// i ^ (2 << T); x' = x·sign + partner, sign −1 where bit T is set.
template <typename FP, unsigned T, std::size_t... I>
inline typename VecOf<FP>::type lane_stage(typename VecOf<FP>::type x, std::index_sequence<I...>) {
  using V = typename VecOf<FP>::type;
  const V partner = __builtin_shufflevector(x, x, (I ^ (std::size_t(2) << T))...);
  const V sign = {((I >> (T + 1)) & 1 ? FP(-1) : FP(1))...};
  return x * sign + partner;
}
template <typename FP, unsigned T = 0>
inline typename VecOf<FP>::type lane_stages(typename VecOf<FP>::type x) {
  if constexpr (T < vec_amp_bits<FP>()) {
    x = lane_stage<FP, T>(x, std::make_index_sequence<lanes<FP>()>());
    return lane_stages<FP, T + 1>(x);
  } else {
    return x;
  }
}

// K stages on 2^K vectors in registers.
template <unsigned K, typename V>
inline void reg_stages(V* r) {
#pragma GCC unroll 16
  for (unsigned s = 0; s < K; ++s) {
#pragma GCC unroll 16
    for (unsigned i = 0; i < (1u << K); ++i)
      if (!(i & (1u << s))) {
        const V a = r[i], c = r[i + (1u << s)];
        r[i] = a + c;
        r[i + (1u << s)] = a - c;
      }
  }
}

// K stages over the vector-index bits s .. s+K−1 of x (vectors), for the
// groups [gb, ge): group g = (hi, off), off < 2^s fastest, so every one of
// the 2^K streams runs forward through memory.
template <unsigned K, typename FP>
void vec_pass(FP* x, unsigned s, std::uint64_t gb, std::uint64_t ge) {
  using V = typename VecOf<FP>::type;
  constexpr std::size_t L = lanes<FP>();
  const std::uint64_t span = std::uint64_t(1) << s;
  for (std::uint64_t g = gb; g < ge; ++g) {
    const std::uint64_t off = g & (span - 1), hi = g >> s;
    FP* base = x + L * ((hi << (s + K)) + off);
    V r[1u << K];
#pragma GCC unroll 16
    for (unsigned i = 0; i < (1u << K); ++i) r[i] = vload<V>(base + L * (std::uint64_t(i) << s));
    reg_stages<K>(r);
#pragma GCC unroll 16
    for (unsigned i = 0; i < (1u << K); ++i) vstore(base + L * (std::uint64_t(i) << s), r[i]);
  }
}
// Stages over vector-index bits [s, e) of x, nvec vectors, by passes of at most kRegBits.
template <typename FP>
void vec_stages(FP* x, std::uint64_t nvec, unsigned s, unsigned e) {
  while (s < e) {
    const unsigned k = std::min(kRegBits, e - s);
    const std::uint64_t groups = nvec >> k;
    if (k == 4) vec_pass<4>(x, s, 0, groups);
    else if (k == 3) vec_pass<3>(x, s, 0, groups);
    else if (k == 2) vec_pass<2>(x, s, 0, groups);
    else vec_pass<1>(x, s, 0, groups);
    s += k;
  }
}
// K stages over row bits t .. t+K−1 of a tile: 2^g rows 2^rs vectors apart, W vectors each.
template <unsigned K, typename FP>
void tile_pass(FP* base, unsigned rs, unsigned t, unsigned g, std::uint64_t W) {
  using V = typename VecOf<FP>::type;
  constexpr std::size_t L = lanes<FP>();
  const std::uint64_t R = std::uint64_t(1) << g, h = std::uint64_t(1) << t;
  for (std::uint64_t r0 = 0; r0 < R; r0 += h << K)
    for (std::uint64_t r = r0; r < r0 + h; ++r) {
      FP* row = base + L * (r << rs);
      for (std::uint64_t w = 0; w < W; ++w) {
        V v[1u << K];
#pragma GCC unroll 16
        for (unsigned i = 0; i < (1u << K); ++i) v[i] = vload<V>(row + L * (((std::uint64_t(i) * h) << rs) + w));
        reg_stages<K>(v);
#pragma GCC unroll 16
        for (unsigned i = 0; i < (1u << K); ++i) vstore(row + L * (((std::uint64_t(i) * h) << rs) + w), v[i]);
      }
    }
}
// One register pass over the vector bits S .. S+K−1 of a block of nvec
// vectors, with compile-time strides (the lane stages ride on the first).
template <typename FP, unsigned S, unsigned K, bool Lanes>
inline void block_pass(FP* y, std::size_t nvec) {
  using V = typename VecOf<FP>::type;
  constexpr std::size_t L = lanes<FP>();
  for (std::size_t hi = 0; hi < nvec; hi += std::size_t(1) << (S + K))
    for (std::size_t off = 0; off < (std::size_t(1) << S); ++off) {
      FP* base = y + L * (hi + off);
      V r[1u << K];
#pragma GCC unroll 16
      for (unsigned i = 0; i < (1u << K); ++i) {
        r[i] = vload<V>(base + L * (std::size_t(i) << S));
        if constexpr (Lanes) r[i] = lane_stages<FP>(r[i]);
      }
      reg_stages<K>(r);
#pragma GCC unroll 16
      for (unsigned i = 0; i < (1u << K); ++i) vstore(base + L * (std::size_t(i) << S), r[i]);
    }
}
template <typename FP, unsigned S, unsigned E>
inline void block_passes(FP* y) {
  if constexpr (S < E) {
    constexpr unsigned K = E - S < kRegBits ? E - S : kRegBits;
    block_pass<FP, S, K, S == 0>(y, std::size_t(1) << E);
    block_passes<FP, S + K, E>(y);
  }
}
// The unnormalised transform of one contiguous block of 2^b amplitudes (b ≥ the lane bits).
template <typename FP>
void block_wht(FP* y, unsigned b) {
  using V = typename VecOf<FP>::type;
  constexpr std::size_t L = lanes<FP>();
  constexpr unsigned a = vec_amp_bits<FP>();
  if (b == kLowBits) return block_passes<FP, 0, kLowBits - a>(y);
  const std::uint64_t nvec = std::uint64_t(1) << (b - a);
  if (b > kLowBits) {  // L1-sized sub-blocks first, then the rest over the block (in L2)
    for (std::uint64_t v = 0; v < nvec; v += std::uint64_t(1) << (kLowBits - a))
      block_passes<FP, 0, kLowBits - a>(y + L * v);
    return vec_stages(y, nvec, kLowBits - a, b - a);
  }
  if constexpr (a > 0)
    for (std::uint64_t v = 0; v < nvec; ++v) vstore(y + L * v, lane_stages<FP>(vload<V>(y + L * v)));
  vec_stages(y, nvec, 0, b - a);
}

// The unnormalised Walsh–Hadamard transform F on n qubits is separable: one
// op on the low b qubits (contiguous blocks of 2^b amplitudes) and one per
// group of high qubits (tiles: 2^g rows of a few KiB each), applied in any
// order. The sweep is a chain x_k <- F pre_k(...), pre_k elementwise and
// reading x_{k-1}. So one pass over memory can finish x_{k-1}'s last op, apply
// pre_k and start x_k's first op on a unit (block or tile) while it is in
// cache: with successive transforms' ops in alternating order (low first,
// then high first), a transform costs one trip through memory per op, less
// one, and no trip of its own for the elementwise step.
//
// Unit sizes and chaining, measured on the seed QAOA (20 qubits, f64, 2^19
// amplitudes on the flip-symmetric half), per vector width:
// - 512-bit vectors chain: a 128 KiB low block stays in L2 beside the next
//   transform's block, and a high group is one register pass (2^kRegBits
//   rows, 4 KiB of each: runs long enough for the prefetchers). 17–20% faster
//   than the layout below. Tiles of 2^6–2^8 rows reused from L2 by several
//   register passes were 4–15% slower: rows 32–128 KiB apart conflict in the
//   cache sets.
// - 256-bit (and scalar) vectors do not chain: the elementwise step rides on
//   the L1-resident low op (2^11 amplitudes) and the high qubits go in tiles
//   of 2^(2·kRegBits) rows of 512 B. With their smaller vectors the
//   butterflies cost more than the trips the chain saves: chained, in any
//   of five block and group sizes, they were 3–10% slower.
constexpr bool kChain = kVecBytes >= 64;
constexpr std::size_t kBlockBytes = kChain ? std::size_t(128) << 10 : 0;  // 0: 2^kLowBits amplitudes
constexpr std::size_t kRowBytes = kChain ? 4096 : 512;
constexpr unsigned kGroupBits = kChain ? kRegBits : 2 * kRegBits;

struct Transform {
  unsigned n = 0, b = 0;
  std::vector<unsigned> start, bits;  // the high groups: qubits [start, start + bits)
  unsigned ops() const { return 1 + unsigned(start.size()); }  // op 0: the low qubits; op k: group k − 1
};
template <typename FP>
Transform plan_transform(unsigned n) {
  unsigned block = 0;
  while ((std::size_t(2) << block) * 2 * sizeof(FP) <= kBlockBytes) ++block;  // 128 KiB: 13 in f64, 14 in f32
  Transform t;
  t.n = n;
  t.b = std::min(n, std::max(block, kLowBits));
  const unsigned high = n - t.b, groups = (high + kGroupBits - 1) / kGroupBits;
  for (unsigned k = 0, s = t.b; k < groups; ++k) {
    const unsigned g = (high - (s - t.b)) / (groups - k);  // balanced: 7 high qubits in groups of 4 go 4 + 3
    t.start.push_back(s);
    t.bits.push_back(g);
    s += g;
  }
  return t;
}

// One pass of transform op `op`: per unit, finish prev's op (if prev), call
// pre(i0, mm, y, acc) on each contiguous run [i0, i0 + mm) of the unit, with y
// = dst + 2·i0 (null without dst) and acc its chunk's accumulator, then apply
// the op to dst's unit (if dst). Accumulators go to partial[chunk] (summed by
// the caller in order).
template <typename FP, typename Pre>
void transform_pass(const Transform& T, unsigned op, FP* prev, FP* dst, const For& par, double* partial,
                    bool vec, Pre&& pre) {
  profile::Scope scope(profile::kWalshHadamard, std::uint64_t(1) << T.n, vec);
  constexpr unsigned a = vec_amp_bits<FP>();
  constexpr std::size_t L = lanes<FP>();
  const unsigned b = T.b, n = T.n;
  if (op == 0) {
    const std::size_t m = std::size_t(1) << b;
    const bool regs = b >= a + kRegBits;  // else the plain loops (tiny states)
    auto low = [&](FP* y) {
      if (regs) block_wht(y, b);
      else low_stages(y, b);
    };
    par.run_chunks(std::uint64_t(1) << (n - b), [&](std::uint64_t bb, std::uint64_t be, std::uint64_t c, unsigned) {
      double acc = 0;
      for (std::uint64_t blk = bb; blk < be; ++blk) {
        const std::uint64_t i0 = blk << b;
        if (prev) low(prev + 2 * i0);
        pre(i0, m, dst ? dst + 2 * i0 : nullptr, &acc);
        if (dst) low(dst + 2 * i0);
      }
      if (partial) partial[c] = acc;
    });
    return;
  }
  const unsigned g = T.bits[op - 1];
  const unsigned rs = T.start[op - 1] - a;  // row stride (log2, vectors)
  const std::uint64_t W = std::min<std::uint64_t>(kRowBytes / kVecBytes, std::uint64_t(1) << (b - a));
  const std::uint64_t cols = (std::uint64_t(1) << rs) / W;  // column groups per row span
  const std::uint64_t tiles = (std::uint64_t(1) << (n - a - g)) / W, rows = std::uint64_t(1) << g;
  auto high = [&](FP* base) {
    for (unsigned t = 0; t < g; t += kRegBits) {
      const unsigned k = std::min(kRegBits, g - t);
      if (k == 4) tile_pass<4>(base, rs, t, g, W);
      else if (k == 3) tile_pass<3>(base, rs, t, g, W);
      else if (k == 2) tile_pass<2>(base, rs, t, g, W);
      else tile_pass<1>(base, rs, t, g, W);
    }
  };
  par.run_chunks(tiles, [&](std::uint64_t tb, std::uint64_t te, std::uint64_t c, unsigned) {
    double acc = 0;
    for (std::uint64_t ti = tb; ti < te; ++ti) {
      const std::uint64_t v0 = ((ti / cols) << (rs + g)) + (ti % cols) * W;  // first vector of the tile
      if (prev) high(prev + L * v0);
      for (std::uint64_t r = 0; r < rows; ++r) {
        const std::uint64_t v = v0 + (r << rs);
        pre(v * L / 2, W * L / 2, dst ? dst + L * v : nullptr, &acc);
      }
      if (dst) high(dst + L * v0);
    }
    if (partial) partial[c] = acc;
  });
}

// The chain x_1 <- F pre_1, x_2 <- F pre_2(x_1), …, then post(x_last): step()
// leaves its transform's last op pending, to be done in the next step's (or
// finish()'s) first pass.
template <typename FP>
struct Chain {
  const Transform& T;
  const For& par;
  bool vec;
  FP* pending = nullptr;  // the transform whose last op is not yet applied
  bool low_first = true;  // its order: low op first (then groups 1..t), or the reverse
  unsigned op_at(bool lf, unsigned i) const { return lf ? i : T.ops() - 1 - i; }

  template <typename Pre>
  void step(FP* dst, double* partial, Pre&& pre) {
    // Without the chain nothing is left pending, so every transform runs
    // whole in its natural order: the elementwise step with the low op, then
    // the groups.
    const bool lf = pending ? !low_first : true;
    const unsigned keep = kChain ? 1 : 0;  // ops left for the next pass
    transform_pass(T, op_at(lf, 0), pending, dst, par, partial, vec, pre);
    for (unsigned i = 1; i + keep < T.ops(); ++i)
      transform_pass(T, op_at(lf, i), dst, static_cast<FP*>(nullptr), par, nullptr, vec,
                     [](std::uint64_t, std::size_t, FP*, double*) {});
    pending = keep && T.ops() > 1 ? dst : nullptr;  // a single op (no high qubits) is done
    low_first = lf;
  }
  template <typename Post>
  void finish(double* partial, Post&& post) {
    transform_pass(T, pending ? op_at(low_first, T.ops() - 1) : 0, pending, static_cast<FP*>(nullptr), par,
                   partial, vec, post);
    pending = nullptr;
  }
};

void check_cancel(const CancelToken* c) {
  if (c && c->cancelled.load(std::memory_order_relaxed)) throw Error(Error::Kind::Cancelled, "cancelled");
}

struct Ident {
  std::uint64_t operator()(std::uint64_t i) const { return i; }
};
template <typename T>
struct Lookup {
  const T* p;
  std::uint64_t operator()(std::uint64_t i) const { return p[i]; }
};

template <typename FP, typename Idx>
double sweep(const QaoaTables& t, Idx idx, FP* const* bufs, double* gc, double* gm, const For& par,
             const CancelToken* cancel) {
  const bool vec = QUENCH_QAOA_VECTOR;
  // With flip symmetry the sweep runs on the half z_{n-1} = 0 (see qaoa.h):
  // n qubits transformed, nf in the mixer's phases, sums doubled at the end.
  const unsigned nf = t.n, n = t.n - (t.flip_symmetric ? 1 : 0), p = t.p;
  const std::uint64_t N = std::uint64_t(1) << n;
  const Transform T = plan_transform<FP>(n);
  const unsigned b = T.b;
  const std::size_t m = std::size_t(1) << b;
  // φ_0 = e^{−iγ_0 C}|+⟩ is not kept: the cost table gives it where needed
  // (one state less to write and read back), and its slot holds the work state.
  FP* w = bufs[0];
  auto phi = [&](unsigned l) { return bufs[2 * l]; };   // state after cost layer l ≥ 1
  auto cwh = [&](unsigned l) { return bufs[2 * l + 1]; };  // F · phi(l)

  // Per-call tables: cost phases per distinct value, mixer phases by popcount.
  const std::size_t U = t.ncval;
  std::vector<FP> phase(2 * U * p);
  for (unsigned l = 0; l < p; ++l)
    for (std::size_t u = 0; u < U; ++u) {
      const double a = t.theta_c[l] * t.cval[u];
      phase[2 * l * U + u] = FP(std::cos(a));  // re and im apart, for the vector gathers
      phase[(2 * l + 1) * U + u] = FP(-std::sin(a));
    }
  // e^{-iθ(nf - 2 pc(k))}/N = hi(pc of block) · lo(pc of position in block, parity of block).
  // On the half, k' (n bits) stands for k = k' with the parity of k' as bit n,
  // so pc(k) = pc(k') + parity(k'): the extra 1 - 2·parity goes into the lo
  // tables, one per parity of the block's bits.
  auto zlo_of = [&](unsigned pb, std::size_t j) {
    const double extra = t.flip_symmetric ? 1.0 - 2.0 * double((pb ^ __builtin_popcountll(j)) & 1) : 0.0;
    return double(b) - 2.0 * __builtin_popcountll(j) + extra;
  };
  std::vector<FP> tlo(2 * 2 * m * p), thi(2 * (n - b + 1) * p), zlo(2 * m);
  for (unsigned pb = 0; pb < 2; ++pb)
    for (std::size_t j = 0; j < m; ++j) zlo[pb * m + j] = FP(zlo_of(pb, j));
  // zlo is an integer in [−b − 1, b + 1]: one cos/sin per value, not per
  // entry (2^b entries, which made the tables cost ~0.4 ms a call at 2^13).
  std::vector<FP> zc(2 * b + 3), zs(2 * b + 3);
  for (unsigned l = 0; l < p; ++l) {
    const double th = t.theta_m[l];
    for (unsigned k = 0; k < 2 * b + 3; ++k) {
      const double a = th * (double(k) - double(b) - 1.0);
      zc[k] = FP(std::cos(a));
      zs[k] = FP(-std::sin(a));
    }
    for (unsigned pb = 0; pb < 2; ++pb)
      for (std::size_t j = 0; j < m; ++j) {
        const unsigned k = unsigned(std::lround(zlo_of(pb, j) + double(b) + 1.0));
        tlo[2 * ((2 * l + pb) * m + j)] = zc[k];
        tlo[2 * ((2 * l + pb) * m + j) + 1] = zs[k];
      }
    for (unsigned k = 0; k <= n - b; ++k) {
      const double a = th * (double(n - b) - 2.0 * k);
      thi[2 * (l * (n - b + 1) + k)] = FP(std::cos(a) / double(N));
      thi[2 * (l * (n - b + 1) + k) + 1] = FP(-std::sin(a) / double(N));
    }
  }
  std::vector<double> partial(par.chunk_count(N));  // at least the chunks of any pass
  auto total = [&]() {  // a pass's sum, in chunk order; the slots cleared for the next
    double s = 0;
    for (double& v : partial) {
      s += v;
      v = 0;
    }
    return s;
  };
  Chain<FP> chain{T, par, vec};
  const FP u0 = FP(1.0 / std::sqrt(double(std::uint64_t(1) << nf)));

  // ---- forward ----
  for (unsigned l = 0; l < p; ++l) {
    check_cancel(cancel);
    const FP* ph = phase.data() + 2 * l * U;
    if (l == 0) {
      chain.step(cwh(0), nullptr, [&](std::uint64_t i0, std::size_t mm, FP* y, double*) {
        #pragma omp simd
        for (std::size_t j = 0; j < mm; ++j) {
          const std::uint64_t u = idx(i0 + j);
          y[2 * j] = ph[u] * u0;
          y[2 * j + 1] = ph[U + u] * u0;
        }
      });
    } else {
      FP* f = phi(l);
      chain.step(cwh(l), nullptr, [&](std::uint64_t i0, std::size_t mm, FP* y, double*) {
        const FP* s = w + 2 * i0;
        FP* fo = f + 2 * i0;
        #pragma omp simd
        for (std::size_t j = 0; j < mm; ++j) {
          const std::uint64_t u = idx(i0 + j);
          const FP er = ph[u], ei = ph[U + u];
          const FP sr = s[2 * j], si = s[2 * j + 1];
          const FP r = er * sr - ei * si, im = er * si + ei * sr;
          fo[2 * j] = r;
          fo[2 * j + 1] = im;
          y[2 * j] = r;
          y[2 * j + 1] = im;
        }
      });
    }
    const FP* hiT = thi.data() + 2 * l * (n - b + 1);
    const FP* c = cwh(l);
    chain.step(w, nullptr, [&](std::uint64_t i0, std::size_t mm, FP* y, double*) {
      const unsigned hb = __builtin_popcountll(i0 >> b);
      const FP* lo = tlo.data() + 2 * ((2 * l + (hb & 1)) * m + (i0 & (m - 1)));
      const FP* h = hiT + 2 * hb;
      const FP hr = h[0], hm = h[1];
      const FP* s = c + 2 * i0;
      #pragma omp simd
      for (std::size_t j = 0; j < mm; ++j) {
        const FP pr = lo[2 * j] * hr - lo[2 * j + 1] * hm, pi = lo[2 * j] * hm + lo[2 * j + 1] * hr;
        const FP sr = s[2 * j], si = s[2 * j + 1];
        y[2 * j] = pr * sr - pi * si;
        y[2 * j + 1] = pr * si + pi * sr;
      }
    });
  }

  // ---- energy, λ = O ψ, and the backward sweep ----
  double value = 0;
  for (unsigned l = p; l-- > 0;) {
    check_cancel(cancel);
    if (l == p - 1) {
      chain.step(w, partial.data(), [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
        double a = 0;
        #pragma omp simd reduction(+ : a)
        for (std::size_t j = 0; j < mm; ++j) {
          const FP o = FP(t.o_per_value ? t.oval[idx(i0 + j)] : t.oval[i0 + j]);
          const FP r = y[2 * j], im = y[2 * j + 1];
          a += double(o * (r * r + im * im));
          y[2 * j] = o * r;
          y[2 * j + 1] = o * im;
        }
        *acc += a;
      });
      value = total();
    } else {
      // γ-derivative of layer l+1 (w = μ_{l+1}), then λ_l = D_{l+1}^† μ_{l+1}
      const FP* ph = phase.data() + 2 * (l + 1) * U;
      const FP* f = phi(l + 1);
      chain.step(w, partial.data(), [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
        double a = 0;
        const FP* fo = f + 2 * i0;
        #pragma omp simd reduction(+ : a)
        for (std::size_t j = 0; j < mm; ++j) {
          const std::uint64_t u = idx(i0 + j);
          const FP er = ph[u], ei = ph[U + u];
          const FP mr = y[2 * j], mi = y[2 * j + 1];
          a += t.cval[u] * double(mr * fo[2 * j + 1] - mi * fo[2 * j]);
          y[2 * j] = er * mr + ei * mi;
          y[2 * j + 1] = er * mi - ei * mr;
        }
        *acc += a;
      });
      gc[l + 1] = 2.0 * total();
    }
    // w = F λ_l; β-derivative in the Hadamard basis, then μ_l = F (D_β^†/N) F λ_l
    const FP* hiT = thi.data() + 2 * l * (n - b + 1);
    const FP* c = cwh(l);
    chain.step(w, partial.data(), [&](std::uint64_t i0, std::size_t mm, FP* y, double* acc) {
      const std::uint64_t hb = __builtin_popcountll(i0 >> b);
      const FP* lo = tlo.data() + 2 * ((2 * l + (hb & 1)) * m + (i0 & (m - 1)));
      const FP* zl = zlo.data() + (hb & 1) * m + (i0 & (m - 1));
      const FP* h = hiT + 2 * hb;
      const FP hr = h[0], hm = h[1];
      const FP zh = FP(double(n - b) - 2.0 * double(hb));
      const FP* s = c + 2 * i0;
      double a = 0;
      #pragma omp simd reduction(+ : a)
      for (std::size_t j = 0; j < mm; ++j) {
        const FP pr = lo[2 * j] * hr - lo[2 * j + 1] * hm, pi = lo[2 * j] * hm + lo[2 * j + 1] * hr;
        const FP sr = s[2 * j], si = s[2 * j + 1];
        const FP qr = pr * sr - pi * si, qi = pr * si + pi * sr;
        const FP ar = y[2 * j], ai = y[2 * j + 1];
        a += double((zh + zl[j]) * (ar * qi - ai * qr));
        y[2 * j] = pr * ar + pi * ai;
        y[2 * j + 1] = pr * ai - pi * ar;
      }
      *acc += a;
    });
    gm[l] = 2.0 * total();
  }
  // γ-derivative of layer 0 (w = μ_0)
  {
    const FP* ph = phase.data();  // φ_0 = u0 · (cos, −sin)(γ_0 C)
    chain.finish(partial.data(), [&](std::uint64_t i0, std::size_t mm, FP*, double* acc) {
      double a = 0;
      const FP* x = w + 2 * i0;
      #pragma omp simd reduction(+ : a)
      for (std::size_t j = 0; j < mm; ++j) {
        const std::uint64_t u = idx(i0 + j);
        a += t.cval[u] * double(x[2 * j] * ph[U + u] - x[2 * j + 1] * ph[u]);
      }
      *acc += double(u0) * a;
    });
    gc[0] = 2.0 * total();
  }
  if (t.flip_symmetric) {  // every sum above ran over one half of two equal halves
    for (unsigned l = 0; l < p; ++l) {
      gc[l] *= 2;
      gm[l] *= 2;
    }
    value *= 2;
  }
  return value;
}

template <typename FP>
double dispatch(const QaoaTables& t, FP* const* bufs, double* gc, double* gm, const For& par,
                const CancelToken* cancel) {
  if (t.idx_bytes == 1)
    return sweep<FP>(t, Lookup<std::uint8_t>{static_cast<const std::uint8_t*>(t.idx)}, bufs, gc, gm, par, cancel);
  if (t.idx_bytes == 2)
    return sweep<FP>(t, Lookup<std::uint16_t>{static_cast<const std::uint16_t*>(t.idx)}, bufs, gc, gm, par, cancel);
  return sweep<FP>(t, Ident{}, bufs, gc, gm, par, cancel);
}

}  // namespace

double qaoa_sweep(const QaoaTables& t, double* const* bufs, double* gc, double* gm, const For& par,
                  const CancelToken* cancel) {
  return dispatch<double>(t, bufs, gc, gm, par, cancel);
}
double qaoa_sweep(const QaoaTables& t, float* const* bufs, double* gc, double* gm, const For& par,
                  const CancelToken* cancel) {
  return dispatch<float>(t, bufs, gc, gm, par, cancel);
}

}  // namespace QUENCH_QAOA_NS
}  // namespace quench
