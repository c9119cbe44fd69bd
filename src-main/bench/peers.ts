// `quench bench peers`: Quench beside the simulators people install from PyPI
// (qsim, Lightning, Qulacs, Qiskit Aer; NumPy + OpenBLAS for the Gram
// product), on the same cases, in interleaved rounds (peer, Quench, peer, …)
// with the machine's load recorded; per round the ratio, then the median
// ratio with its spread; every peer's answer checked against Quench's on the
// same inputs (a disagreement is reported, never hidden). The peers live in
// a virtual environment under the cache folder (never in the repository);
// bench/peers/peers.py is their side.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lower } from '../../src-shared/circuit/lower';
import { toQasm } from '../../src-shared/qasm/export';
import type { Circuit, Operation } from '../../src-shared/circuit/circuit';
import { brickwork, denseTestState, randomUnitary } from '../../src-shared/circuit/random-circuits';
import type { LoweredCircuit, LoweredGate } from '../../src-shared/circuit/lowered';
import type { PauliSum } from '../../src-shared/observable/pauli';
import { qaoaCircuit, qaoaCost, qaoaInitialParams } from '../../src-shared/workloads/qaoa';
import { QAOA_DEFAULTS, qaoaGraph } from '../../src-shared/workloads/runners/qaoa';
import { qnnCircuit, qnnInitialWeights, qnnParamRows, qnnReadout } from '../../src-shared/workloads/qnn';
import { VQE_DEFAULTS, vqeAnsatz, vqeHamiltonian } from '../../src-shared/workloads/vqe';
import { ReferenceState } from '../../src-shared/backend/reference';
import { Rng } from '../../src-shared/random';
import { describeLoad, type MachineLoad } from '../../src-shared/results';
import { featureMapParams, zzFeatureMap } from '../../src-shared/workloads/qsvm';
import { now, spread } from '../../src-shared/workloads/timing';
import { DEFAULT_FUSION } from '../backend/native-backend';
import { watchLoad } from '../engine/load';
import { collectInfo } from '../engine/machine-info';
import { NativeSession } from '../engine/session';
import { loadFockAddon } from '../native/fock';
import { UsageError } from '../errors';
import { loadAddon, packageRoot } from '../native/addon';
import { makeProgress } from './progress';

/** Pinned peers: what `pip install` gets for each. */
export const PEER_PACKAGES: Record<PeerId, string[]> = {
  qsim: ['qsimcirq==0.22.1', 'cirq-core'],
  lightning: ['pennylane-lightning==0.45.0'],
  pennylane: ['pennylane-lightning==0.45.0', 'pennylane'],
  qulacs: ['qulacs==0.6.14'],
  aer: ['qiskit-aer==0.18.2', 'qiskit'],
  'qiskit-ml': ['qiskit-machine-learning==0.9.1', 'qiskit'],
  numpy: ['numpy'],
  strawberryfields: ['strawberryfields==0.23.0', 'tensorflow==2.15.*', 'numpy==1.26.*', 'scipy==1.13.*'],
};
/** lightning: Lightning's C++ engine called directly; pennylane: the same engine through PennyLane's QNode (what most users call). */
export type PeerId = 'qsim' | 'lightning' | 'pennylane' | 'qulacs' | 'aer' | 'qiskit-ml' | 'numpy' | 'strawberryfields';
const PEER_MODULE: Record<PeerId, string> = { qsim: 'qsimcirq', lightning: 'pennylane_lightning', pennylane: 'pennylane', qulacs: 'qulacs', aer: 'qiskit_aer', 'qiskit-ml': 'qiskit_machine_learning', numpy: 'numpy', strawberryfields: 'strawberryfields' };
export const ALL_PEERS = Object.keys(PEER_PACKAGES) as PeerId[];

export const PEER_CASES = ['gates', 'brickwork', 'gram', 'vqe', 'qaoa', 'qnn', 'qsvm', 'cv'] as const;
export type PeerCase = (typeof PEER_CASES)[number];

export interface PeersOptions {
  json?: boolean;
  case?: string[];
  peer?: string[];
  qubits?: number[];
  threads?: number[];
  /** Precisions of the gate case (default f64; the other cases are f64). */
  precision?: ('f32' | 'f64')[];
  rounds: number;
  /** Where the venv lives (default: the user's cache folder). */
  venv?: string;
}

