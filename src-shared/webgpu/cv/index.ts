// The Fock-space (CV) simulator on WebGPU: no Node imports (the renderer can use it too).
export { GpuCvSimulator, maxCutoffFor, type CvRunOptions, type CvTimings, type CvVjpOutputs, type GpuCvSimulatorOptions } from './simulator';
export { CvGateBuilder, cvGateMatrix, bsBlocks, opEntries, opType, type OpType } from './gates';
export { validateCvCircuit, CV_MAX_CUTOFF, CV_MAX_MODES, CV_MIN_CUTOFF, type CvAngle, type CvCircuit, type CvGate, type CvGateKind, type CvOutputs } from './circuit';
