// OpenQASM 2.0 importer: source text → Circuit (all angles numeric).
// Recursive descent with one token of lookahead. User gates are compiled at
// definition time and expanded at each use, so the result holds only built-in
// gates. Every failure is a QasmError with file:line:column.

import { type Circuit, type GateName, type Operation, GATE_SPECS } from '../circuit/circuit';
import { isDynamic, type Condition, type Instruction } from '../circuit/dynamic';
import { Lexer, QasmError, type Token, describeToken } from './lexer';

export { QasmError } from './lexer';

export interface QasmRegister {
  name: string;
  size: number;
  /** Index of the register's first bit in the flat qubit (or clbit) numbering. */
  offset: number;
}

export interface QasmProgram {
  /** Every gate in order (conditional ones too); the whole program when `dynamic` is false. */
  circuit: Circuit;
  qubitRegisters: QasmRegister[];
  classicalRegisters: QasmRegister[];
  numClbits: number;
  /** `measure` statements in order, as flat qubit / clbit indices. Not part of circuit.ops. */
  measurements: { qubit: number; clbit: number }[];
  /** Every instruction in order: gates (with their `if` condition), measurements and resets. */
  instructions: Instruction[];
  /**
   * True when the program needs more than one final state: a reset, an `if`,
   * or a measurement that a later instruction depends on. Such a program is
   * not `circuit` followed by measurements: run it with planDynamic().
   */
  dynamic: boolean;
}

/** Default limit on the operations a program expands to (user gates nest, so a small file can expand exponentially). */
export const MAX_QASM_OPERATIONS = 1_000_000;
/**
 * Largest |angle| accepted (radians). A double near 1e8 is exact to ~1.5e-8 rad; beyond,
 * the rotation an angle stands for is lost to rounding, so such a value is a mistake, not a circuit.
 */
export const MAX_QASM_ANGLE = 1e8;

export interface ParseQasmOptions {
  /** Refuse programs that expand to more ops than this (default MAX_QASM_OPERATIONS). */
  maxOps?: number;
  /** Refuse more qubits (or clbits) than this in total. */
  maxQubits?: number;
}

/** Gates defined by qelib1.inc that Quench implements natively. */
export const QELIB1_GATES: ReadonlySet<GateName> = new Set<GateName>([
  'u3', 'u2', 'u1', 'u', 'p', 'cx', 'id', 'x', 'y', 'z', 'h', 's', 'sdg', 't', 'tdg',
  'rx', 'ry', 'rz', 'sx', 'sxdg', 'cz', 'cy', 'ch', 'swap', 'ccx', 'cswap',
  'crx', 'cry', 'crz', 'cu1', 'cu3', 'rxx', 'rzz',
]);

/**
 * Gates Quench has natively that qelib1.inc lacks, with the definitions toQasm
 * writes for them. After `include "qelib1.inc"` they are usable without a
 * definition; a definition token-for-token equal to these is recognised and
 * the gate kept native (so export → import round-trips), any other definition
 * of the name is expanded like a normal user gate.
 */
export const EXTRA_GATE_DEFINITIONS: Readonly<Partial<Record<GateName, string>>> = {
  cp: 'gate cp(lambda) a, b { cu1(lambda) a, b; }',
  ryy: 'gate ryy(theta) a, b { rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; rx(-pi/2) a; rx(-pi/2) b; }',
};

// ---- expressions -----------------------------------------------------------

type Expr =
  | { k: 'num'; v: number }
  | { k: 'param'; i: number }
  | { k: 'neg'; a: Expr }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: Expr; b: Expr }
  | { k: 'fn'; f: (x: number) => number; a: Expr };

// A Map, not an object literal: names like 'constructor' must not resolve.
const FUNCTIONS = new Map<string, (x: number) => number>([
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['tan', Math.tan],
  ['exp', Math.exp],
  ['ln', Math.log],
  ['sqrt', Math.sqrt],
]);

/** Builds a node, folding constants so top-level expressions become one number. */
function bin(op: '+' | '-' | '*' | '/' | '^', a: Expr, b: Expr): Expr {
  const e: Expr = { k: 'bin', op, a, b };
  return a.k === 'num' && b.k === 'num' ? { k: 'num', v: evalExpr(e, []) } : e;
}