export interface PeerRow {
  case: string;
  peer: PeerId;
  version: string;
  qubits?: number;
  threads: number;
  precision: 'f32' | 'f64';
  unit: 'ms/gate' | 'ms/layer' | 'ms' | 'ms/evaluation' | 'µs/sample';
  quench: { median: number; min: number; max: number };
  peerFigure: { median: number; min: number; max: number };
  /** Peer time ÷ Quench time per round: > 1 means Quench is faster. */
  speedup: { median: number; min: number; max: number; rounds: number };
  agrees: boolean;
  maxAnswerError: number;
  note?: string;
  /** Each round's median, Quench's and the peer's (what the figures above summarise). */
  rounds?: { quench: number[]; peer: number[] };
}

export interface PeersReport {
  env: ReturnType<typeof collectInfo>;
  load: MachineLoad | null;
  skipped: string[];
  rows: PeerRow[];
  /** The gate and brickwork cases' circuits as OpenQASM 2.0, by circuitKey (what --save stores as their experiments). */
  circuits: Record<string, string>;
}

export const circuitKey = (name: string, qubits?: number) => `${name}|${qubits ?? ''}`;

/**
 * Strawberry Fields pins TensorFlow 2.15 and NumPy 1.26, which the other peers outgrew:
 * it gets a virtual environment of its own beside the shared one.
 */
const OWN_VENV: Partial<Record<PeerId, string>> = { strawberryfields: '-sf' };

/** The peers' virtual environments, created and filled on first use; which python runs each peer, and what failed to install. */
export function ensurePeers(venv: string, peers: PeerId[], log: (s: string) => void): { pythonOf: (peer: PeerId) => string; failed: Map<PeerId, string> } {
  const venvOf = (peer: PeerId) => venv + (OWN_VENV[peer] ?? '');
  const pythonOf = (peer: PeerId) => path.join(venvOf(peer), 'bin', 'python');
  const failed = new Map<PeerId, string>();
  for (const peer of peers) {
    const python = pythonOf(peer);
    if (!fs.existsSync(python)) {
      log(`creating a virtual environment for the peers in ${venvOf(peer)}`);
      const r = spawnSync('python3', ['-m', 'venv', venvOf(peer)], { encoding: 'utf8' });
      if (r.status !== 0) throw new UsageError(`could not create a Python virtual environment in ${venvOf(peer)}: ${(r.stderr || r.stdout).trim().split('\n')[0]} (needs python3 with venv)`);
    }
    if (spawnSync(python, ['-c', `import ${PEER_MODULE[peer]}`]).status === 0) continue;
    log(`installing ${PEER_PACKAGES[peer].join(' ')}`);
    const r = spawnSync(python, ['-m', 'pip', 'install', '-q', ...PEER_PACKAGES[peer]], { encoding: 'utf8' });
    if (r.status !== 0) failed.set(peer, (r.stderr || r.stdout).trim().split('\n').find((l) => /error/i.test(l)) ?? 'pip failed');
  }
  return { pythonOf, failed };
}

interface PeerAnswer {
  version: string;
  samples_ms: number[];
  answer: number[];
  extra?: Record<string, unknown>;
}

