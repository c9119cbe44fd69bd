// Dynamic-circuit cases for the conformance suite: seeded random OpenQASM
// programs with mid-circuit measurements, resets and `if`, and an
// independent oracle — a density-matrix simulation of the classical-quantum
// state (one density matrix per classical configuration) — that shares no
// code with the branch walk it checks.
import { applyMatrix } from '../../src-shared/backend/reference';
import { lower } from '../../src-shared/circuit/lower';
import { boundMatrix } from '../../src-shared/circuit/lowered';
import { parseQasm, type QasmProgram } from '../../src-shared/qasm';
import type { PauliSum } from '../../src-shared/observable/pauli';
import { Rng } from '../../src-shared/random';
import { randomObservable } from './cases';

const ONE_QUBIT = ['h', 'x', 'y', 'z', 's', 't', 'sx'] as const;
const ROTATIONS = ['rx', 'ry', 'rz'] as const;

/**
 * A random program on n qubits: a body of gates, mid-circuit measurements
 * into `m`, resets and `if (m == v)` / `if (c == 0)` operations, then every
 * qubit measured into `c`.
 */
export function randomDynamicQasm(n: number, length: number, rng: Rng): string {
  const mBits = 1 + rng.int(2);
  const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', `qreg q[${n}];`, `creg c[${n}];`, `creg m[${mBits}];`];
  const gate = (): string => {
    const r = rng.next();
    if (n >= 2 && r < 0.3) {
      const [a, b] = rng.distinct(2, n);
      return `${['cx', 'cz', 'swap'][rng.int(3)]} q[${a}], q[${b}];`;
    }
    const q = rng.int(n);
    if (r < 0.6) return `${ROTATIONS[rng.int(3)]}(${(rng.next() * 6 - 3).toFixed(6)}) q[${q}];`;
    return `${ONE_QUBIT[rng.int(ONE_QUBIT.length)]} q[${q}];`;
  };
  // Start away from |0…0⟩ so measurements branch.
  for (let q = 0; q < n; q++) lines.push(`ry(${(rng.next() * 3).toFixed(6)}) q[${q}];`);
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    if (r < 0.15) lines.push(`measure q[${rng.int(n)}] -> m[${rng.int(mBits)}];`);
    else if (r < 0.25) lines.push(`reset q[${rng.int(n)}];`);
    else if (r < 0.4) {
      const cond = rng.next() < 0.85 ? `m == ${rng.int(2 ** mBits)}` : 'c == 0';
      const what = rng.next();
      const op = what < 0.8 ? gate() : what < 0.9 ? `reset q[${rng.int(n)}];` : `measure q[${rng.int(n)}] -> m[${rng.int(mBits)}];`;
      lines.push(`if (${cond}) ${op}`);
    } else lines.push(gate());
  }
  lines.push('measure q -> c;');
  return lines.join('\n') + '\n';
}

export interface DynamicCase {
  qasm: string;
  program: QasmProgram;
  observables: PauliSum[];
  probabilities: Float64Array;
  expectations: number[];
  /** Exact distribution of the classical registers, keyed as Qiskit prints them. */
  outcomes: Record<string, number>;
}

export function dynamicCases(sizes: number[], perSize: number, seed = 20261203): DynamicCase[] {
  const rng = new Rng(seed);
  const out: DynamicCase[] = [];
  for (const n of sizes)
    for (let k = 0; k < perSize; k++) {
      const qasm = randomDynamicQasm(n, 6 + 3 * n, rng);
      const program = parseQasm(qasm, `random-${n}-${k}.qasm`);
      const observables = [randomObservable(n, rng), randomObservable(n, rng, 1)];
      out.push({ qasm, program, observables, ...densityOracle(program, observables) });
    }
  return out;
}

// ---- the oracle ----------------------------------------------------------------------------

/** ρ as a 2n-qubit vector: index = row + (column << n), interleaved complex. */
type Rho = Float64Array;

function conjugated(m: Float64Array): Float64Array {
  const c = m.slice();
  for (let i = 1; i < c.length; i += 2) c[i] = -c[i];
  return c;
}

/** ρ → UρU†: U on the row qubits, conj(U) on the column qubits. */
function evolve(rho: Rho, n: number, qubits: number[], controls: number[], m: Float64Array, diagonal: boolean): void {
  applyMatrix(rho, 2 * n, qubits, controls, m, diagonal);
  applyMatrix(rho, 2 * n, qubits.map((q) => q + n), controls.map((q) => q + n), conjugated(m), diagonal);
}

/** PρP with P = |o⟩⟨o| on `qubit`. */
function project(rho: Rho, n: number, qubit: number, o: number): Rho {
  const out = rho.slice();
  for (let i = 0; i < out.length / 2; i++) {
    const row = i & ((1 << n) - 1), col = i >> n;
    if (((row >> qubit) & 1) !== o || ((col >> qubit) & 1) !== o) out[2 * i] = out[2 * i + 1] = 0;
  }
  return out;
}

const X = new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]);

