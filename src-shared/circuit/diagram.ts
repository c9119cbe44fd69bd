// The layout of a circuit diagram, as plain data the renderer draws (and the
// tests check): one wire per qubit (or mode), operations placed greedily as
// soon as possible in columns, controls as dots joined to their target, a
// multi-qubit gate as one box over its wires, parameter labels under the
// gate's name. A long circuit shows its first columns and says how many more
// there are; a wide one keeps the first wires and bundles the rest into one.
import type { Angle, Circuit, GateName, Operation } from './circuit';
import type { ClassicalRegister, Instruction } from './dynamic';
import type { CvGateSpec } from './cv';

/** How an operation's targets are drawn. */
export type OpStyle =
  /** A box with the name (spanning all its targets). */
  | 'box'
  /** ⊕ (CX, CCX). */
  | 'not'
  /** A dot on every wire (CZ: symmetric). */
  | 'dot'
  /** × on both targets (SWAP, CSWAP). */
  | 'swap'
  /** A meter (final measurement). */
  | 'measure'
  /** A dashed line over every wire (a layer boundary). */
  | 'barrier';

export interface DiagramOp {
  /** Name drawn in a box: "RY", "H", "BS"; for 'barrier' the label above it. */
  label: string;
  /** The gate as the user writes it ("cx", "ccx"): shown when bundled wires make its symbol ambiguous. */
  name: string;
  /** Parameter text under the name: "θ3", "π/2", "2·x0". */
  param?: string;
  targets: number[];
  controls: number[];
  style: OpStyle;
}

export interface PlacedOp extends DiagramOp {
  column: number;
  /** Rows of the targets and controls after bundling (unique, ascending). */
  targetRows: number[];
  controlRows: number[];
  /** Rows the vertical extent covers (for a barrier: every row). */
  top: number;
  bottom: number;
}

export interface DiagramWire {
  row: number;
  label: string;
  /** Wires drawn in this row: 1, or the size of the bundle. */
  count: number;
}

export interface DiagramLayout {
  wires: DiagramWire[];
  /** Operations in the shown columns, in circuit order. */
  ops: PlacedOp[];
  /** Columns shown, and each one's width in characters of its widest label. */
  columns: number;
  columnWidths: number[];
  totalColumns: number;
  /** Columns beyond the shown ones ("+ K more columns"). */
  hiddenColumns: number;
  /** Wires drawn in the bundle row (0 when every wire has its own row). */
  bundledWires: number;
  totalOps: number;
}

export interface LayoutOptions {
  /** Columns to show (default 60). */
  maxColumns?: number;
  /** Rows to draw: above this many wires the last row bundles the rest (default 24). */
  maxWires?: number;
  /** A wire's label (default q0, q1, …). */
  wireLabel?: (wire: number) => string;
}

