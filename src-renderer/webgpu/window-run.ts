// Runs made in the window on its own navigator.gpu: an experiment goes to a
// worker (window-worker.ts), progress comes back as it runs, cancel
// terminates the worker, and the finished run is handed to the back end
// (recordRun) to be stored like the engine's runs.
import type { Experiment } from '../../src-shared/project/schema';
import type { RunResult } from '../../src-shared/results';
import type { ExperimentProgress } from '../../src-shared/workloads/runners/experiment';
import type { MachineInfo } from '../../src-shared/workloads/webgpu-session';

export type FromWindowWorker =
  | { type: 'progress'; progress: ExperimentProgress }
  | { type: 'result'; result: RunResult }
  | { type: 'error'; message: string };

export type WindowOutcome = { status: 'completed'; result: RunResult } | { status: 'failed'; error: string } | { status: 'cancelled' };

export interface WindowRun {
  outcome: Promise<WindowOutcome>;
  cancel(): void;
}

/** Why an experiment cannot run in the window, or null. */
export function windowProblem(e: Experiment): string | null {
  if (e.kind === 'qgan' || e.kind === 'qgan-train') return `experiment '${e.id}': the CV GAN runs in the engine process (its Fock-space kernels run on WebGPU there too); choose "engine process" for it`;
  const csv = (e.params as { csv?: string }).csv;
  if (csv) return `experiment '${e.id}': its CSV dataset (${csv}) is read by the engine process; run it there`;
  if (typeof navigator === 'undefined' || !(navigator as Navigator & { gpu?: GPU }).gpu) return "this window has no WebGPU (navigator.gpu): run in the engine process, or open the workbench in a browser with WebGPU enabled";
  return null;
}

/** Starts the worker; `makeWorker` is replaceable for tests (happy-dom has no workers). */
export function startWindowRun(
  experiment: Experiment,
  machine: MachineInfo,
  onProgress: (p: ExperimentProgress) => void,
  makeWorker: () => Worker = () => new Worker(new URL('./window-worker.ts', import.meta.url), { type: 'module', name: `quench window run ${experiment.id}` }),
): WindowRun {
  const worker = makeWorker();
  let settle: (o: WindowOutcome) => void = () => {};
  const outcome = new Promise<WindowOutcome>((resolve) => (settle = resolve));
  const finish = (o: WindowOutcome) => {
    worker.terminate();
    settle(o);
  };
  worker.onmessage = (ev: MessageEvent<FromWindowWorker>) => {
    const m = ev.data;
    if (m.type === 'progress') onProgress(m.progress);
    else if (m.type === 'result') finish({ status: 'completed', result: m.result });
    else finish({ status: 'failed', error: m.message });
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    finish({ status: 'failed', error: `the window's WebGPU worker failed: ${ev.message || 'it could not start'}` });
  };
  // A plain copy: the experiment may be a reactive proxy.
  worker.postMessage({ experiment: JSON.parse(JSON.stringify(experiment)), machine: { ...machine, runIn: 'window' } });
  return { outcome, cancel: () => finish({ status: 'cancelled' }) };
}