function evalExpr(e: Expr, env: readonly number[]): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'param':
      return env[e.i];
    case 'neg':
      return -evalExpr(e.a, env);
    case 'fn':
      return e.f(evalExpr(e.a, env));
    case 'bin': {
      const a = evalExpr(e.a, env);
      const b = evalExpr(e.b, env);
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '^': return Math.pow(a, b);
      }
    }
  }
}

// ---- gates -----------------------------------------------------------------

/** One statement of a gate body; qubits are indices into the gate's formal qubit list. */
interface BodyOp {
  target: GateName | GateDef;
  params: Expr[];
  qubits: number[];
}

interface GateDef {
  name: string;
  numParams: number;
  numQubits: number;
  body: BodyOp[];
  opaque: boolean;
  /** Longest chain of user gates below this one (bounds expansion recursion). */
  depth: number;
  /** Built-in ops one use expands to (checked against maxOps before expanding). */
  size: number;
}

type GateRef = { kind: 'builtin'; gate: GateName } | { kind: 'user'; def: GateDef };

/** Keywords and built-in names that cannot name registers, gates or gate arguments. */
export const QASM_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'OPENQASM', 'include', 'qreg', 'creg', 'gate', 'opaque', 'barrier', 'measure', 'reset', 'if', 'pi',
  'U', 'CX', ...FUNCTIONS.keys(),
]);

function checkAngle(v: number, what: () => string): string | null {
  if (!Number.isFinite(v)) return `${what()} evaluates to ${v}`;
  if (Math.abs(v) > MAX_QASM_ANGLE)
    return `${what()} is ${v}: angles beyond ±${MAX_QASM_ANGLE} rad cannot be represented precisely (reduce it modulo 2π)`;
  return null;
}

const MAX_EXPR_DEPTH = 200;
const MAX_GATE_DEPTH = 500;

