// Real-weighted Pauli-sum observables: parsing, formatting, validation, bit
// masks for the simulators, and Hamiltonian builders for the workloads.

export type PauliOp = 'X' | 'Y' | 'Z';

export interface PauliTerm {
  coeff: number;
  /** Sorted by qubit, at most one entry per qubit; empty for the identity (constant) term. */
  paulis: { qubit: number; op: PauliOp }[];
}

export interface PauliSum {
  terms: PauliTerm[];
}

/** A malformed observable. `column` (1-based) is set for parse errors. */
export class ObservableError extends Error {
  readonly column: number | undefined;
  readonly reason: string;
  constructor(reason: string, column?: number) {
    super(column === undefined ? reason : `at column ${column}: ${reason}`);
    this.name = 'ObservableError';
    this.reason = reason;
    this.column = column;
  }
}

// ---- parsing ---------------------------------------------------------------

type Factor = PauliOp | 'I';

/** Product of two single-qubit Paulis: resulting op and phase in powers of i. */
function mulPauli(a: Factor, b: Factor): [Factor, number] {
  if (a === 'I') return [b, 0];
  if (b === 'I') return [a, 0];
  if (a === b) return ['I', 0];
  // XY = iZ, YZ = iX, ZX = iY; reversed order gives −i.
  const cyclic = (a === 'X' && b === 'Y') || (a === 'Y' && b === 'Z') || (a === 'Z' && b === 'X');
  const c = (['X', 'Y', 'Z'] as const).find((p) => p !== a && p !== b)!;
  return [c, cyclic ? 1 : 3];
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function describeAt(text: string, i: number): string {
  return i >= text.length ? 'end of input' : `'${text[i]}'`;
}

/**
 * Parses sums like `0.5*Z0*Z1 - 0.3*X2 + Y1`, `-Z0`, `2 * X0 X1`, `1e-3*z3`, `I`, `1.5`.
 * Factors are joined by `*`, whitespace or nothing (`Z0Z1`); a number factor is
 * a coefficient. Repeated qubits in a term are multiplied out (Z0*Z0 = I);
 * a term whose product is imaginary (X0*Y0 = iZ0) is rejected.
 */
export function parsePauliSum(text: string): PauliSum {
  let i = 0;
  const n = text.length;
  const fail = (reason: string, at = i): never => {
    throw new ObservableError(reason, at + 1);
  };
  const skip = (): void => {
    while (i < n && isSpace(text[i])) i++;
  };

  const number = (): number => {
    const start = i;
    while (isDigit(text[i] ?? '')) i++;
    if (text[i] === '.') {
      i++;
      while (isDigit(text[i] ?? '')) i++;
    }
    if (i === start + 1 && text[start] === '.') fail("malformed number '.'", start);
    if (text[i] === 'e' || text[i] === 'E') {
      let j = i + 1;
      if (text[j] === '+' || text[j] === '-') j++;
      if (!isDigit(text[j] ?? '')) fail(`malformed number '${text.slice(start, j)}': expected exponent digits`, start);
      while (isDigit(text[j] ?? '')) j++;
      i = j;
    }
    return Number(text.slice(start, i));
  };

  const startsFactor = (c: string | undefined): boolean =>
    c !== undefined && (isDigit(c) || c === '.' || 'XYZIxyzi'.includes(c));

  const terms: PauliTerm[] = [];
  skip();
  if (i >= n) fail('empty observable: expected a term like 0.5*Z0');
  for (;;) {
    // Sign(s) before the term: the first term may have one, later ones need one.
    let sign = 1;
    if (terms.length > 0) {
      if (text[i] !== '+' && text[i] !== '-') fail(`expected '+', '-' or '*' between terms, found ${describeAt(text, i)}`);
    }
    while (text[i] === '+' || text[i] === '-') {
      if (text[i] === '-') sign = -sign;
      i++;
      skip();
    }

    const termStart = i;
    let coeff = sign;
    let phase = 0;
    const ops = new Map<number, Factor>();
    for (;;) {
      const c = text[i];
      if (c !== undefined && (isDigit(c) || c === '.')) {
        coeff *= number();
      } else if (c !== undefined && 'XYZIxyzi'.includes(c)) {
        const op = c.toUpperCase() as Factor;
        const at = i;
        i++;
        const ds = i;
        while (isDigit(text[i] ?? '')) i++;
        if (i === ds) {
          if (op !== 'I') fail(`expected a qubit index after '${c}' (like ${op}0)`, i);
        } else {
          const q = Number(text.slice(ds, i));
          if (!Number.isSafeInteger(q)) fail(`qubit index ${text.slice(ds, i)} is too large`, ds);
          if (op !== 'I') {
            const [r, ph] = mulPauli(ops.get(q) ?? 'I', op);
            phase += ph;
            ops.set(q, r);
          }
        }
        if (/[A-Za-z_]/.test(text[i] ?? '') && !startsFactor(text[i])) fail(`unexpected '${text[i]}' after Pauli factor '${text.slice(at, i)}'`, i);
      } else {
        fail(`expected a Pauli factor like Z0 or a coefficient, found ${describeAt(text, i)}`);
      }
      // Factor separator: '*', whitespace, or directly adjacent factor.
      skip();
      if (text[i] === '*') {
        i++;
        skip();
        if (!startsFactor(text[i])) fail(`expected a Pauli factor like Z0, found ${describeAt(text, i)}`);
      } else if (!startsFactor(text[i])) {
        break;
      }
    }

    if (phase % 2 === 1) {
      fail(`term '${text.slice(termStart, i).trim()}' is not Hermitian: its Pauli product has an imaginary coefficient`, termStart);
    }
    if (phase % 4 === 2) coeff = -coeff;
    const paulis = [...ops]
      .filter(([, op]) => op !== 'I')
      .map(([qubit, op]) => ({ qubit, op: op as PauliOp }))
      .sort((a, b) => a.qubit - b.qubit);
    if (!Number.isFinite(coeff)) fail('coefficient is not a finite number', termStart);
    terms.push({ coeff, paulis });
    if (i >= n) break;
  }
  return { terms };
}

// ---- formatting ------------------------------------------------------------

/** `Z0*Z1`, or '' for the identity. */
export function pauliString(term: PauliTerm): string {
  return term.paulis.map((p) => `${p.op}${p.qubit}`).join('*');
}

function formatTerm(coeffAbs: number, term: PauliTerm): string {
  const ps = pauliString(term);
  if (!ps) return String(coeffAbs);
  return coeffAbs === 1 ? ps : `${String(coeffAbs)}*${ps}`;
}

/** Text that parsePauliSum reads back to the same terms (coefficients exact). An empty sum is '0'. */
export function formatPauliSum(sum: PauliSum): string {
  if (sum.terms.length === 0) return '0';
  return sum.terms
    .map((t, k) => {
      if (!Number.isFinite(t.coeff)) throw new ObservableError(`term ${k} has a non-finite coefficient ${t.coeff}`);
      const neg = t.coeff < 0 || Object.is(t.coeff, -0);
      const body = formatTerm(Math.abs(t.coeff), t);
      if (k === 0) return neg ? `-${body}` : body;
      return `${neg ? '-' : '+'} ${body}`;
    })
    .join(' ');
}

// ---- inspection ------------------------------------------------------------

/** Highest qubit index any term acts on, or -1 if none (constant or empty). */
export function pauliSumMaxQubit(sum: PauliSum): number {
  let m = -1;
  for (const t of sum.terms) for (const p of t.paulis) if (p.qubit > m) m = p.qubit;
  return m;
}

/** Checks a (possibly hand-built) sum against a circuit's width. Throws ObservableError naming the term. */
export function validatePauliSum(sum: PauliSum, numQubits: number): void {
  sum.terms.forEach((t, k) => {
    const name = () => `term ${k} (${pauliString(t) || 'I'})`;
    if (!Number.isFinite(t.coeff)) throw new ObservableError(`${name()} has a non-finite coefficient ${t.coeff}`);
    let prev = -1;
    for (const p of t.paulis) {
      if (p.op !== 'X' && p.op !== 'Y' && p.op !== 'Z') throw new ObservableError(`${name()} has invalid Pauli '${String(p.op)}'`);
      if (!Number.isInteger(p.qubit) || p.qubit < 0) throw new ObservableError(`${name()} has invalid qubit index ${p.qubit}`);
      if (p.qubit >= numQubits) {
        throw new ObservableError(`${name()} acts on qubit ${p.qubit}, but the circuit has ${numQubits} qubit${numQubits === 1 ? '' : 's'}`);
      }
      if (p.qubit <= prev) throw new ObservableError(`${name()} must list qubits in increasing order, each once`);
      prev = p.qubit;
    }
  });
}

/** Largest qubit index whose bit fits exactly in a double's mantissa. */
const MAX_MASK_QUBIT = 52;

/**
 * Bit masks for a term: X sets the x bit, Z the z bit, Y both (bit q = 2^q).
 * Plain numbers, exact for qubits ≤ 52; larger indices throw.
 */
export function pauliTermMasks(term: PauliTerm): { xMask: number; zMask: number } {
  let xMask = 0;
  let zMask = 0;
  for (const { qubit, op } of term.paulis) {
    if (!Number.isInteger(qubit) || qubit < 0 || qubit > MAX_MASK_QUBIT) {
      throw new ObservableError(`qubit ${qubit} cannot be encoded in a mask (supported: 0..${MAX_MASK_QUBIT})`);
    }
    const bit = 2 ** qubit; // not 1 << q: shifts are 32-bit
    if (op !== 'Z') xMask += bit;
    if (op !== 'X') zMask += bit;
  }
  return { xMask, zMask };
}

/** Merges terms with equal Pauli strings (first-appearance order) and drops zero coefficients. */
export function combineLikeTerms(sum: PauliSum): PauliSum {
  const byKey = new Map<string, PauliTerm>();
  for (const t of sum.terms) {
    const key = pauliString(t);
    const prev = byKey.get(key);
    if (prev) prev.coeff += t.coeff;
    else byKey.set(key, { coeff: t.coeff, paulis: t.paulis.map((p) => ({ ...p })) });
  }
  return { terms: [...byKey.values()].filter((t) => t.coeff !== 0) };
}

// ---- builders --------------------------------------------------------------

function checkSize(n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 1) throw new ObservableError(`${fn}: number of qubits must be a positive integer, got ${n}`);
}

