// OpenQASM 2.0 import/export.
export { parseQasm, QasmError, QELIB1_GATES, EXTRA_GATE_DEFINITIONS, QASM_RESERVED_WORDS } from './parser';
export type { QasmProgram, QasmRegister, ParseQasmOptions } from './parser';
export { toQasm, formatQasmNumber } from './export';
export type { ToQasmOptions } from './export';
