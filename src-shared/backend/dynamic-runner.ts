// Running a parsed OpenQASM program on any Backend, static or dynamic.
//
// Static programs (gates, then measurements nothing depends on) run as one
// circuit. Dynamic ones (mid-circuit measurement, reset, `if`) are walked
// as a tree of branches on the backend's BranchState, depth first:
//  - exact mode (probabilities, expectation values): every outcome of every
//    branch point with weight above a precision floor is followed; results
//    are the weighted mixture of the final states. A stated limit on the
//    number of final states guards against exponential blow-up.
//  - shots: the shot-branching scheme of Qiskit Aer — the shared prefix is
//    simulated once, and at each branch point the shots of that branch are
//    split between the two outcomes by an exact binomial draw, so each
//    distinct trajectory is simulated once, however many shots follow it.
// Both share one walk when both are asked for. Seeded and reproducible.
//
// Measurements at the end are read from the final state and do not collapse
// it: probabilities and expectation values describe the state before them
// (as Qiskit's Estimator treats final measurements).
import { classicalKey, conditionHolds, planDynamic, type DynamicPlan } from '../circuit/dynamic';
import { lower } from '../circuit/lower';
import type { LoweredCircuit } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';
import type { QasmProgram } from '../qasm';
import { countsFromSamples, type Backend, type BranchState, type ExecutionOptions, type PhaseTimings, type SimulationResult } from './backend';
import { binomial, uniformStream } from './sampling';

/** Default limit on the final states an exact (probabilities/expectations) run of a dynamic circuit may need. */
export const MAX_EXACT_BRANCHES = 4096;

export interface ProgramRequest {
  observables?: PauliSum[];
  probabilities?: boolean;
  shots?: number;
  seed?: number;
  /** Exact mode's limit on final states (default MAX_EXACT_BRANCHES). */
  maxBranches?: number;
  /** Also the exact probability of every classical outcome (keys as in `counts`). */
  outcomeProbabilities?: boolean;
}

export interface ProgramResult {
  numQubits: number;
  probabilities?: Float64Array;
  expectations: number[];
  /**
   * With shots: outcomes over the classical registers in Qiskit's format
   * (registers in reverse declaration order, space-separated, bit 0
   * rightmost); over all qubits (qubit 0 rightmost) when the program has no
   * classical bits.
   */
  counts?: Record<string, number>;
  /** With outcomeProbabilities: the exact distribution `counts` samples from. */
  outcomeProbabilities?: Record<string, number>;
  timings: PhaseTimings;
  passes?: number;
  /** Dynamic programs: the final states simulated (branches of the mixture, or distinct trajectories). */
  branches?: number;
  dynamic: boolean;
  /** Backend-specific extras of a static run (WebGPU: timing, adapter). */
  extra?: Record<string, unknown>;
}

export class DynamicCircuitError extends Error {
  override name = 'DynamicCircuitError';
}

/** Simulates a parsed program: one pass when it is static, the branch walk when it is dynamic. */
export async function simulateProgram(backend: Backend, program: QasmProgram, req: ProgramRequest, options: ExecutionOptions = {}): Promise<ProgramResult> {
  const { circuit } = program;
  if (!program.dynamic) {
    const r = (await backend.simulate(
      { circuit: lower(circuit), observables: req.observables, probabilities: req.probabilities, shots: req.shots, seed: req.seed },
      options,
    )) as SimulationResult & Record<string, unknown>;
    const { numQubits, probabilities, expectations, samples, timings, passes, marginal: _m, ...extra } = r;
    void _m;
    let counts: Record<string, number> | undefined;
    if (samples) {
      counts = program.numClbits === 0
        ? countsFromSamples(samples, numQubits)
        : classicalCounts(program.classicalRegisters, program.numClbits, program.measurements, new Uint8Array(program.numClbits), samples);
    }
    const outcomes = req.outcomeProbabilities && probabilities
      ? outcomeDistribution(program.classicalRegisters, program.numClbits, program.measurements, new Uint8Array(program.numClbits), probabilities, 1)
      : undefined;
    return {
      numQubits, probabilities, expectations, counts, timings, passes, dynamic: false,
      ...(outcomes ? { outcomeProbabilities: outcomes } : {}), ...(Object.keys(extra).length ? { extra } : {}),
    };
  }
  const t0 = performance.now();
  const plan = planDynamic(circuit.numQubits, program.numClbits, program.classicalRegisters, program.instructions);
  const compile = performance.now() - t0;
  const r = await runDynamic(backend, plan, req, options);
  return { ...r, timings: { ...r.timings, compile: r.timings.compile + compile } };
}

/** Counts of sampled basis states read into classical bits through `measures`, keyed as Qiskit prints them. */
function classicalCounts(
  registers: DynamicPlan['classicalRegisters'], numClbits: number, measures: readonly { qubit: number; clbit: number }[],
  base: Uint8Array, samples: ArrayLike<number>, into: Record<string, number> = {},
): Record<string, number> {
  // Group identical samples first: keys are built once per distinct outcome, not per shot.
  const byIndex = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) byIndex.set(samples[i], (byIndex.get(samples[i]) ?? 0) + 1);
  const bits = new Uint8Array(numClbits);
  for (const [index, n] of byIndex) {
    bits.set(base);
    for (const m of measures) bits[m.clbit] = Math.floor(index / 2 ** m.qubit) % 2;
    const key = numClbits === 0 ? '' : classicalKey(registers, bits);
    into[key] = (into[key] ?? 0) + n;
  }
  return into;
}

