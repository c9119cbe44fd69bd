// Greedy gate fusion and block multiplication (see fuser.h).
#include "quench/fuser.h"

#include <algorithm>

#include <cmath>

#include "quench/bits.h"
#include "quench/kernels.h"
#include "quench/structure.h"

namespace quench {

namespace {
constexpr unsigned kTraitsMaxDiagonalQubits = 12;
}

GateTraits gate_traits(const Gate& g) {
  GateTraits t;
  t.controls = mask_of(g.controls.data(), static_cast<unsigned>(g.controls.size()));
  const unsigned k = static_cast<unsigned>(g.qubits.size());
  if (g.slot >= 0 && !g.diagonal) return t;  // dense
  if (g.diagonal && k > kTraitsMaxDiagonalQubits) {
    // A diagonal over many qubits (a cost layer over all of them): costed as
    // an uncontrolled diagonal, without analysing its 2^k entries (at 20
    // qubits that analysis took longer than the rest of the compilation).
    t.kind = GateTraits::kDiagonal;
    return t;
  }
  std::vector<double> bound;
  const double* m = g.matrix.data();
  if (g.slot >= 0) {  // diagonal at a generic angle: entry j is 1 exactly where λ_j = 0
    bound.resize(2 * g.generator.size());
    for (std::size_t j = 0; j < g.generator.size(); ++j) {
      bound[2 * j] = std::cos(g.generator[j]);
      bound[2 * j + 1] = -std::sin(g.generator[j]);
    }
    m = bound.data();
  }
  Structured<double> st;
  find_structure<double>(g.qubits.data(), k, g.controls.data(), static_cast<unsigned>(g.controls.size()),
                         g.diagonal, m, st);
  t.controls = mask_of(st.controls, st.c);
  t.kind = st.form == Form::identity      ? GateTraits::kIdentity
           : st.form == Form::permutation ? GateTraits::kPermutation
           : st.form == Form::dense       ? GateTraits::kDense
                                          : GateTraits::kDiagonal;
  return t;
}

// The cost model, in units of one 1-qubit dense gate inside a cache-tiled
// run. Measured (process CPU time per gate, 22 qubits, f64, 1 thread, AVX2;
// Xeon, shared machine): runs of 60 gates on qubits 0-9 (tiled by
// execute_ops) and lone gates (bench/structured_gates.cjs).
//
// Most small operations run in cache tiles (execute_ops: all their qubits
// below the tile bits, or all in one group above), where one sweep of memory
// serves the whole run and an operation costs its compute: a dense k-qubit
// one about 2^(k-1) units (1, 1.9, 4.1, then 8, 17, 35: lone H^(x)k gates at
// 3-5 qubits cost the same tiled or not), a structured one (a permutation or
// a diagonal, phases included) 0.3 + 0.6 x the fraction of the state its
// controls leave (CZ 0.47, CNOT 0.55, CRZ 0.6, RZ 0.9 measured). An
// operation spanning both (cx(2, 20)) sweeps memory on its own: at least
// kPassCost times the fraction of the lines it touches.
constexpr double kDenseCompute[7] = {0, 1.0, 1.9, 4.1, 8.0, 17.0, 35.0};
constexpr double kStructuredBase = 0.3, kStructuredPerFraction = 0.6;
// kPassCost (fuser.h): a lone 1-qubit gate out of the tiles, 8.7 ms vs 3.4 tiled.
// Qubits below this vary inside the 128 bytes (two 64-byte lines, which the
// adjacent-line prefetcher fetches together) of 8 complex doubles: a control
// there saves no memory traffic.
constexpr unsigned kLineQubits = 3;
// The tiles (reductions.h: Tiles<double>): qubits below are "low".
constexpr unsigned kTileQubits = 13, kTileMaxHigh = 7;

double op_cost(GateTraits::Kind kind, std::uint64_t controls, std::uint64_t mask) {
  if (kind == GateTraits::kIdentity) return 0;
  double compute;
  if (kind == GateTraits::kDense) {
    const int k = __builtin_popcountll(mask & ~controls);
    compute = kDenseCompute[k < 1 ? 1 : k > 6 ? 6 : k];
  } else {
    compute = kStructuredBase + kStructuredPerFraction * std::ldexp(1.0, -__builtin_popcountll(controls));
  }
  const std::uint64_t low = mask & ((std::uint64_t(1) << kTileQubits) - 1);
  const bool tiled = low == mask || (low == 0 && __builtin_popcountll(mask) <= int(kTileMaxHigh));
  if (tiled) return compute;
  const double lines = std::ldexp(1.0, -__builtin_popcountll(controls >> kLineQubits));
  return std::max(kPassCost * lines, compute);
}

std::vector<unsigned> mask_qubits(std::uint64_t m) {
  std::vector<unsigned> r;
  for (unsigned q = 0; q < 64; ++q)
    if ((m >> q) & 1u) r.push_back(q);
  return r;
}

namespace {
std::uint64_t gate_mask(const Gate& g) {
  std::uint64_t m = 0;
  for (unsigned q : g.qubits) m |= bit(q);
  for (unsigned q : g.controls) m |= bit(q);
  return m;
}
struct OpenBlock {
  std::uint64_t mask = 0;
  std::vector<std::size_t> members;
  bool diagonal = true;
  bool open = false;
  // What the product of the members is, for the cost estimate: the kind
  // (dense as soon as kinds mix) and the qubits that are controls of every member.
  GateTraits::Kind kind = GateTraits::kIdentity;
  std::uint64_t controls = ~std::uint64_t(0);
  double cost() const { return op_cost(kind, controls & mask, mask); }
};
GateTraits::Kind combine(GateTraits::Kind a, GateTraits::Kind b) {
  if (a == GateTraits::kIdentity) return b;
  if (b == GateTraits::kIdentity || a == b) return a;
  return GateTraits::kDense;  // a permutation times phases, or anything times dense
}
// Frees a vector's storage (clear() keeps the capacity).
template <typename T>
void release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}
}  // namespace