/** Nearest-neighbour bonds of a chain; periodic adds (n−1, 0) when n > 2 (for n = 2 it would repeat bond (0, 1)). */
function chainBonds(n: number, periodic: boolean): [number, number][] {
  const bonds: [number, number][] = [];
  for (let i = 0; i + 1 < n; i++) bonds.push([i, i + 1]);
  if (periodic && n > 2) bonds.push([0, n - 1]);
  return bonds;
}

function two(coeff: number, op: PauliOp, a: number, b: number): PauliTerm {
  return { coeff, paulis: [{ qubit: a, op }, { qubit: b, op }] };
}

/**
 * XXZ Heisenberg chain: H = J Σ_bonds (X_i X_j + Y_i Y_j + Δ Z_i Z_j).
 * J > 0 is antiferromagnetic. Three terms per bond, in X, Y, Z order.
 */
export function heisenbergXXZ(n: number, opts: { J?: number; delta?: number; periodic?: boolean } = {}): PauliSum {
  checkSize(n, 'heisenbergXXZ');
  const { J = 1, delta = 1, periodic = false } = opts;
  const terms: PauliTerm[] = [];
  for (const [a, b] of chainBonds(n, periodic)) {
    terms.push(two(J, 'X', a, b), two(J, 'Y', a, b), two(J * delta, 'Z', a, b));
  }
  return { terms };
}

