// What a Run produces: the same shape for every workload, stored in project
// files and printed by `quench bench`. Units live in the metric names
// (ms_per_iteration, us_per_sample, …) so a number never travels without one.

export type WorkloadKind = 'vqe' | 'qaoa' | 'qnn' | 'qsvm' | 'qgan' | 'qgan-train' | 'scale' | 'circuit';

/** Where a run ran: enough to compare files from different machines. */
export interface RunEnvironment {
  quench: string;
  cpu: string;
  logicalCores: number;
  isa: string;
  precision: string;
  threads: number;
  backend: string;
  node: string;
  platform: string;
  adapter?: string;
  /** How the run's times were taken where it is not the CPU's clock around native calls (WebGPU: 'wall-clock' from submit to mapped results). */
  timing?: string;
  /** Where the run ran: the engine process (absent) or the workbench window (its navigator.gpu). */
  runIn?: 'engine' | 'window';
}

/** Time spent per phase of a run, in milliseconds (what the profile view shows). */
export interface PhaseBreakdown {
  compile?: number;
  encoding?: number;
  simulate?: number;
  readout?: number;
  classical?: number;
  [phase: string]: number | undefined;
}

export interface RunResult {
  kind: WorkloadKind;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  quality: Record<string, number>;
  /** Per-iteration series: loss, energy, accuracy … */
  curves: Record<string, number[]>;
  phases: PhaseBreakdown;
  /** Workload-specific extras (the QAOA graph, the VQE exact energy, tables). */
  details: Record<string, unknown>;
  env: RunEnvironment;
}

/** Median, min and max of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  p95?: number;
  samples: number;
}
