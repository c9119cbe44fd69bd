// What the runners keep for a run's page (a circuit's most likely outcomes, a
// classifier's confusion matrix and decision boundary, a QNN's test accuracy
// per epoch, a GAN's samples), and the readers that draw them from old,
// partial or damaged results without failing.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src-main/engine/run-experiment';
import { trainQgan } from '../../src-main/engine/workloads/qgan';
import { runQnn } from '../../src-main/engine/workloads/qnn';
import { runQsvm } from '../../src-main/engine/workloads/qsvm';
import { curveCharts } from '../../src-shared/analysis/curves';
import { bitstring, histogramBars, topOutcomes, topProbabilities } from '../../src-shared/outcomes';
import { boundaryNote, circuitView, confusionView, decisionBoundaryView, ganSamplesView, metricRows, phaseRows } from '../../src-shared/analysis/run-details';
import { Rng } from '../../src-shared/random';
import { prepareClassification } from '../../src-shared/workloads/data';

const HDR = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';

describe('most likely outcomes', () => {
  it('are found by selection, most likely first, ties by index, bitstrings with qubit 0 rightmost', () => {
    const rng = new Rng(3);
    const p = Float64Array.from({ length: 4096 }, () => rng.next());
    const top = topOutcomes(p, 64);
    const sorted = Array.from(p, (v, i) => ({ index: i, p: v })).sort((a, b) => b.p - a.p).slice(0, 64);
    expect(top).toEqual(sorted);
    expect(topOutcomes([0.25, 0.5, 0.25, 0], 3)).toEqual([{ index: 1, p: 0.5 }, { index: 0, p: 0.25 }, { index: 2, p: 0.25 }]);
    expect(topOutcomes([0, 0], 4)).toEqual([]);
    expect(bitstring(1, 3)).toBe('001');
    const t = topProbabilities([0.1, 0.6, 0.3, 0], 2, 2);
    expect(t).toEqual({ qubits: 2, bitstrings: ['01', '10'], probabilities: [0.6, 0.3], covered: 0.8999999999999999 });
    expect(histogramBars([['11', 3], ['00', 5], ['01', 0]])).toEqual({ labels: ['00', '11'], values: [5, 3], partial: false });
  });

  it('a circuit of more than 12 qubits keeps its 64 most likely outcomes; a small one all of them', async () => {
    const big = `${HDR}qreg q[13];\n${Array.from({ length: 13 }, (_, i) => `ry(${0.3 + 0.1 * i}) q[${i}];`).join('\n')}\n`;
    const e = { id: 'big', name: 'big', kind: 'circuit' as const, settings: { backend: 'native-avx2' as const, precision: 'f64' as const, threads: 1 }, params: { qasm: big, observables: ['Z0*Z1'] } };
    const r = await runExperiment(e);
    expect(r.details.probabilities).toBeUndefined();
    const top = r.details.topProbabilities as ReturnType<typeof topProbabilities>;
    expect(top.bitstrings).toHaveLength(64);
    expect(top.bitstrings[0]).toHaveLength(13);
    for (let i = 1; i < 64; i++) expect(top.probabilities[i]).toBeLessThanOrEqual(top.probabilities[i - 1]);
    const view = circuitView(r)!;
    expect(view.probabilities!.caption).toMatch(/^the 64 most likely of 2¹³ outcomes \(together \d/);
    expect(view.observables).toEqual([{ key: 'expectation_0', label: '⟨Z₀Z₁⟩', text: 'Z0*Z1', value: expect.any(String) }]);

    const bell = `${HDR}qreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n`;
    const b = await runExperiment({ ...e, id: 'bell', params: { qasm: bell, observables: ['Z0*Z1'], shots: 1000, seed: 1 } });
    const bv = circuitView(b)!;
    expect(bv.probabilities!.labels).toEqual(['00', '01', '10', '11']);
    expect(bv.probabilities!.values[0]).toBeCloseTo(0.5, 12);
    expect(bv.counts!.labels).toEqual(['00', '11']);
    expect(bv.counts!.shots).toBe(1000);
  });
});

describe('classifiers', () => {
  it("project a two-feature dataset's plane exactly as the data", () => {
    for (const features of [2, 3]) {
      const d = prepareClassification({ dataset: 'moons', train: 40, test: 20, features, seed: 5 });
      expect(d.rawFeatures).toBe(2);
      expect(Array.from(d.plane!.encode(d.plane!.test))).toEqual(Array.from(d.test.features));
      expect(Array.from(d.plane!.encode(d.plane!.train))).toEqual(Array.from(d.train.features));
    }
    const iris = prepareClassification({ dataset: 'iris', train: 100, test: 50, features: 4, seed: 1 });
    expect(iris.plane).toBeUndefined();
    expect(iris.rawFeatures).toBe(4);
  });

  it('a QNN run keeps test accuracy per epoch, its confusion matrix and its decision boundary', async () => {
    const r = await runQnn({ epochs: 3, train: 40, test: 20, latencySamples: 5, inferenceBatch: 16, baselines: false }, { threads: 1 });
    expect(r.curves.test_accuracy).toHaveLength(3);
    expect(r.curves.test_accuracy.at(-1)).toBe(r.quality.test_accuracy);
    const c = confusionView(r)!;
    expect(c.total).toBe(20);
    expect((c.matrix[0][0] + c.matrix[1][1]) / c.total).toBeCloseTo(r.quality.test_accuracy, 12);
    const b = decisionBoundaryView(r)!;
    expect([b.nx, b.ny]).toEqual([40, 40]);
    expect(b.predicted).toHaveLength(1600);
    expect(b.score!.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(b.test).toHaveLength(20);
    // a test point's predicted class in the boundary agrees with the confusion matrix
    expect(b.test.filter(([, , t, p]) => t === p).length / 20).toBeCloseTo(r.quality.test_accuracy, 12);
    // the chart of accuracy per epoch has both curves on one axis, epochs from 1
    const charts = curveCharts(r.curves, { params: r.params });
    const acc = charts.find((x) => x.id === 'accuracy')!;
    expect(acc.xName).toBe('epoch');
    expect(acc.series.map((s) => s.name)).toEqual(['train_accuracy', 'test_accuracy']);
    expect(acc.series[1].data[0][0]).toBe(1);
    expect(charts.find((x) => x.id === 'loss')!.title).toBe('Training loss (MSE) per epoch');
  });

  it('a QSVM run keeps its confusion matrix and boundary; four features: a note instead of a boundary', async () => {
    const r = await runQsvm({ train: 30, test: 16, baseline: false }, { threads: 1 });
    expect(confusionView(r)!.total).toBe(16);
    const b = decisionBoundaryView(r)!;
    expect(b.predicted.every((v) => v === 0 || v === 1)).toBe(true);
    expect(b.scoreName).toBe('SVM decision value');
    expect(boundaryNote(r)).toBeNull();
    const iris = await runQsvm({ dataset: 'iris', features: 4, train: 60, test: 30, baseline: false }, { threads: 1 });
    expect(decisionBoundaryView(iris)).toBeNull();
    expect(confusionView(iris)!.classes).toHaveLength(3);
    expect(boundaryNote(iris)).toBe('The decision boundary is drawn for datasets with two features; this one has 4.');
  });
});

describe('GAN training', () => {
  it('keeps a few hundred generated and target samples', async () => {
    const r = await trainQgan({ epochs: 1, stepsPerEpoch: 2, batch: 4 });
    const s = ganSamplesView(r)!;
    expect(s.generated).toHaveLength(300);
    expect(s.target).toHaveLength(300);
    const charts = curveCharts(r.curves);
    expect(charts.map((c) => [c.id, c.xName, c.series.length])).toEqual([['gan-loss', 'training step', 2]]);
  });
});

describe('old and damaged results', () => {
  it('draw nothing where the details are missing or malformed, and never throw', () => {
    const old = { kind: 'circuit', params: { qubits: 3 }, metrics: {}, quality: { expectation_0: 0.5 }, details: { observables: ['Z0'] } };
    const v = circuitView(old)!;
    expect(v.probabilities).toBeNull();
    expect(v.note).toMatch(/older version/);
    expect(v.observables[0].label).toBe('⟨Z₀⟩');
    for (const details of [{}, { decisionBoundary: { features: ['a'] } }, { decisionBoundary: 'x', confusion: { classes: ['a', 'b'], matrix: [[1]] } }, { samples: { generated: 'no' } }, { topProbabilities: { qubits: 13, bitstrings: ['0'], probabilities: [] } }]) {
      for (const kind of ['qnn', 'qsvm', 'circuit', 'qgan-train']) {
        const r = { kind, params: {}, details };
        expect(decisionBoundaryView(r)).toBeNull();
        expect(confusionView(r)).toBeNull();
        expect(ganSamplesView(r)).toBeNull();
        expect(boundaryNote(r)).toBeNull();
        expect(() => circuitView(r)).not.toThrow();
      }
    }
    expect(circuitView(null)).toBeNull();
    expect(metricRows(undefined)).toEqual([]);
    expect(phaseRows({ simulate: 3, compile: 1, bogus: 'x' as unknown as number })).toEqual([
      { key: 'simulate', label: 'Simulation', value: '3.00 ms', share: '75%' },
      { key: 'compile', label: 'Compile', value: '1.00 ms', share: '25%' },
    ]);
  });

  it('fold spread companions into their metric', () => {
    const rows = metricRows({ ms_per_iteration: 2.06, ms_per_iteration_min: 1.9, ms_per_iteration_max: 2.5, ms_per_iteration_ci_lo: 2.0, ms_per_iteration_ci_hi: 2.1, iterations: 100, latency_us_max: 50 });
    expect(rows.map((r) => [r.label, r.value, r.spread])).toEqual([
      ['Time per iteration', '2.06 ms', '95% CI 2.00 ms – 2.10 ms'],
      ['Iterations', '100', undefined],
      ['Latency, worst', '50.0 µs', undefined],
    ]);
  });
});
