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

// max_fused <= 1: one block per gate.
std::vector<FusedBlock> fuse(const std::vector<Gate>& gates, unsigned max_fused);

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
