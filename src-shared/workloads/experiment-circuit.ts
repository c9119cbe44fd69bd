// The quantum circuit an experiment runs, built from its parameters with the
// same builders and defaults the engine's runners use: for the diagram, the
// OpenQASM export and the memory estimate. Also the checks the schema cannot
// make (a Pauli sum that does not parse, an odd nodes × degree, a QASM syntax
// error), as field messages, so the editor shows them while the user types
// instead of the run failing later.
import type { Circuit, Operation } from '../circuit/circuit';
import type { CvBlock, CvGateSpec } from '../circuit/cv';
import { parsePauliSum, validatePauliSum, type PauliSum } from '../observable/pauli';
import type { FieldIssue } from '../project/param-meta';
import { backendProblem } from '../project/param-meta';
import type { Experiment, ExperimentKind } from '../project/schema';
import { parseQasm, QasmError, toQasm, type QasmProgram } from '../qasm';
import { Rng } from '../random';
import { prepareClassification, type DatasetName } from './data';
import { withDefaults } from './defaults';
import { randomRegularGraph, type Graph } from './graph';
import { qaoaInitialParams } from './qaoa';
import { qnnCircuit, qnnInitialWeights } from './qnn';
import { featureMapPairs, featureMapParams, zzFeatureMap } from './qsvm';
import { vqeAnsatz, vqeHamiltonian, vqeInitialParams } from './vqe';
import { runtimeOf, unregistered } from './registry';

type Of<K extends ExperimentKind> = Extract<Experiment, { kind: K }>;

// ---- memoised parsing (the editor asks on every keystroke) ---------------------------------
function memo<A, R>(f: (a: A) => R, key: (a: A) => string, size = 4): (a: A) => R {
  const cache = new Map<string, R>();
  return (a) => {
    const k = key(a);
    if (cache.has(k)) return cache.get(k)!;
    const r = f(a);
    if (cache.size >= size) cache.delete(cache.keys().next().value!);
    cache.set(k, r);
    return r;
  };
}

type Result<T> = { ok: true; value: T } | { ok: false; error: Error };
const attempt = <T>(f: () => T): Result<T> => {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
};

const parseQasmMemo = memo((text: string) => attempt(() => parseQasm(text, 'qasm')), (t) => t, 2);

/** The parsed OpenQASM of a circuit experiment (cached by text); throws QasmError. */
export function circuitProgram(qasm: string): QasmProgram {
  const r = parseQasmMemo(qasm);
  if (!r.ok) throw r.error;
  return r.value;
}

const randomGraphMemo = memo(
  ({ n, d, seed }: { n: number; d: number; seed: number }) => attempt(() => randomRegularGraph(n, d, new Rng(seed))),
  ({ n, d, seed }) => `${n}/${d}/${seed}`,
);

