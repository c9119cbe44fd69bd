// Each seed workload, correct first, on small instances.
import { describe, expect, it } from 'vitest';
import { ReferenceState } from '../../src-shared/backend/reference';
import { lower } from '../../src-shared/circuit/lower';
import { Rng } from '../../src-shared/random';
import { prepareClassification } from '../../src-shared/workloads/data';
import { cutValue, cutValues, exactMaxCut, localSearchMaxCut, randomRegularGraph } from '../../src-shared/workloads/graph';
import { qaoaCircuit, qaoaCost, qaoaInitialParams } from '../../src-shared/workloads/qaoa';
import { featureMapParams, zzFeatureMap } from '../../src-shared/workloads/qsvm';
import { vqeAnsatz } from '../../src-shared/workloads/vqe';
import { NativeSession } from '../../src-main/engine/session';
import { benchQgan, trainQgan } from '../../src-main/engine/workloads/qgan';
import { runQaoa } from '../../src-main/engine/workloads/qaoa';
import { runQnn } from '../../src-main/engine/workloads/qnn';
import { runQsvm } from '../../src-main/engine/workloads/qsvm';
import { runVqe } from '../../src-main/engine/workloads/vqe';

describe('graphs and max cut', () => {
  it('draws simple d-regular graphs', () => {
    const g = randomRegularGraph(20, 3, new Rng(1));
    const degree = new Array(20).fill(0);
    const seen = new Set<string>();
    for (const [u, v] of g.edges) {
      expect(u).not.toBe(v);
      expect(seen.has(`${u},${v}`)).toBe(false);
      seen.add(`${u},${v}`);
      degree[u]++;
      degree[v]++;
    }
    expect(degree.every((d) => d === 3)).toBe(true);
    expect(() => randomRegularGraph(5, 3, new Rng(1))).toThrow(/n·d must be even/);
  });

  it('enumerates every cut exactly and finds the max cut', () => {
    const g = randomRegularGraph(10, 3, new Rng(2));
    const values = cutValues(g);
    expect(values).toHaveLength(1024);
    for (let z = 0; z < values.length; z++) expect(values[z]).toBe(cutValue(g, z));
    // weighted, edges given high node first, a parallel edge, an isolated node
    const w = { nodes: 8, edges: [[3, 0, 0.25], [5, 2, -1.5], [1, 4, 2.75], [6, 1, 0.5], [4, 1, 1.125], [2, 3, 3]] as [number, number, number][] };
    const wv = cutValues(w);
    for (let z = 0; z < wv.length; z++) expect(wv[z]).toBeCloseTo(cutValue(w, z), 12);
    const best = exactMaxCut(g);
    expect(Math.max(...values)).toBe(best.value);
    expect(localSearchMaxCut(g, new Rng(3)).value).toBeLessThanOrEqual(best.value);
    // a 4-cycle is bipartite: every edge can be cut
    expect(exactMaxCut({ nodes: 4, edges: [[0, 1, 1], [1, 2, 1], [2, 3, 1], [3, 0, 1]] }).value).toBe(4);
  });
});

describe('QAOA', () => {
  it('native ⟨C⟩ and its gradient match the reference backend', async () => {
    const g = randomRegularGraph(8, 3, new Rng(4));
    const circuit = qaoaCircuit(g, 2);
    const x = qaoaInitialParams(2);
    const C = qaoaCost(g);
    const session = new NativeSession({ threads: 1 });
    const native = await session.gradient(circuit, x, C);
    const ref = new ReferenceState(8).run(circuit, x).expectation(C);
    expect(native.value).toBeCloseTo(ref, 10);
    // ⟨C⟩ equals Σ p(z)·cut(z)
    const probs = new ReferenceState(8).run(circuit, x).probabilities();
    const cuts = cutValues(g);
    expect(probs.reduce((acc, p, z) => acc + p * cuts[z], 0)).toBeCloseTo(ref, 10);
  });

  it('optimises to a good cut on a small graph', async () => {
    const r = await runQaoa({ nodes: 10, p: 2 }, { threads: 1, iterations: 60 });
    expect(r.quality.approximation_ratio_expected).toBeGreaterThan(0.75);
    expect(r.quality.approximation_ratio_best_sampled).toBeGreaterThanOrEqual(0.9);
    expect(r.details.edges).toHaveLength(15);
  });
});

