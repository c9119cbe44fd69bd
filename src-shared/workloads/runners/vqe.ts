// Running a VQE: L-BFGS (or Adam/SPSA) on the energy with adjoint gradients.
// One iteration = energy + full gradient through the public session API.
import { lower } from '../../circuit/lower';
import { minimizeAsync } from '../../ml/optimizers';
import type { RunResult } from '../../results';
import { PARAM_DEFAULTS } from '../defaults';
import { VQE_DEFAULTS, vqeAnsatz, vqeHamiltonian, vqeInitialParams, type VqeSpec } from '../vqe';
import type { WorkloadSession } from '../session';
import { markPhase, now, PhaseClock, spread, spreadMetrics, unstableOf } from '../timing';

export interface VqeRunOptions {
  optimizer?: 'lbfgs' | 'adam' | 'spsa';
  iterations?: number;
  learningRate?: number;
  /** Compute the exact ground energy (Lanczos) for reference. */
  exact?: boolean;
  onIteration?: (iteration: number, energy: number) => void;
}

/** The VQE runner on a session (native engine or WebGPU, engine process or window). */
export async function runVqeOn(session: WorkloadSession, spec: Partial<VqeSpec> = {}, opts: VqeRunOptions = {}): Promise<RunResult> {
  const s: VqeSpec = { ...VQE_DEFAULTS, ...spec };
  const clock = new PhaseClock();
  const H = clock.time('compile', () => vqeHamiltonian(s));
  const circuit = clock.time('compile', () => lower(vqeAnsatz(s)));
  clock.time('compile', () => session.prepare(circuit));
  const x0 = vqeInitialParams(circuit.numParams, s.seed);
  const stepMs: number[] = [];
  const evaluationMs: number[] = [];
  const energies: number[] = [];
  let t = now();
  const optStart = t;
  let lastEnd = t;
  const result = await minimizeAsync(
    async (p) => {
      const t0 = now();
      markPhase('optimizer', lastEnd, t0); // the optimizer's work since the last evaluation
      const r = await clock.timeAsync('simulate', () => session.gradient(circuit, p, H));
      lastEnd = now();
      evaluationMs.push(lastEnd - t0);
      return { value: r.value, grad: r.gradient };
    },
    x0,
    {
      method: opts.optimizer ?? PARAM_DEFAULTS.vqe.optimizer,
      maxIterations: opts.iterations ?? PARAM_DEFAULTS.vqe.iterations,
      tolerance: 1e-7,
      adam: { lr: opts.learningRate ?? PARAM_DEFAULTS.vqe.learningRate },
      onIteration: (it, value) => {
        const t1 = now();
        stepMs.push(t1 - t);
        t = t1;
        energies.push(value);
        opts.onIteration?.(it, value);
      },
    },
  );
  // The optimizer's own work: the optimisation's wall time less its circuit evaluations.
  clock.phases.optimizer = Math.max(0, now() - optStart - (clock.phases.simulate ?? 0));
  let exact: number | undefined;
  if (opts.exact !== false) exact = clock.time('classical', () => session.groundEnergy(H, s.qubits));
  // docs/benchmarks.md: one iteration = energy + full gradient, through the public API.
  const it = spread(evaluationMs);
  const steps = spread(stepMs);
  return {
    kind: 'vqe',
    params: { ...s, optimizer: opts.optimizer ?? PARAM_DEFAULTS.vqe.optimizer, numParams: circuit.numParams, terms: H.terms.length },
    metrics: {
      ...spreadMetrics('ms_per_iteration', it),
      ms_per_optimizer_step: steps.median,
      iterations: result.iterations,
      evaluations: result.evaluations,
    },
    quality: {
      energy: result.value,
      ...(exact !== undefined ? { exact_energy: exact, energy_error: result.value - exact } : {}),
    },
    curves: { energy: energies },
    phases: clock.phases,
    details: { converged: result.converged, hamiltonian: H },
    env: session.environment(),
    ...unstableOf({ ms_per_iteration: it }),
  };
}
