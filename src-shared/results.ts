// What a Run produces: the same shape for every workload, stored in project
// files and printed by `quench bench`. Units live in the metric names
// (ms_per_iteration, us_per_sample, …) so a number never travels without one.

export type WorkloadKind = 'vqe' | 'qaoa' | 'qnn' | 'qsvm' | 'qgan' | 'qgan-train' | 'scale' | 'circuit' | 'validation';

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
  /** How `threads` was chosen: 'asked' (a setting) or the default's reason. */
  threadsChosen?: string;
  /** How the fusion width was chosen: the experiment's setting, or this machine's calibration. */
  fusionChosen?: string;
  /** The machine's load around the timed part (engine runs on Linux). */
  load?: MachineLoad;
  /** The machine's name: recorded by runs a job made on a cluster's node (absent for runs made where they are stored). */
  host?: string;
  /** The machine's memory, bytes (job runs, with host). */
  memoryBytes?: number;
  /** The Slurm job and array task that made the run. */
  slurm?: { jobId: string; arrayJobId?: string; arrayTaskId?: string };
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
  /** Timing figures that should not be trusted, and why (wide CI, outliers, a busy machine); absent when none. */
  unstable?: Record<string, string[]>;
}

/** Median, min and max of repeated measurements, with how far they can be trusted. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  p95?: number;
  samples: number;
  /** 95% confidence interval of the median (distribution-free, from order statistics). */
  ciLow?: number;
  ciHigh?: number;
  /** Samples beyond Tukey's outer fences (Q1 − 3·IQR, Q3 + 3·IQR). */
  outliers?: number;
  /** Why the figure should not be trusted (wide CI, many outliers); absent when it can be. */
  unstable?: string[];
}

/** What else the machine was doing while a run was timed (Linux; absent elsewhere). */
export interface MachineLoad {
  /** 1-minute load average before and after. */
  loadBefore: number;
  loadAfter: number;
  /** CPU time other processes used during the run, in cores (0 .. logical cores); absent when the run was too short to tell (under ~0.2 s: /proc/stat counts in 10 ms ticks). */
  othersCores?: number;
  /** Share of CPU time the hypervisor took (steal), 0..1, where visible. */
  steal?: number;
  /** Mean current frequency of the cores, MHz, where readable. */
  mhz?: number;
  /** Set when the load makes the run's times unrepresentative of this machine. */
  busy?: string;
}

/** One sentence on a run's load, the same in the CLI, reports and the workbench. */
export function describeLoad(load: MachineLoad): string {
  const others = load.othersCores === undefined ? 'too short to tell what other processes used' : `other processes used ${load.othersCores.toFixed(2)} cores`;
  return `${others}, load average ${load.loadBefore.toFixed(2)} → ${load.loadAfter.toFixed(2)}${load.busy ? ` — BUSY: ${load.busy}` : ''}`;
}
