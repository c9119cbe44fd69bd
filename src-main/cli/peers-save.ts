// `quench bench peers --save FILE`: a peers report as runs of a project: one
// experiment per case, and for each row two runs — Quench's and the peer's,
// measured in the same interleaved rounds — whose environment names where
// they ran (env.backend: 'quench native-avx2' or the peer with its version).
// Opened or imported in the workbench, Compare groups them by that backend,
// so Quench and every peer stand side by side per case; runs from another
// machine keep their CPU and are never pooled with this one's.
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_FORMAT, PROJECT_VERSION, parseProject, type Experiment, type Project, type Run } from '../../src-shared/project/schema';
import type { RunEnvironment } from '../../src-shared/results';
import { QNN_DEFAULTS } from '../../src-shared/workloads/qnn';
import { VQE_DEFAULTS } from '../../src-shared/workloads/vqe';
import { QAOA_DEFAULTS } from '../../src-shared/workloads/runners/qaoa';
import { spread, spreadMetrics } from '../../src-shared/workloads/timing';
import { checkCanSave } from '../files';
import { saveProjectAtomic, loadProject } from '../project/store';
import { withFileLock } from '../project/lock';
import { NativeSession } from '../engine/session';
import { newId } from '../project/results';
import { circuitKey, type PeerRow, type PeersReport } from '../bench/peers';

/** What each case measured, as a metric name (units read from the name, as every metric's). */
const METRIC_OF_UNIT: Record<PeerRow['unit'], string> = {
  'ms/gate': 'ms_per_gate',
  'ms/layer': 'ms_per_layer',
  ms: 'ms_total',
  'ms/evaluation': 'ms_per_evaluation',
  'µs/sample': 'us_per_sample',
};

/** The experiment a row's case is: the same workload definition Quench ran, so the run pages read it. */
export function experimentOf(row: PeerRow, circuitQasm?: (row: PeerRow) => string | undefined): Experiment {
  const slug = row.case.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
  const base = { id: `peers-${slug}`, name: `${row.case} — Quench beside its peers`, settings: { backend: 'native-avx2' as const, precision: row.precision, threads: 0 } };
  const c = row.case;
  if (c.startsWith('VQE')) return { ...base, kind: 'vqe', params: { ...VQE_DEFAULTS } } as Experiment;
  if (c.startsWith('QAOA')) return { ...base, kind: 'qaoa', params: { nodes: QAOA_DEFAULTS.nodes, degree: QAOA_DEFAULTS.degree, p: QAOA_DEFAULTS.p, seed: QAOA_DEFAULTS.seed } } as Experiment;
  if (c.startsWith('QNN')) return { ...base, kind: 'qnn', params: { qubits: QNN_DEFAULTS.qubits, layers: QNN_DEFAULTS.layers } } as Experiment;
  if (c.startsWith('QSVM')) return { ...base, kind: 'qsvm', params: { features: 8, reps: 2, entanglement: 'full', train: 1000, test: 200 } } as Experiment;
  if (c.startsWith('CV generator')) {
    const batch = Number(/batch (\d+)/.exec(c)?.[1] ?? 1);
    return { ...base, kind: 'qgan', params: { modes: 4, latent: 4, cutoff: 4, layers: 2, batches: [batch] } } as Experiment;
  }
  const qasm = circuitQasm?.(row);
  if (!qasm) throw new Error(`no OpenQASM 2.0 form for the case '${row.case}'`);
  return { ...base, id: `${base.id}-${row.qubits}q`.slice(0, 64), name: `${row.case}, ${row.qubits} qubits — Quench beside its peers`, kind: 'circuit', params: { qasm } } as Experiment;
}