function callPeer(python: string, req: Record<string, unknown>, threads: number): PeerAnswer {
  const script = path.join(packageRoot(), 'bench', 'peers', 'peers.py');
  // Every peer's thread pool follows OMP_NUM_THREADS (Lightning, Qulacs, OpenBLAS); qsim and Aer take it in the request.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  // The request goes on stdin: data-carrying cases (QNN rows, QSVM features) exceed a command line's limit.
  const r = spawnSync(python, [script], { input: JSON.stringify(req), encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20 });
  if (r.error) throw new Error(`could not run ${python}: ${r.error.message}`);
  if (r.status !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n').slice(-1)[0] || `exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PeerAnswer;
}

const stat = (xs: number[]) => {
  const s = spread(xs);
  return { median: s.median, min: s.min, max: s.max };
};

/** The shared test state's operations (bench/peers/peers.py prepares the same). */
const preparedOps = (n: number): Operation[] => denseTestState(n).ops;

const GATES = ['h', 'rz', 's', 'cz', 'cx', 'swap', 'u2q'] as const;
type GateName = (typeof GATES)[number];
const ONE_QUBIT = new Set<GateName>(['h', 'rz', 's']);
const GATE_PEERS: PeerId[] = ['qulacs', 'lightning'];

const gateOp = (g: Exclude<GateName, 'u2q'>, targets: number[]): Operation =>
  g === 'rz' ? { gate: 'rz', qubits: [targets[0]], params: [0.3] } : { gate: g, qubits: ONE_QUBIT.has(g) ? [targets[0]] : targets };

/** The gate as Quench runs it: lowered from the named gate, or the random 2-qubit unitary itself. */
function gateOf(g: GateName, n: number, targets: number[], matrix: Float64Array | null): LoweredGate {
  if (g === 'u2q') return { qubits: targets, controls: [], diagonal: false, matrix: matrix! };
  return lower({ numQubits: n, numParams: 0, ops: [gateOp(g, targets)] }).gates[0];
}

export async function benchPeers(opts: PeersOptions, log: (s: string) => void = () => {}): Promise<PeersReport> {
  const cases = (opts.case ?? [...PEER_CASES]) as PeerCase[];
  for (const c of cases) if (!(PEER_CASES as readonly string[]).includes(c)) throw new UsageError(`--case ${c}: one of ${PEER_CASES.join(', ')}`);
  const wanted = (opts.peer ?? ALL_PEERS) as PeerId[];
  for (const p of wanted) if (!(p in PEER_PACKAGES)) throw new UsageError(`--peer ${p}: one of ${Object.keys(PEER_PACKAGES).join(', ')}`);
  const venv = opts.venv ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'quench', 'peers-venv');
  const { pythonOf, failed } = ensurePeers(venv, wanted, log);
  const skipped = [...failed].map(([p, why]) => `${p}: not installed (${why})`);
  const peers = wanted.filter((p) => !failed.has(p));
  const addon = loadAddon();
  const cores = addon.info().cpu.logicalCores;
  const threadList = [...new Set((opts.threads ?? [1, 0]).map((t) => (t === 0 ? cores : t)))];
  const qubits = opts.qubits ?? [20, 24];
  const precisions = opts.precision ?? ['f64'];
  for (const p of precisions) if (p !== 'f32' && p !== 'f64') throw new UsageError(`--precision ${p}: f32 or f64`);
  const rows: PeerRow[] = [];
  const circuits: Record<string, string> = {};
  const stop = watchLoad();
  const rng = new Rng(7);

  const steps = cases.reduce((a, c) => a + (c === 'gates' ? qubits.length * precisions.length * threadList.length * GATES.length : c === 'brickwork' ? qubits.length * precisions.length * threadList.length : c === 'cv' ? 2 * threadList.length : threadList.length), 0);
  /** A case's Quench side and its peers' requests, interleaved; a failing peer is reported and skipped. */
  const compare = async (name: string, peerList: PeerId[], req: Record<string, unknown>, threads: number, quenchRun: () => Promise<{ samples: number[]; answer: number[] }>, o: { qubits?: number; unit: PeerRow['unit']; tolerance?: number }) => {
    for (const peer of peerList.filter((p) => peers.includes(p))) {
      try {
        const x = await interleave(() => callPeer(pythonOf(peer), { ...req, peer, threads }, threads), quenchRun);
        const adjoint = x.pa.extra?.adjoint_call_ms;
        const note = typeof adjoint === 'number' ? `its adjoint-Jacobian call alone: ${f(adjoint)} ms, forward gates from Python` : undefined;
        rows.push({ ...row(name, peer, x, { qubits: o.qubits, threads, precision: 'f64', unit: o.unit }, o.tolerance), ...(note ? { note } : {}) });
      } catch (e) {
        skipped.push(`${peer} ${name}: ${(e as Error).message}`);
      }
    }
  };
  const progress = makeProgress(steps, !opts.json);
  /** Interleaved rounds: peer, Quench, peer, Quench …; the ratio per round. */
  const interleave = async (peerRun: () => PeerAnswer, quenchRun: () => { samples: number[]; answer: number[] } | Promise<{ samples: number[]; answer: number[] }>) => {
    const pMed: number[] = [], qMed: number[] = [], ratios: number[] = [];
    let pa: PeerAnswer | null = null, qa: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      pa = peerRun();
      const q = await quenchRun();
      qa = q.answer;
      const p = spread(pa.samples_ms).median, m = spread(q.samples).median;
      pMed.push(p);
      qMed.push(m);
      ratios.push(p / m);
    }
    const err = Math.max(0, ...pa!.answer.map((v, i) => Math.abs(v - (qa[i] ?? NaN))));
    return { pa: pa!, pMed, qMed, ratios, err };
  };

  for (const c of cases) {
    if (c === 'gates') {
      for (const n of qubits)
        for (const precision of precisions)
        for (const threads of threadList)
          for (const g of GATES) {
            progress.step(`${g} ${n}q ${precision} ${threads}t`);
            const mid = Math.floor(n / 2);
            const targets = ONE_QUBIT.has(g) ? [mid] : [mid, mid + 1];
            const matrix = g === 'u2q' ? randomUnitary(2, rng) : null;
            const gate = gateOf(g, n, targets, matrix);
            if (g !== 'u2q') circuits[circuitKey(`gate ${g}`, n)] = toQasm({ numQubits: n, numParams: 0, ops: [...preparedOps(n), gateOp(g, targets)] });
            const state = new addon.State(n, precision);
            const prepared = lower({ numQubits: n, numParams: 0, ops: preparedOps(n) });
            const exec = { threads, isa: addon.info().defaultIsa };
            const inner = n >= 24 ? 5 : 20;
            const quenchRun = () => {
              state.reset();
              state.run(new addon.Program(prepared, DEFAULT_FUSION), [], exec);
              state.apply(gate, undefined, exec);
              const amps = state.amplitudes().slice(0, 16);
              const samples: number[] = [];
              for (let r = 0; r < 5; r++) {
                const t0 = now();
                for (let i = 0; i < inner; i++) state.apply(gate, undefined, exec);
                samples.push((now() - t0) / inner);
              }
              return { samples, answer: Array.from(amps) };
            };
            // Qulacs computes in double precision only.
            for (const peer of peers.filter((p) => GATE_PEERS.includes(p) && (precision === 'f64' || p !== 'qulacs'))) {
              const req = { peer, case: 'gate', qubits: n, precision, threads, gate: g, targets, inner, repeats: 5, ...(matrix ? { matrix: complexRows(matrix, 4) } : {}) };
              try {
                const x = await interleave(() => callPeer(pythonOf(req.peer as PeerId), req, threads), quenchRun);
                rows.push(row(`gate ${g}`, peer, x, { qubits: n, threads, precision, unit: 'ms/gate' }));
              } catch (e) {
                skipped.push(`${peer} gate ${g} ${n}q: ${(e as Error).message}`);
              }
            }
            state.dispose();
          }
    }
    if (c === 'brickwork') {
      for (const n of qubits)
        for (const precision of precisions)
        for (const threads of threadList) {
          progress.step(`brickwork ${n}q ${precision} ${threads}t`);
          const LAYERS = 20;
          const circuit: Circuit = brickwork(n, LAYERS, new Rng(11));
          const layers = Array.from({ length: LAYERS }, () => ({ u3: [] as number[][], cz: [] as number[][] }));
          // The same circuit for the peers, layer by layer (u3 on every qubit, then the CZ bricks).
          let i = 0;
          for (let l = 0; l < LAYERS; l++) {
            for (let q = 0; q < n; q++) layers[l].u3.push((circuit.ops[i++] as { params: number[] }).params);
            for (let q = l % 2; q + 1 < n; q += 2) layers[l].cz.push((circuit.ops[i++] as { qubits: number[] }).qubits);
          }
          const lowered = lower(circuit);
          circuits[circuitKey('brickwork 20 layers', n)] = toQasm(circuit);
          const exec = { threads, isa: addon.info().defaultIsa };
          const state = new addon.State(n, precision);
          const programs = new Map([2, 3, 4].map((f) => [f, new addon.Program(lowered, f)]));
          let bestFusion = DEFAULT_FUSION;
          const quenchRun = () => {
            // Quench's best fusion here too (as qsim's is measured at its best): each width once, then the best repeated.
            let best = Infinity;
            for (const [f, p] of programs) {
              state.reset();
              const t0 = now();
              state.run(p, [], exec);
              const dt = now() - t0;
              if (dt < best) (best = dt), (bestFusion = f);
            }
            const samples: number[] = [];
            for (let r = 0; r < 3; r++) {
              state.reset();
              const t0 = now();
              state.run(programs.get(bestFusion)!, [], exec);
              samples.push((now() - t0) / LAYERS);
            }
            return { samples, answer: Array.from(state.probabilities().slice(0, 8)) };
          };
          // Each peer in the precisions it has: qsim's CPU state is complex64 only,
          // Qulacs' complex128 only; Aer has both.
          const brickworkPeers = peers.filter((p) =>
            precision === 'f32' ? ['qsim', 'aer'].includes(p) : ['aer', 'qulacs'].includes(p));
          for (const peer of brickworkPeers) {
            const req = { peer, case: 'brickwork', qubits: n, precision, threads, repeats: 3, layers };
            try {
              const x = await interleave(() => callPeer(pythonOf(req.peer as PeerId), req, threads), quenchRun);
              const note = `Quench fusion ${bestFusion}${x.pa.extra?.fusion ? `; qsim fusion ${x.pa.extra.fusion}` : ''}`;
              rows.push({ ...row('brickwork 20 layers', peer, x, { qubits: n, threads, precision, unit: 'ms/layer' }), note });
            } catch (e) {
              skipped.push(`${peer} brickwork ${n}q: ${(e as Error).message}`);
            }
          }
          state.dispose();
        }
    }
    if (c === 'gram' && peers.includes('numpy')) {
      const features = 8, train = 1000, test = 200, spec = { features, reps: 2, entanglement: 'full' as const };
      const circuit = lower(zzFeatureMap(spec));
      const x = new Rng(5);
      const pts = Float64Array.from({ length: (train + test) * features }, () => x.next() * Math.PI);
      const params = featureMapParams(spec, pts, train + test);
      // The states for NumPy, from the reference backend (its part is the product only).
      const dim = 2 ** features, states = new Float64Array((train + test) * dim * 2);
      const P = params.length / (train + test);
      for (let i = 0; i < train + test; i++) states.set(new ReferenceState(features).run(circuit, params.subarray(i * P, (i + 1) * P)).amplitudes, i * dim * 2);
      const file = path.join(os.tmpdir(), `quench-peers-states-${process.pid}.npy`);
      fs.writeFileSync(file, npyComplex(states, train + test, dim));
      try {
        for (const threads of threadList) {
          progress.step(`gram ${threads}t`);
          const session = new NativeSession({ threads, precision: 'f64' });
          session.prepare(circuit);
          const pTrain = params.subarray(0, train * P), pTest = params.subarray(train * P);
          const quenchRun = () => timeQsvmKernel(session, circuit, pTrain, train, pTest, test);
          const req = { peer: 'numpy', case: 'gram', states: file, train, repeats: 3 };
          const r2 = await interleave(() => callPeer(pythonOf(req.peer as PeerId), req, threads), quenchRun);
          rows.push({ ...row('QSVM Gram 1000+200 (8 qubits)', 'numpy', r2, { threads, precision: 'f64', unit: 'ms' }), note: 'Quench: the states and the product; NumPy: the product of states given to it' });
          session.dispose();
        }
      } finally {
        fs.rmSync(file, { force: true });
      }
    }

    if (c === 'vqe' || c === 'qaoa') {
      // Energy + gradient: the seed configurations (VQE: 10-qubit Heisenberg chain, 4-layer
      // hardware-efficient ansatz, 100 parameters; QAOA: MaxCut on a 20-node 3-regular graph, p = 2).
      const problem = c === 'vqe' ? vqeProblem() : qaoaProblem();
      for (const threads of threadList) {
        progress.step(`${c} ${threads}t`);
        const session = new NativeSession({ threads, precision: 'f64' });
        session.prepare(problem.lowered);
        const inner = problem.inner;
        const quenchRun = async () => {
          const first = await session.gradient(problem.lowered, problem.params, problem.observable);
          const samples: number[] = [];
          for (let r = 0; r < 5; r++) {
            const t0 = now();
            for (let i = 0; i < inner; i++) await session.gradient(problem.lowered, problem.params, problem.observable);
            samples.push((now() - t0) / inner);
          }
          return { samples, answer: [first.value, ...first.gradient] };
        };
        const req = { case: 'grad', qubits: problem.qubits, precision: 'f64', circuit: problem.peerCircuit, params: Array.from(problem.params), observable: problem.observable.terms, inner, repeats: 5 };
        await compare(problem.name, ['lightning', 'pennylane'], req, threads, quenchRun, { qubits: problem.qubits, unit: 'ms/evaluation', tolerance: 1e-8 });
        session.dispose();
      }
    }
    if (c === 'qnn') {
      // Batched inference of the seed QNN (8 qubits, angle encoding + 3 entangling layers), <Z_0> per sample.
      const spec = { qubits: 8, layers: 3, seed: 1 }, B = 256;
      const circuit = qnnCircuit(spec), lowered = lower(circuit);
      const weights = qnnInitialWeights(spec), xr = new Rng(9);
      const features = Float64Array.from({ length: B * spec.qubits }, () => xr.next() * Math.PI);
      const rowsP = qnnParamRows(features, Array.from({ length: B }, (_, i) => i), spec.qubits, weights);
      const z0 = qnnReadout();
      for (const threads of threadList) {
        progress.step(`qnn ${threads}t`);
        const session = new NativeSession({ threads, precision: 'f64' });
        session.prepare(lowered);
        const quenchRun = async () => {
          const first = await session.runBatch(lowered, rowsP, B, [z0]);
          const samples: number[] = [];
          for (let r = 0; r < 5; r++) {
            const t0 = now();
            for (let i = 0; i < 10; i++) await session.runBatch(lowered, rowsP, B, [z0]);
            samples.push(((now() - t0) / 10 / B) * 1e3);
          }
          return { samples, answer: Array.from(first.slice(0, 8)) };
        };
        const req = { case: 'qnn', qubits: spec.qubits, precision: 'f64', circuit: peerCircuit(circuit), rows: Array.from(rowsP), batch: B, repeats: 5 };
        await compare(`QNN inference, batch ${B}`, ['lightning', 'pennylane'], req, threads, quenchRun, { qubits: spec.qubits, unit: 'µs/sample', tolerance: 1e-10 });
        session.dispose();
      }
    }
    if (c === 'qsvm') {
      // The whole QSVM kernel from data (states and products): qiskit-machine-learning's FidelityStatevectorKernel.
      const spec = { features: 8, reps: 2, entanglement: 'full' as const }, train = 1000, test = 200;
      const circuit = lower(zzFeatureMap(spec));
      const xr = new Rng(5);
      const pts = Float64Array.from({ length: (train + test) * spec.features }, () => xr.next() * Math.PI);
      const params = featureMapParams(spec, pts, train + test);
      const P = params.length / (train + test);
      const pTrain = params.subarray(0, train * P), pTest = params.subarray(train * P);
      for (const threads of threadList) {
        progress.step(`qsvm ${threads}t`);
        const session = new NativeSession({ threads, precision: 'f64' });
        session.prepare(circuit);
        const quenchRun = () => timeQsvmKernel(session, circuit, pTrain, train, pTest, test);
        const req = { case: 'qsvm', precision: 'f64', features: Array.from(pts), numFeatures: spec.features, reps: spec.reps, entanglement: spec.entanglement, train, repeats: 2 };
        await compare(`QSVM kernel ${train}+${test} (ZZ map, 8 features)`, ['qiskit-ml'], req, threads, quenchRun, { unit: 'ms', tolerance: 1e-10 });
        session.dispose();
      }
    }

    if (c === 'cv') {
      // The seed CV generator (4 modes, cutoff 4, 2 layers, latent 4): ⟨x⟩ per mode, per sample.
      const fock = loadFockAddon();
      const cv = fock.cvQganGenerator(4, 4, 2, 4);
      const xr = new Rng(13);
      for (const threads of threadList)
        for (const B of [1, 32]) {
          progress.step(`cv batch ${B} ${threads}t`);
          const rowsP = Float64Array.from({ length: B * cv.numParams }, (_, i) => (i % cv.numParams < 4 ? 0.4 : 0.15) * (xr.next() * 2 - 1));
          const quenchRun = async () => {
            const first = fock.cvRunBatch(cv, rowsP, B, { threads });
            const reps = Math.max(1, Math.round(2048 / B));
            const samples: number[] = [];
            for (let r = 0; r < 5; r++) {
              const t0 = now();
              for (let i = 0; i < reps; i++) fock.cvRunBatch(cv, rowsP, B, { threads });
              samples.push(((now() - t0) / reps / B) * 1e3);
            }
            return { samples, answer: Array.from(first.x.slice(0, 2 * cv.modes)) };
          };
          for (const backend of B === 1 ? ['fock', 'tf'] : ['tf']) {
            const req = { case: 'cv', precision: 'f64', cv, rows: Array.from(rowsP), batch: B, backend, repeats: 3 };
            const name = `CV generator, batch ${B} (SF ${backend === 'tf' ? 'TensorFlow' : 'Fock'} backend)`;
            await compare(name, ['strawberryfields'], req, threads, quenchRun, { unit: 'µs/sample', tolerance: 1e-6 });
          }
        }
    }
  }
  progress.stop();
  return { env: collectInfo(), load: stop(), skipped, rows, circuits };
}