/** The MaxCut graph of a QAOA experiment, as the runner draws it (src-main/engine/workloads/qaoa.ts, qaoaGraph). */
export function qaoaGraphOf(params: Of<'qaoa'>['params']): Graph {
  const s = withDefaults('qaoa', params);
  if (s.edges) return { nodes: s.nodes, edges: s.edges.map(([u, v, w]) => [u, v, w ?? 1]) };
  const r = randomGraphMemo({ n: s.nodes, d: s.degree, seed: s.seed });
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * QAOA as named gates: |+⟩^n, then per round e^{−iγC} as one RZZ per edge and
 * the mixer e^{−iβX} as RX(2β). The engine applies e^{−iγC} as one diagonal
 * pass (C = Σ w(1 − Z_uZ_v)/2: e^{−iγC} = e^{−iγΣw/2} · Π RZZ(−γw)); the two
 * differ by a global phase only (test/unit/experiment-circuit.test.ts).
 */
export function qaoaGateCircuit(graph: Graph, p: number): Circuit {
  const n = graph.nodes;
  const ops: Operation[] = [];
  for (let q = 0; q < n; q++) ops.push({ gate: 'h', qubits: [q] });
  for (let l = 0; l < p; l++) {
    for (const [u, v, w] of graph.edges) ops.push({ gate: 'rzz', qubits: [u, v], params: [{ slot: 2 * l, scale: -w }] });
    for (let q = 0; q < n; q++) ops.push({ gate: 'rx', qubits: [q], params: [{ slot: 2 * l + 1, scale: 2 }] });
  }
  const paramNames = Array.from({ length: 2 * p }, (_, i) => `${i % 2 ? 'β' : 'γ'}${Math.floor(i / 2) + 1}`);
  return { numQubits: n, numParams: 2 * p, ops, paramNames };
}

// ---- the CV generator -----------------------------------------------------------------------
export interface CvGenerator {
  modes: number;
  numParams: number;
  gates: CvGateSpec[];
}

/**
 * The seed report's CV generator, gate for gate as the core builds it
 * (native/include/quench/fock.h, fock::qgan_generator; the engine's
 * QganGenerator uses it): latent displacements, then per layer a Clements
 * interferometer (beamsplitters on (k, k+1) for (l + k) even, then one rotation
 * per mode), squeezing, a second interferometer, and displacement + Kerr per mode.
 */
export function qganGenerator(modes: number, layers: number, latent: number): CvGenerator {
  if (latent > 2 * modes) throw new RangeError(`latent = ${latent} exceeds 2 × modes = ${2 * modes} (two quadratures per mode)`);
  const gates: CvGateSpec[] = [];
  for (let i = 0; i < latent; i++) gates.push({ kind: 'Displacement', mode0: i % modes, a: { slot: i }, b: { value: i < modes ? 0 : Math.PI / 2 }, layer: -1, block: 'latent' });
  let slot = latent;
  const interferometer = (layer: number, block: CvBlock) => {
    const nbs = (modes * (modes - 1)) / 2;
    const theta0 = slot, phi0 = slot + nbs, rot0 = slot + 2 * nbs;
    let k = 0;
    for (let l = 0; l < modes; l++)
      for (let j = 0; j + 1 < modes; j++)
        if ((l + j) % 2 === 0) {
          gates.push({ kind: 'Beamsplitter', mode0: j, mode1: j + 1, a: { slot: theta0 + k }, b: { slot: phi0 + k }, layer, block });
          k++;
        }
    for (let m = 0; m < modes; m++) gates.push({ kind: 'Rotation', mode0: m, a: { slot: rot0 + m }, layer, block });
    slot += 2 * nbs + modes;
  };
  for (let layer = 0; layer < layers; layer++) {
    interferometer(layer, 'interferometer 1');
    for (let m = 0; m < modes; m++) gates.push({ kind: 'Squeezing', mode0: m, a: { slot: slot + m }, b: { value: 0 }, layer, block: 'squeezing' });
    slot += modes;
    interferometer(layer, 'interferometer 2');
    const dr = slot, dp = slot + modes, kk = slot + 2 * modes;
    for (let m = 0; m < modes; m++) {
      gates.push({ kind: 'Displacement', mode0: m, a: { slot: dr + m }, b: { slot: dp + m }, layer, block: 'displacement' });
      gates.push({ kind: 'Kerr', mode0: m, a: { slot: kk + m }, layer, block: 'Kerr' });
    }
    slot += 3 * modes;
  }
  return { modes, numParams: slot, gates };
}

// ---- what an experiment runs ------------------------------------------------------------------
export type ExperimentCircuit =
  | {
      type: 'qubit';
      /** What the drawing shows, in the user's words. */
      title: string;
      circuit: Circuit;
      /** Measured qubits at the end (a QASM file's `measure` statements). */
      measured?: number[];
      /** OpenQASM circuits: every instruction in order (measurements, resets and conditions where they happen). */
      program?: QasmProgram;
    }
  | { type: 'cv'; title: string; modes: number; cutoff: number; generator: CvGenerator };

/**
 * The circuit of an experiment (defaults filled in as the runner fills them).
 * Throws an Error naming the problem when the parameters cannot make one
 * (see experimentProblems for the same as field messages).
 */
export function experimentCircuit(e: Experiment): ExperimentCircuit {
  const runtime = runtimeOf(e.kind);
  if (runtime) return runtime.circuit(e as never, experimentCircuit);
  switch (e.kind) {
    case 'vqe': {
      const s = withDefaults('vqe', e.params);
      const circuit = vqeAnsatz(s);
      return { type: 'qubit', title: `${s.ansatz === 'hva' ? 'Hamiltonian-variational' : 'Hardware-efficient'} ansatz, ${s.layers} layer(s)`, circuit: { ...circuit, paramNames: slotNames(circuit.numParams, 'θ') } };
    }
    case 'qaoa': {
      const s = withDefaults('qaoa', e.params);
      const graph = qaoaGraphOf(e.params);
      return { type: 'qubit', title: `QAOA, p = ${s.p}, ${graph.edges.length} edges (cost layer drawn as one RZZ per edge)`, circuit: qaoaGateCircuit(graph, s.p) };
    }
    case 'qnn': {
      const s = withDefaults('qnn', e.params);
      return { type: 'qubit', title: `Angle encoding + ${s.layers} entangling layer(s), readout ⟨Z0⟩`, circuit: qnnNamed(s.qubits, s.layers, s.seed) };
    }
    case 'qsvm': {
      const s = withDefaults('qsvm', e.params);
      return { type: 'qubit', title: `ZZ feature map, ${s.reps} repetition(s), ${s.entanglement} entanglement`, circuit: qsvmNamed(s) };
    }
    case 'scale': {
      const s = withDefaults('scale', e.params);
      return { type: 'qubit', title: `The QNN classifier timed at each size (the QSVM kernel uses the ZZ feature map on ${s.features} features)`, circuit: qnnNamed(s.qubits, s.layers, s.seed) };
    }
    case 'qgan':
    case 'qgan-train': {
      const s = withDefaults(e.kind, e.params);
      return { type: 'cv', title: `CV generator: ${s.modes} modes, cutoff ${s.cutoff}, ${s.layers} layer(s), latent ${s.latent}`, modes: s.modes, cutoff: s.cutoff, generator: qganGenerator(s.modes, s.layers, s.latent) };
    }
    case 'circuit': {
      const program = circuitProgram(e.params.qasm ?? '');
      const dynamic = program.dynamic ? ', dynamic (mid-circuit measurement, reset or if)' : '';
      return {
        type: 'qubit', title: `OpenQASM circuit: ${program.circuit.numQubits} qubit(s), ${program.circuit.ops.length} gate(s)${dynamic}`,
        circuit: program.circuit, measured: program.measurements.map((m) => m.qubit), program,
      };
    }
    default:
      throw unregistered(e);
  }
}

const slotNames = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function qnnNamed(qubits: number, layers: number, seed: number): Circuit {
  const c = qnnCircuit({ qubits, layers, seed });
  return { ...c, paramNames: [...slotNames(qubits, 'x'), ...slotNames(c.numParams - qubits, 'w')] };
}

function qsvmNamed(s: { features: number; reps: number; entanglement: 'full' | 'linear' }): Circuit {
  const c = zzFeatureMap(s);
  return { ...c, paramNames: [...slotNames(s.features, 'x'), ...featureMapPairs(s).map(([i, j]) => `y${i}.${j}`)] };
}

// ---- checks beyond the schema ---------------------------------------------------------------------
/** Problems the schema cannot see, as field messages ('params.pauliSum': "pauliSum: …"). Empty when the experiment can run. */
export function experimentProblems(e: Experiment): FieldIssue[] {
  const out: FieldIssue[] = [];
  const add = (name: string, message: string, root = 'params') => out.push({ field: `${root}.${name}`, message: `${name}: ${message}` });
  const backend = backendProblem(e.kind, e.settings.backend);
  if (backend) add('backend', backend, 'settings');
  const runtime = runtimeOf(e.kind);
  if (runtime) return [...out, ...runtime.problems(e as never, experimentProblems).filter((x) => !x.field.startsWith('settings.'))];
  switch (e.kind) {
    case 'vqe': {
      const s = withDefaults('vqe', e.params);
      if (s.hamiltonian === 'custom') {
        if (!s.pauliSum?.trim()) add('pauliSum', "needed for Hamiltonian 'custom', e.g. 0.5*Z0*Z1 - X0");
        else {
          const r = attempt(() => vqeHamiltonian(s));
          if (!r.ok) add('pauliSum', r.error.message);
        }
      }
      break;
    }
    case 'qaoa': {
      const s = withDefaults('qaoa', e.params);
      if (s.edges) {
        s.edges.forEach(([u, v], i) => {
          for (const x of [u, v]) if (x >= s.nodes) add('edges', `item ${i + 1}: node ${x} is out of range for ${s.nodes} nodes (0–${s.nodes - 1})`);
          if (u === v) add('edges', `item ${i + 1}: a self-loop on node ${u}`);
        });
        if (s.edges.length === 0) add('edges', 'the graph has no edges');
      } else if (s.degree >= s.nodes) add('degree', `must be < nodes (${s.nodes})`);
      else if ((s.nodes * s.degree) % 2 !== 0) add('degree', `nodes × degree must be even (${s.nodes} × ${s.degree} = ${s.nodes * s.degree})`);
      else {
        const r = attempt(() => qaoaGraphOf(e.params));
        if (!r.ok) add('degree', r.error.message);
      }
      break;
    }
    case 'qnn': {
      const s = withDefaults('qnn', e.params);
      if (!s.csv && s.dataset === 'iris') add('dataset', 'the QNN classifier is binary; iris has 3 classes (use it with QSVM)');
      break;
    }
    case 'qsvm': {
      const s = withDefaults('qsvm', e.params);
      if (!s.csv && s.dataset === 'iris' && s.test >= 150) add('test', 'iris has 150 samples; the test split must be smaller');
      break;
    }
    case 'qgan':
    case 'qgan-train': {
      const s = withDefaults(e.kind, e.params);
      if (s.latent > 2 * s.modes) add('latent', `at most 2 × modes = ${2 * s.modes} (one latent value per quadrature)`);
      break;
    }
    case 'circuit': {
      const r = attempt(() => circuitProgram(e.params.qasm ?? ''));
      if (!r.ok) {
        add('qasm', r.error instanceof QasmError ? `line ${r.error.line}:${r.error.column}: ${r.error.reason}` : r.error.message);
        break;
      }
      const n = r.value.circuit.numQubits;
      (e.params.observables ?? []).forEach((text, i) => {
        const o = attempt(() => {
          const sum = parsePauliSum(text);
          validatePauliSum(sum, n);
          return sum;
        });
        if (!o.ok) add('observables', `line ${i + 1}: ${o.error.message}`);
      });
      if (e.settings.backend === 'reference' && n > 24) add('backend', `the reference backend runs at most 24 qubits; this circuit has ${n}`, 'settings');
      break;
    }
  }
  return out;
}

/** The Hamiltonian of a VQE experiment, or null when it does not parse (experimentProblems says why). */
export function vqeHamiltonianOf(e: Of<'vqe'>): PauliSum | null {
  const r = attempt(() => vqeHamiltonian(withDefaults('vqe', e.params)));
  return r.ok ? r.value : null;
}

// ---- OpenQASM export ---------------------------------------------------------------------------
export interface QasmExport {
  text: string;
  fileName: string;
}

/** Why an experiment's circuit has no OpenQASM 2.0 form, or null when it has one. */
export function qasmExportProblem(e: Experiment): string | null {
  if (e.kind === 'qgan' || e.kind === 'qgan-train') return 'a continuous-variable (Fock-space) circuit has no OpenQASM 2.0 form';
  const r = attempt(() => experimentCircuit(e));
  return r.ok ? null : r.error.message;
}

const safeFileName = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'circuit';

/** The first training point of a built-in dataset, scaled as the runner scales it (angles in [0, π]). */
function firstTrainingPoint(dataset: DatasetName, train: number, test: number, features: number, seed: number): Float64Array {
  const { train: t } = prepareClassification({ dataset, train, test, features, seed });
  return t.features.slice(0, features);
}

/**
 * An experiment's circuit as OpenQASM 2.0, parameters bound to the values its
 * run starts from (QASM 2.0 has no free parameters): a comment in the file says
 * which. A circuit experiment exports its own text unchanged.
 */
export function experimentQasm(e: Experiment): QasmExport {
  const fileName = `${safeFileName(e.id)}.qasm`;
  const runtime = runtimeOf(e.kind);
  if (runtime) {
    if (!runtime.circuitExperiment) throw new Error(`experiment '${e.id}': a ${e.kind} experiment has no circuit of its own to export`);
    return { ...experimentQasm(runtime.circuitExperiment(e as never)), fileName };
  }
  if (e.kind === 'circuit') return { text: e.params.qasm ?? '', fileName };
  const problem = qasmExportProblem(e);
  if (problem) throw new Error(`experiment '${e.id}': ${problem}`);
  const c = experimentCircuit(e);
  if (c.type !== 'qubit') throw new Error(`experiment '${e.id}': ${problem}`);
  let params: number[];
  let note: string;
  switch (e.kind) {
    case 'vqe': {
      const s = withDefaults('vqe', e.params);
      params = Array.from(vqeInitialParams(c.circuit.numParams, s.seed));
      note = `the optimizer's starting parameters (seed ${s.seed})`;
      break;
    }
    case 'qaoa': {
      const s = withDefaults('qaoa', e.params);
      params = Array.from(qaoaInitialParams(s.p));
      note = 'the linear-ramp starting point of the optimizer (γ, β per round)';
      break;
    }
    case 'qnn':
    case 'scale': {
      // scale times the QNN on 'moons' at each size (src-main/engine/workloads/scale.ts): its first size's split
      const q = e.kind === 'qnn' ? withDefaults('qnn', e.params) : null;
      const sc = e.kind === 'scale' ? withDefaults('scale', e.params) : null;
      const s = q ?? { ...sc!, dataset: 'moons' as const, csv: undefined, train: sc!.sizes[0], test: Math.max(2, Math.round(sc!.sizes[0] / 10)) };
      const weights = Array.from(qnnInitialWeights({ qubits: s.qubits, layers: s.layers, seed: s.seed }));
      if (s.csv) {
        params = [...new Array<number>(s.qubits).fill(0), ...weights];
        note = `inputs x = 0 (the CSV dataset is read by the engine), initial weights (seed ${s.seed})`;
      } else {
        params = [...firstTrainingPoint(s.dataset, s.train, s.test, s.qubits, s.seed), ...weights];
        note = `inputs = the first training sample of '${s.dataset}', initial weights (seed ${s.seed})`;
      }
      break;
    }
    case 'qsvm': {
      const s = withDefaults('qsvm', e.params);
      const x = s.csv ? new Float64Array(s.features) : firstTrainingPoint(s.dataset, s.train, s.test, s.features, s.seed);
      params = Array.from(featureMapParams(s, x, 1));
      note = s.csv ? 'the data point x = 0 (the CSV dataset is read by the engine)' : `the first training point of '${s.dataset}'`;
      break;
    }
    default:
      throw new Error(`experiment '${e.id}': no OpenQASM export for kind ${e.kind}`);
  }
  const body = toQasm(c.circuit, { params });
  const [header, include, ...rest] = body.split('\n');
  const comments = [`// Quench experiment '${e.name.replace(/[\r\n]+/g, ' ')}' (${e.kind}): ${c.title}`, `// Parameters bound to ${note}.`];
  return { text: [header, include, ...comments, ...rest].join('\n'), fileName };
}
