// Seeded random circuits and unitaries: for the conformance suite, the
// benchmarks (brickwork) and property tests. Every backend sees the same ones.
import type { Rng } from '../random';
import { GATE_SPECS, type Circuit, type GateName, type Operation } from './circuit';
import type { LoweredCircuit, LoweredGate } from './lowered';

/** A Haar-ish random unitary of dimension 2^k: Gram–Schmidt on a complex Gaussian matrix (columns). */
export function randomUnitary(k: number, rng: Rng): Float64Array {
  const d = 1 << k;
  const cols: Float64Array[] = [];
  for (let c = 0; c < d; c++) {
    const v = new Float64Array(2 * d);
    for (let i = 0; i < 2 * d; i++) v[i] = rng.normal();
    for (const u of cols) {
      // v -= ⟨u|v⟩ u
      let pr = 0, pi = 0;
      for (let i = 0; i < d; i++) {
        pr += u[2 * i] * v[2 * i] + u[2 * i + 1] * v[2 * i + 1];
        pi += u[2 * i] * v[2 * i + 1] - u[2 * i + 1] * v[2 * i];
      }
      for (let i = 0; i < d; i++) {
        v[2 * i] -= pr * u[2 * i] - pi * u[2 * i + 1];
        v[2 * i + 1] -= pr * u[2 * i + 1] + pi * u[2 * i];
      }
    }
    let norm = 0;
    for (let i = 0; i < 2 * d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < 2 * d; i++) v[i] /= norm;
    cols.push(v);
  }
  const m = new Float64Array(2 * d * d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      m[2 * (r * d + c)] = cols[c][2 * r];
      m[2 * (r * d + c) + 1] = cols[c][2 * r + 1];
    }
  return m;
}

function randomPhases(k: number, rng: Rng): Float64Array {
  const d = 1 << k;
  const m = new Float64Array(2 * d);
  for (let i = 0; i < d; i++) {
    const a = 2 * Math.PI * rng.next();
    m[2 * i] = Math.cos(a);
    m[2 * i + 1] = Math.sin(a);
  }
  return m;
}

const SQ = Math.SQRT1_2;
/** Generators with G³ = G used by parameterised random gates. */
const GENERATORS: Float64Array[] = [
  new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]), // X
  new Float64Array([0, 0, 0, -1, 0, 1, 0, 0]), // Y
  new Float64Array([0, 0, 0, 0, 0, 0, 1, 0]), // |1⟩⟨1| (projector: eigenvalues 0, 1)
  new Float64Array([SQ, 0, SQ, 0, SQ, 0, -SQ, 0]), // H (Hermitian, H² = I)
];

/**
 * A random lowered circuit exercising every gate form: dense k = 1..3,
 * controlled (1–2 controls), diagonal k = 1..3, parameterised dense and
 * diagonal gates. numParams slots are referenced at random.
 */
export function randomLoweredCircuit(n: number, numGates: number, rng: Rng, numParams = 0): LoweredCircuit {
  const gates: LoweredGate[] = [];
  for (let g = 0; g < numGates; g++) {
    const kind = rng.int(numParams > 0 ? 6 : 4);
    const kMax = Math.min(3, n);
    if (kind <= 1) {
      const k = 1 + rng.int(kMax);
      const picked = rng.distinct(k, n);
      const qubits = picked.slice().sort((a, b) => a - b);
      const controls = kind === 1 && n > k ? rng.distinct(Math.min(2, n - k), n).filter((q) => !picked.includes(q)).slice(0, 1 + rng.int(2)).sort((a, b) => a - b) : [];
      gates.push({ qubits, controls, diagonal: false, matrix: randomUnitary(k, rng) });
    } else if (kind <= 3) {
      const k = 1 + rng.int(kMax);
      gates.push({ qubits: rng.distinct(k, n).sort((a, b) => a - b), controls: [], diagonal: true, matrix: randomPhases(k, rng) });
    } else if (kind === 4) {
      const q = rng.int(n);
      const controls = n > 1 && rng.next() < 0.3 ? [(q + 1 + rng.int(n - 1)) % n] : [];
      gates.push({ qubits: [q], controls, diagonal: false, slot: rng.int(numParams), scale: 0.5 + rng.next(), offset: rng.next() - 0.5, generator: GENERATORS[rng.int(GENERATORS.length)] });
    } else {
      const k = 1 + rng.int(Math.min(2, n));
      const lambda = new Float64Array(1 << k).map(() => rng.next() * 2 - 1);
      gates.push({ qubits: rng.distinct(k, n).sort((a, b) => a - b), controls: [], diagonal: true, slot: rng.int(numParams), scale: 1, offset: 0, generator: lambda });
    }
  }
  return { numQubits: n, numParams, gates };
}

/** A random named-gate circuit over every gate in GATE_SPECS (angles as numbers). */
export function randomNamedCircuit(n: number, numOps: number, rng: Rng): Circuit {
  const names = (Object.keys(GATE_SPECS) as GateName[]).filter((g) => GATE_SPECS[g].qubits <= n);
  const ops: Operation[] = [];
  for (let i = 0; i < numOps; i++) {
    const gate = names[rng.int(names.length)];
    const spec = GATE_SPECS[gate];
    ops.push({ gate, qubits: rng.distinct(spec.qubits, n), params: Array.from({ length: spec.params }, () => (rng.next() * 2 - 1) * Math.PI) });
  }
  return { numQubits: n, numParams: 0, ops };
}

/**
 * The brickwork circuit of the fusion goal: each layer applies a random u3 to
 * every qubit, then CZ on (0,1),(2,3),… in even layers and (1,2),(3,4),… in odd ones.
 */
export function brickwork(n: number, layers: number, rng: Rng): Circuit {
  const ops: Operation[] = [];
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < n; q++) ops.push({ gate: 'u3', qubits: [q], params: [rng.next() * Math.PI, rng.next() * 2 * Math.PI, rng.next() * 2 * Math.PI] });
    for (let q = l % 2; q + 1 < n; q += 2) ops.push({ gate: 'cz', qubits: [q, q + 1] });
  }
  return { numQubits: n, numParams: 0, ops };
}

/**
 * The benchmarks' test state: RY(0.3 (q + 1)) then RZ(0.1 (q + 1)) on every
 * qubit, a product state with every amplitude non-zero (bench/peers/peers.py
 * prepares the same). Gates are timed on it, not on |0…0⟩: a state that is
 * almost all zeros streams up to ~17% faster through memory on some hosts
 * (measured on an AMD EPYC), which is not what a real circuit's state does.
 */
export function denseTestState(n: number): Circuit {
  const ops: Operation[] = [];
  for (let q = 0; q < n; q++) ops.push({ gate: 'ry', qubits: [q], params: [0.3 * (q + 1)] }, { gate: 'rz', qubits: [q], params: [0.1 * (q + 1)] });
  return { numQubits: n, numParams: 0, ops };
}