function row(name: string, peer: PeerId, x: { pa: PeerAnswer; pMed: number[]; qMed: number[]; ratios: number[]; err: number }, o: { qubits?: number; threads: number; precision: 'f32' | 'f64'; unit: PeerRow['unit'] }, tolerance?: number): PeerRow {
  const tol = tolerance ?? (o.precision === 'f32' ? 1e-4 : 1e-8);
  return {
    case: name, peer, version: x.pa.version, ...o,
    quench: stat(x.qMed), peerFigure: stat(x.pMed), speedup: { ...stat(x.ratios), rounds: x.ratios.length },
    agrees: Number.isFinite(x.err) && x.err <= tol, maxAnswerError: x.err,
    rounds: { quench: x.qMed, peer: x.pMed },
  };
}

/** Quench's QSVM kernel, train × train then test × train, 3 timed runs; the answer: first entries of each. */
async function timeQsvmKernel(session: NativeSession, circuit: LoweredCircuit, pTrain: Float64Array, train: number, pTest: Float64Array, test: number) {
  const samples: number[] = [];
  let K: Float64Array = new Float64Array(0), Kx: Float64Array = new Float64Array(0);
  for (let r = 0; r < 3; r++) {
    const t0 = now();
    K = await session.fidelityKernel(circuit, pTrain, train, null, train);
    Kx = await session.fidelityKernel(circuit, pTest, test, pTrain, train);
    samples.push(now() - t0);
  }
  return { samples, answer: [...K.slice(0, 4), ...Kx.slice(0, 4)] };
}

