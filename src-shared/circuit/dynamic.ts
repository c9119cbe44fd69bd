// Dynamic circuits: mid-circuit measurement, reset and classically
// conditioned operations (OpenQASM 2.0's `measure`, `reset`, `if (c == n)`),
// as exported from Qiskit. The program keeps every instruction in order;
// planDynamic() turns it into what the executor (backend/dynamic-runner.ts)
// runs: unitary segments lowered once, and the non-unitary steps between them.
//
// Measurements that nothing later depends on (no later instruction acts on
// the qubit, reads the bit, or writes the bit again) are *terminal*: they are
// read from the final state, like the measurements at the end of any circuit,
// and do not branch the simulation.
import type { Circuit, Operation } from './circuit';
import { lower } from './lower';
import type { LoweredCircuit } from './lowered';

/** A classical register as declared (bits offset … offset + size − 1 of the flat numbering). */
export interface ClassicalRegister {
  name: string;
  size: number;
  offset: number;
}

/** `if (register == value)`: the register read as an unsigned integer, bit 0 = register[0]. */
export interface Condition {
  register: ClassicalRegister;
  value: bigint;
}

export type Instruction =
  | { kind: 'gate'; op: Operation; condition?: Condition }
  | { kind: 'measure'; qubit: number; clbit: number; condition?: Condition }
  | { kind: 'reset'; qubit: number; condition?: Condition };

/** One step of a planned dynamic circuit. */
export type DynamicStep =
  | { kind: 'unitary'; circuit: LoweredCircuit; gates: number; condition?: Condition }
  | { kind: 'measure'; qubit: number; clbit: number; condition?: Condition }
  | { kind: 'reset'; qubit: number; condition?: Condition };

export interface DynamicPlan {
  numQubits: number;
  numClbits: number;
  classicalRegisters: ClassicalRegister[];
  steps: DynamicStep[];
  /** Terminal measurements, read from the final state (qubit → clbit). */
  final: { qubit: number; clbit: number }[];
  /** Steps that split the simulation into branches (mid-circuit measurements and resets). */
  branchPoints: number;
}

/** Does the instruction list need more than one final state (a reset, a condition, or a measurement something depends on)? */
export function isDynamic(instructions: readonly Instruction[]): boolean {
  return terminalMeasurements(instructions).some((terminal, i) => instructions[i].kind === 'measure' && !terminal) ||
    instructions.some((ins) => ins.kind === 'reset' || ins.condition !== undefined);
}

function touchedQubits(ins: Instruction): number[] {
  return ins.kind === 'gate' ? ins.op.qubits : [ins.qubit];
}

/** Per instruction: true for a measurement that can be read from the final state. */
function terminalMeasurements(instructions: readonly Instruction[]): boolean[] {
  const laterQubits = new Set<number>();
  const laterRead = new Set<number>();
  const laterWritten = new Set<number>();
  const terminal = new Array<boolean>(instructions.length).fill(false);
  for (let i = instructions.length - 1; i >= 0; i--) {
    const ins = instructions[i];
    if (ins.kind === 'measure') {
      terminal[i] = !ins.condition && !laterQubits.has(ins.qubit) && !laterRead.has(ins.clbit) && !laterWritten.has(ins.clbit);
      laterWritten.add(ins.clbit);
    }
    for (const q of touchedQubits(ins)) laterQubits.add(q);
    if (ins.condition) for (let b = 0; b < ins.condition.register.size; b++) laterRead.add(ins.condition.register.offset + b);
  }
  return terminal;
}

const sameCondition = (a: Condition | undefined, b: Condition | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.register.offset === b.register.offset && a.register.size === b.register.size && a.value === b.value);

/** Lowers the unitary runs of a dynamic program once and keeps the steps between them. */
export function planDynamic(numQubits: number, numClbits: number, classicalRegisters: ClassicalRegister[], instructions: readonly Instruction[]): DynamicPlan {
  const terminal = terminalMeasurements(instructions);
  const steps: DynamicStep[] = [];
  const final: { qubit: number; clbit: number }[] = [];
  let run: Operation[] = [];
  let runCondition: Condition | undefined;
  const flush = () => {
    if (run.length === 0) return;
    const circuit: Circuit = { numQubits, numParams: 0, ops: run };
    steps.push({ kind: 'unitary', circuit: lower(circuit), gates: run.length, ...(runCondition ? { condition: runCondition } : {}) });
    run = [];
    runCondition = undefined;
  };
  instructions.forEach((ins, i) => {
    if (ins.kind === 'gate') {
      // Consecutive gates under the same condition run as one segment: no measurement between them can change it.
      if (run.length && !sameCondition(runCondition, ins.condition)) flush();
      runCondition = ins.condition;
      run.push(ins.op);
      return;
    }
    if (ins.kind === 'measure' && terminal[i]) {
      final.push({ qubit: ins.qubit, clbit: ins.clbit });
      return;
    }
    flush();
    steps.push(ins);
  });
  flush();
  const branchPoints = steps.filter((s) => s.kind !== 'unitary').length;
  return { numQubits, numClbits, classicalRegisters, steps, final, branchPoints };
}

/** Does the classical state satisfy the condition? */
export function conditionHolds(c: Condition | undefined, clbits: Uint8Array): boolean {
  if (!c) return true;
  let v = 0n;
  for (let b = c.register.size - 1; b >= 0; b--) v = (v << 1n) | BigInt(clbits[c.register.offset + b]);
  return v === c.value;
}

/**
 * A classical state as Qiskit prints it: registers in reverse declaration
 * order separated by spaces, each register's bit 0 rightmost.
 */
export function classicalKey(registers: readonly ClassicalRegister[], clbits: Uint8Array): string {
  const parts: string[] = [];
  for (let r = registers.length - 1; r >= 0; r--) {
    const reg = registers[r];
    let s = '';
    for (let b = reg.size - 1; b >= 0; b--) s += clbits[reg.offset + b] ? '1' : '0';
    parts.push(s);
  }
  return parts.join(' ');
}
