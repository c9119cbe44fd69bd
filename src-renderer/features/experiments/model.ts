// The Experiments view's logic, kept out of the components so it is tested
// directly: the editor's draft (form texts) ↔ an Experiment, validation as you
// type, new / duplicate / import from QASM, and whether a run may start.
import type { ServerInfo } from '../../../src-shared/api/contract';
import { KIND_LABELS, formatField, paramMeta, parseField, schemaIssues, type FieldIssue } from '../../../src-shared/project/param-meta';
import type { Experiment, ExperimentKind, RunSettings } from '../../../src-shared/project/schema';
import { parseQasm } from '../../../src-shared/qasm';
import { experimentProblems } from '../../../src-shared/workloads/experiment-circuit';
import { estimateMemory, memoryVerdict, type MemoryEstimate, type MemoryVerdict } from '../../../src-shared/workloads/memory';

// ---- the draft -------------------------------------------------------------------------------
export interface Draft {
  name: string;
  notes: string;
  /** Per parameter, the field's text ('' = the default). */
  params: Record<string, string>;
  settings: { backend: string; precision: string; threads: string; fusion: string };
}

export function draftOf(e: Experiment): Draft {
  const params: Record<string, string> = {};
  const values = e.params as Record<string, unknown>;
  for (const m of paramMeta(e.kind)) params[m.name] = formatField(m, values[m.name]);
  return {
    name: e.name,
    notes: e.notes ?? '',
    params,
    settings: { backend: e.settings.backend, precision: e.settings.precision, threads: String(e.settings.threads), fusion: e.settings.fusion === undefined ? '' : String(e.settings.fusion) },
  };
}

export interface DraftCheck {
  /** The experiment the draft describes, when it is valid; null while any field is wrong. */
  experiment: Experiment | null;
  /** Messages per field: 'name', 'notes', 'params.qubits', 'settings.threads', or 'experiment' for the whole. */
  errors: Record<string, string[]>;
}

const intText = (t: string): number | string => (/^\s*[+-]?\d+\s*$/.test(t) ? Number(t) : t.trim());

/** A settings field's text → its value ('' for fusion: the default); a non-number stays text so the schema names it. */
export function settingsOf(s: Draft['settings']): Record<string, unknown> {
  const out: Record<string, unknown> = { backend: s.backend, precision: s.precision };
  if (s.threads.trim() !== '') out.threads = intText(s.threads);
  if (s.fusion.trim() !== '') out.fusion = intText(s.fusion);
  return out;
}

function add(errors: Record<string, string[]>, issue: FieldIssue): void {
  (errors[issue.field] ??= []).push(issue.message);
}

/**
 * The draft checked as a whole: each field's text read (a non-number named),
 * the candidate checked with the project's Experiment schema, then the checks
 * the schema cannot make (a Pauli sum, a QASM syntax error, nodes × degree).
 */
export function checkDraft(base: Pick<Experiment, 'id' | 'kind'>, d: Draft): DraftCheck {
  const errors: Record<string, string[]> = {};
  const params: Record<string, unknown> = {};
  for (const m of paramMeta(base.kind)) {
    const r = parseField(m, d.params[m.name] ?? '');
    if (!r.ok) add(errors, { field: `params.${m.name}`, message: `${m.name}: ${r.error}` });
    else if (r.value !== undefined) params[m.name] = r.value;
  }
  const candidate = { id: base.id, name: d.name.trim(), kind: base.kind, ...(d.notes.trim() ? { notes: d.notes } : {}), settings: settingsOf(d.settings), params };
  const { experiment, issues } = schemaIssues(candidate);
  for (const i of issues) if (!errors[i.field]) add(errors, i); // a field that did not even parse keeps that message
  if (!experiment || Object.keys(errors).length) return { experiment: null, errors };
  for (const i of experimentProblems(experiment)) add(errors, i);
  return { experiment: Object.keys(errors).length ? null : experiment, errors };
}

/** Same experiment, field for field (the form's texts may differ: "1e1" and "10"). */
export const sameExperiment = (a: Experiment, b: Experiment) => stableJson(a) === stableJson(b);

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).filter(([, y]) => y !== undefined).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/**
 * The stored experiment changed under the editor (its own save coming back, a rename
 * in the list, another window): take every field whose text does not already read as
 * the new value, and keep the others as typed ("0.50" stays while the value is 0.5).
 */