/** A circuit as the peers' side reads it: gate names, qubits, and angles (numbers or parameter slots). */
function peerCircuit(c: Circuit): { numParams: number; ops: { g: string; q: number[]; p: unknown[] }[] } {
  return { numParams: c.numParams, ops: c.ops.map((o) => ({ g: o.gate, q: o.qubits, p: o.params ?? [] })) };
}

interface GradientProblem {
  name: string;
  qubits: number;
  lowered: LoweredCircuit;
  params: Float64Array;
  observable: PauliSum;
  peerCircuit: ReturnType<typeof peerCircuit>;
  inner: number;
}

/** The seed VQE: 10-site Heisenberg chain, hardware-efficient ansatz (RY·RZ + CNOT ladder, 4 layers), 100 parameters. */
function vqeProblem(): GradientProblem {
  const spec = { ...VQE_DEFAULTS };
  const circuit = vqeAnsatz(spec);
  const r = new Rng(3);
  return { name: `VQE energy + gradient (${circuit.numParams} parameters)`, qubits: spec.qubits, lowered: lower(circuit), params: Float64Array.from({ length: circuit.numParams }, () => (r.next() * 2 - 1) * Math.PI), observable: vqeHamiltonian(spec), peerCircuit: peerCircuit(circuit), inner: 50 };
}

