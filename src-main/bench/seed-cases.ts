// The cases of the seed suite: what each runs, the seed document's figure
// and target, Quench's goal (docs/benchmarks.md), and the correctness checks.
import type { RunResult } from '../../src-shared/results';
import { runQaoa } from '../engine/workloads/qaoa';
import { runQnn } from '../engine/workloads/qnn';
import { runVqe } from '../engine/workloads/vqe';
import { runQsvm } from '../engine/workloads/qsvm';
import { benchQgan, trainQgan } from '../engine/workloads/qgan';
import { runScale } from '../engine/workloads/scale';
import { benchGates, benchGatesWebGpu } from './gates';

export interface CaseContext {
  quick: boolean;
  /** Where the circuits run (default native). WebGPU runs are f32. */
  backend?: 'native' | 'webgpu';
  threads?: number;
  precision?: 'f64' | 'f32';
}

/** The session options every case passes to its runner. */
const sessionOf = (ctx: CaseContext) => ({ backend: ctx.backend, threads: ctx.threads, precision: ctx.backend === 'webgpu' ? ('f32' as const) : ctx.precision });

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface CaseOutcome {
  run: RunResult;
  /** The figure the case is judged by: median and spread. */
  headline: { value: number; min: number; max: number; ciLow?: number; ciHigh?: number; unstable?: string[]; label: string };
  /** Figures in `unit`; the goal is an upper bound unless higherIsBetter. */
  target: { unit: string; seedFigure?: number; seedTarget?: number; goal: number; higherIsBetter?: boolean };
  checks: Check[];
  details?: Record<string, unknown>;
}

export interface SeedCase {
  id: string;
  title: string;
  describe: (params: Record<string, unknown>) => string;
  run: (ctx: CaseContext) => Promise<CaseOutcome>;
  extraLines?: (r: { metrics: Record<string, number>; quality: Record<string, number>; details?: Record<string, unknown> }) => string[];
}

const within = (name: string, value: number, goal: number, unit: string): Check => ({
  name,
  pass: value <= goal,
  detail: `${value.toPrecision(4)} ${unit} ${value <= goal ? '≤' : '>'} goal ${goal} ${unit}`,
});
const atLeast = (name: string, value: number, goal: number): Check => ({
  name,
  pass: value >= goal,
  detail: `${value.toPrecision(4)} ${value >= goal ? '≥' : '<'} ${goal}`,
});

const headline = (r: RunResult, key: string, label: string): CaseOutcome['headline'] => ({
  value: r.metrics[key],
  min: r.metrics[`${key}_min`] ?? r.metrics[key],
  max: r.metrics[`${key}_max`] ?? r.metrics[key],
  ciLow: r.metrics[`${key}_ci_lo`],
  ciHigh: r.metrics[`${key}_ci_hi`],
  unstable: r.unstable?.[key],
  label,
});