namespace {
// One greedy plan; with traits, cost-aware merges where a cheap gate or block is involved.
std::vector<FusedBlock> plan(const std::vector<Gate>& gates, unsigned max_fused,
                             const std::vector<GateTraits>* traits) {
  std::vector<FusedBlock> out;
  auto emit_gate = [&](std::size_t i) {
    FusedBlock b;
    b.qubits = mask_qubits(gate_mask(gates[i]));
    b.members = {i};
    b.diagonal = gates[i].diagonal;
    out.push_back(std::move(b));
  };
  if (max_fused <= 1) {
    out.reserve(gates.size());
    for (std::size_t i = 0; i < gates.size(); ++i) emit_gate(i);
    return out;
  }
  // Open blocks are pairwise disjoint (so they commute) and at most 64 are
  // open at once; their slots are recycled. A gate merges the blocks it
  // touches into the one with the most members, in place (small into large:
  // each member is copied O(log n) times in all, and a long run of gates on
  // the same qubits appends to one vector), so fusion is O(n log n) time and
  // O(n) memory in the gate count.
  std::vector<OpenBlock> blocks;
  std::vector<int> free_slots;
  int owner[64];
  std::fill(owner, owner + 64, -1);
  auto close = [&](int id) {
    OpenBlock& b = blocks[id];
    for (unsigned q = 0; q < 64; ++q)
      if ((b.mask >> q) & 1u) owner[q] = -1;
    FusedBlock f;
    f.qubits = mask_qubits(b.mask);
    f.members = std::move(b.members);
    f.diagonal = b.diagonal;
    out.push_back(std::move(f));
    release(b.members);
    b.open = false;
    free_slots.push_back(id);
  };
  const bool cost_aware = traits != nullptr;
  std::vector<int> owners;
  for (std::size_t i = 0; i < gates.size(); ++i) {
    const Gate& g = gates[i];
    const GateTraits gt = cost_aware ? (*traits)[i] : GateTraits{};
    const std::uint64_t S = gate_mask(g);
    owners.clear();
    for (unsigned q = 0; q < 64; ++q)
      if (((S >> q) & 1u) && owner[q] >= 0 &&
          std::find(owners.begin(), owners.end(), owner[q]) == owners.end())
        owners.push_back(owner[q]);
    if (static_cast<unsigned>(__builtin_popcountll(S)) > max_fused) {
      for (int id : owners) close(id);
      emit_gate(i);
      continue;
    }
    for (;;) {
      std::uint64_t U = S;
      for (int id : owners) U |= blocks[id].mask;
      if (static_cast<unsigned>(__builtin_popcountll(U)) <= max_fused) break;
      // close the widest owner block
      auto it = std::max_element(owners.begin(), owners.end(), [&](int a, int b) {
        return __builtin_popcountll(blocks[a].mask) < __builtin_popcountll(blocks[b].mask);
      });
      close(*it);
      owners.erase(it);
    }
    // Cost-aware merge where a structured gate or block (not dense) is
    // involved: a CNOT merged with one RY makes a 2-qubit dense block, a CZ
    // merged into a 3-qubit dense block a 4-qubit one — each dearer than the
    // parts apart.
    if (cost_aware && !owners.empty()) {
      bool structured = gt.kind != GateTraits::kDense;
      double apart = op_cost(gt.kind, gt.controls, S);
      GateTraits::Kind kind = gt.kind;
      std::uint64_t U = S, ctl = gt.controls;
      for (int id : owners) {
        const OpenBlock& b = blocks[id];
        structured = structured || b.kind != GateTraits::kDense;
        apart += b.cost();
        kind = combine(kind, b.kind);
        U |= b.mask;
        ctl &= b.controls;
      }
      if (structured && op_cost(kind, ctl & U, U) > apart * (1 + 1e-9)) {
        for (int id : owners) close(id);
        owners.clear();
      }
    }
    int target;
    if (owners.empty()) {
      if (!free_slots.empty()) {
        target = free_slots.back();
        free_slots.pop_back();
      } else {
        target = static_cast<int>(blocks.size());
        blocks.emplace_back();
      }
      OpenBlock& nb = blocks[target];
      nb.mask = 0;
      nb.diagonal = true;
      nb.open = true;
      nb.kind = GateTraits::kIdentity;
      nb.controls = ~std::uint64_t(0);
    } else {
      // The owner with the most members absorbs the others (their members
      // commute with its own: disjoint qubits; each keeps its own order).
      target = *std::max_element(owners.begin(), owners.end(), [&](int a, int b) {
        return blocks[a].members.size() < blocks[b].members.size();
      });
      OpenBlock& t = blocks[target];
      for (int id : owners) {
        if (id == target) continue;
        OpenBlock& b = blocks[id];
        t.mask |= b.mask;
        t.diagonal = t.diagonal && b.diagonal;
        t.kind = combine(t.kind, b.kind);
        t.controls &= b.controls;
        t.members.insert(t.members.end(), b.members.begin(), b.members.end());
        release(b.members);
        b.open = false;
        free_slots.push_back(id);
      }
    }
    OpenBlock& t = blocks[target];
    t.mask |= S;
    t.diagonal = t.diagonal && g.diagonal;
    t.kind = combine(t.kind, gt.kind);
    t.controls &= gt.controls;
    t.members.push_back(i);
    for (unsigned q = 0; q < 64; ++q)
      if ((t.mask >> q) & 1u) owner[q] = target;
  }
  // Close what is still open (they commute) in a fixed order: by first member.
  std::vector<int> open;
  for (std::size_t id = 0; id < blocks.size(); ++id)
    if (blocks[id].open) open.push_back(static_cast<int>(id));
  std::sort(open.begin(), open.end(), [&](int a, int b) {
    return blocks[a].members.front() < blocks[b].members.front();
  });
  for (int id : open) close(id);
  return out;
}
}  // namespace