/** Greedy ASAP placement: each op goes in the first column where every row it covers is free. */
export function layoutDiagram(numWires: number, ops: readonly DiagramOp[], options: LayoutOptions = {}): DiagramLayout {
  const maxColumns = Math.max(1, options.maxColumns ?? 60);
  const maxWires = Math.max(2, options.maxWires ?? 24);
  const label = options.wireLabel ?? ((w: number) => `q${w}`);
  const bundled = numWires > maxWires;
  const rows = bundled ? maxWires : numWires;
  const bundleRow = maxWires - 1;
  const rowOf = (w: number) => (bundled ? Math.min(w, bundleRow) : w);
  const wires: DiagramWire[] = [];
  for (let r = 0; r < rows; r++) {
    if (bundled && r === bundleRow) wires.push({ row: r, label: `${label(bundleRow)}–${label(numWires - 1)}`, count: numWires - bundleRow });
    else wires.push({ row: r, label: label(r), count: 1 });
  }
  const next = new Array<number>(Math.max(rows, 1)).fill(0);
  const placed: PlacedOp[] = [];
  const widths: number[] = [];
  let totalColumns = 0;
  for (const op of ops) {
    let top: number, bottom: number, targetRows: number[], controlRows: number[], style = op.style, opLabel = op.label;
    if (op.style === 'barrier') {
      top = 0;
      bottom = rows - 1;
      targetRows = [];
      controlRows = [];
    } else {
      targetRows = unique(op.targets.map(rowOf));
      controlRows = unique(op.controls.map(rowOf)).filter((r) => !targetRows.includes(r));
      // Wires folded into the bundle row: the symbol (⊕, dots, ×) no longer says which wire is which.
      if (targetRows.length + controlRows.length < op.targets.length + op.controls.length) {
        style = 'box';
        opLabel = op.name.toUpperCase();
        controlRows = [];
        targetRows = unique([...op.targets, ...op.controls].map(rowOf));
      }
      const all = [...targetRows, ...controlRows];
      top = Math.min(...all);
      bottom = Math.max(...all);
    }
    let column = 0;
    for (let r = top; r <= bottom; r++) column = Math.max(column, next[r]);
    for (let r = top; r <= bottom; r++) next[r] = column + 1;
    totalColumns = Math.max(totalColumns, column + 1);
    if (column >= maxColumns) continue;
    placed.push({ ...op, style, label: opLabel, column, targetRows, controlRows, top, bottom });
    const w = style === 'box' ? Math.max(opLabel.length, op.param?.length ?? 0, 1) : style === 'barrier' ? 1 : Math.max(1, op.param?.length ?? 0);
    widths[column] = Math.max(widths[column] ?? 1, w);
  }
  const columns = Math.min(totalColumns, maxColumns);
  const columnWidths = Array.from({ length: columns }, (_, i) => widths[i] ?? 1);
  return { wires, ops: placed, columns, columnWidths, totalColumns, hiddenColumns: totalColumns - columns, bundledWires: bundled ? numWires - bundleRow : 0, totalOps: ops.length };
}

function unique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

// ---- qubit circuits --------------------------------------------------------------------------------
/** Number of control qubits in front of a gate's targets (OpenQASM order: controls first). */
const CONTROLS: Partial<Record<GateName, number>> = { cx: 1, cy: 1, cz: 1, ch: 1, crx: 1, cry: 1, crz: 1, cp: 1, cu1: 1, cu3: 1, ccx: 2, cswap: 1 };
/** The name drawn for a gate (for controlled ones: of the gate on the targets). */
const LABELS: Partial<Record<GateName, string>> = {
  id: 'I', sdg: 'S†', tdg: 'T†', sx: '√X', sxdg: '√X†', u: 'U', u1: 'U1', u2: 'U2', u3: 'U3',
  cy: 'Y', ch: 'H', crx: 'RX', cry: 'RY', crz: 'RZ', cp: 'P', cu1: 'U1', cu3: 'U3',
};

function gateDiagramOp(op: Operation, paramNames?: string[]): DiagramOp {
  const k = CONTROLS[op.gate] ?? 0;
  const controls = op.qubits.slice(0, k), targets = op.qubits.slice(k);
  const params = op.params?.map((a) => formatAngle(a, paramNames)).join(', ');
  let style: OpStyle = 'box';
  if (op.gate === 'cx' || op.gate === 'ccx') style = 'not';
  else if (op.gate === 'cz') style = 'dot';
  else if (op.gate === 'swap' || op.gate === 'cswap') style = 'swap';
  const label = LABELS[op.gate] ?? op.gate.toUpperCase();
  return { label, name: op.gate, param: params || undefined, targets, controls, style };
}

/** A circuit's operations for the diagram; `measured` qubits get a meter at the end. */
export function circuitDiagramOps(c: Circuit, measured: readonly number[] = []): DiagramOp[] {
  const out: DiagramOp[] = c.ops.map((op) => gateDiagramOp(op, c.paramNames));
  for (const q of unique([...measured])) out.push({ label: 'M', name: 'measure', targets: [q], controls: [], style: 'measure' });
  return out;
}