export function mergeDraft(d: Draft, next: Experiment): void {
  const fresh = draftOf(next);
  if (d.name.trim() !== next.name) d.name = fresh.name;
  if ((d.notes.trim() ? d.notes : undefined) !== next.notes) d.notes = fresh.notes;
  const values = next.params as Record<string, unknown>;
  for (const m of paramMeta(next.kind)) {
    const r = parseField(m, d.params[m.name] ?? '');
    if (!(r.ok && stableJson(r.value) === stableJson(values[m.name]))) d.params[m.name] = fresh.params[m.name];
  }
  const s = settingsOf(d.settings);
  for (const k of ['backend', 'precision', 'threads', 'fusion'] as const) {
    const stored = next.settings[k];
    if (s[k] !== stored && !(k === 'threads' && s[k] === undefined && stored === 0)) d.settings[k] = fresh.settings[k];
  }
}

// ---- new, duplicate, import --------------------------------------------------------------------
/** A fresh id from `base` (letters, digits, _ . - only; 1–64 characters), not in `taken`. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'experiment';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} ${i}`)) return `${base} ${i}`;
}

/** A two-qubit Bell pair: what a new circuit experiment starts with (a circuit needs its QASM). */
export const NEW_CIRCUIT_QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';

/** A new experiment of `kind` with every parameter at its default (the form shows them as placeholders). */
export function newExperiment(kind: ExperimentKind, existing: readonly Experiment[]): Experiment {
  const ids = new Set(existing.map((e) => e.id)), names = new Set(existing.map((e) => e.name));
  const base = { id: uniqueId(kind, ids), name: uniqueName(KIND_LABELS[kind], names), settings: { backend: 'native-avx2', precision: 'f64', threads: 0 } as RunSettings };
  if (kind === 'circuit') return { ...base, kind, params: { qasm: NEW_CIRCUIT_QASM, observables: ['Z0*Z1'] } };
  return { ...base, kind, params: {} } as Experiment;
}

export function duplicateExperiment(e: Experiment, existing: readonly Experiment[]): Experiment {
  const ids = new Set(existing.map((x) => x.id)), names = new Set(existing.map((x) => x.name));
  return { ...structuredClone(e), id: uniqueId(`${e.id}-copy`, ids), name: uniqueName(`${e.name} (copy)`.slice(0, 200), names) };
}

/** A circuit experiment from an OpenQASM file; throws the parser's QasmError (file:line:col: reason) when it does not parse. */
export function experimentFromQasm(text: string, fileName: string, existing: readonly Experiment[]): Experiment {
  const program = parseQasm(text, fileName);
  const stem = fileName.replace(/\.[^.]*$/, '') || 'circuit';
  const ids = new Set(existing.map((x) => x.id)), names = new Set(existing.map((x) => x.name));
  const n = program.circuit.numQubits;
  return {
    id: uniqueId(stem, ids),
    name: uniqueName(`${stem} (${n} qubit${n === 1 ? '' : 's'})`.slice(0, 200), names),
    kind: 'circuit',
    notes: `Imported from ${fileName}.`,
    settings: { backend: 'native-avx2', precision: 'f64', threads: 0 },
    params: { qasm: text },
  };
}

// ---- may it run? ---------------------------------------------------------------------------------
export interface RunCheck {
  estimate: MemoryEstimate | null;
  verdict: MemoryVerdict;
  /** Why Run is disabled (a parameter problem, or too much memory), or null. */
  blocked: string | null;
}

const checks = new WeakMap<Experiment, { info: ServerInfo | null; check: RunCheck }>();

/** The memory estimate and the reason not to run, if any (cached per experiment object). */
export function runCheck(e: Experiment, info: ServerInfo | null): RunCheck {
  const hit = checks.get(e);
  if (hit && hit.info === info) return hit.check;
  const problems = experimentProblems(e);
  let estimate: MemoryEstimate | null = null;
  let verdict: MemoryVerdict = { level: 'ok', message: null };
  let blocked: string | null = problems.length ? problems[0].message : null;
  try {
    estimate = estimateMemory(e, { logicalCores: info?.logicalCores });
    verdict = memoryVerdict(estimate, info);
    if (verdict.level === 'block') blocked ??= verdict.message;
  } catch (err) {
    blocked ??= (err as Error).message;
  }
  const check = { estimate, verdict, blocked };
  checks.set(e, { info, check });
  return check;
}

/** Parameters a run may override per kind without changing the experiment: its batch sizes. */
export const BATCH_PARAMS: Partial<Record<ExperimentKind, string[]>> = {
  qgan: ['batches'],
  qnn: ['batchSize', 'inferenceBatch'],
  'qgan-train': ['batch'],
};
