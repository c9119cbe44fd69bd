// lower(): Circuit (named gates, angles that may reference parameter slots)
// → LoweredCircuit (flat matrices on sorted qubits). The only place that
// knows what each gate name means.
import { GATE_SPECS, isGateName, isParamRef, type Angle, type Circuit, type GateName, type Operation } from './circuit';
import { cmat, diagonalToSortedQubits, toSortedQubits, type CMatrix } from './complex-matrix';
import type { LoweredCircuit, LoweredGate } from './lowered';

export class CircuitError extends Error {
  override name = 'CircuitError';
}

const S = Math.SQRT1_2;
const X = cmat([[[0, 0], [1, 0]], [[1, 0], [0, 0]]]);
const Y = cmat([[[0, 0], [0, -1]], [[0, 1], [0, 0]]]);
const Z = cmat([[[1, 0], [0, 0]], [[0, 0], [-1, 0]]]);
const H = cmat([[[S, 0], [S, 0]], [[S, 0], [-S, 0]]]);
const ID = cmat([[[1, 0], [0, 0]], [[0, 0], [1, 0]]]);
const SX = cmat([[[0.5, 0.5], [0.5, -0.5]], [[0.5, -0.5], [0.5, 0.5]]]);
const SXDG = cmat([[[0.5, -0.5], [0.5, 0.5]], [[0.5, 0.5], [0.5, -0.5]]]);
const SWAP = cmat([
  [[1, 0], [0, 0], [0, 0], [0, 0]],
  [[0, 0], [0, 0], [1, 0], [0, 0]],
  [[0, 0], [1, 0], [0, 0], [0, 0]],
  [[0, 0], [0, 0], [0, 0], [1, 0]],
]);

/** u3 in the Qiskit / qelib1 convention: [[c, −e^{iλ}s], [e^{iφ}s, e^{i(φ+λ)}c]]. */
export function u3Matrix(theta: number, phi: number, lambda: number): CMatrix {
  const c = Math.cos(theta / 2), s = Math.sin(theta / 2);
  return cmat([
    [[c, 0], [-Math.cos(lambda) * s, -Math.sin(lambda) * s]],
    [[Math.cos(phi) * s, Math.sin(phi) * s], [Math.cos(phi + lambda) * c, Math.sin(phi + lambda) * c]],
  ]);
}

const phaseDiag = (l: number) => new Float64Array([1, 0, Math.cos(l), Math.sin(l)]);
const rzDiag = (t: number) => new Float64Array([Math.cos(t / 2), -Math.sin(t / 2), Math.cos(t / 2), Math.sin(t / 2)]);
const rotation = (G: CMatrix, t: number): CMatrix => {
  // exp(−i t/2 G) for G² = I
  const c = Math.cos(t / 2), s = Math.sin(t / 2);
  const d = Math.round(Math.sqrt(G.length / 2));
  const m = new Float64Array(G.length);
  for (let i = 0; i < d * d; i++) {
    const diag = i % (d + 1) === 0 ? c : 0;
    m[2 * i] = diag + s * G[2 * i + 1];
    m[2 * i + 1] = -s * G[2 * i];
  }
  return m;
};
function pauli2(a: CMatrix, b: CMatrix): CMatrix {
  // a on the op's first qubit (bit 0), b on the second (bit 1): kron(b, a)
  const out = new Float64Array(32);
  for (let i1 = 0; i1 < 2; i1++)
    for (let j1 = 0; j1 < 2; j1++)
      for (let i0 = 0; i0 < 2; i0++)
        for (let j0 = 0; j0 < 2; j0++) {
          const br = b[2 * (i1 * 2 + j1)], bi = b[2 * (i1 * 2 + j1) + 1];
          const ar = a[2 * (i0 * 2 + j0)], ai = a[2 * (i0 * 2 + j0) + 1];
          const idx = 2 * ((i1 * 2 + i0) * 4 + (j1 * 2 + j0));
          out[idx] = ar * br - ai * bi;
          out[idx + 1] = ar * bi + ai * br;
        }
  return out;
}
const XX = pauli2(X, X);
const YY = pauli2(Y, Y);

// ---- building blocks ------------------------------------------------------------
type Bind = { slot: number; scale: number; offset: number };

