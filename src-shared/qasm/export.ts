// OpenQASM 2.0 exporter: Circuit → text that parseQasm (and other tools) read back.

import { type Angle, type Circuit, GATE_SPECS, isGateName, isParamRef } from '../circuit/circuit';
import { EXTRA_GATE_DEFINITIONS, QASM_RESERVED_WORDS, QELIB1_GATES } from './parser';

export interface ToQasmOptions {
  /** Values for ParamRef angles (θ = scale·p[slot] + offset). */
  params?: number[];
  /** Name of the quantum register (default 'q'). */
  registerName?: string;
  /** Append `creg c[n]; measure q -> c;` (default false). */
  measurements?: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Shortest decimal that parses back to the same double (≤ 17 significant
 * digits). QASM 2.0 reals need a '.' before any exponent, so 1e-7 → 1.0e-7.
 */
export function formatQasmNumber(x: number): string {
  const s = String(x);
  const e = s.indexOf('e');
  return e >= 0 && !s.includes('.') ? `${s.slice(0, e)}.0${s.slice(e)}` : s;
}

function evalAngle(a: Angle, params: number[] | undefined, opIndex: number, gate: string): number {
  if (!isParamRef(a)) return a;
  if (!params) {
    throw new Error(`toQasm: op ${opIndex} (${gate}) uses parameter slot ${a.slot} but no parameter values were given (options.params)`);
  }
  if (!(a.slot >= 0 && a.slot < params.length)) {
    throw new Error(`toQasm: op ${opIndex} (${gate}) uses parameter slot ${a.slot} but only ${params.length} values were given`);
  }
  return (a.scale ?? 1) * params[a.slot] + (a.offset ?? 0);
}

/** Writes a circuit as OpenQASM 2.0. Throws Error naming the op index on invalid ops or missing parameter values. */
export function toQasm(circuit: Circuit, options: ToQasmOptions = {}): string {
  const reg = options.registerName ?? 'q';
  if (!IDENT.test(reg) || QASM_RESERVED_WORDS.has(reg)) throw new Error(`toQasm: invalid register name '${reg}'`);
  const n = circuit.numQubits;
  const body: string[] = [];
  const needDefs = new Set<string>();

  circuit.ops.forEach((op, i) => {
    if (!isGateName(op.gate)) throw new Error(`toQasm: op ${i} has unknown gate '${String(op.gate)}'`);
    const spec = GATE_SPECS[op.gate];
    if (op.qubits.length !== spec.qubits) {
      throw new Error(`toQasm: op ${i} (${op.gate}) has ${op.qubits.length} qubits, expected ${spec.qubits}`);
    }
    for (const q of op.qubits) {
      if (!(Number.isInteger(q) && q >= 0 && q < n)) throw new Error(`toQasm: op ${i} (${op.gate}) uses qubit ${q}, circuit has ${n}`);
    }
    const angles = op.params ?? [];
    if (angles.length !== spec.params) {
      throw new Error(`toQasm: op ${i} (${op.gate}) has ${angles.length} parameters, expected ${spec.params}`);
    }
    const values = angles.map((a) => {
      const v = evalAngle(a, options.params, i, op.gate);
      if (!Number.isFinite(v)) throw new Error(`toQasm: op ${i} (${op.gate}) has non-finite angle ${v}`);
      return formatQasmNumber(v);
    });
    if (!QELIB1_GATES.has(op.gate)) needDefs.add(op.gate);
    const p = values.length ? `(${values.join(',')})` : '';
    body.push(`${op.gate}${p} ${op.qubits.map((q) => `${reg}[${q}]`).join(',')};`);
  });

  const lines = ['OPENQASM 2.0;', 'include "qelib1.inc";'];
  for (const g of needDefs) {
    const def = EXTRA_GATE_DEFINITIONS[g as keyof typeof EXTRA_GATE_DEFINITIONS];
    if (!def) throw new Error(`toQasm: no OpenQASM 2.0 definition for gate '${g}'`);
    lines.push(def);
  }
  // QASM 2.0 registers must be non-empty; a 0-qubit circuit has no qreg.
  if (n > 0) lines.push(`qreg ${reg}[${n}];`);
  const creg = reg === 'c' ? 'm' : 'c';
  if (options.measurements && n > 0) lines.push(`creg ${creg}[${n}];`);
  lines.push(...body);
  if (options.measurements && n > 0) lines.push(`measure ${reg} -> ${creg};`);
  return lines.join('\n') + '\n';
}
