// The seed documents' own figures and targets, and Quench's goals, as the
// reference lines the Scaling, Sweeps and Hardware views draw. Every number
// here comes from one of three sources (docs/benchmarks.md describes them):
//   seed report = a performance report on a continuous-variable quantum GAN
//                 (Strawberry Fields, TensorFlow backend): ~606 ms per sample
//   seed guide  = a performance guide for quantum ML (QuantRS2-ML) with
//                 targets per workload
//   Quench goal = what Quench sets itself against those (the seed suite's goals)
import { convertTime, metricTimeUnit, type TimeUnit } from './metrics';

export type ReferenceRole = 'seed-figure' | 'seed-target' | 'seed-projection' | 'goal';

export interface Reference {
  id: string;
  /** Experiment kind the figure is about. */
  kind: string;
  /** The metric it compares with (a Run's result.metrics key), or a derived quantity of a view. */
  metric: string;
  value: number;
  /** The upper end, for a figure stated as a range (the seed report's projections). */
  upTo?: number;
  /** Unit of `value`: a time unit, or null for a plain number (a fraction, a rate in 1/s). */
  unit: TimeUnit | null;
  role: ReferenceRole;
  /** The line's label: what the figure is and where it comes from. */
  label: string;
  source: 'seed report' | 'seed guide' | 'Quench goal';
  /** The size the figure was stated at (e.g. VQE's target is for 10 qubits). */
  at?: { param: string; value: number };
}

/**
 * The seed report's batch-scaling table (its batch-scaling table):
 * Strawberry Fields, TF backend, 4 modes, cutoff 4, 2 layers.
 */
export const SEED_QGAN_BATCH_TABLE: readonly { batch: number; s_total: number; ms_per_sample: number; samples_per_s: number }[] = [
  { batch: 1, s_total: 0.61, ms_per_sample: 606, samples_per_s: 1.65 },
  { batch: 4, s_total: 2.63, ms_per_sample: 657, samples_per_s: 1.52 },
  { batch: 8, s_total: 4.95, ms_per_sample: 619, samples_per_s: 1.62 },
  { batch: 16, s_total: 9.46, ms_per_sample: 591, samples_per_s: 1.69 },
  { batch: 32, s_total: 18.36, ms_per_sample: 574, samples_per_s: 1.74 },
];

/** Time per sample the qgan goal allows at batch 32, in µs. */
export const QGAN_GOAL_US_PER_SAMPLE = 60;