/** The classical-quantum state after every instruction but the terminal `measure q -> c` block. */
export function densityOracle(program: QasmProgram, observables: PauliSum[]): Omit<DynamicCase, 'qasm' | 'program' | 'observables'> {
  const n = program.circuit.numQubits, nc = program.numClbits;
  const dim = 1 << n;
  // Classical configuration (bits as a string, clbit 0 first) → unnormalised ρ.
  let states = new Map<string, Rho>();
  const rho0 = new Float64Array(2 * dim * dim);
  rho0[0] = 1;
  states.set('0'.repeat(nc), rho0);
  const add = (into: Map<string, Rho>, key: string, rho: Rho) => {
    const have = into.get(key);
    if (!have) into.set(key, rho);
    else for (let i = 0; i < rho.length; i++) have[i] += rho[i];
  };
  const holds = (key: string, ins: QasmProgram['instructions'][number]) => {
    const c = ins.condition;
    if (!c) return true;
    let v = 0n;
    for (let b = c.register.size - 1; b >= 0; b--) v = (v << 1n) | BigInt(key[c.register.offset + b] === '1' ? 1 : 0);
    return v === c.value;
  };
  // The final `measure q -> c` block is read from the final state, not applied.
  const body = program.instructions.slice(0, program.instructions.length - n);
  for (const ins of body) {
    const next = new Map<string, Rho>();
    for (const [key, rho] of states) {
      if (!holds(key, ins)) {
        add(next, key, rho);
        continue;
      }
      if (ins.kind === 'gate') {
        const g = lower({ numQubits: n, numParams: 0, ops: [ins.op] }).gates[0];
        const r = rho.slice();
        evolve(r, n, g.qubits, g.controls, boundMatrix(g, []), g.diagonal);
        add(next, key, r);
      } else if (ins.kind === 'measure') {
        for (const o of [0, 1]) {
          const k = key.slice(0, ins.clbit) + o + key.slice(ins.clbit + 1);
          add(next, k, project(rho, n, ins.qubit, o));
        }
      } else {
        const r1 = project(rho, n, ins.qubit, 1);
        evolve(r1, n, [ins.qubit], [], X, false);
        const r = project(rho, n, ins.qubit, 0);
        for (let i = 0; i < r.length; i++) r[i] += r1[i];
        add(next, key, r);
      }
    }
    states = next;
  }
  const probabilities = new Float64Array(dim);
  const total = new Float64Array(2 * dim * dim);
  const outcomes: Record<string, number> = {};
  const finals = program.instructions.slice(program.instructions.length - n) as { qubit: number; clbit: number }[];
  for (const [key, rho] of states) {
    for (let i = 0; i < rho.length; i++) total[i] += rho[i];
    for (let r = 0; r < dim; r++) {
      const p = rho[2 * (r + (r << n))];
      if (p <= 0) continue;
      probabilities[r] += p;
      const bits = key.split('');
      for (const f of finals) bits[f.clbit] = ((r >> f.qubit) & 1) ? '1' : '0';
      // Qiskit's key: registers in reverse declaration order, bit 0 rightmost.
      const regs = program.classicalRegisters.slice().reverse().map((reg) => bits.slice(reg.offset, reg.offset + reg.size).reverse().join(''));
      const k = regs.join(' ');
      outcomes[k] = (outcomes[k] ?? 0) + p;
    }
  }
  const expectations = observables.map((o) => traceWith(total, n, o));
  return { probabilities, expectations, outcomes };
}

/** Tr(Oρ) for a Pauli sum: Σ_ij ⟨j|P|i⟩ ρ_ij. */
function traceWith(rho: Rho, n: number, o: PauliSum): number {
  let sum = 0;
  for (const term of o.terms)
    for (let i = 0; i < 1 << n; i++) {
      // P|i⟩ = phase · |j⟩
      let j = i, pr = 1, pi = 0;
      for (const { qubit, op } of term.paulis) {
        const bit = (i >> qubit) & 1;
        if (op !== 'Z') j ^= 1 << qubit;
        let fr = 1, fi = 0;
        if (op === 'Z') fr = bit ? -1 : 1;
        else if (op === 'Y') { fr = 0; fi = bit ? -1 : 1; }
        [pr, pi] = [pr * fr - pi * fi, pr * fi + pi * fr];
      }
      // Tr(Pρ) = Σ_i ⟨i|Pρ|i⟩ = Σ_i Σ_k P_ik ρ_ki, P_ji = phase: contributes phase · ρ_ij
      const idx = 2 * (i + (j << n));
      sum += term.coeff * (pr * rho[idx] - pi * rho[idx + 1]);
    }
  return sum;
}

/** Total variation distance between counts (normalised) and a distribution. */
export function totalVariation(counts: Record<string, number>, p: Record<string, number>): number {
  const shots = Object.values(counts).reduce((a, b) => a + b, 0);
  let tv = 0;
  for (const k of new Set([...Object.keys(counts), ...Object.keys(p)])) tv += Math.abs((counts[k] ?? 0) / shots - (p[k] ?? 0));
  return tv / 2;
}