// What every operation costs beyond its work (a kernel call, binding): a
// tie-breaker for fewer operations.
constexpr double kPassOverhead = 0.01;

double plan_cost(const std::vector<FusedBlock>& blocks, const std::vector<Gate>& gates,
                 const std::vector<GateTraits>& traits) {
  double total = 0;
  for (const FusedBlock& b : blocks) {
    std::uint64_t mask = 0, controls = ~std::uint64_t(0);
    GateTraits::Kind kind = GateTraits::kIdentity;
    for (std::size_t m : b.members) {
      mask |= gate_mask(gates[m]);
      controls &= traits[m].controls;
      kind = combine(kind, traits[m].kind);
    }
    total += kPassOverhead + op_cost(kind, controls & mask, mask);
  }
  return total;
}

std::vector<FusedBlock> fuse(const std::vector<Gate>& gates, unsigned max_fused,
                             unsigned num_qubits, const std::vector<GateTraits>* traits) {
  if (max_fused <= 1 || num_qubits < kCostAwareFusionMinQubits) return plan(gates, max_fused, nullptr);
  std::vector<GateTraits> own_traits;
  if (!traits) {
    own_traits.reserve(gates.size());
    for (const Gate& g : gates) own_traits.push_back(gate_traits(g));
    traits = &own_traits;
  }
  // A refused merge closes blocks that later gates could have joined, which
  // one step cannot see: of the greedy plan and the cost-aware one, the one
  // estimated cheaper wins (the greedy one on a tie), so adding the cost
  // model never makes a plan dearer by its own estimate.
  std::vector<FusedBlock> greedy = plan(gates, max_fused, nullptr);
  std::vector<FusedBlock> aware = plan(gates, max_fused, traits);
  return plan_cost(aware, gates, *traits) < plan_cost(greedy, gates, *traits) ? aware : greedy;
}