describe('VQE', () => {
  it('reaches the exact ground energy of a small Heisenberg chain', async () => {
    const r = await runVqe({ qubits: 4, layers: 3 }, { threads: 1, iterations: 500 });
    expect(r.quality.exact_energy).toBeCloseTo(-6.4641016, 6); // 4-site open XXX chain, H = Σ XX+YY+ZZ
    expect(Math.abs(r.quality.energy_error)).toBeLessThan(1e-3);
    expect(r.curves.energy.length).toBe(r.metrics.iterations);
  });

  it('builds the ansatz with 2·n·(L+1) parameters', () => {
    expect(vqeAnsatz({ qubits: 5, layers: 3, entangler: 'ring' }).numParams).toBe(40);
  });
});

describe('QNN', () => {
  it('learns a separable problem and reports baselines', async () => {
    const r = await runQnn({ qubits: 4, layers: 2, train: 120, test: 60, epochs: 10, dataset: 'blobs', latencySamples: 5, inferenceBatch: 64 }, { threads: 1 });
    expect(r.quality.test_accuracy).toBeGreaterThan(0.8);
    expect(r.quality['rbf-svm_accuracy']).toBeGreaterThan(0.8);
    expect(r.curves.loss[r.curves.loss.length - 1]).toBeLessThan(r.curves.loss[0]);
    expect(r.quality.gradient_flow).toBeGreaterThan(0.5);
  });
});

describe('QSVM', () => {
  it('native fidelity kernel equals reference state overlaps', () => {
    const spec = { features: 3, reps: 2, entanglement: 'full' as const };
    const circuit = lower(zzFeatureMap(spec));
    const { train } = prepareClassification({ dataset: 'moons', train: 6, test: 2, features: 3, seed: 1 });
    const params = featureMapParams(spec, train.features, 6);
    const session = new NativeSession({ threads: 1 });
    const K = session.addon.fidelityKernel(session.program(circuit), params, 6, null, 6, session.exec);
    const P = circuit.numParams;
    const states = Array.from({ length: 6 }, (_, i) => new ReferenceState(3).run(circuit, params.subarray(i * P, (i + 1) * P)).amplitudes);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        let re = 0, im = 0;
        for (let k = 0; k < states[i].length; k += 2) {
          re += states[i][k] * states[j][k] + states[i][k + 1] * states[j][k + 1];
          im += states[i][k] * states[j][k + 1] - states[i][k + 1] * states[j][k];
        }
        expect(K[i * 6 + j]).toBeCloseTo(re * re + im * im, 10);
      }
  });

  it('classifies with the quantum kernel', async () => {
    const r = await runQsvm({ train: 150, test: 50, features: 4 }, { threads: 1 });
    expect(r.quality.test_accuracy).toBeGreaterThan(0.8);
    expect(r.quality.kernel_target_alignment).toBeGreaterThan(0);
  });
});

describe('CV quantum GAN', () => {
  it('has exact generator gradients and falling per-sample time is measured', async () => {
    const r = await benchQgan({ batches: [1, 16], repeats: 2 }, { threads: 1 });
    expect(r.quality.gradient_max_rel_error).toBeLessThan(1e-5);
    expect(r.quality.truncation_loss).toBeGreaterThanOrEqual(0);
    expect(r.quality.truncation_loss).toBeLessThan(0.2);
    expect(r.quality.gradient_flow).toBeGreaterThan(0.5);
    expect((r.details.table as unknown[]).length).toBe(2);
  });

  it('trains generator and discriminator with finite losses', async () => {
    const r = await trainQgan({ epochs: 2, stepsPerEpoch: 5 }, { threads: 1 });
    expect(r.curves.d_loss).toHaveLength(10);
    expect(r.curves.g_loss.every(Number.isFinite)).toBe(true);
    expect(r.quality.linear_interpolation_r2).toBeGreaterThanOrEqual(0);
  });
});
