// Property-based tests (fast-check) of every text Quench reads from a user:
// OpenQASM (parser → lowering → engine), Pauli sums, project files, CSV.
// Whatever the input, each either parses or throws its own error class with a
// position or a path — never another exception, never a wrong answer.
//
// Budget: QUENCH_FUZZ_RUNS runs per property (default 200 in `npm test`;
// `npm run fuzz` raises it). Every input that ever failed is kept in
// regressions.json and replayed first, whatever the budget.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateProgram } from '../../src-shared/backend/dynamic-runner';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { GATE_SPECS, type GateName } from '../../src-shared/circuit/circuit';
import { CsvParseError, parseCsvDatasetSync } from '../../src-shared/ml/csv';
import { formatPauliSum, ObservableError, parsePauliSum } from '../../src-shared/observable/pauli';
import { parseProject, ProjectError, serializeProject } from '../../src-shared/project/schema';
import { parseQasm, QasmError, toQasm } from '../../src-shared/qasm';
import { NativeBackend } from '../../src-main/backend/native-backend';

const RUNS = Number(process.env.QUENCH_FUZZ_RUNS ?? 200);
const params = { numRuns: RUNS, seed: Number(process.env.QUENCH_FUZZ_SEED ?? 20261203) };
const regressions = JSON.parse(fs.readFileSync(path.join(__dirname, 'regressions.json'), 'utf8')) as Record<string, string[]>;
const example = fs.readFileSync(path.resolve(__dirname, '../../examples/seed-suite.quench.json'), 'utf8');