function dense(qubits: number[], m: CMatrix, controls: number[] = []): LoweredGate {
  const s = toSortedQubits(m, qubits);
  return { qubits: s.qubits, controls: sortedCopy(controls), diagonal: false, matrix: s.matrix };
}
function diag(qubits: number[], d: Float64Array, controls: number[] = []): LoweredGate {
  const s = diagonalToSortedQubits(d, qubits);
  return { qubits: s.qubits, controls: sortedCopy(controls), diagonal: true, matrix: s.diagonal };
}
function denseParam(qubits: number[], G: CMatrix, b: Bind, controls: number[] = []): LoweredGate {
  const s = toSortedQubits(G, qubits);
  return { qubits: s.qubits, controls: sortedCopy(controls), diagonal: false, generator: s.matrix, ...b };
}
function diagParam(qubits: number[], lambda: number[], b: Bind, controls: number[] = []): LoweredGate {
  const s = diagonalToSortedQubits(new Float64Array(lambda), qubits, false);
  return { qubits: s.qubits, controls: sortedCopy(controls), diagonal: true, generator: s.diagonal, ...b };
}
const sortedCopy = (a: number[]) => [...a].sort((x, y) => x - y);

/** θ_gate = factor·angle: scale the ParamRef accordingly. */
function bindOf(a: Angle, factor: number): Bind {
  if (!isParamRef(a)) throw new CircuitError('internal: bindOf on a number');
  return { slot: a.slot, scale: factor * (a.scale ?? 1), offset: factor * (a.offset ?? 0) };
}
const num = (a: Angle) => a as number;

// Rotation-type gates: fixed matrix when the angle is a number, a generator otherwise.
function rx(q: number[], a: Angle, c: number[] = []) {
  return isParamRef(a) ? denseParam(q, X, bindOf(a, 0.5), c) : dense(q, rotation(X, num(a)), c);
}
function ry(q: number[], a: Angle, c: number[] = []) {
  return isParamRef(a) ? denseParam(q, Y, bindOf(a, 0.5), c) : dense(q, rotation(Y, num(a)), c);
}
function rz(q: number[], a: Angle, c: number[] = []) {
  return isParamRef(a) ? diagParam(q, [0.5, -0.5], bindOf(a, 1), c) : diag(q, rzDiag(num(a)), c);
}
/** diag(1, e^{iλ}) = exp(−iλ·diag(0, −1)). */
function phase(q: number[], a: Angle, c: number[] = []) {
  return isParamRef(a) ? diagParam(q, [0, -1], bindOf(a, 1), c) : diag(q, phaseDiag(num(a)), c);
}
/** Half of an angle, kept as a ParamRef when it is one. */
function half(a: Angle): Angle {
  return isParamRef(a) ? { slot: a.slot, scale: (a.scale ?? 1) / 2, offset: (a.offset ?? 0) / 2 } : num(a) / 2;
}

/** u3 with any parameterised angle: RZ(λ), then RY(θ), then RZ(φ), plus the phase e^{i(φ+λ)/2} when controlled. */
function u3Gates(q: number[], th: Angle, ph: Angle, la: Angle, controls: number[]): LoweredGate[] {
  if (!isParamRef(th) && !isParamRef(ph) && !isParamRef(la)) return [dense(q, u3Matrix(num(th), num(ph), num(la)), controls)];
  const gates = [rz(q, la, controls), ry(q, th, controls), rz(q, ph, controls)];
  if (controls.length > 0) {
    // The global phase e^{i(φ+λ)/2} of u3 becomes a relative phase under control:
    // a phase gate on the control qubits (split per angle so each stays affine in one slot).
    const [c0, ...rest] = controls;
    gates.push(phase([c0], half(ph), rest), phase([c0], half(la), rest));
  }
  return gates;
}

// ---- the gate table ------------------------------------------------------------------
type Lowerer = (q: number[], p: Angle[]) => LoweredGate[];
const fixed = (m: CMatrix): Lowerer => (q) => [dense(q, m)];
const fixedDiag = (d: number[]): Lowerer => (q) => [diag(q, new Float64Array(d))];
const T = Math.SQRT1_2;