export const REFERENCES: readonly Reference[] = [
  // ——— qgan (the seed report) ———
  // the seed report's single-sample time, ~606 ms, about the same at every batch size
  { id: 'qgan-seed', kind: 'qgan', metric: 'us_per_sample', value: 606, unit: 'ms', role: 'seed-figure', label: 'seed report: 606 ms/sample, flat in batch', source: 'seed report' },
  // the seed report's own projections: 150–200 ms/sample after its first, 50–100 after its research-level optimisations
  { id: 'qgan-phase1', kind: 'qgan', metric: 'us_per_sample', value: 150, upTo: 200, unit: 'ms', role: 'seed-projection', label: "seed report's projection after its quick fixes: 150–200 ms/sample (cutoff 3, 1 layer)", source: 'seed report' },
  { id: 'qgan-phase3', kind: 'qgan', metric: 'us_per_sample', value: 50, upTo: 100, unit: 'ms', role: 'seed-projection', label: "seed report's projection after research-level work: 50–100 ms/sample", source: 'seed report' },
  // Quench's qgan goal: ≤ 60 µs/sample at batch 32 (10,000× the seed figure)
  { id: 'qgan-goal', kind: 'qgan', metric: 'us_per_sample', value: QGAN_GOAL_US_PER_SAMPLE, unit: 'us', role: 'goal', label: 'goal: ≤ 60 µs/sample at batch 32', source: 'Quench goal', at: { param: 'batch', value: 32 } },
  // Derived throughputs: the seed report's table, 1.65–1.74 samples/s; the goal's 60 µs/sample is 16,667 samples/s.
  { id: 'qgan-seed-rate', kind: 'qgan', metric: 'samples_per_s', value: 1.65, unit: null, role: 'seed-figure', label: 'seed report: 1.65 samples/s (batch 1), 1.74 at batch 32', source: 'seed report' },
  { id: 'qgan-goal-rate', kind: 'qgan', metric: 'samples_per_s', value: 1e6 / QGAN_GOAL_US_PER_SAMPLE, unit: null, role: 'goal', label: 'goal: ≥ 16,667 samples/s at batch 32 (60 µs/sample)', source: 'Quench goal', at: { param: 'batch', value: 32 } },
  // the same generator's headline metric
  { id: 'qgan-seed-b32', kind: 'qgan', metric: 'us_per_sample_batch32', value: 574, unit: 'ms', role: 'seed-figure', label: 'seed report: 574 ms/sample at batch 32', source: 'seed report' },
  { id: 'qgan-goal-b32', kind: 'qgan', metric: 'us_per_sample_batch32', value: QGAN_GOAL_US_PER_SAMPLE, unit: 'us', role: 'goal', label: 'goal: ≤ 60 µs/sample at batch 32', source: 'Quench goal' },
  // ——— qgan-train (the seed report: ~17 minutes for 5 epochs; Quench goal ≤ 2 s) ———
  { id: 'qgan-train-seed', kind: 'qgan-train', metric: 's_total', value: 17, unit: 'min', role: 'seed-figure', label: 'seed report: 17 min for 5 epochs', source: 'seed report', at: { param: 'epochs', value: 5 } },
  { id: 'qgan-train-goal', kind: 'qgan-train', metric: 's_total', value: 2, unit: 's', role: 'goal', label: 'goal: ≤ 2 s', source: 'Quench goal', at: { param: 'epochs', value: 5 } },
  // ——— the seed guide's targets per workload, and Quench's goals ———
  { id: 'vqe-target', kind: 'vqe', metric: 'ms_per_iteration', value: 1, unit: 's', role: 'seed-target', label: 'seed guide target: < 1 s/iteration (10 qubits)', source: 'seed guide', at: { param: 'qubits', value: 10 } },
  { id: 'vqe-goal', kind: 'vqe', metric: 'ms_per_iteration', value: 2, unit: 'ms', role: 'goal', label: 'goal: ≤ 2 ms/iteration (10 qubits)', source: 'Quench goal', at: { param: 'qubits', value: 10 } },
  { id: 'qaoa-target', kind: 'qaoa', metric: 's_per_problem', value: 5, unit: 's', role: 'seed-target', label: 'seed guide target: < 5 s/problem (20 qubits)', source: 'seed guide', at: { param: 'nodes', value: 20 } },
  { id: 'qaoa-goal', kind: 'qaoa', metric: 's_per_problem', value: 1, unit: 's', role: 'goal', label: 'goal: ≤ 1 s/problem (20 qubits)', source: 'Quench goal', at: { param: 'nodes', value: 20 } },
  { id: 'qnn-target', kind: 'qnn', metric: 'us_per_sample_batched', value: 10, unit: 'ms', role: 'seed-target', label: 'seed guide target: < 10 ms/sample (QNN inference)', source: 'seed guide' },
  { id: 'qnn-goal', kind: 'qnn', metric: 'us_per_sample_batched', value: 20, unit: 'us', role: 'goal', label: 'goal: ≤ 20 µs/sample batched', source: 'Quench goal' },
  { id: 'qnn-latency-target', kind: 'qnn', metric: 'latency_us_p95', value: 10, unit: 'ms', role: 'seed-target', label: 'seed guide target: < 10 ms/sample', source: 'seed guide' },
  { id: 'qnn-latency-goal', kind: 'qnn', metric: 'latency_us_p95', value: 200, unit: 'us', role: 'goal', label: 'goal: p95 single ≤ 200 µs', source: 'Quench goal' },
  { id: 'qsvm-target', kind: 'qsvm', metric: 's_total', value: 1, unit: 'min', role: 'seed-target', label: 'seed guide target: < 1 min training (1000 samples)', source: 'seed guide', at: { param: 'train', value: 1000 } },
  { id: 'qsvm-goal', kind: 'qsvm', metric: 's_total', value: 1, unit: 's', role: 'goal', label: 'goal: ≤ 1 s total (1000 samples)', source: 'Quench goal', at: { param: 'train', value: 1000 } },
  // scale goals: QSVM kernel at 10k ≤ 30 s; per-sample QNN time at 10k at most 10% above 1k (linear scaling)
  { id: 'scale-qsvm-goal', kind: 'scale', metric: 'qsvm_kernel_s_10000', value: 30, unit: 's', role: 'goal', label: 'goal: QSVM kernel at 10k samples ≤ 30 s', source: 'Quench goal' },
  { id: 'scale-drift-goal', kind: 'scale', metric: 'qnn_per_sample_drift', value: 0.1, unit: null, role: 'goal', label: 'goal: per-sample time at 10k at most 10% above 1k', source: 'Quench goal' },
  // gates goal: ≥ 85% of the machine's in-place bandwidth at n ≥ 24
  { id: 'gates-goal', kind: 'gates', metric: 'fractionOfInplace', value: 0.85, unit: null, role: 'goal', label: 'goal: ≥ 85% of in-place bandwidth at n ≥ 24', source: 'Quench goal', at: { param: 'qubits', value: 24 } },
];

export const referenceById = (id: string): Reference => {
  const r = REFERENCES.find((x) => x.id === id);
  if (!r) throw new Error(`no reference '${id}'`);
  return r;
};

/** A reference's value (or its range's upper end) in the unit of `metric` (by the unit in its name), or as stated when either has no time unit. */
export function referenceValueIn(ref: Reference, metric: string, which: 'value' | 'upTo' = 'value'): number {
  const to = metricTimeUnit(metric);
  const v = which === 'upTo' ? (ref.upTo ?? ref.value) : ref.value;
  return ref.unit && to ? convertTime(v, ref.unit, to) : v;
}

/** The references for a kind's metric, with values in that metric's unit. */
export function referencesFor(kind: string, metric: string): (Reference & { valueInMetric: number })[] {
  return REFERENCES.filter((r) => r.kind === kind && r.metric === metric).map((r) => ({ ...r, valueInMetric: referenceValueIn(r, metric) }));
}
