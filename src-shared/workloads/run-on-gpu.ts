// An experiment on a GPU object the caller hands over: what the window does
// with its own navigator.gpu (in a worker, src-renderer/webgpu), and what a
// test does with Dawn's. The same shared runners as the engine process, on a
// WebGpuSession; the VQE's exact reference from the TypeScript Lanczos.
import { LANCZOS_MAX_QUBITS, lanczosGroundEnergy } from '../backend/lanczos';
import { backendProblem } from '../project/param-meta';
import type { Experiment } from '../project/schema';
import type { RunResult } from '../results';
import { isSessionExperiment, runCircuitOn, runExperimentOn, type ProgressCallback } from './runners/experiment';
import { WebGpuBackend } from '../webgpu/webgpu-backend';
import { WebGpuSession, type MachineInfo } from './webgpu-session';

export interface GpuRunOptions {
  onProgress?: ProgressCallback;
  /** Aborts at the next GPU call. */
  signal?: AbortSignal;
}

export async function runExperimentOnGpu(gpu: GPU | null | undefined, e: Experiment, machine: MachineInfo, opts: GpuRunOptions = {}): Promise<RunResult> {
  const problem = backendProblem(e.kind, 'webgpu');
  if (problem) throw new Error(`experiment '${e.id}': ${problem}`);
  const backend = await WebGpuBackend.create(gpu);
  const session = new WebGpuSession(backend, machine, {
    fusion: e.settings.fusion,
    groundEnergy: (H, n) => (n <= LANCZOS_MAX_QUBITS ? lanczosGroundEnergy(H, n) : undefined),
    signal: opts.signal,
  });
  try {
    if (isSessionExperiment(e)) return await runExperimentOn(session, e, { onProgress: opts.onProgress });
    if (e.kind === 'circuit') return await runCircuitOn(backend, session.exec, session.environment(), e);
    throw new Error(`experiment '${e.id}': the CV GAN runs on WebGPU in the engine process (its Fock-space runner is there), not in the window`);
  } finally {
    session.dispose();
  }
}
