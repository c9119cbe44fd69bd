// The reference backend behind the Backend contract. f64 only; gradients by
// central finite differences (it is the yardstick, not a workhorse).
import type { LoweredCircuit } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';
import type { Backend, BranchState, ExecutionOptions, GradientResult, SimulationRequest, SimulationResult } from './backend';
import { ReferenceState, referenceGradient } from './reference';
import { sampleFromProbabilities } from './sampling';

export class ReferenceBackend implements Backend {
  readonly id = 'reference' as const;

  async simulate(req: SimulationRequest, _options?: ExecutionOptions): Promise<SimulationResult> {
    const t0 = performance.now();
    const state = new ReferenceState(req.circuit.numQubits).run(req.circuit, req.params ?? []);
    const t1 = performance.now();
    const needProbs = req.probabilities || req.shots;
    const probabilities = needProbs ? state.probabilities() : undefined;
    const result: SimulationResult = {
      numQubits: req.circuit.numQubits,
      probabilities: req.probabilities ? probabilities : undefined,
      marginal: req.marginal ? state.marginal(req.marginal) : undefined,
      expectations: (req.observables ?? []).map((o) => state.expectation(o)),
      samples: req.shots ? sampleFromProbabilities(probabilities!, req.shots, req.seed ?? 0) : undefined,
      timings: { compile: 0, simulate: t1 - t0, readout: performance.now() - t1 },
    };
    return result;
  }

  async createState(numQubits: number): Promise<BranchState> {
    return referenceBranch(new ReferenceState(numQubits));
  }

  async gradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum): Promise<GradientResult> {
    const value = new ReferenceState(circuit.numQubits).run(circuit, params).expectation(observable);
    return { value, gradient: referenceGradient(circuit, params, observable) };
  }

  async runBatch(circuit: LoweredCircuit, params: Float64Array, batch: number, observables: PauliSum[]): Promise<Float64Array> {
    const P = circuit.numParams;
    const out = new Float64Array(batch * observables.length);
    for (let b = 0; b < batch; b++) {
      const s = new ReferenceState(circuit.numQubits).run(circuit, params.subarray(b * P, (b + 1) * P));
      observables.forEach((o, j) => (out[b * observables.length + j] = s.expectation(o)));
    }
    return out;
  }
}

function referenceBranch(s: ReferenceState): BranchState {
  return {
    numQubits: s.numQubits,
    apply: async (circuit) => void s.run(circuit),
    probabilityOfOne: async (q) => s.marginal([q])[1],
    collapse: async (q, outcome, p) => s.collapse(q, outcome, p),
    clone: async () => referenceBranch(s.clone()),
    probabilities: async () => s.probabilities(),
    expectations: async (obs) => obs.map((o) => s.expectation(o)),
    sample: async (shots, seed) => sampleFromProbabilities(s.probabilities(), shots, seed),
    dispose: () => {},
  };
}