export const SEED_CASES: SeedCase[] = [
  {
    id: 'vqe',
    title: 'VQE, Heisenberg XXZ chain; one iteration = energy + full gradient (adjoint)',
    describe: (p) => `${p.qubits} qubits, ${p.hamiltonian} (J=${p.J}, Δ=${p.delta}, ${p.periodic ? 'periodic' : 'open'}), ${p.terms} Pauli terms; seed ansatz: ${p.layers} layers RY/RZ + CNOT ${p.entangler} (${p.numParams} parameters), optimizer ${p.optimizer}`,
    run: async (ctx) => {
      const size = ctx.quick ? { qubits: 6 } : {};
      const iterations = ctx.quick ? 200 : 2000;
      const run = await runVqe(size, { ...sessionOf(ctx), iterations });
      // The seed's hardware-efficient ansatz cannot represent the Heisenberg ground
      // state at 4 layers; the Hamiltonian-variational ansatz at the same depth can.
      const hva = await runVqe({ ...size, ansatz: 'hva' }, { ...sessionOf(ctx), iterations });
      const err = hva.quality.energy_error;
      return {
        run,
        headline: headline(run, 'ms_per_iteration', 'ms per energy+gradient, median, seed ansatz'),
        target: { unit: 'ms', seedTarget: 1000, goal: 2 },
        checks: [
          within('time per iteration (seed ansatz)', run.metrics.ms_per_iteration, 2, 'ms'),
          { name: 'energy within 1e-3 of the exact ground energy (Lanczos), HVA 4 layers', pass: Math.abs(err) <= 1e-3, detail: `reached ${hva.quality.energy.toFixed(6)}, exact ${hva.quality.exact_energy.toFixed(6)}, error ${err.toExponential(2)}, ${hva.metrics.ms_per_iteration.toFixed(3)} ms/iteration, ${hva.params.numParams} parameters` },
        ],
        details: { hea: run.quality, hva: hva.quality },
      };
    },
    extraLines: (r) => {
      const hea = r.details?.hea as Record<string, number> | undefined;
      return hea ? [`info     seed ansatz (hardware-efficient, 4 layers) reaches ${hea.energy.toFixed(6)}: error ${hea.energy_error.toExponential(2)} — too shallow for this ground state; use ansatz 'hva' for accuracy`] : [];
    },
  },
  {
    id: 'qaoa',
    title: 'QAOA MaxCut on a seeded random 3-regular graph, adjoint gradients',
    describe: (p) => `${p.nodes} nodes, ${p.degree}-regular (seed ${p.seed}), p = ${p.p}, ${p.iterations} iterations of ${p.optimizer}, ${p.shots} shots`,
    run: async (ctx) => {
      const size = ctx.quick ? { nodes: 12 } : {};
      const run = await runQaoa(size, { ...sessionOf(ctx), iterations: ctx.quick ? 30 : 100 });
      // The same problem with L-BFGS (converges in far fewer gradient evaluations).
      const lbfgs = await runQaoa(size, { ...sessionOf(ctx), iterations: 100, optimizer: 'lbfgs' });
      const q = run.quality;
      return {
        run,
        headline: headline(run, 's_per_problem', 'seconds per problem: graph, compile, optimise, sample'),
        target: { unit: 's', seedTarget: 5, goal: 1 },
        checks: [
          within('time per problem', run.metrics.s_per_problem, 1, 's'),
          atLeast('approximation ratio of the most likely sampled cut', q.approximation_ratio_most_likely, 0.9),
        ],
        details: { edges: run.details.edges, lbfgs: { s_per_problem: lbfgs.metrics.s_per_problem, iterations: lbfgs.metrics.iterations, expected_ratio: lbfgs.quality.approximation_ratio_expected } },
      };
    },
    extraLines: (r) => [
      ...(r.details?.lbfgs
        ? [(() => {
            const l = r.details.lbfgs as { s_per_problem: number; iterations: number; expected_ratio: number };
            return `info     with L-BFGS instead of 100 Adam steps: ${l.s_per_problem.toFixed(2)} s, ${l.iterations} iterations, ⟨C⟩/C_max = ${l.expected_ratio.toFixed(4)}`;
          })()]
        : []),
      `info     ⟨C⟩/C_max = ${r.quality.approximation_ratio_expected.toFixed(4)} (expectation), best sampled ${r.quality.approximation_ratio_best_sampled.toFixed(4)}, local search ${r.quality.local_search_ratio.toFixed(4)}, max cut ${r.quality.max_cut}; ${r.metrics.ms_per_iteration.toFixed(1)} ms per energy+gradient`,
    ],
  },
  {
    id: 'qnn',
    title: 'QNN classifier: angle encoding + entangling layers, ⟨Z0⟩ readout',
    describe: (p) => `${p.qubits} qubits, ${p.layers} layers, ${p.numWeights} weights, ${p.dataset} ${p.train}/${p.test}, ${p.epochs} epochs × batch ${p.batchSize}, inference batch ${p.inferenceBatch}`,
    run: async (ctx) => {
      const run = await runQnn(ctx.quick ? { epochs: 3, train: 120, test: 60, latencySamples: 50 } : {}, sessionOf(ctx));
      return {
        run,
        headline: headline(run, 'us_per_sample_batched', `µs per sample at batch ${run.params.inferenceBatch}, through the Backend API`),
        target: { unit: 'µs', seedTarget: 10_000, goal: 20 },
        checks: [
          within('batched time per sample', run.metrics.us_per_sample_batched, 20, 'µs'),
          within('single-sample latency p95', run.metrics.latency_us_p95, 200, 'µs'),
        ],
      };
    },
    extraLines: (r) => [
      `info     latency p50 ${r.metrics.latency_us_p50.toFixed(1)} µs, p95 ${r.metrics.latency_us_p95.toFixed(1)} µs; test accuracy ${r.quality.test_accuracy.toFixed(3)} (RBF-SVM ${r.quality['rbf-svm_accuracy']?.toFixed(3)}, logistic ${r.quality['logistic-regression_accuracy']?.toFixed(3)}, MLP ${r.quality.mlp_accuracy?.toFixed(3)}); gradient flow ${r.quality.gradient_flow.toFixed(2)}`,
    ],
  },
  {
    id: 'qsvm',
    title: 'QSVM: ZZ feature map, fidelity kernel from statevector overlaps, SVM on the precomputed kernel',
    describe: (p) => `${p.train} train + ${p.test} test samples (${p.dataset}), ${p.features} features, ZZ map reps ${p.reps} (${p.entanglement}), ${p.gates} gates, C = ${p.C}`,
    run: async (ctx) => {
      const run = await runQsvm(ctx.quick ? { train: 200, test: 50 } : {}, sessionOf(ctx));
      return {
        run,
        headline: headline(run, 's_total', 'seconds: data, states, Gram matrices, SVM fit and predict'),
        target: { unit: 's', seedTarget: 60, goal: 1 },
        checks: [within('total time', run.metrics.s_total, 1, 's')],
      };
    },
    extraLines: (r) => [
      `info     test accuracy ${r.quality.test_accuracy.toFixed(3)} (RBF-SVM ${r.quality.rbf_svm_accuracy?.toFixed(3)}); kernel-target alignment ${r.quality.kernel_target_alignment.toFixed(3)}; kernel ${r.metrics.ms_kernel.toFixed(0)} ms, SVM ${r.metrics.ms_svm.toFixed(0)} ms`,
    ],
  },
  {
    id: 'qgan',
    title: "CV quantum GAN generator (the seed report's): Fock-space circuit + decoder, batched",
    describe: (p) => `${p.modes} modes, latent ${p.latent}, cutoff ${p.cutoff}, ${p.layers} layers (${p.gates} gates, ${p.numWeights} weights), readout ⟨x⟩ per mode, decoder ${p.modes}→2`,
    run: async (ctx) => {
      const run = await benchQgan(ctx.quick ? { batches: [1, 8, 32, 256], repeats: 3 } : {}, sessionOf(ctx));
      const table = run.details.table as { batch: number; us_per_sample: number; us_ci_lo?: number; us_ci_hi?: number }[];
      // A rise counts only when the CIs say so (the larger batch's CI entirely above the
      // smaller's); a rise within overlapping CIs is noise and is named, not ranked.
      const lo = (r: (typeof table)[number]) => r.us_ci_lo ?? r.us_per_sample, hi = (r: (typeof table)[number]) => r.us_ci_hi ?? r.us_per_sample;
      const rises = table.filter((row, i) => i > 0 && lo(row) > hi(table[i - 1]) * 1.05).map((r) => r.batch);
      const noisy = table.filter((row, i) => i > 0 && row.us_per_sample >= table[i - 1].us_per_sample && !rises.includes(row.batch)).map((r) => r.batch);
      const falling = rises.length === 0;
      return {
        run,
        headline: headline(run, 'us_per_sample_batch32', 'µs per sample at batch 32 (quantum circuit + decoder)'),
        target: { unit: 'µs', seedFigure: 606_000, goal: 60 },
        checks: [
          within('time per sample at batch 32', run.metrics.us_per_sample_batch32, 60, 'µs'),
          {
            name: 'time per sample falls as the batch grows',
            pass: falling,
            detail:
              table.map((r) => `${r.batch}: ${r.us_per_sample.toFixed(1)} µs`).join(', ') +
              (rises.length ? `; rises beyond the 95% CIs at batch ${rises.join(', ')}` : '') +
              (noisy.length ? `; not falling within overlapping CIs at batch ${noisy.join(', ')} (noise, not ranked)` : ''),
          },
          { name: 'exact gradients (VJP vs finite differences ≤ 1e-5 relative)', pass: run.quality.gradient_max_rel_error <= 1e-5, detail: `max relative error ${run.quality.gradient_max_rel_error.toExponential(2)}` },
        ],
        details: { table },
      };
    },
    extraLines: (r) => {
      const table = (r.details?.table ?? []) as { batch: number; s_total: number; us_per_sample: number; samples_per_s: number; quantum_us: number; decoder_us: number }[];
      return [
        'Batch Size   Time (s)     Time/Sample (µs)   Samples/s    quantum µs   decoder µs   (seed: 606 ms/sample, flat)',
        ...table.map((t) => `${String(t.batch).padEnd(12)} ${t.s_total.toExponential(2).padEnd(12)} ${t.us_per_sample.toFixed(1).padEnd(18)} ${t.samples_per_s.toFixed(0).padEnd(12)} ${t.quantum_us.toFixed(1).padEnd(12)} ${t.decoder_us.toFixed(2)}`),
        `info     truncation loss ${r.quality.truncation_loss.toExponential(2)}, linear-interpolation R² ${r.quality.linear_interpolation_r2.toFixed(4)} (untrained generator), gradient flow ${(100 * r.quality.gradient_flow).toFixed(0)}%`,
      ];
    },
  },
  {
    id: 'qgan-train',
    title: 'CV quantum GAN training: generator + discriminator steps on a bimodal 2-D Gaussian',
    describe: (p) => `${p.epochs} epochs × ${p.stepsPerEpoch} steps, batch ${p.batch}, Adam lr ${p.learningRate}; generator ${p.modes} modes, cutoff ${p.cutoff}, ${p.layers} layers`,
    run: async (ctx) => {
      const run = await trainQgan(ctx.quick ? { epochs: 2 } : {}, sessionOf(ctx));
      return {
        run,
        headline: headline(run, 's_total', 'seconds for the whole training'),
        target: { unit: 's', seedFigure: 17 * 60, goal: 2 },
        checks: [within('training time', run.metrics.s_total, 2, 's')],
      };
    },
    extraLines: (r) => [
      `info     time: quantum circuit ${r.metrics.ms_quantum.toFixed(0)} ms, decoder ${r.metrics.ms_decoder.toFixed(1)} ms, training overhead (discriminator, optimisers) ${r.metrics.ms_training_overhead.toFixed(0)} ms`,
      `info     final D loss ${r.quality.final_d_loss.toFixed(3)}, G loss ${r.quality.final_g_loss.toFixed(3)}; truncation loss ${r.quality.truncation_loss.toExponential(2)}; linear-interpolation R² ${r.quality.linear_interpolation_r2.toFixed(3)}`,
      `info     MMD² to the target: quantum generator ${r.quality.mmd2_to_target.toFixed(4)}, classical MLP generator (${r.quality.classical_generator_params} params, same latent, ${(1000 * r.quality.classical_s_total).toFixed(0)} ms) ${r.quality.classical_mmd2_to_target.toFixed(4)}`,
    ],
  },
  {
    id: 'scale',
    title: 'Scaling: QNN training epoch and QSVM kernel at growing sample counts',
    describe: (p) => `sizes ${(p.sizes as number[]).join(', ')}; QNN ${p.qubits} qubits ${p.layers} layers; QSVM ${p.features} features`,
    run: async (ctx) => {
      const run = await runScale(ctx.quick ? { sizes: [250, 500, 1000] } : {}, sessionOf(ctx));
      const sizes = run.params.sizes as number[];
      const last = sizes[sizes.length - 1];
      const drift = run.metrics.qnn_per_sample_drift;
      return {
        run,
        headline: { value: run.metrics[`qsvm_kernel_s_${last}`], min: run.metrics[`qsvm_kernel_s_${last}`], max: run.metrics[`qsvm_kernel_s_${last}`], label: `seconds for the QSVM kernel at ${last} samples` },
        target: { unit: 's', goal: 30 },
        checks: [
          // Linear scaling: the time per sample must not grow with the data. Falling is fine (an epoch's fixed costs spread over more samples).
          { name: `QNN per-sample training time at ${last} at most 10% above ${sizes[0]}`, pass: drift <= 0.1, detail: `${(100 * drift).toFixed(1)}% (${sizes.map((n) => `${n}: ${run.metrics[`qnn_us_per_sample_${n}`].toFixed(1)} µs`).join(', ')})` },
          within(`QSVM kernel at ${last} samples`, run.metrics[`qsvm_kernel_s_${last}`], 30, 's'),
        ],
      };
    },
  },
  {
    id: 'gates',
    title: "Raw gate application vs this machine's reference bandwidth (same run): CPU in-place (native), device in-place (WebGPU)",
    describe: (p) => `${(p.qubits as number[]).join(', ')} qubits, ${(p.precision as string[]).join(' & ')}, threads ${(p.threads as number[]).join(' & ')}`,
    run: async (ctx) => {
      if (ctx.backend === 'webgpu') return gatesOnWebGpu(ctx);
      const qubits = ctx.quick ? [18] : [24];
      const out = await benchGates({ qubits, precision: ['f32', 'f64'], threads: [1, 0], isa: 'auto', repeats: ctx.quick ? 3 : 9 });
      const oneQ = out.results.filter((r) => r.kind === '1q' && r.threads === Math.max(...out.env.threads));
      const worst = Math.min(...oneQ.map((r) => r.fractionOfInplace));
      const metrics: Record<string, number> = {};
      for (const r of out.results) metrics[`${r.kind}_${r.precision}_${r.threads}t_fraction`] = r.fractionOfInplace;
      const run: RunResult = { kind: 'circuit', params: { qubits, precision: ['f32', 'f64'], threads: out.env.threads }, metrics, quality: {}, curves: {}, phases: {}, details: { results: out.results, brickwork: out.brickwork }, env: { quench: '0.1.0', cpu: out.env.cpu.model, logicalCores: out.env.cpu.logicalCores, isa: out.env.isa, precision: 'f32,f64', threads: Math.max(...out.env.threads), backend: `native-${out.env.isa}`, node: out.env.node, platform: out.env.platform } };
      return {
        run,
        headline: { value: 100 * worst, min: 100 * Math.min(...oneQ.map((r) => r.fractionOfInplace)), max: 100 * Math.max(...oneQ.map((r) => r.fractionOfInplace)), label: '% of in-place bandwidth, 1-qubit gates, all threads (worst precision)' },
        target: { unit: '%', goal: 85, higherIsBetter: true },
        // A row above the reference's 95% CI is a disturbed measurement, not a pass.
        checks: [{ name: '1-qubit gates ≥ 85% of in-place bandwidth (all threads, f32 and f64)', pass: worst >= 0.85 && oneQ.every((r) => !r.problem), detail: oneQ.map((r) => `${r.precision} ${(100 * r.fractionOfInplace).toFixed(0)}% (${r.msPerGate.median.toFixed(2)} ms)${r.problem ? ` — not a result: ${r.problem}` : ''}`).join(', ') }],
      };
    },
  },
];

