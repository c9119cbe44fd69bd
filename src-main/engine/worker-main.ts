// Entry of the engine worker process (out/main/engine-worker.js), forked by
// the workbench server for each run so that a crash, an out-of-memory kill or
// a cancel (we simply kill this process) never takes the server down. It gets
// one {experiment, baseDir} message, streams progress, sends the result or
// the error, and exits.
import type { Experiment } from '../../src-shared/project/schema';
import { runExperiment, type ExperimentProgress } from './run-experiment';
import type { ToWorker, FromWorker } from './worker-protocol';

// The runners are synchronous and report every iteration (VQE: ~2000/s);
// the UI needs a live curve, not every point, so send at most ~20 a second.
const MIN_INTERVAL_MS = 50;

function send(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => process.send!(msg, undefined, {}, () => resolve()));
}

process.once('message', (msg: ToWorker) => {
  void (async () => {
    let last = 0;
    const onProgress = (p: ExperimentProgress) => {
      const t = Date.now();
      if (t - last < MIN_INTERVAL_MS && p.fraction < 1) return;
      last = t;
      void send({ type: 'progress', progress: p });
    };
    try {
      const result = await runExperiment(msg.experiment as Experiment, msg.baseDir, onProgress);
      await send({ type: 'result', result });
    } catch (e) {
      await send({ type: 'error', message: (e as Error).message ?? String(e) });
    }
    process.exit(0); // the result is written (send callback); do not wait for stray handles
  })();
});