const LOWER: Record<GateName, Lowerer> = {
  id: () => [],
  x: fixed(X),
  y: fixed(Y),
  z: fixedDiag([1, 0, -1, 0]),
  h: fixed(H),
  s: fixedDiag([1, 0, 0, 1]),
  sdg: fixedDiag([1, 0, 0, -1]),
  t: fixedDiag([1, 0, T, T]),
  tdg: fixedDiag([1, 0, T, -T]),
  sx: fixed(SX),
  sxdg: fixed(SXDG),
  rx: (q, p) => [rx(q, p[0])],
  ry: (q, p) => [ry(q, p[0])],
  rz: (q, p) => [rz(q, p[0])],
  p: (q, p) => [phase(q, p[0])],
  u1: (q, p) => [phase(q, p[0])],
  u2: (q, p) => u3Gates(q, Math.PI / 2, p[0], p[1], []),
  u3: (q, p) => u3Gates(q, p[0], p[1], p[2], []),
  u: (q, p) => u3Gates(q, p[0], p[1], p[2], []),
  cx: (q) => [dense([q[1]], X, [q[0]])],
  cy: (q) => [dense([q[1]], Y, [q[0]])],
  cz: (q) => [diag(q, new Float64Array([1, 0, 1, 0, 1, 0, -1, 0]))],
  ch: (q) => [dense([q[1]], H, [q[0]])],
  swap: (q) => [dense(q, SWAP)],
  crx: (q, p) => [rx([q[1]], p[0], [q[0]])],
  cry: (q, p) => [ry([q[1]], p[0], [q[0]])],
  crz: (q, p) => [rz([q[1]], p[0], [q[0]])],
  cp: (q, p) => [phase([q[1]], p[0], [q[0]])],
  cu1: (q, p) => [phase([q[1]], p[0], [q[0]])],
  cu3: (q, p) => u3Gates([q[1]], p[0], p[1], p[2], [q[0]]),
  rxx: (q, p) => [isParamRef(p[0]) ? denseParam(q, XX, bindOf(p[0], 0.5)) : dense(q, rotation(XX, num(p[0])))],
  ryy: (q, p) => [isParamRef(p[0]) ? denseParam(q, YY, bindOf(p[0], 0.5)) : dense(q, rotation(YY, num(p[0])))],
  rzz: (q, p) =>
    isParamRef(p[0])
      ? [diagParam(q, [0.5, -0.5, -0.5, 0.5], bindOf(p[0], 1))]
      : [diag(q, (() => { const t = num(p[0]) / 2, c = Math.cos(t), s = Math.sin(t); return new Float64Array([c, -s, c, s, c, s, c, -s]); })())],
  ccx: (q) => [dense([q[2]], X, [q[0], q[1]])],
  cswap: (q) => [dense([q[1], q[2]], SWAP, [q[0]])],
};

/** Check an operation against its gate spec and the circuit; throws CircuitError naming op index and field. */
export function checkOperation(op: Operation, index: number, numQubits: number, numParams: number): void {
  const where = `operation ${index} (${String(op?.gate)})`;
  if (!op || typeof op.gate !== 'string' || !isGateName(op.gate)) throw new CircuitError(`operation ${index}: unknown gate '${String(op?.gate)}'`);
  const spec = GATE_SPECS[op.gate];
  if (!Array.isArray(op.qubits) || op.qubits.length !== spec.qubits)
    throw new CircuitError(`${where}: expects ${spec.qubits} qubit(s), got ${Array.isArray(op.qubits) ? op.qubits.length : 'none'}`);
  const params = op.params ?? [];
  if (params.length !== spec.params) throw new CircuitError(`${where}: expects ${spec.params} parameter(s), got ${params.length}`);
  const seen = new Set<number>();
  for (const q of op.qubits) {
    if (!Number.isInteger(q) || q < 0 || q >= numQubits) throw new CircuitError(`${where}: qubit ${q} out of range for a ${numQubits}-qubit circuit`);
    if (seen.has(q)) throw new CircuitError(`${where}: qubit ${q} used twice`);
    seen.add(q);
  }
  params.forEach((a, i) => {
    if (isParamRef(a)) {
      if (!Number.isInteger(a.slot) || a.slot < 0 || a.slot >= numParams)
        throw new CircuitError(`${where}: parameter ${i} refers to slot ${a.slot}, but the circuit has ${numParams} parameter(s)`);
      if (!Number.isFinite(a.scale ?? 1) || !Number.isFinite(a.offset ?? 0)) throw new CircuitError(`${where}: parameter ${i} has a non-finite scale or offset`);
    } else if (typeof a !== 'number' || !Number.isFinite(a)) throw new CircuitError(`${where}: parameter ${i} is not a finite number (${String(a)})`);
  });
}

export const MAX_QUBITS = 40;

export function lower(circuit: Circuit): LoweredCircuit {
  const { numQubits, numParams } = circuit;
  if (!Number.isInteger(numQubits) || numQubits < 1 || numQubits > MAX_QUBITS)
    throw new CircuitError(`numQubits must be an integer from 1 to ${MAX_QUBITS}, got ${numQubits}`);
  if (!Number.isInteger(numParams) || numParams < 0) throw new CircuitError(`numParams must be a non-negative integer, got ${numParams}`);
  const gates: LoweredGate[] = [];
  circuit.ops.forEach((op, i) => {
    checkOperation(op, i, numQubits, numParams);
    gates.push(...LOWER[op.gate](op.qubits, op.params ?? []));
  });
  return { numQubits, numParams, gates };
}
