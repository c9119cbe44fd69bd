// The window's engine process, as a dedicated worker: runs one experiment on
// the window's navigator.gpu (WebGPU exists in workers too), so optimisers,
// SVM training and baselines never block the UI thread, and cancel is
// terminate() — as killing the engine process is for native runs.
import type { Experiment } from '../../src-shared/project/schema';
import { runExperimentOnGpu } from '../../src-shared/workloads/run-on-gpu';
import type { MachineInfo } from '../../src-shared/workloads/webgpu-session';
import type { FromWindowWorker } from './window-run';

const post = (m: FromWindowWorker) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (ev: MessageEvent<{ experiment: Experiment; machine: MachineInfo }>) => {
  const { experiment, machine } = ev.data;
  let last = 0;
  try {
    const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
    const result = await runExperimentOnGpu(gpu, experiment, machine, {
      onProgress: (progress) => {
        // at most ~10 progress messages a second, and always the last
        const t = performance.now();
        if (t - last < 100 && progress.fraction < 1) return;
        last = t;
        post({ type: 'progress', progress });
      },
    });
    post({ type: 'result', result });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) });
  }
};
