// Greedy gate fusion for the lowered circuit (the idea of native/src/fuser.cc,
// in TypeScript): consecutive gates are merged into blocks of at most
// `maxFused` qubits (targets and controls), so the state is read and written
// once per block instead of once per gate. Block matrices are multiplied on
// the host in f64 when parameters are bound.
import { boundMatrix, isParameterised, type LoweredGate } from '../circuit/lowered';
import { applyMatrix } from '../backend/reference';

export interface FusedBlock {
  /** Sorted qubits of the block (targets and controls of every member). */
  qubits: number[];
  /** Indices into the gate list, in application order. */
  members: number[];
  diagonal: boolean;
  /** Some member has a parameter slot: the block's matrix depends on the parameters. */
  parameterised: boolean;
}

const gateQubits = (g: LoweredGate) => [...g.qubits, ...g.controls];

/**
 * Blocks in application order. `barrier(g)` gates are never merged with
 * others (the adjoint pass differentiates them one by one).
 */
export function fuseGates(gates: LoweredGate[], maxFused: number, barrier: (g: LoweredGate) => boolean = () => false): FusedBlock[] {
  const single = (i: number): FusedBlock => ({
    qubits: gateQubits(gates[i]).sort((a, b) => a - b), members: [i], diagonal: gates[i].diagonal, parameterised: isParameterised(gates[i]),
  });
  if (maxFused <= 1) return gates.map((_, i) => single(i));
  interface Open { qubits: Set<number>; members: number[]; diagonal: boolean; open: boolean }
  // Blocks are output when they close: a later gate on an open block's qubit
  // either merges into it or closes it first, so every block that is output
  // before an earlier-opened one acts on other qubits and commutes with it.
  const out: FusedBlock[] = [];
  const blocks: Open[] = [];
  const owner = new Map<number, number>();
  const close = (id: number) => {
    const b = blocks[id];
    if (!b.open) return;
    b.open = false;
    for (const q of b.qubits) owner.delete(q);
    out.push({ qubits: [...b.qubits].sort((x, y) => x - y), members: b.members, diagonal: b.diagonal, parameterised: b.members.some((m) => isParameterised(gates[m])) });
  };
  const emit = (i: number) => out.push(single(i));
  gates.forEach((g, i) => {
    const S = gateQubits(g);
    const owners = [...new Set(S.map((q) => owner.get(q)).filter((o): o is number => o !== undefined))];
    if (S.length > maxFused || barrier(g)) {
      for (const id of owners) close(id);
      emit(i);
      return;
    }
    for (;;) {
      const U = new Set(S);
      for (const id of owners) for (const q of blocks[id].qubits) U.add(q);
      if (U.size <= maxFused) break;
      // close the widest owner block
      let w = 0;
      for (let j = 1; j < owners.length; j++) if (blocks[owners[j]].qubits.size > blocks[owners[w]].qubits.size) w = j;
      close(owners[w]);
      owners.splice(w, 1);
    }
    owners.sort((a, b) => a - b);
    const nb: Open = { qubits: new Set(S), members: [], diagonal: g.diagonal, open: true };
    for (const id of owners) {
      const b = blocks[id];
      for (const q of b.qubits) nb.qubits.add(q);
      nb.diagonal &&= b.diagonal;
      nb.members.push(...b.members);
      b.members = [];
      b.open = false;
    }
    nb.members.push(i);
    blocks.push(nb);
    for (const q of nb.qubits) owner.set(q, blocks.length - 1);
  });
  blocks.forEach((b, id) => b.open && close(id));
  return out;
}


/**
 * The block's matrix for bound parameters, f64: a diagonal (2·2^K numbers)
 * when every member is diagonal, else dense row-major (2·4^K), over block.qubits.
 */
export function blockMatrix(gates: LoweredGate[], block: FusedBlock, params: ArrayLike<number>): Float64Array {
  const K = block.qubits.length, D = 1 << K;
  const pos = (qs: number[]) => qs.map((q) => block.qubits.indexOf(q));
  if (block.diagonal) {
    // The product of diagonals = the diagonals applied to the all-ones vector.
    const out = new Float64Array(2 * D);
    for (let j = 0; j < D; j++) out[2 * j] = 1;
    for (const i of block.members) {
      const g = gates[i];
      applyMatrix(out, K, pos(g.qubits), pos(g.controls), boundMatrix(g, params), true);
    }
    return out;
  }
  // Columns side by side form a 2K-qubit vector (column index in the high K
  // bits): applying a member to it applies it to every column.
  const cols = new Float64Array(2 * D * D);
  for (let c = 0; c < D; c++) cols[2 * (c * D + c)] = 1;
  for (const i of block.members) {
    const g = gates[i];
    applyMatrix(cols, 2 * K, pos(g.qubits), pos(g.controls), boundMatrix(g, params), g.diagonal);
  }
  const out = new Float64Array(2 * D * D);
  for (let r = 0; r < D; r++)
    for (let c = 0; c < D; c++) {
      out[2 * (r * D + c)] = cols[2 * (c * D + r)];
      out[2 * (r * D + c) + 1] = cols[2 * (c * D + r) + 1];
    }
  return out;
}