/** Probabilities of a final state read into classical outcomes (weighted, accumulated into `into`). */
function outcomeDistribution(
  registers: DynamicPlan['classicalRegisters'], numClbits: number, measures: readonly { qubit: number; clbit: number }[],
  base: Uint8Array, probabilities: ArrayLike<number>, weight: number, into: Record<string, number> = {},
): Record<string, number> {
  const bits = new Uint8Array(numClbits);
  const n = Math.round(Math.log2(probabilities.length));
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i] === 0) continue;
    let key: string;
    if (numClbits === 0) key = i.toString(2).padStart(n, '0');
    else {
      bits.set(base);
      for (const m of measures) bits[m.clbit] = Math.floor(i / 2 ** m.qubit) % 2;
      key = classicalKey(registers, bits);
    }
    into[key] = (into[key] ?? 0) + weight * probabilities[i];
  }
  return into;
}

/** Walks the branches of a planned dynamic circuit (see the file comment). */
export async function runDynamic(backend: Backend, plan: DynamicPlan, req: ProgramRequest, options: ExecutionOptions = {}): Promise<ProgramResult> {
  const n = plan.numQubits;
  const observables = req.observables ?? [];
  const exact = Boolean(req.probabilities) || observables.length > 0 || Boolean(req.outcomeProbabilities);
  const shots = req.shots ?? 0;
  const maxBranches = req.maxBranches ?? MAX_EXACT_BRANCHES;
  // Outcomes below this weight are numerical noise of the precision, not branches.
  const floor = options.precision === 'f32' || backend.id === 'webgpu' ? 1e-6 : 1e-12;
  const uniform = uniformStream(req.seed ?? 0);
  const t0 = performance.now();

  const probabilities = req.probabilities ? new Float64Array(2 ** n) : undefined;
  const expectations = observables.map(() => 0);
  const counts: Record<string, number> | undefined = shots > 0 ? {} : undefined;
  const outcomes: Record<string, number> | undefined = req.outcomeProbabilities ? {} : undefined;
  let leaves = 0;
  let readout = 0;
  const flips = new Map<number, LoweredCircuit>();
  const flip = (q: number) => {
    let c = flips.get(q);
    if (!c) flips.set(q, (c = lower({ numQubits: n, numParams: 0, ops: [{ gate: 'x', qubits: [q] }] })));
    return c;
  };

  const leaf = async (state: BranchState, weight: number, leafShots: number, clbits: Uint8Array) => {
    const tr = performance.now();
    if (exact && ++leaves > maxBranches)
      throw new DynamicCircuitError(
        `exact probabilities and expectation values of this circuit need more than ${maxBranches} final states ` +
          `(one per sequence of mid-circuit outcomes); sample it with shots instead, which simulates only the trajectories drawn`,
      );
    if (!exact) leaves++;
    if (probabilities || outcomes) {
      const p = await state.probabilities();
      if (probabilities) for (let i = 0; i < p.length; i++) probabilities[i] += weight * p[i];
      if (outcomes) outcomeDistribution(plan.classicalRegisters, plan.numClbits, plan.final, clbits, p, weight, outcomes);
    }
    if (observables.length) (await state.expectations(observables)).forEach((v, j) => (expectations[j] += weight * v));
    if (counts && leafShots > 0) {
      const samples = await state.sample(leafShots, Math.floor(uniform() * 2 ** 53));
      classicalCounts(plan.classicalRegisters, plan.numClbits, plan.final, clbits, samples, counts);
    }
    readout += performance.now() - tr;
  };

  // Depth first: at most one pending copy per branch point on the current path.
  const visit = async (state: BranchState, from: number, weight: number, branchShots: number, clbits: Uint8Array): Promise<void> => {
    for (let i = from; i < plan.steps.length; i++) {
      if (options.signal?.aborted) throw new DOMException('the simulation was cancelled', 'AbortError');
      const step = plan.steps[i];
      if (!conditionHolds(step.condition, clbits)) continue;
      if (step.kind === 'unitary') {
        await state.apply(step.circuit);
        continue;
      }
      const p1 = Math.min(1, Math.max(0, await state.probabilityOfOne(step.qubit)));
      const p = [1 - p1, p1];
      const ones = branchShots > 0 ? binomial(branchShots, p1, uniform) : 0;
      const k = [branchShots - ones, ones];
      // Follow an outcome when shots went to it, or when exact results need it.
      const live = ([0, 1] as const).filter((o) => k[o] > 0 || (exact && weight * p[o] > floor && p[o] > 0));
      if (live.length === 0) {
        // Only reachable when the state's norm has vanished in f32 noise: nothing left to follow.
        return;
      }
      const follow = async (s: BranchState, o: 0 | 1) => {
        await s.collapse(step.qubit, o, p[o]);
        const bits = live.length > 1 ? clbits.slice() : clbits;
        if (step.kind === 'measure') bits[step.clbit] = o;
        else if (o === 1) await s.apply(flip(step.qubit)); // reset: |1⟩ → |0⟩
        await visit(s, i + 1, weight * p[o], k[o], bits);
      };
      if (live.length === 2) {
        const copy = await state.clone();
        try {
          await follow(copy, 1);
        } finally {
          copy.dispose();
        }
      }
      await follow(state, live[0]);
      return;
    }
    await leaf(state, weight, branchShots, clbits);
  };

  const state = await backend.createState(n, options);
  try {
    await visit(state, 0, 1, shots, new Uint8Array(plan.numClbits));
  } finally {
    state.dispose();
  }
  const total = performance.now() - t0;
  return {
    numQubits: n,
    probabilities,
    expectations,
    counts,
    ...(outcomes ? { outcomeProbabilities: outcomes } : {}),
    timings: { compile: 0, simulate: total - readout, readout },
    branches: leaves,
    dynamic: true,
  };
}