/**
 * The seed QAOA: MaxCut on a seeded 20-node 3-regular graph, p = 2. Quench runs its own
 * circuit (the cost layer as one diagonal over the cut values); the peers the textbook one,
 * e^{−iγC} as one RZZ(−wγ) per edge (the global phase dropped) and e^{−iβX} as RX(2β).
 */
function qaoaProblem(): GradientProblem {
  const spec = { ...QAOA_DEFAULTS };
  const graph = qaoaGraph(spec);
  const n = graph.nodes;
  const ops: Operation[] = [];
  for (let q = 0; q < n; q++) ops.push({ gate: 'h', qubits: [q] });
  for (let l = 0; l < spec.p; l++) {
    for (const [u, v, w] of graph.edges) ops.push({ gate: 'rzz', qubits: [u, v], params: [{ slot: 2 * l, scale: -w }] });
    for (let q = 0; q < n; q++) ops.push({ gate: 'rx', qubits: [q], params: [{ slot: 2 * l + 1, scale: 2 }] });
  }
  const cost = qaoaCost(graph);
  return {
    name: `QAOA energy + gradient (p = ${spec.p})`, qubits: n, lowered: qaoaCircuit(graph, spec.p), params: qaoaInitialParams(spec.p),
    observable: { terms: cost.terms.map((t) => ({ ...t, coeff: -t.coeff })) },
    peerCircuit: peerCircuit({ numQubits: n, numParams: 2 * spec.p, ops }), inner: 1,
  };
}