/**
 * Transverse-field Ising chain: H = −J Σ_bonds Z_i Z_j − h Σ_i X_i.
 * With J, h > 0 the coupling is ferromagnetic and the field favours |+⟩.
 * Bond terms first, then the n field terms.
 */
export function transverseIsing(n: number, opts: { J?: number; h?: number; periodic?: boolean } = {}): PauliSum {
  checkSize(n, 'transverseIsing');
  const { J = 1, h = 1, periodic = false } = opts;
  const terms: PauliTerm[] = chainBonds(n, periodic).map(([a, b]) => two(-J, 'Z', a, b));
  for (let i = 0; i < n; i++) terms.push({ coeff: -h, paulis: [{ qubit: i, op: 'X' }] });
  return { terms };
}

/**
 * MaxCut cost C = Σ_edges w/2 (1 − Z_i Z_j) (weight w defaults to 1): the cut
 * weight of a bitstring, to be maximised. Returned as the constant Σ w/2
 * (first, an identity term) plus one −w/2 Z_i Z_j term per edge.
 */
export function maxCutCost(edges: [number, number, number?][]): PauliSum {
  let constant = 0;
  const terms: PauliTerm[] = [];
  edges.forEach(([i, j, w = 1], k) => {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0) {
      throw new ObservableError(`maxCutCost: edge ${k} has invalid vertices (${i}, ${j})`);
    }
    if (i === j) throw new ObservableError(`maxCutCost: edge ${k} is a self-loop on vertex ${i}`);
    if (!Number.isFinite(w)) throw new ObservableError(`maxCutCost: edge ${k} has non-finite weight ${w}`);
    constant += w / 2;
    terms.push(two(-w / 2, 'Z', Math.min(i, j), Math.max(i, j)));
  });
  return { terms: [{ coeff: constant, paulis: [] }, ...terms] };
}
