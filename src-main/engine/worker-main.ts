// Entry of the engine worker process (out/main/engine-worker.js), started by
// the workbench for each job so that a crash, an out-of-memory kill or a
// cancel (we simply kill this process) never takes the app down. It gets one
// job message (a run or a gates benchmark, native or WebGPU), streams progress,
// sends the result or the error (WebGPU without an adapter: the one line the CLI
// prints), and exits. Two transports, same messages: process.send under
// child_process.fork (headless), process.parentPort under Electron's utilityProcess.
import { benchGates, benchGatesSteps, benchGatesWebGpu } from '../bench/gates';
import { loadAddon } from '../native/addon';
import { runExperiment, type ExperimentProgress } from './run-experiment';
import { profileExperiment, profileSteps } from '../profile/profile';
import type { FromWorker, ToWorker } from './worker-protocol';
import { exitProcess } from '../backend/webgpu-node';

// The runners are synchronous and report every iteration (VQE: ~2000/s);
// the UI needs a live curve, not every point, so send at most ~20 a second.
const MIN_INTERVAL_MS = 50;

interface ParentPort {
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(msg: FromWorker): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(msg);
    return new Promise((r) => setImmediate(r));
  }
  return new Promise((resolve) => process.send!(msg, undefined, {}, () => resolve()));
}

async function handle(msg: ToWorker): Promise<void> {
  let last = 0;
  const onProgress = (p: ExperimentProgress) => {
    const t = Date.now();
    if (t - last < MIN_INTERVAL_MS && p.fraction < 1) return;
    last = t;
    void send({ type: 'progress', progress: p });
  };
  // A job made of a few named steps (a benchmark, a profile) reports every step:
  // each is news, and a fast step must not be dropped by the per-iteration throttle.
  // `after`: the label names the step just finished (benchmark) rather than the one starting (profile).
  const stepper = (steps: number, after: boolean) => {
    let done = 0;
    return (label: string) => void send({ type: 'progress', progress: { fraction: Math.min(after ? 1 : 0.99, (after ? ++done : done++) / steps), message: label } });
  };
  try {
    if (msg.job === 'benchmark') {
      const o = msg.options;
      const webgpu = o.backend === 'webgpu';
      const opts = { ...o, json: true };
      const steps = benchGatesSteps(opts, webgpu ? 1 : loadAddon().info().cpu.logicalCores);
      const onStep = stepper(steps, true);
      const report = webgpu ? await benchGatesWebGpu(opts, onStep) : await benchGates(opts, onStep);
      await send({ type: 'result', result: report });
    } else if (msg.job === 'profile') {
      const profile = await profileExperiment(msg.experiment, { baseDir: msg.baseDir, onStep: stepper(profileSteps(msg.experiment), false) });
      await send({ type: 'result', result: profile });
    } else {
      await send({ type: 'result', result: await runExperiment(msg.experiment, msg.baseDir, onProgress) });
    }
  } catch (e) {
    await send({ type: 'error', message: (e as Error).message ?? String(e) });
  }
  // The result is written: end now, without waiting for stray handles (through _exit where Dawn was loaded).
  await exitProcess(0);
}

if (parentPort) parentPort.on('message', (e) => void handle(e.data as ToWorker));
else process.once('message', (m) => void handle(m as ToWorker));
