// fuser.h — greedy gate fusion. Consecutive gates merge into blocks of at
// most max_fused qubits (targets and controls). Open blocks are pairwise
// disjoint, so they commute; a gate joins (and merges) the open blocks that
// own its qubits when the union fits, otherwise the largest of those blocks
// are closed (emitted) first. A gate wider than max_fused (e.g. a gate with
// many controls, a large diagonal) is emitted alone, unchanged. Merging is in
// place, small into large: O(n log n) time and O(n) memory in the gate count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quench/engine.h"

namespace quench {

struct FusedBlock {
  std::vector<unsigned> qubits;      // ascending: every target and control of the members
  std::vector<std::size_t> members;  // source gate indices, in application order
  bool diagonal = true;              // all members diagonal
};

// How the fuser sees a gate (structure.h reads the same off the bound
// matrices at run time): dense, diagonal (phases included), a permutation,
// or nothing; and the qubits that only act as controls — declared ones,
// and targets whose |0> half the gate leaves alone (the first qubit of a CZ).
struct GateTraits {
  enum Kind : std::uint8_t { kDense, kDiagonal, kPermutation, kIdentity };
  Kind kind = kDense;
  std::uint64_t controls = 0;
};
// From the gate's matrix, or for a parameterised gate its generator (a
// diagonal at a generic angle; a dense one is taken as dense).
GateTraits gate_traits(const Gate& g);
// Estimated time of applying one operation of these traits on `mask` (its
// targets and controls), in units of a 1-qubit dense gate in a cache-tiled
// run: inside the tiles an operation costs its compute (a dense k-qubit one
// ~2^(k-1), a permutation or phase well under 1, less the fewer amplitudes
// its controls leave); one spanning low and high qubits also sweeps memory
// on its own (fuser.cc: the measured constants).
double op_cost(GateTraits::Kind kind, std::uint64_t controls, std::uint64_t mask);
// In the same units: one pass over the state by an operation that cannot run
// in the cache tiles (a lone 1-qubit gate out of them, measured).
constexpr double kPassCost = 2.5;

// Below this many qubits a pass costs little more than its fixed overhead
// (one pass of 16K amplitudes fits a tile): fewer passes win, fuse greedily.
constexpr unsigned kCostAwareFusionMinQubits = 14;

// max_fused <= 1: one block per gate. For a state of num_qubits >=
// kCostAwareFusionMinQubits (0: unknown, greedy only), fusion is also
// planned cost-aware where a structured gate is involved: a gate that is
// cheap on its own (a CZ, a CNOT, a phase), or an open block that is,
// merges only when the merged block is estimated no dearer than applying
// them apart (a CNOT joining one RY makes a 2-qubit dense block, dearer than
// the two); otherwise the blocks it touches are closed and it
// starts a block of its own (merges among dense and diagonal gates follow
// the greedy rule above, unchanged). Of that plan and the greedy one, the
// one plan_cost() estimates cheaper is returned (the greedy one on a tie).
// `traits`: one per gate (computed from the gates when null; required when
// the gates carry no matrices).
std::vector<FusedBlock> fuse(const std::vector<Gate>& gates, unsigned max_fused,
                             unsigned num_qubits = 0,
                             const std::vector<GateTraits>* traits = nullptr);
// The qubits whose bits are set in m, ascending.
std::vector<unsigned> mask_qubits(std::uint64_t m);

// Estimated time of a plan in passes over the state (op_cost per block,
// from its members' traits, plus a small overhead per pass).
double plan_cost(const std::vector<FusedBlock>& blocks, const std::vector<Gate>& gates,
                 const std::vector<GateTraits>& traits);

// Multiplies out a block: `mats[i]` is the bound matrix of members[i] (dense
// 2*4^k or diagonal 2*2^k doubles over that gate's qubits). Writes a dense
// (2*4^K) or, for a diagonal block, diagonal (2*2^K) matrix over block.qubits.
// Controlled members are expanded over controls + targets.
void block_matrix(const std::vector<Gate>& gates, const FusedBlock& block,
                  const std::vector<const double*>& mats, std::vector<double>& out);
// The same over a block given by its parts (no copy of the member list).
// Time is linear in the number of members (one kernel call over a 2K-qubit
// vector each), memory O(4^K).
void block_matrix(const std::vector<Gate>& gates, const std::vector<unsigned>& qubits,
                  const std::vector<std::size_t>& members, bool diagonal,
                  const std::vector<const double*>& mats, std::vector<double>& out);

}  // namespace quench