/**
 * The gates case on WebGPU: the goal is ≥ 60% of the device's in-place
 * bandwidth (the fastest of three streaming kernels that read and write
 * every amplitude once, timed the same way) for 1-qubit gates at 26 qubits;
 * states as large as the adapter holds up to that (a software adapter gets
 * the same size, slowly).
 */
async function gatesOnWebGpu(ctx: CaseContext): Promise<CaseOutcome> {
  const qubits = ctx.quick ? [16] : [26];
  const out = await benchGatesWebGpu({ qubits, isa: 'auto', repeats: ctx.quick ? 3 : 7 });
  const oneQ = out.results.filter((r) => r.kind === '1q');
  if (oneQ.length === 0) throw new Error(`the WebGPU gates case could not run: ${out.skipped.join('; ') || 'no results'}`);
  const fractions = oneQ.map((r) => r.fractionOfInplace);
  const metrics: Record<string, number> = {};
  for (const r of out.results) metrics[`${r.kind}_f32_fraction`] = r.fractionOfInplace;
  const e = out.env as Record<string, unknown> & { cpu: { model: string; logicalCores: number }; node: string; platform: string };
  const run: RunResult = {
    kind: 'circuit', params: { qubits, precision: ['f32'], threads: [0] }, metrics, quality: {}, curves: {}, phases: {},
    details: { results: out.results, brickwork: out.brickwork },
    env: { quench: '0.1.0', cpu: e.cpu.model, logicalCores: e.cpu.logicalCores, isa: 'webgpu', precision: 'f32', threads: 0, backend: 'webgpu', node: e.node, platform: e.platform, adapter: String(e.adapter), timing: String(e.timing) },
  };
  return {
    run,
    headline: { value: 100 * fractions[0], min: 100 * Math.min(...fractions), max: 100 * Math.max(...fractions), label: `% of the device's in-place bandwidth, 1-qubit gates at ${qubits[0]} qubits (${String(e.timing)})` },
    target: { unit: '%', goal: 60, higherIsBetter: true },
    checks: [{ name: `1-qubit gates ≥ 60% of the device's in-place bandwidth at ${qubits[0]} qubits`, pass: fractions[0] >= 0.6 && !oneQ[0].problem, detail: oneQ.map((r) => `${(100 * r.fractionOfInplace).toFixed(0)}% (${r.msPerGate.median.toFixed(2)} ms per gate, in-place ${r.inplaceGbPerS.toFixed(1)} GB/s) on ${String(e.adapter)}${r.problem ? ` — not a result: ${r.problem}` : ''}`).join(', ') }],
  };
}

