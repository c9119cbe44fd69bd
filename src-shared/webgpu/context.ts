// The one place that talks to the WebGPU implementation: adapter and device
// acquisition from a `GPU` object the caller supplies (navigator.gpu in the
// renderer, Dawn's in Node), the limits the simulator relies on, optional
// features, `device.lost`, uncaptured errors, and error scopes around every
// run so a GPU failure becomes a rejected promise with the message.
// No Node and no DOM imports: this runs in both places.

/** No usable WebGPU adapter or device: the message is one line meant for the user. */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** A run failed on the GPU (validation, out of memory, internal error, device lost). */
export class WebGpuRunError extends Error {
  override name = 'WebGpuRunError';
}

export type TimingSource = 'gpu-timestamps' | 'wall-clock';

/** The limits the simulator sizes its buffers and dispatches by. */
export interface SimLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxStorageBuffersPerShaderStage: number;
  minStorageBufferOffsetAlignment: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupStorageSize: number;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Whether the implementation reports a fallback (software) adapter. */
  isFallbackAdapter: boolean;
  /** One line: "Google · swiftshader · Vulkan SwiftShader Device (…)" — for results and `quench info`. */
  name: string;
}

export interface GpuContextOptions {
  powerPreference?: GPUPowerPreference;
  /** Ask for 'timestamp-query' when the adapter has it (default true). */
  timestamps?: boolean;
}

const LIMIT_NAMES: (keyof SimLimits)[] = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'minStorageBufferOffsetAlignment',
  'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize',
];
// Limits where a larger value is better: ask for the adapter's maximum.
const RAISE: (keyof SimLimits)[] = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize'];

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const isFallbackAdapter = Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const parts = [vendor, architecture, description || device].filter((s) => s && s.length > 0);
  const name = (parts.length > 0 ? parts.join(' · ') : 'unnamed WebGPU adapter') + (isFallbackAdapter ? ' (fallback adapter)' : '');
  return { vendor, architecture, device, description, isFallbackAdapter, name };
}

export class GpuContext {
  readonly limits: SimLimits;
  readonly adapter: AdapterDescription;
  /** Kernel times come from timestamp queries when the device has them. */
  readonly timing: TimingSource;
  private lostMessage: string | null = null;
  private uncaptured: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  /** Settles when the device is lost (after destroy(): once the implementation has processed it). */
  private readonly lostSettled: Promise<void>;

  private constructor(readonly device: GPUDevice, adapter: AdapterDescription) {
    this.adapter = adapter;
    const l = device.limits as unknown as Record<string, number>;
    this.limits = Object.fromEntries(LIMIT_NAMES.map((k) => [k, Number(l[k])])) as unknown as SimLimits;
    this.timing = device.features.has('timestamp-query') ? 'gpu-timestamps' : 'wall-clock';
    this.lostSettled = device.lost.then(
      (info) => {
        if (this.destroyed && info.reason === 'destroyed') return;
        this.lostMessage = `WebGPU device lost (${info.reason || 'unknown reason'}): ${info.message || 'no message'}`;
      },
      () => undefined,
    );
    // Errors outside any scope (there should be none): kept and reported by the next run.
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.uncaptured.push(ev.error.message);
    };
  }

  /** Adapter and device from `gpu`; rejects with WebGpuUnavailableError (one line) when there is none. */
  static async create(gpu: GPU | null | undefined, options: GpuContextOptions = {}): Promise<GpuContext> {
    if (!gpu) throw new WebGpuUnavailableError('WebGPU is not available here (no GPU object: navigator.gpu is undefined or the webgpu package did not load)');
    let adapter: GPUAdapter | null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
    } catch (e) {
      throw new WebGpuUnavailableError(`WebGPU: requestAdapter failed: ${(e as Error).message}`);
    }
    if (!adapter) throw new WebGpuUnavailableError('WebGPU: no adapter available (no GPU, no driver, and no software adapter such as SwiftShader)');
    const description = describeAdapter(adapter);
    const requiredLimits: Record<string, number> = {};
    const al = adapter.limits as unknown as Record<string, number>;
    for (const k of RAISE) if (typeof al[k] === 'number') requiredLimits[k] = al[k];
    const requiredFeatures: GPUFeatureName[] = [];
    if ((options.timestamps ?? true) && adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
    let device: GPUDevice;
    try {
      device = await adapter.requestDevice({ label: 'quench', requiredLimits, requiredFeatures });
    } catch (e) {
      throw new WebGpuUnavailableError(`WebGPU: requestDevice failed on ${description.name}: ${(e as Error).message}`);
    }
    return new GpuContext(device, description);
  }

  /** Why the device cannot be used any more, or null. */
  get lost(): string | null {
    return this.lostMessage;
  }

  /**
   * Runs `fn` alone (runs are serialised: error scopes are a per-device
   * stack) inside validation, out-of-memory and internal error scopes. Any
   * GPU error, a lost device or an uncaptured error rejects with its message.
   */
  run<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.scoped(label, fn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async scoped<T>(label: string, fn: () => Promise<T>): Promise<T> {
    if (this.lostMessage) throw new WebGpuRunError(`${label}: ${this.lostMessage}`);
    const d = this.device;
    d.pushErrorScope('internal');
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    let result: T | undefined;
    let thrown: unknown;
    try {
      result = await fn();
    } catch (e) {
      thrown = e;
    }
    const errors = (await Promise.all([d.popErrorScope(), d.popErrorScope(), d.popErrorScope()])).filter((e): e is GPUError => e !== null);
    if (this.lostMessage) throw new WebGpuRunError(`${label}: ${this.lostMessage}`);
    if (errors.length > 0) {
      const kinds = ['validation', 'out of memory', 'internal'];
      throw new WebGpuRunError(`${label}: WebGPU ${errors.map((e) => `${kindOf(e, kinds)} error: ${e.message.trim()}`).join('; ')}`);
    }
    if (thrown !== undefined) throw thrown;
    if (this.uncaptured.length > 0) {
      const msg = this.uncaptured.splice(0).join('; ');
      throw new WebGpuRunError(`${label}: WebGPU error: ${msg}`);
    }
    return result as T;
  }

  /**
   * Destroys the device. The returned promise settles once the implementation
   * has processed it (the device's `lost` promise), so no work of this device
   * is in flight any more — what Node's Dawn needs before the process exits.
   * Bounded: never waits more than about two seconds.
   */
  destroy(): Promise<void> {
    if (!this.destroyed) {
      this.destroyed = true;
      this.device.destroy();
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, 2000)));
    return Promise.race([this.lostSettled, bound]).finally(() => clearTimeout(timer));
  }
}

function kindOf(e: GPUError, kinds: string[]): string {
  const n = e.constructor?.name ?? '';
  if (n.includes('Validation')) return kinds[0];
  if (n.includes('OutOfMemory')) return kinds[1];
  if (n.includes('Internal')) return kinds[2];
  return 'GPU';
}