/** Runs `parse`; anything thrown must be an instance of `errorClass` (checked by `check`). */
function onlyOwnErrors<E extends Error>(parse: () => unknown, errorClass: new (...a: never[]) => E, check?: (e: E) => void): boolean {
  try {
    parse();
    return true;
  } catch (e) {
    if (!(e instanceof errorClass)) throw new Error(`expected ${errorClass.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    check?.(e);
    return false;
  }
}

// ---- OpenQASM ---------------------------------------------------------------------------------

const HDR = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';
const GATES = Object.keys(GATE_SPECS) as GateName[];
const qasmChecks = (e: QasmError) => {
  expect(e.line).toBeGreaterThanOrEqual(1);
  expect(e.column).toBeGreaterThanOrEqual(1);
};

/** A random valid program: registers, gates of every arity, barriers, measure, reset, if. */
const validProgram = fc
  .record({ n: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 3 }), seed: fc.integer(), length: fc.integer({ min: 0, max: 30 }) })
  .chain(({ n, c, length }) =>
    fc.tuple(
      fc.constant(n), fc.constant(c),
      fc.array(
        fc.oneof(
          { weight: 6, arbitrary: fc.record({ k: fc.constant('gate' as const), g: fc.constantFrom(...GATES.filter((g) => GATE_SPECS[g].qubits <= n)), q: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), a: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }) }) },
          { weight: 1, arbitrary: fc.record({ k: fc.constant('measure' as const), q: fc.integer({ min: 0, max: n - 1 }), b: fc.integer({ min: 0, max: c - 1 }) }) },
          { weight: 1, arbitrary: fc.record({ k: fc.constant('reset' as const), q: fc.integer({ min: 0, max: n - 1 }) }) },
          { weight: 1, arbitrary: fc.record({ k: fc.constant('if' as const), v: fc.integer({ min: 0, max: 2 ** c - 1 }), q: fc.integer({ min: 0, max: n - 1 }) }) },
          { weight: 1, arbitrary: fc.constant({ k: 'barrier' as const }) },
        ),
        { maxLength: length },
      ),
    ),
  )
  .map(([n, c, stmts]) => {
    const lines = [HDR + `qreg q[${n}];`, `creg c[${c}];`];
    for (const s of stmts) {
      if (s.k === 'gate') {
        const spec = GATE_SPECS[s.g];
        const args = s.q.slice(0, spec.qubits).map((q) => `q[${q}]`).join(', ');
        lines.push(`${s.g}${spec.params ? `(${s.a.slice(0, spec.params).join(', ')})` : ''} ${args};`);
      } else if (s.k === 'measure') lines.push(`measure q[${s.q}] -> c[${s.b}];`);
      else if (s.k === 'reset') lines.push(`reset q[${s.q}];`);
      else if (s.k === 'if') lines.push(`if (c == ${s.v}) x q[${s.q}];`);
      else lines.push('barrier q;');
    }
    lines.push('measure q[0] -> c[0];');
    return lines.join('\n') + '\n';
  });

/** A valid program with a few random edits (characters and tokens inserted, deleted, replaced). */
const ALPHABET = [...' \n;,()[]{}+-*/^"->==', 'qreg', 'creg', 'gate', 'measure', 'reset', 'if', 'pi', 'q[0]', 'c', 'U', 'CX', '1e999', '-0', '0x1', '\u00e9', '\uFEFF', '/*', '//', '999999999999'];
const mutated = fc.tuple(validProgram, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.constantFrom(...ALPHABET)), { minLength: 1, maxLength: 5 })).map(([src, edits]) => {
  let s = src;
  for (const [at, kind, text] of edits) {
    const pos = at % (s.length + 1);
    if (kind === 0) s = s.slice(0, pos) + s.slice(pos + 1 + (at % 4));
    else if (kind === 1) s = s.slice(0, pos) + text + s.slice(pos);
    else s = s.slice(0, pos) + text + s.slice(pos + text.length);
  }
  return s;
});

describe('OpenQASM input', () => {
  it('regressions: every input that once failed still gives a position or a result', () => {
    for (const src of regressions.qasm) onlyOwnErrors(() => parseQasm(src, 'r.qasm'), QasmError, qasmChecks);
  });

  it('any text: parses or throws QasmError with a position', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => void onlyOwnErrors(() => parseQasm(s, 'x.qasm'), QasmError, qasmChecks)), params);
    fc.assert(fc.property(fc.string({ maxLength: 200 }).map((s) => HDR + s), (s) => void onlyOwnErrors(() => parseQasm(s, 'x.qasm'), QasmError, qasmChecks)), params);
  });

  it('mutated valid programs: parse or throw QasmError with a position', () => {
    fc.assert(fc.property(mutated, (s) => void onlyOwnErrors(() => parseQasm(s, 'm.qasm'), QasmError, qasmChecks)), params);
  });

  it('valid programs parse, static ones round-trip through toQasm, and the native engine agrees with the reference', async () => {
    const native = new NativeBackend();
    const reference = new ReferenceBackend();
    await fc.assert(
      fc.asyncProperty(validProgram, async (src) => {
        const p = parseQasm(src, 'v.qasm');
        if (!p.dynamic) expect(parseQasm(toQasm(p.circuit)).circuit.ops.length).toBe(p.circuit.ops.length);
        const req = { probabilities: true, maxBranches: 256 };
        let want;
        try {
          want = await simulateProgram(reference, p, req);
        } catch (e) {
          // Only the stated limit on exact branches may refuse a valid program.
          expect((e as Error).message).toMatch(/more than 256 final states/);
          return;
        }
        const got = await simulateProgram(native, p, req, { fusion: 3 });
        got.probabilities!.forEach((x, i) => expect(Math.abs(x - want.probabilities![i])).toBeLessThan(1e-10));
      }),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
  });
});

// ---- Pauli sums -------------------------------------------------------------------------------

describe('observables (Pauli sums)', () => {
  it('any text: parses or throws ObservableError', () => {
    for (const s of regressions.pauli) onlyOwnErrors(() => parsePauliSum(s), ObservableError);
    const pauliish = fc.array(fc.constantFrom('X', 'Y', 'Z', 'I', '0', '1', '12', '*', '+', '-', ' ', '.', 'e', '5', '(', ')', '1e400'), { maxLength: 30 }).map((t) => t.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 80 }), pauliish), (s) => void onlyOwnErrors(() => parsePauliSum(s), ObservableError)), params);
  });

  it('what parses prints back to the same sum', () => {
    const term = fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }), fc.array(fc.constantFrom('X', 'Y', 'Z'), { minLength: 4, maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 5 }), (terms) => {
        const text = terms.map(([c, qs, ops]) => [String(c), ...qs.map((q, i) => `${ops[i]}${q}`)].join('*')).join(' + ');
        const sum = parsePauliSum(text);
        expect(parsePauliSum(formatPauliSum(sum))).toEqual(sum);
      }),
      params,
    );
  });
});

// ---- project files ----------------------------------------------------------------------------

/** The example project with one random change somewhere in its tree. */
const mutatedProject = fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.jsonValue({ maxDepth: 2 })).map(([at, kind, value]) => {
  const root = JSON.parse(example) as unknown;
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) nodes.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(root);
  const { parent, key } = nodes[at % nodes.length];
  const p = parent as Record<string | number, unknown>;
  if (kind === 0) Array.isArray(parent) ? parent.splice(key as number, 1) : delete p[key];
  else if (kind === 1) p[key] = value;
  else if (kind === 2) p[key] = typeof p[key] === 'number' ? -(p[key] as number) * 1e300 : String(p[key]);
  else if (kind === 3 && !Array.isArray(parent)) p[`${String(key)}_typo`] = value;
  else if (kind === 4) p[key] = null;
  else return JSON.stringify(root).replace(/"[^"]*"/, '"__proto__"');
  return JSON.stringify(root);
});

describe('project files', () => {
  const check = (e: ProjectError) => expect(e.message).toMatch(/^p\.quench\.json: /);
  it('regressions, any text and any JSON: parse or throw ProjectError naming the file', () => {
    for (const s of regressions.project) onlyOwnErrors(() => parseProject(s, 'p.quench.json'), ProjectError, check);
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void onlyOwnErrors(() => parseProject(s, 'p.quench.json'), ProjectError, check)), params);
    fc.assert(fc.property(fc.jsonValue(), (v) => void onlyOwnErrors(() => parseProject(JSON.stringify(v), 'p.quench.json'), ProjectError, check)), params);
  });

  it('a mutated example: refused naming the bad field, or accepted and stable when saved and read again', () => {
    fc.assert(
      fc.property(mutatedProject, (text) => {
        let p;
        try {
          p = parseProject(text, 'p.quench.json');
        } catch (e) {
          if (!(e instanceof ProjectError)) throw e;
          check(e);
          return;
        }
        const again = parseProject(serializeProject(p), 'p.quench.json');
        expect(again).toEqual(p);
      }),
      params,
    );
  });
});

// ---- CSV datasets -----------------------------------------------------------------------------

describe('CSV datasets', () => {
  it('any text: a dataset or CsvParseError', () => {
    for (const s of regressions.csv) onlyOwnErrors(() => parseCsvDatasetSync(s), CsvParseError);
    const cells = fc.array(fc.array(fc.constantFrom('1', '-2.5', 'a', '', '"x,y"', 'NaN', '1e999', '0', '1', ' ', '"'), { maxLength: 5 }).map((r) => r.join(',')), { maxLength: 8 }).map((rows) => rows.join('\n'));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 120 }), cells), (s) => void onlyOwnErrors(() => parseCsvDatasetSync(s), CsvParseError)), params);
  });
});