void block_matrix(const std::vector<Gate>& gates, const FusedBlock& block,
                  const std::vector<const double*>& mats, std::vector<double>& out) {
  block_matrix(gates, block.qubits, block.members, block.diagonal, mats, out);
}

void block_matrix(const std::vector<Gate>& gates, const std::vector<unsigned>& qubits,
                  const std::vector<std::size_t>& members, bool diagonal,
                  const std::vector<const double*>& mats, std::vector<double>& out) {
  const unsigned K = static_cast<unsigned>(qubits.size());
  const std::size_t D = std::size_t(1) << K;
  const KernelTable<double>& kt = scalar_kernels_f64();
  const For serial(1);
  auto positions = [&](const std::vector<unsigned>& qs, unsigned* pos) {
    for (std::size_t j = 0; j < qs.size(); ++j)
      pos[j] = static_cast<unsigned>(
          std::lower_bound(qubits.begin(), qubits.end(), qs[j]) - qubits.begin());
  };
  unsigned tp[64], cp[64];
  if (diagonal) {
    // The product of diagonals = the diagonals applied to the all-ones vector.
    out.assign(2 * D, 0.0);
    for (std::size_t j = 0; j < D; ++j) out[2 * j] = 1.0;
    for (std::size_t m = 0; m < members.size(); ++m) {
      const Gate& g = gates[members[m]];
      positions(g.qubits, tp);
      positions(g.controls, cp);
      kt.diagonal(out.data(), K, tp, static_cast<unsigned>(g.qubits.size()), cp,
                  static_cast<unsigned>(g.controls.size()), mats[m], serial);
    }
    return;
  }
  // Dense: apply every member to each column (column-major), then transpose.
  std::vector<double> cols(2 * D * D, 0.0);
  for (std::size_t c = 0; c < D; ++c) cols[2 * (c * D + c)] = 1.0;
  for (std::size_t m = 0; m < members.size(); ++m) {
    const Gate& g = gates[members[m]];
    positions(g.qubits, tp);
    positions(g.controls, cp);
    const unsigned k = static_cast<unsigned>(g.qubits.size());
    const unsigned c = static_cast<unsigned>(g.controls.size());
    // The columns side by side form a 2K-qubit vector (column index in the
    // high K bits): one kernel call applies the member to every column.
    if (g.diagonal) kt.diagonal(cols.data(), 2 * K, tp, k, cp, c, mats[m], serial);
    else kt.dense(cols.data(), 2 * K, tp, k, cp, c, mats[m], serial);
  }
  out.resize(2 * D * D);
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t c = 0; c < D; ++c) {
      out[2 * (r * D + c)] = cols[2 * (c * D + r)];
      out[2 * (r * D + c) + 1] = cols[2 * (c * D + r) + 1];
    }
}

}  // namespace quench
