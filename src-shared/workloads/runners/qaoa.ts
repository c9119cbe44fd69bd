// Running QAOA for MaxCut: minimise −⟨C⟩ over (γ, β) with adjoint gradients,
// then sample the optimised state for the most likely / best cut. Quality is
// reported two ways, both against the exact max cut: the expectation ratio
// ⟨C⟩/C_max (what p limits) and the best sampled cut's ratio.
import { minimizeAsync } from '../../ml/optimizers';
import type { PauliSum } from '../../observable/pauli';
import { Rng } from '../../random';
import type { RunResult } from '../../results';
import { cutValues, exactMaxCut, localSearchMaxCut, randomRegularGraph, type Graph } from '../graph';
import { PARAM_DEFAULTS } from '../defaults';
import { qaoaCircuit, qaoaCost, qaoaInitialParams } from '../qaoa';
import type { WorkloadSession } from '../session';
import { markPhase, now, PhaseClock, spread, spreadMetrics, unstableOf } from '../timing';

export interface QaoaSpec {
  nodes: number;
  degree: number;
  p: number;
  seed: number;
  /** A user graph instead of a random regular one. */
  edges?: [number, number, number?][];
}

const D = PARAM_DEFAULTS.qaoa;
export const QAOA_DEFAULTS: QaoaSpec = { nodes: D.nodes, degree: D.degree, p: D.p, seed: D.seed };

export interface QaoaRunOptions {
  optimizer?: 'adam' | 'lbfgs' | 'spsa';
  iterations?: number;
  learningRate?: number;
  shots?: number;
  onIteration?: (iteration: number, expectedCut: number) => void;
}

export function qaoaGraph(s: QaoaSpec): Graph {
  if (s.edges) return { nodes: s.nodes, edges: s.edges.map(([u, v, w]) => [u, v, w ?? 1]) };
  return randomRegularGraph(s.nodes, s.degree, new Rng(s.seed));
}

const negate = (sum: PauliSum): PauliSum => ({ terms: sum.terms.map((t) => ({ ...t, coeff: -t.coeff })) });

/** The QAOA runner on a session (native engine or WebGPU, engine process or window). */
export async function runQaoaOn(session: WorkloadSession, spec: Partial<QaoaSpec> = {}, opts: QaoaRunOptions = {}): Promise<RunResult> {
  const s: QaoaSpec = { ...QAOA_DEFAULTS, ...spec };
  const clock = new PhaseClock();
  const t0 = now();
  const graph = clock.time('compile', () => qaoaGraph(s));
  const cuts = clock.time('compile', () => cutValues(graph));
  const circuit = clock.time('compile', () => qaoaCircuit(graph, s.p, cuts));
  const objective = negate(qaoaCost(graph));
  clock.time('compile', () => session.prepare(circuit));
  const expected: number[] = [];
  const evalMs: number[] = [];
  let lastEnd = now();
  const result = await minimizeAsync(
    async (x) => {
      const e0 = now();
      markPhase('optimizer', lastEnd, e0); // the optimizer's work since the last evaluation
      const r = await clock.timeAsync('simulate', () => session.gradient(circuit, x, objective));
      lastEnd = now();
      evalMs.push(lastEnd - e0);
      return { value: r.value, grad: r.gradient };
    },
    qaoaInitialParams(s.p),
    {
      method: opts.optimizer ?? D.optimizer,
      maxIterations: opts.iterations ?? D.iterations,
      tolerance: 1e-9,
      adam: { lr: opts.learningRate ?? D.learningRate },
      onIteration: (it, value) => {
        expected.push(-value);
        opts.onIteration?.(it, -value);
      },
    },
  );
  const shots = opts.shots ?? D.shots;
  const samples = await clock.timeAsync('readout', () => session.sample(circuit, result.params, shots, s.seed));
  const optimizeMs = now() - t0;
  // The optimizer's own work: the optimisation's wall time less its circuit evaluations.
  clock.phases.optimizer = Math.max(0, optimizeMs - (clock.phases.simulate ?? 0) - (clock.phases.compile ?? 0));
  const exact = clock.time('classical', () => exactMaxCut(graph));
  const heuristic = clock.time('classical', () => localSearchMaxCut(graph, new Rng(s.seed), 20));
  // most likely sampled cut and best sampled cut
  const freq = new Map<number, number>();
  for (const z of samples) freq.set(z, (freq.get(z) ?? 0) + 1);
  let mostLikely = samples[0], best = samples[0];
  for (const [z, c] of freq) {
    if (c > (freq.get(mostLikely) ?? 0)) mostLikely = z;
    if (cuts[z] > cuts[best]) best = z;
  }
  const ev = spread(evalMs);
  return {
    kind: 'qaoa',
    params: { ...s, optimizer: opts.optimizer ?? D.optimizer, iterations: result.iterations, shots },
    metrics: {
      s_per_problem: optimizeMs / 1000,
      ...spreadMetrics('ms_per_iteration', ev),
      iterations: result.iterations,
    },
    quality: {
      expected_cut: -result.value,
      max_cut: exact.value,
      approximation_ratio_expected: -result.value / exact.value,
      approximation_ratio_most_likely: cuts[mostLikely] / exact.value,
      approximation_ratio_best_sampled: cuts[best] / exact.value,
      local_search_ratio: heuristic.value / exact.value,
    },
    curves: { expected_cut: expected },
    phases: clock.phases,
    details: { edges: graph.edges, gammaBeta: Array.from(result.params), mostLikelyCut: mostLikely, bestSampledCut: best, exactCut: exact.assignment },
    env: session.environment(),
    ...unstableOf({ ms_per_iteration: ev }),
  };
}
