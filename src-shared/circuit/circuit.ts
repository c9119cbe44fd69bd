// The circuit model: what an Experiment's quantum part is, before lowering.
// Gate names and arities are defined once here (GATE_SPECS); matrices and
// lowering live in gates.ts / lower.ts. Pure TypeScript: no Node, no DOM.

/** A gate angle: a number, or a reference to a parameter slot, θ = scale·p[slot] + offset. */
export type Angle = number | ParamRef;
export interface ParamRef {
  slot: number;
  scale?: number;
  offset?: number;
}

export interface Operation {
  gate: GateName;
  /** Qubits in the gate's own order (controls first for controlled gates, as in OpenQASM). */
  qubits: number[];
  params?: Angle[];
}

export interface Circuit {
  numQubits: number;
  /** Number of parameter slots referenced by ParamRef angles (0 if none). */
  numParams: number;
  ops: Operation[];
  /** Optional names of the parameter slots, for display. */
  paramNames?: string[];
}

export interface GateSpec {
  qubits: number;
  params: number;
}

/** Every gate Quench knows, with its arity. The qelib1.inc set plus a few common extras. */
export const GATE_SPECS = {
  id: { qubits: 1, params: 0 },
  x: { qubits: 1, params: 0 },
  y: { qubits: 1, params: 0 },
  z: { qubits: 1, params: 0 },
  h: { qubits: 1, params: 0 },
  s: { qubits: 1, params: 0 },
  sdg: { qubits: 1, params: 0 },
  t: { qubits: 1, params: 0 },
  tdg: { qubits: 1, params: 0 },
  sx: { qubits: 1, params: 0 },
  sxdg: { qubits: 1, params: 0 },
  rx: { qubits: 1, params: 1 },
  ry: { qubits: 1, params: 1 },
  rz: { qubits: 1, params: 1 },
  p: { qubits: 1, params: 1 },
  u1: { qubits: 1, params: 1 },
  u2: { qubits: 1, params: 2 },
  u3: { qubits: 1, params: 3 },
  u: { qubits: 1, params: 3 },
  cx: { qubits: 2, params: 0 },
  cy: { qubits: 2, params: 0 },
  cz: { qubits: 2, params: 0 },
  ch: { qubits: 2, params: 0 },
  swap: { qubits: 2, params: 0 },
  crx: { qubits: 2, params: 1 },
  cry: { qubits: 2, params: 1 },
  crz: { qubits: 2, params: 1 },
  cp: { qubits: 2, params: 1 },
  cu1: { qubits: 2, params: 1 },
  cu3: { qubits: 2, params: 3 },
  rxx: { qubits: 2, params: 1 },
  ryy: { qubits: 2, params: 1 },
  rzz: { qubits: 2, params: 1 },
  ccx: { qubits: 3, params: 0 },
  cswap: { qubits: 3, params: 0 },
} as const satisfies Record<string, GateSpec>;

export type GateName = keyof typeof GATE_SPECS;

export function isGateName(name: string): name is GateName {
  return Object.prototype.hasOwnProperty.call(GATE_SPECS, name);
}

export function isParamRef(a: Angle): a is ParamRef {
  return typeof a === 'object' && a !== null;
}
