// The WebGPU simulator: one host module for the renderer and Node. Callers
// hand it a `GPU` (navigator.gpu, or Dawn's from src-main/backend/webgpu-node.ts).
export { GpuContext, WebGpuRunError, WebGpuUnavailableError, type AdapterDescription, type SimLimits, type TimingSource } from './context';
export { WebGpuBackend, WEBGPU_DEFAULT_FUSION, WEBGPU_MAX_FUSION, type WebGpuBackendOptions, type WebGpuSimulationResult } from './webgpu-backend';
export { GpuSimulator, type GateOp, type RunTimings } from './simulator';
export { fuseGates, blockMatrix, type FusedBlock } from './fusion';
export { planState, type StatePlan } from './state';
export { timeGate, timeInPlace, stateBytes, type KernelSample } from './bench-kernels';
export { webGpuSelfCheck, SELF_CHECK_TOLERANCE, type SelfCheckReport } from './self-check';
export { GpuCvSimulator, cvGateMatrix, type CvTimings, type CvVjpOutputs } from './cv';