/** A register argument (`q`) or one bit of it (`q[3]`). */
interface Arg {
  reg: QasmRegister;
  index: number | null;
  tok: Token;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class Parser {
  private readonly lx: Lexer;
  private tok: Token;
  private readonly qregs = new Map<string, QasmRegister>();
  private readonly cregs = new Map<string, QasmRegister>();
  private readonly gates = new Map<string, GateDef>();
  private included = false;
  private numQubits = 0;
  private numClbits = 0;
  private readonly ops: Operation[] = [];
  private readonly measurements: { qubit: number; clbit: number }[] = [];
  private readonly instructions: Instruction[] = [];
  /** The condition of the `if` statement being parsed, attached to what it guards. */
  private condition: Condition | undefined;
  private readonly maxOps: number;
  private readonly maxQubits: number;
  /** Token texts since recording started (to recognise canonical extra-gate definitions). */
  private recording: string[] | null = null;

  constructor(
    src: string,
    private readonly file: string,
    options: ParseQasmOptions,
  ) {
    this.lx = new Lexer(src, file);
    this.maxOps = options.maxOps ?? MAX_QASM_OPERATIONS;
    this.maxQubits = options.maxQubits ?? 1 << 20;
    this.tok = this.lx.next();
  }

  // -- token helpers --

  private advance(): Token {
    const t = this.tok;
    if (this.recording) this.recording.push(t.kind === 'string' ? `"${t.text}"` : t.text);
    this.tok = this.lx.next();
    return t;
  }

  private errorAt(t: Token, reason: string): QasmError {
    return new QasmError(this.file, t.line, t.column, reason);
  }

  private isPunct(p: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === p;
  }

  private expectPunct(p: string, context: string): Token {
    if (!this.isPunct(p)) throw this.errorAt(this.tok, `expected '${p}' ${context}, found ${describeToken(this.tok)}`);
    return this.advance();
  }

  private expectIdent(what: string): Token {
    if (this.tok.kind !== 'ident') throw this.errorAt(this.tok, `expected ${what}, found ${describeToken(this.tok)}`);
    return this.advance();
  }

  private expectInt(what: string): number {
    const t = this.tok;
    if (t.kind !== 'int') throw this.errorAt(t, `expected ${what}, found ${describeToken(t)}`);
    this.advance();
    return Number(t.text);
  }

  private newName(what: string): Token {
    const t = this.expectIdent(`a ${what} name`);
    if (QASM_RESERVED_WORDS.has(t.text)) throw this.errorAt(t, `'${t.text}' is a reserved word and cannot be used as a ${what} name`);
    return t;
  }

  // -- program --

  parse(): QasmProgram {
    this.header();
    while (this.tok.kind !== 'eof') this.statement();
    if (this.numQubits === 0) throw this.errorAt(this.tok, "the program declares no qubits: add a quantum register, e.g. 'qreg q[2];'");
    return {
      circuit: { numQubits: this.numQubits, numParams: 0, ops: this.ops },
      qubitRegisters: [...this.qregs.values()],
      classicalRegisters: [...this.cregs.values()],
      numClbits: this.numClbits,
      measurements: this.measurements,
      instructions: this.instructions,
      dynamic: isDynamic(this.instructions),
    };
  }

  private header(): void {
    const t = this.tok;
    if (t.kind !== 'ident' || t.text !== 'OPENQASM') {
      throw this.errorAt(t, `expected 'OPENQASM 2.0;' header at start of file, found ${describeToken(t)}`);
    }
    this.advance();
    const v = this.tok;
    if (v.kind !== 'real' && v.kind !== 'int') throw this.errorAt(v, `expected version number after 'OPENQASM', found ${describeToken(v)}`);
    if (Number(v.text) !== 2) throw this.errorAt(v, `unsupported OpenQASM version ${v.text}: only 2.0 is supported`);
    this.advance();
    this.expectPunct(';', 'after OpenQASM version');
  }

  private statement(): void {
    const t = this.tok;
    if (t.kind !== 'ident') throw this.errorAt(t, `expected a statement, found ${describeToken(t)}`);
    switch (t.text) {
      case 'include': return this.include();
      case 'qreg': return this.register(true);
      case 'creg': return this.register(false);
      case 'gate': return this.gateDecl(false);
      case 'opaque': return this.gateDecl(true);
      case 'barrier': return this.barrier();
      case 'measure': return this.measure();
      case 'reset': return this.reset();
      case 'if': return this.conditional();
      case 'OPENQASM': throw this.errorAt(t, "'OPENQASM' header may appear only once, at the start of the file");
      default: return this.application();
    }
  }

  private include(): void {
    this.advance();
    const s = this.tok;
    if (s.kind !== 'string') throw this.errorAt(s, `expected a file name string after 'include', found ${describeToken(s)}`);
    if (s.text !== 'qelib1.inc') throw this.errorAt(s, `cannot include "${s.text}": only "qelib1.inc" is supported`);
    this.advance();
    this.expectPunct(';', 'after include');
    this.included = true;
  }

  private register(quantum: boolean): void {
    const kw = this.advance().text;
    const name = this.newName('register');
    if (this.qregs.has(name.text) || this.cregs.has(name.text)) {
      throw this.errorAt(name, `duplicate register name '${name.text}'`);
    }
    this.expectPunct('[', `after register name '${name.text}'`);
    const sizeTok = this.tok;
    const size = this.expectInt('register size');
    if (size < 1) throw this.errorAt(sizeTok, `register '${name.text}' must have at least 1 bit`);
    this.expectPunct(']', 'after register size');
    this.expectPunct(';', `after ${kw} declaration`);
    const total = (quantum ? this.numQubits : this.numClbits) + size;
    if (total > this.maxQubits) {
      throw this.errorAt(sizeTok, `too many ${quantum ? 'qubits' : 'classical bits'}: ${total} exceeds the limit of ${this.maxQubits}`);
    }
    if (quantum) {
      this.qregs.set(name.text, { name: name.text, size, offset: this.numQubits });
      this.numQubits = total;
    } else {
      this.cregs.set(name.text, { name: name.text, size, offset: this.numClbits });
      this.numClbits = total;
    }
  }

  // -- gate lookup --

  private lookupGate(t: Token): GateRef {
    const name = t.text;
    const def = this.gates.get(name);
    if (def) {
      if (def.opaque) throw this.errorAt(t, `opaque gate '${name}' has no definition`);
      return { kind: 'user', def };
    }
    if (name === 'U') return { kind: 'builtin', gate: 'u3' };
    if (name === 'CX') return { kind: 'builtin', gate: 'cx' };
    const known = QELIB1_GATES.has(name as GateName) || isExtraGate(name);
    if (known && this.included) return { kind: 'builtin', gate: name as GateName };
    if (known) throw this.errorAt(t, `unknown gate '${name}' (did you forget 'include "qelib1.inc";'?)`);
    throw this.errorAt(t, `unknown gate '${name}'`);
  }

  private static arity(g: GateRef): { params: number; qubits: number } {
    return g.kind === 'builtin'
      ? GATE_SPECS[g.gate]
      : { params: g.def.numParams, qubits: g.def.numQubits };
  }

  /** Parses `(e, e, ...)` if present; checks the count against the gate. */
  private paramList(nameTok: Token, expected: number, formals: Map<string, number> | null): Expr[] {
    const params: Expr[] = [];
    if (this.isPunct('(')) {
      const open = this.advance();
      if (!this.isPunct(')')) {
        params.push(this.expr(formals, 0));
        while (this.isPunct(',')) {
          this.advance();
          params.push(this.expr(formals, 0));
        }
      }
      this.expectPunct(')', 'after gate parameters');
      if (params.length !== expected) {
        throw this.errorAt(open, `gate '${nameTok.text}' takes ${plural(expected, 'parameter')}, got ${params.length}`);
      }
    } else if (expected !== 0) {
      throw this.errorAt(this.tok, `gate '${nameTok.text}' takes ${plural(expected, 'parameter')}, got 0`);
    }
    return params;
  }

  private checkQubitCount(nameTok: Token, expected: number, got: number, at: Token): void {
    if (got !== expected) {
      throw this.errorAt(at, `gate '${nameTok.text}' acts on ${plural(expected, 'qubit')}, got ${got}`);
    }
  }

  // -- gate declarations --

  private gateDecl(opaque: boolean): void {
    const kwTok = this.tok;
    const startRecording = !opaque;
    if (startRecording) this.recording = [];
    this.advance();
    const nameTok = this.newName('gate');
    const name = nameTok.text;
    const extra = isExtraGate(name);
    if (this.gates.has(name) || (this.included && QELIB1_GATES.has(name as GateName))) {
      const where = this.gates.has(name) ? '' : ' (it is defined by qelib1.inc)';
      throw this.errorAt(nameTok, `duplicate gate name '${name}'${where}`);
    }

    // Formal names: parameters then qubits, one namespace.
    const formals = new Map<string, number>();
    const seen = new Set<string>();
    const declare = (t: Token): void => {
      if (seen.has(t.text)) throw this.errorAt(t, `duplicate name '${t.text}' in declaration of gate '${name}'`);
      if (QASM_RESERVED_WORDS.has(t.text)) throw this.errorAt(t, `'${t.text}' is a reserved word`);
      seen.add(t.text);
    };
    if (this.isPunct('(')) {
      this.advance();
      if (!this.isPunct(')')) {
        for (;;) {
          const p = this.expectIdent('a parameter name');
          declare(p);
          formals.set(p.text, formals.size);
          if (!this.isPunct(',')) break;
          this.advance();
        }
      }
      this.expectPunct(')', `after parameters of gate '${name}'`);
    }
    const qubitNames = new Map<string, number>();
    for (;;) {
      const q = this.expectIdent(`a qubit name in declaration of gate '${name}'`);
      declare(q);
      qubitNames.set(q.text, qubitNames.size);
      if (!this.isPunct(',')) break;
      this.advance();
    }
    const def: GateDef = { name, numParams: formals.size, numQubits: qubitNames.size, body: [], opaque, depth: 0, size: 0 };

    if (opaque) {
      this.expectPunct(';', `after declaration of opaque gate '${name}'`);
      this.gates.set(name, def);
      return;
    }

    this.expectPunct('{', `to start the body of gate '${name}'`);
    while (!this.isPunct('}')) {
      if (this.tok.kind === 'eof') {
        throw this.errorAt(this.tok, `unterminated body of gate '${name}' (opened at line ${kwTok.line}): expected '}', found end of input`);
      }
      this.bodyStatement(def, formals, qubitNames);
    }
    this.advance();
    const text = this.recording!.join(' ');
    this.recording = null;
    if (def.depth > MAX_GATE_DEPTH) throw this.errorAt(nameTok, `gate '${name}' is nested more than ${MAX_GATE_DEPTH} levels deep`);

    // A canonical definition of a native extra keeps the gate native.
    if (extra && this.included && text === canonicalText(name as GateName)) return;
    this.gates.set(name, def);
  }

  private bodyStatement(def: GateDef, formals: Map<string, number>, qubitNames: Map<string, number>): void {
    const t = this.tok;
    if (t.kind !== 'ident') throw this.errorAt(t, `expected a gate application or '}' in body of gate '${def.name}', found ${describeToken(t)}`);
    const isBarrier = t.text === 'barrier';
    if (!isBarrier && (t.text === 'measure' || t.text === 'reset' || t.text === 'if' || t.text === 'gate' || t.text === 'opaque' || t.text === 'qreg' || t.text === 'creg')) {
      throw this.errorAt(t, `'${t.text}' is not allowed inside the body of gate '${def.name}'`);
    }
    const gate = isBarrier ? null : this.lookupGate(t);
    this.advance();
    const arity = gate ? Parser.arity(gate) : null;
    const params = arity ? this.paramList(t, arity.params, formals) : [];

    const qubits: number[] = [];
    const argStart = this.tok;
    for (;;) {
      const q = this.expectIdent('a qubit argument');
      const idx = qubitNames.get(q.text);
      if (idx === undefined) {
        throw this.errorAt(q, `'${q.text}' is not a qubit argument of gate '${def.name}'`);
      }
      if (this.isPunct('[')) throw this.errorAt(this.tok, `qubits cannot be indexed inside the body of gate '${def.name}'`);
      if (!isBarrier && qubits.includes(idx)) throw this.errorAt(q, `qubit '${q.text}' is used twice in gate '${t.text}'`);
      qubits.push(idx);
      if (!this.isPunct(',')) break;
      this.advance();
    }
    this.expectPunct(';', 'after gate arguments');
    if (arity) this.checkQubitCount(t, arity.qubits, qubits.length, argStart);
    if (!gate) return;
    if (gate.kind === 'builtin') {
      def.body.push({ target: gate.gate, params, qubits });
      def.size += 1;
    } else {
      def.body.push({ target: gate.def, params, qubits });
      def.depth = Math.max(def.depth, gate.def.depth + 1);
      def.size += gate.def.size;
    }
  }

  // -- expressions --
  // exp := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
  // unary := '-' unary | '+' unary | power ; power := atom ('^' unary)?   (right-assoc, binds tighter than unary minus)

  private expr(formals: Map<string, number> | null, depth: number): Expr {
    if (depth > MAX_EXPR_DEPTH) throw this.errorAt(this.tok, 'expression is nested too deeply');
    let a = this.term(formals, depth);
    while (this.isPunct('+') || this.isPunct('-')) {
      const op = this.advance().text as '+' | '-';
      a = bin(op, a, this.term(formals, depth));
    }
    return a;
  }

  private term(formals: Map<string, number> | null, depth: number): Expr {
    let a = this.unary(formals, depth);
    while (this.isPunct('*') || this.isPunct('/')) {
      const op = this.advance().text as '*' | '/';
      a = bin(op, a, this.unary(formals, depth));
    }
    return a;
  }

  private unary(formals: Map<string, number> | null, depth: number): Expr {
    if (depth > MAX_EXPR_DEPTH) throw this.errorAt(this.tok, 'expression is nested too deeply');
    if (this.isPunct('-')) {
      this.advance();
      const a = this.unary(formals, depth + 1);
      return a.k === 'num' ? { k: 'num', v: -a.v } : { k: 'neg', a };
    }
    if (this.isPunct('+')) {
      this.advance();
      return this.unary(formals, depth + 1);
    }
    const a = this.atom(formals, depth);
    if (this.isPunct('^')) {
      this.advance();
      return bin('^', a, this.unary(formals, depth + 1));
    }
    return a;
  }

  private atom(formals: Map<string, number> | null, depth: number): Expr {
    const t = this.tok;
    if (t.kind === 'int' || t.kind === 'real') {
      this.advance();
      return { k: 'num', v: Number(t.text) };
    }
    if (this.isPunct('(')) {
      this.advance();
      const e = this.expr(formals, depth + 1);
      this.expectPunct(')', 'to close parenthesised expression');
      return e;
    }
    if (t.kind === 'ident') {
      this.advance();
      if (t.text === 'pi') return { k: 'num', v: Math.PI };
      const f = FUNCTIONS.get(t.text);
      if (f) {
        this.expectPunct('(', `after function '${t.text}'`);
        const a = this.expr(formals, depth + 1);
        this.expectPunct(')', `to close argument of '${t.text}'`);
        return a.k === 'num' ? { k: 'num', v: f(a.v) } : { k: 'fn', f, a };
      }
      const i = formals?.get(t.text);
      if (i !== undefined) return { k: 'param', i };
      if (this.isPunct('(')) throw this.errorAt(t, `unknown function '${t.text}' (known: ${[...FUNCTIONS.keys()].join(', ')})`);
      const hint = formals ? 'only pi and the gate\'s parameters may appear here' : 'only pi and numbers may appear outside gate definitions';
      throw this.errorAt(t, `unknown identifier '${t.text}' in expression (${hint})`);
    }
    throw this.errorAt(t, `expected an expression, found ${describeToken(t)}`);
  }

  // -- top-level operations --

  private arg(quantum: boolean): Arg {
    const t = this.expectIdent(quantum ? 'a qubit argument' : 'a classical bit argument');
    const reg = (quantum ? this.qregs : this.cregs).get(t.text);
    if (!reg) {
      const other = (quantum ? this.cregs : this.qregs).get(t.text);
      if (other) throw this.errorAt(t, `'${t.text}' is a ${quantum ? 'classical' : 'quantum'} register, expected a ${quantum ? 'quantum' : 'classical'} register`);
      throw this.errorAt(t, `undeclared ${quantum ? 'quantum' : 'classical'} register '${t.text}'`);
    }
    let index: number | null = null;
    if (this.isPunct('[')) {
      this.advance();
      const it = this.tok;
      index = this.expectInt('an integer index');
      if (index >= reg.size) throw this.errorAt(it, `index ${it.text} out of range for register '${reg.name}' of size ${reg.size}`);
      this.expectPunct(']', 'after index');
    }
    return { reg, index, tok: t };
  }

  private argList(quantum: boolean): Arg[] {
    const args = [this.arg(quantum)];
    while (this.isPunct(',')) {
      this.advance();
      args.push(this.arg(quantum));
    }
    return args;
  }

  /** Size of the broadcast over register arguments (1 if all are indexed). */
  private broadcastSize(args: Arg[], gateTok: Token): number {
    let size = 1;
    let first: Arg | null = null;
    for (const a of args) {
      if (a.index !== null) continue;
      if (!first) {
        first = a;
        size = a.reg.size;
      } else if (a.reg.size !== size) {
        throw this.errorAt(a.tok, `cannot broadcast gate '${gateTok.text}': register '${a.reg.name}' has size ${a.reg.size} but '${first.reg.name}' has size ${size}`);
      }
    }
    return size;
  }

  private application(): void {
    const nameTok = this.tok;
    const gate = this.lookupGate(nameTok);
    this.advance();
    const arity = Parser.arity(gate);
    const exprs = this.paramList(nameTok, arity.params, null);
    const params = exprs.map((e) => evalExpr(e, []));
    for (let i = 0; i < params.length; i++) {
      const bad = checkAngle(params[i], () => `parameter ${i + 1} of gate '${nameTok.text}'`);
      if (bad) throw this.errorAt(nameTok, bad);
    }
    const argStart = this.tok;
    const args = this.argList(true);
    this.expectPunct(';', 'after gate arguments');
    this.checkQubitCount(nameTok, arity.qubits, args.length, argStart);

    const n = this.broadcastSize(args, nameTok);
    if (this.ops.length + n * (gate.kind === 'user' ? gate.def.size : 1) > this.maxOps) throw this.tooManyOps(nameTok);
    for (let k = 0; k < n; k++) {
      const qubits = args.map((a) => a.reg.offset + (a.index ?? k));
      for (let i = 1; i < qubits.length; i++) {
        for (let j = 0; j < i; j++) {
          if (qubits[i] === qubits[j]) {
            const a = args[i];
            throw this.errorAt(a.tok, `qubit ${a.reg.name}[${a.index ?? k}] is used twice in gate '${nameTok.text}'`);
          }
        }
      }
      // Each op gets its own params array: broadcast ops must not alias.
      if (gate.kind === 'builtin') this.emit(gate.gate, qubits, params.slice(), nameTok);
      else this.expand(gate.def, params, qubits, nameTok);
    }
  }

  private emit(gate: GateName, qubits: number[], params: number[], at: Token): void {
    if (this.ops.length >= this.maxOps) throw this.tooManyOps(at);
    const op: Operation = params.length ? { gate, qubits, params } : { gate, qubits };
    this.ops.push(op);
    this.instructions.push(this.condition ? { kind: 'gate', op, condition: this.condition } : { kind: 'gate', op });
  }

  private tooManyOps(at: Token): QasmError {
    return this.errorAt(at, `program expands to more than ${this.maxOps.toLocaleString('en-US')} operations (nested gate definitions multiply); Quench simulates at most that many per circuit`);
  }

  private expand(def: GateDef, params: number[], qubits: number[], at: Token): void {
    for (const op of def.body) {
      const p = op.params.map((e) => evalExpr(e, params));
      for (let i = 0; i < p.length; i++) {
        const bad = checkAngle(p[i], () => `in gate '${def.name}': parameter ${i + 1} of an inner gate`);
        if (bad) throw this.errorAt(at, bad);
      }
      const q = op.qubits.map((i) => qubits[i]);
      if (typeof op.target === 'string') this.emit(op.target, q, p, at);
      else this.expand(op.target, p, q, at);
    }
  }

  private barrier(): void {
    this.advance();
    this.argList(true); // validated, then ignored
    this.expectPunct(';', 'after barrier arguments');
  }

  private measure(): void {
    const kw = this.advance();
    const q = this.arg(true);
    this.expectPunct('->', "after the qubit in 'measure'");
    const c = this.arg(false);
    this.expectPunct(';', 'after measure');
    if ((q.index === null) !== (c.index === null)) {
      throw this.errorAt(kw, "measure: use either two registers ('measure q -> c') or two single bits ('measure q[0] -> c[0]')");
    }
    if (q.index !== null && c.index !== null) {
      this.addMeasurement(q.reg.offset + q.index, c.reg.offset + c.index, kw);
      return;
    }
    if (q.reg.size !== c.reg.size) {
      throw this.errorAt(c.tok, `measure: register '${q.reg.name}' has size ${q.reg.size} but '${c.reg.name}' has size ${c.reg.size}`);
    }
    for (let k = 0; k < q.reg.size; k++) this.addMeasurement(q.reg.offset + k, c.reg.offset + k, kw);
  }

  private addMeasurement(qubit: number, clbit: number, at: Token): void {
    if (this.instructions.length >= this.maxOps) throw this.tooManyOps(at);
    this.measurements.push({ qubit, clbit });
    this.instructions.push(this.condition ? { kind: 'measure', qubit, clbit, condition: this.condition } : { kind: 'measure', qubit, clbit });
  }

  /** `reset q[0];` or `reset q;` (every qubit of the register). */
  private reset(): void {
    const kw = this.advance();
    const q = this.arg(true);
    this.expectPunct(';', 'after reset');
    const qubits = q.index !== null ? [q.reg.offset + q.index] : Array.from({ length: q.reg.size }, (_, k) => q.reg.offset + k);
    for (const qubit of qubits) {
      if (this.instructions.length >= this.maxOps) throw this.tooManyOps(kw);
      this.instructions.push(this.condition ? { kind: 'reset', qubit, condition: this.condition } : { kind: 'reset', qubit });
    }
  }

  /** `if (creg == n) qop;` — qop is a gate application, a measurement or a reset. */
  private conditional(): void {
    this.advance();
    this.expectPunct('(', "after 'if'");
    const nameTok = this.expectIdent('a classical register name');
    const reg = this.cregs.get(nameTok.text);
    if (!reg) {
      if (this.qregs.has(nameTok.text)) throw this.errorAt(nameTok, `'${nameTok.text}' is a quantum register; 'if' compares a classical register with an integer`);
      throw this.errorAt(nameTok, `undeclared classical register '${nameTok.text}'`);
    }
    if (this.isPunct('[')) throw this.errorAt(this.tok, `'if' compares a whole classical register (OpenQASM 2.0 has no single-bit conditions): write 'if (${reg.name} == n)'`);
    this.expectPunct('==', `after the register in 'if'`);
    const valueTok = this.tok;
    if (valueTok.kind !== 'int') throw this.errorAt(valueTok, `expected a non-negative integer to compare '${reg.name}' with, found ${describeToken(valueTok)}`);
    this.advance();
    const value = BigInt(valueTok.text);
    if (value >= 1n << BigInt(reg.size)) throw this.errorAt(valueTok, `${valueTok.text} does not fit in the ${plural(reg.size, 'bit')} of register '${reg.name}', so the condition could never hold`);
    this.expectPunct(')', "to close the condition of 'if'");
    const t = this.tok;
    if (t.kind !== 'ident') throw this.errorAt(t, `expected an operation after 'if (...)', found ${describeToken(t)}`);
    if (t.text === 'if' || t.text === 'barrier' || t.text === 'qreg' || t.text === 'creg' || t.text === 'gate' || t.text === 'opaque' || t.text === 'include' || t.text === 'OPENQASM')
      throw this.errorAt(t, `'${t.text}' cannot be conditioned: 'if' guards a gate, a measurement or a reset`);
    this.condition = { register: { name: reg.name, size: reg.size, offset: reg.offset }, value };
    try {
      if (t.text === 'measure') this.measure();
      else if (t.text === 'reset') this.reset();
      else this.application();
    } finally {
      this.condition = undefined;
    }
  }
}

function isExtraGate(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXTRA_GATE_DEFINITIONS, name);
}

