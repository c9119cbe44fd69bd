// The workload runners' session on the WebGPU backend: their requests as
// WGSL kernels, wherever the GPU object came from (Dawn in the engine
// process, navigator.gpu in the window). f32 throughout (WGSL has no f64);
// the times the runners take around these calls are host wall-clock from
// submit until the results are mapped back, so they include the readback a
// user waits for (env.timing says so).
import type { Backend, ExecutionOptions } from '../backend/backend';
import type { LoweredCircuit } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';
import type { RunEnvironment } from '../results';
import type { GradientValue, WorkloadSession } from './session';
import { WEBGPU_DEFAULT_FUSION, type WebGpuBackend } from '../webgpu/webgpu-backend';

/** The machine's part of a run's environment (the caller knows it: the addon's CPU info, or the server's). */
export type MachineInfo = Pick<RunEnvironment, 'quench' | 'cpu' | 'logicalCores' | 'node' | 'platform'> & Partial<Pick<RunEnvironment, 'runIn'>>;

export interface WebGpuSessionOptions {
  fusion?: number;
  /** Cancels the run at its next GPU call (the window cannot kill a process). */
  signal?: AbortSignal;
  /** The exact ground energy (a CPU reference, f64): the native Lanczos in the engine, the TypeScript one in the window. */
  groundEnergy?: (H: PauliSum, numQubits: number) => number | undefined;
}

export class WebGpuSession implements WorkloadSession {
  readonly precision = 'f32' as const;
  readonly exec: ExecutionOptions;

  constructor(readonly gpu: WebGpuBackend, private readonly machine: MachineInfo, private readonly opts: WebGpuSessionOptions = {}) {
    this.exec = { precision: 'f32', fusion: opts.fusion ?? WEBGPU_DEFAULT_FUSION, signal: opts.signal };
  }

  prepare(): void {
    /* pipelines compile on first use and are cached by key; fusion plans per circuit */
  }

  gradient(circuit: LoweredCircuit, params: Float64Array, H: PauliSum): Promise<GradientValue> {
    return this.gpu.gradient(circuit, params, H, this.exec);
  }

  runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum[]): Promise<Float64Array> {
    return this.gpu.runBatch(circuit, params, batch, obs, this.exec);
  }

  gradientBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, obs: PauliSum) {
    return this.gpu.gradientBatch(circuit, params, batch, obs, this.exec);
  }

  async sample(circuit: LoweredCircuit, params: Float64Array, shots: number, seed: number): Promise<Float64Array> {
    const r = await this.gpu.simulate({ circuit, params, shots, seed }, this.exec);
    return r.samples ?? new Float64Array(0);
  }

  fidelityKernel(circuit: LoweredCircuit, a: Float64Array, nA: number, b: Float64Array | null, nB: number): Promise<Float64Array> {
    return this.gpu.fidelityKernel(circuit, a, nA, b, nB, this.exec);
  }

  groundEnergy(H: PauliSum, numQubits: number): number | undefined {
    return this.opts.groundEnergy?.(H, numQubits);
  }

  publicBackend() {
    return { backend: this.gpu as Backend, exec: this.exec };
  }

  environment(): RunEnvironment {
    return { ...this.machine, isa: 'webgpu', precision: 'f32', threads: 0, backend: 'webgpu', adapter: this.gpu.adapter, timing: 'wall-clock' };
  }

  dispose(): void {
    void this.gpu.dispose();
  }
}