/** The two runs of one row: Quench's and the peer's, with the figures of the same rounds. */
export function runsOf(row: PeerRow, experiment: Experiment, env: RunEnvironment, startedAt: string): Run[] {
  const experimentId = experiment.id;
  const metric = METRIC_OF_UNIT[row.unit];
  // With the rounds at hand, the median's 95% CI comes with the figure (what Compare's statistics judge by).
  const figure = (s: { median: number; min: number; max: number }, rounds?: number[]) =>
    rounds?.length ? spreadMetrics(metric, spread(rounds)) : { [metric]: s.median, [`${metric}_min`]: s.min, [`${metric}_max`]: s.max };
  const details = { case: row.case, peer: row.peer, peerVersion: row.version, speedupOfQuench: row.speedup, answersAgree: row.agrees, maxAnswerError: row.maxAnswerError, ...(row.note ? { note: row.note } : {}) };
  const params = { case: row.case, ...(row.qubits ? { qubits: row.qubits } : {}), threads: row.threads, precision: row.precision };
  const make = (who: 'quench' | 'peer'): Run => {
    const f = who === 'quench' ? row.quench : row.peerFigure;
    const rounds = who === 'quench' ? row.rounds?.quench : row.rounds?.peer;
    const backend = who === 'quench' ? `quench ${env.backend}` : `${row.peer} ${row.version}`;
    return {
      id: newId(experimentId),
      experimentId,
      startedAt,
      durationMs: 0,
      status: 'completed',
      settings: { backend: 'native-avx2', precision: row.precision, threads: row.threads },
      result: {
        kind: experiment.kind,
        params,
        metrics: figure(f, rounds),
        quality: {},
        curves: {},
        phases: {},
        details: { ...details, measured: who === 'quench' ? 'Quench' : `${row.peer} ${row.version}` },
        env: { ...env, backend, threads: row.threads, precision: row.precision, ...(who === 'peer' ? { isa: 'peer' } : {}) },
      },
    };
  };
  return [make('quench'), make('peer')];
}

/**
 * Adds the report's runs (and the experiments they need) to FILE, created when missing, under
 * its lock. Rows whose case has no definition (a random unitary has no OpenQASM 2.0 form) are
 * left out and named.
 */
export async function savePeersReport(file: string, report: PeersReport, env: RunEnvironment): Promise<{ runs: number; experiments: number; leftOut: string[] }> {
  const startedAt = new Date().toISOString();
  const added = { runs: 0, experiments: 0, leftOut: [] as string[] };
  // One line per case and size left out, naming its peers (a case is run per precision and thread count).
  const left = new Map<string, { what: string; why: string; peers: Set<string> }>();
  const circuitQasm = (row: PeerRow) => report.circuits[circuitKey(row.case, row.qubits)];
  if (!fs.existsSync(file)) {
    const empty: Project = { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: 'Quench beside its peers', experiments: [], runs: [], sweeps: [], benchmarks: [] };
    saveProjectAtomic(file, parseProject(JSON.stringify(empty), file));
  }
  await withFileLock(
    file,
    () => {
      const p = loadProject(file);
      for (const row of report.rows) {
        let e: Experiment;
        try {
          e = experimentOf(row, circuitQasm);
        } catch (err) {
          const what = `${row.case}${row.qubits ? ` ${row.qubits}q` : ''}`, why = (err as Error).message;
          const entry = left.get(`${what}\n${why}`) ?? { what, why, peers: new Set<string>() };
          entry.peers.add(row.peer);
          left.set(`${what}\n${why}`, entry);
          continue;
        }
        if (!p.experiments.some((x) => x.id === e.id)) {
          p.experiments.push(e);
          added.experiments++;
        }
        for (const r of runsOf(row, e, env, startedAt)) {
          p.runs.push(r);
          added.runs++;
        }
      }
      // Checked as the workbench will read it before anything is written.
      saveProjectAtomic(file, parseProject(JSON.stringify(p), file));
    },
    { command: 'quench bench peers --save' },
  );
  for (const { what, why, peers } of left.values()) added.leftOut.push(`${what} (${[...peers].join(', ')}): ${why}`);
  return added;
}

/**
 * Before the harness runs (half an hour, for all of it): FILE must be a project to add to, or a
 * new file its folder lets us write. ProjectError or UsageError say what is wrong.
 */
export function checkPeersSaveTarget(file: string): void {
  checkCanSave(file, '--save');
  if (fs.existsSync(file)) loadProject(file);
}

/** --save FILE: the report's runs into FILE, said on stderr (stdout carries the report). */
export async function savePeersFile(file: string, report: PeersReport): Promise<void> {
  const session = new NativeSession({ threads: 0, precision: 'f64' });
  const env = { ...session.environment(), ...(report.load ? { load: report.load } : {}) };
  session.dispose();
  let saved: Awaited<ReturnType<typeof savePeersReport>>;
  try {
    saved = await savePeersReport(path.resolve(file), report, env);
  } catch (e) {
    throw new Error(`${(e as Error).message}; no runs were stored, and the report above has every figure`);
  }
  process.stderr.write(`quench: stored ${saved.runs} runs (Quench's and each peer's) in ${saved.experiments ? `${saved.experiments} new experiment${saved.experiments === 1 ? '' : 's'} of ` : ''}${file}; open it or import its results in the workbench and compare them there\n`);
  for (const l of saved.leftOut) process.stderr.write(`quench: not stored: ${l}\n`);
}