/**
 * Every instruction of a program where it happens: gates, measurements (a
 * meter with the bit it writes), resets (|0⟩), and the condition of an `if`
 * under what it guards.
 */
export function instructionDiagramOps(instructions: readonly Instruction[], registers: readonly ClassicalRegister[]): DiagramOp[] {
  const bitName = (b: number) => {
    const r = registers.find((x) => b >= x.offset && b < x.offset + x.size);
    return r ? `${r.name}[${b - r.offset}]` : `c${b}`;
  };
  return instructions.map((ins) => {
    const cond = ins.condition ? `if ${ins.condition.register.name}=${ins.condition.value}` : undefined;
    const withCond = (op: DiagramOp): DiagramOp => (cond ? { ...op, param: op.param ? `${op.param} ${cond}` : cond } : op);
    if (ins.kind === 'gate') return withCond(gateDiagramOp(ins.op));
    if (ins.kind === 'reset') return withCond({ label: '|0⟩', name: 'reset', targets: [ins.qubit], controls: [], style: 'box' });
    return withCond({ label: 'M', name: 'measure', param: bitName(ins.clbit), targets: [ins.qubit], controls: [], style: 'measure' });
  });
}

/** The diagram of a circuit in one call. */
export function layoutCircuit(c: Circuit, options: LayoutOptions & { measured?: readonly number[] } = {}): DiagramLayout {
  return layoutDiagram(c.numQubits, circuitDiagramOps(c, options.measured), options);
}

// ---- CV (Fock-space) circuits ----------------------------------------------------------------------
const CV_LABELS: Record<CvGateSpec['kind'], string> = { Displacement: 'D', Squeezing: 'S', Rotation: 'R', Beamsplitter: 'BS', Kerr: 'K' };

/** A CV generator's gates on mode wires, with a barrier labelled "layer k" before each layer. */
export function cvDiagramOps(gates: readonly CvGateSpec[]): DiagramOp[] {
  const out: DiagramOp[] = [];
  let layer = -1;
  for (const g of gates) {
    if (g.layer !== layer && g.layer >= 0) out.push({ label: `layer ${g.layer + 1}`, name: 'barrier', targets: [], controls: [], style: 'barrier' });
    layer = g.layer;
    const latent = g.block === 'latent' ? `z${g.a.slot}${g.b?.value ? ' (p)' : ''}` : undefined;
    out.push({ label: CV_LABELS[g.kind], name: g.kind, param: latent, targets: g.kind === 'Beamsplitter' ? [g.mode0, g.mode1!] : [g.mode0], controls: [], style: 'box' });
  }
  return out;
}

// ---- labels --------------------------------------------------------------------------------------
/** A readable angle: "π/2", "−0.25", "2·x0", "−γ1 + π". */
export function formatAngle(a: Angle, names?: string[]): string {
  if (typeof a === 'number') return formatConstant(a);
  const name = names?.[a.slot] ?? `θ${a.slot}`;
  const s = a.scale ?? 1;
  let text = s === 1 ? name : s === -1 ? `−${name}` : `${formatConstant(s)}·${name}`;
  const o = a.offset ?? 0;
  if (o) text += o < 0 ? ` − ${formatConstant(-o)}` : ` + ${formatConstant(o)}`;
  return text;
}

/** π multiples with small denominators as fractions of π; other numbers with 3 significant digits. */
export function formatConstant(x: number): string {
  if (x === 0) return '0';
  const sign = x < 0 ? '−' : '';
  const a = Math.abs(x);
  for (const d of [1, 2, 3, 4, 6, 8]) {
    const k = (a * d) / Math.PI;
    if (Math.abs(k - Math.round(k)) < 1e-9 && Math.round(k) > 0 && Math.round(k) <= 16) {
      const n = Math.round(k);
      return `${sign}${n === 1 ? '' : n}π${d === 1 ? '' : `/${d}`}`;
    }
  }
  return sign + (Number.isInteger(a) ? String(a) : Number(a.toPrecision(3)).toString());
}