/** A Float64Array of interleaved complex values as rows of [re, im] pairs (for the peer's matrix). */
function complexRows(m: Float64Array, dim: number): number[][][] {
  return Array.from({ length: dim }, (_, r) => Array.from({ length: dim }, (_, c) => [m[2 * (r * dim + c)], m[2 * (r * dim + c) + 1]]));
}

/** rows × cols complex128 as a NumPy .npy (format 1.0). */
export function npyComplex(data: Float64Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<c16', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const f = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

export function formatPeers(r: PeersReport): string {
  const L = [`Quench bench peers — ${r.env.cpu.model}, ${r.env.cpu.logicalCores} cores, ISA ${r.env.isa.inUse}`, `Load: ${r.load ? describeLoad(r.load) : 'not measured'}. Figures: medians over interleaved rounds [min–max]; speed-up = peer ÷ Quench per round.`, ''];
  const head = ['case', 'qubits', 'precision', 'threads', 'peer', 'Quench', 'peer figure', 'speed-up of Quench', 'answer'];
  const cells = r.rows.map((x) => [
    x.case, String(x.qubits ?? ''), x.precision, String(x.threads), `${x.peer} ${x.version}`, `${f(x.quench.median)} ${x.unit}`, `${f(x.peerFigure.median)} ${x.unit}`,
    `${f(x.speedup.median)}× [${f(x.speedup.min)}–${f(x.speedup.max)}]`,
    `${x.agrees ? 'agrees' : `DIFFERS (max error ${x.maxAnswerError.toExponential(1)})`}${x.note ? `  (${x.note})` : ''}`,
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)) + 2);
  const line = (c: string[]) => c.map((v, i) => (i < c.length - 1 ? v.padEnd(width[i]) : v)).join('');
  L.push(line(head), ...cells.map(line));
  if (r.skipped.length) L.push('', 'Skipped:', ...r.skipped.map((s) => `  ${s}`));
  return L.join('\n');
}

/** Runs the harness and prints its report; `save` (the CLI's --save) stores it. */
export async function runBenchPeers(opts: PeersOptions, save?: (report: PeersReport) => Promise<void>): Promise<number> {
  const report = await benchPeers(opts, (s) => process.stderr.write(`quench: ${s}\n`));
  const { circuits: _circuits, ...printed } = report;
  process.stdout.write(opts.json ? JSON.stringify(printed, null, 2) + '\n' : formatPeers(report) + '\n');
  if (save) await save(report);
  return report.rows.some((x) => !x.agrees) ? 1 : 0;
}
