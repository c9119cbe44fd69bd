// One entry point from an Experiment (as stored in a project) to a RunResult
// in the engine process: the qubit workloads and raw circuits go through the
// shared dispatch (src-shared/workloads/runners/experiment.ts) on a session
// for the experiment's backend; the CV GAN runs on the native Fock engine.
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import { backendProblem } from '../../src-shared/project/param-meta';
import { isSessionExperiment, runCircuitOn, runExperimentOn, type ProgressCallback } from '../../src-shared/workloads/runners/experiment';
import { pickBackend } from '../backend/pick';
import { NativeSession, openSession, threadsFromEnv, withSession, type SessionOptions, type WebGpuSession } from './session';
import { loadCsvDataset } from './dataset-file';
import { watchLoad, withLoad } from './load';
import { benchQgan, QGAN_TRAIN_DEFAULTS, trainQgan } from './workloads/qgan';

export type { ExperimentProgress, ProgressCallback } from '../../src-shared/workloads/runners/experiment';

export class ExperimentError extends Error {
  override name = 'ExperimentError';
}

function sessionOptions(e: Experiment): SessionOptions {
  const s = e.settings;
  // One rule for the editor and the engine (src-shared/project/param-meta.ts).
  const problem = backendProblem(e.kind, s.backend);
  if (problem) throw new ExperimentError(`experiment '${e.id}': ${problem}`);
  // WGSL has no f64: a WebGPU run is f32 whatever the settings say, and its env says so.
  if (s.backend === 'webgpu') return { backend: 'webgpu', precision: 'f32', fusion: s.fusion };
  // A setting of 0 takes QUENCH_THREADS where it is set (a batch task's CPUs), else every CPU this process may use.
  const fromEnv = s.threads ? undefined : threadsFromEnv();
  const threads = s.threads || fromEnv || 0;
  return { backend: 'native', isa: s.backend === 'native-scalar' ? 'scalar' : 'auto', precision: s.precision, threads, ...(fromEnv ? { threadsReason: `default: QUENCH_THREADS=${fromEnv}` } : {}), fusion: s.fusion };
}

/**
 * baseDir: where relative paths in the experiment (CSV datasets) are resolved: the project file's folder.
 * onProgress: called from the runners' own per-iteration callbacks (VQE/QAOA iterations, QNN epochs,
 * QGAN training steps); kinds without a loop (qsvm, qgan bench, scale, circuit) report nothing.
 */
export async function runExperiment(e: Experiment, baseDir = process.cwd(), onProgress?: ProgressCallback): Promise<RunResult> {
  const stop = watchLoad();
  const result = await runOn(e, baseDir, onProgress);
  return withLoad(result, stop());
}

async function runOn(e: Experiment, baseDir: string, onProgress?: ProgressCallback): Promise<RunResult> {
  const o = sessionOptions(e);
  if (isSessionExperiment(e)) {
    const loadCsv = (file: string, labelColumn: string | number | undefined) => loadCsvDataset(file, { labelColumn, baseDir });
    return withSession(o, (session) => runExperimentOn(session, e, { loadCsv, onProgress }));
  }
  switch (e.kind) {
    case 'qgan':
      return await benchQgan(e.params, o);
    case 'qgan-train': {
      const total = (e.params.epochs ?? QGAN_TRAIN_DEFAULTS.epochs) * (e.params.stepsPerEpoch ?? QGAN_TRAIN_DEFAULTS.stepsPerEpoch);
      const report = (step: number, gLoss: number) => onProgress?.({ fraction: Math.min(1, (step + 1) / total), message: `step ${step + 1}/${total}`, point: { series: 'g_loss', x: step, y: gLoss } });
      return await trainQgan(e.params, { ...o, onStep: (step, _d, gLoss) => report(step, gLoss) });
    }
    case 'circuit': {
      if (o.backend === 'webgpu') {
        // Dawn in this (engine) process.
        const session = (await openSession(o)) as WebGpuSession;
        try {
          return await runCircuitOn(session.gpu, session.exec, session.environment(), e);
        } finally {
          session.dispose();
        }
      }
      const backend = pickBackend(e.settings.backend === 'reference' ? 'reference' : 'native', o.isa ?? 'auto');
      return runCircuitOn(backend, { precision: o.precision, threads: o.threads, fusion: o.fusion }, new NativeSession(o).environment(), e);
    }
  }
  throw new ExperimentError(`experiment '${(e as Experiment).id}': unknown kind '${(e as Experiment).kind}'`);
}