const canonicalCache = new Map<GateName, string>();

/** Token texts of an EXTRA_GATE_DEFINITIONS entry, space-joined (whitespace/comments don't matter). */
function canonicalText(name: GateName): string {
  let text = canonicalCache.get(name);
  if (text === undefined) {
    const lx = new Lexer(EXTRA_GATE_DEFINITIONS[name] ?? '', '<builtin>');
    const parts: string[] = [];
    for (let t = lx.next(); t.kind !== 'eof'; t = lx.next()) parts.push(t.text);
    text = parts.join(' ');
    canonicalCache.set(name, text);
  }
  return text;
}

/**
 * Parses an OpenQASM 2.0 program. Throws only QasmError (with file, line, column).
 * Qubits of several qregs are numbered consecutively in declaration order.
 */
export function parseQasm(source: string, fileName = '<input>', options: ParseQasmOptions = {}): QasmProgram {
  // A UTF-8 byte-order mark (editors on Windows write one) is not part of the program.
  const text = String(source);
  const parser = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, fileName, options);
  try {
    return parser.parse();
  } catch (e) {
    if (e instanceof QasmError) throw e;
    // Pathological input can still exhaust the stack; report it, never leak a RangeError.
    if (e instanceof RangeError) throw new QasmError(fileName, 1, 1, `input too complex to parse (${e.message})`);
    throw e;
  }
}
