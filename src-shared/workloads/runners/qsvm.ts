// QSVM with a fidelity quantum kernel: each data point's feature-map state is
// computed once (one compiled program, parameters = the point's derived
// angles), the Gram matrix K_ij = |⟨ψ_i|ψ_j⟩|² comes from one blocked complex
// product in the core, and LIBSVM trains on the precomputed kernel. An
// RBF-SVM on the same split is the classical baseline.
import { lower } from '../../circuit/lower';
import { accuracy, kernelTargetAlignment } from '../../ml/metrics';
import { predictPrecomputed, predictSvm, trainPrecomputedSvm, trainRbfSvm } from '../../ml/svm';
import type { Dataset } from '../../ml/datasets';
import type { RunResult } from '../../results';
import { prepareClassification, type DatasetName } from '../data';
import { PARAM_DEFAULTS } from '../defaults';
import { featureMapParams, zzFeatureMap, type QsvmSpec } from '../qsvm';
import type { WorkloadSession } from '../session';
import { now, PhaseClock } from '../timing';
import { confusionDetails, decisionBoundary, planeGrid, type DecisionBoundary } from './classifier-details';

export interface QsvmRunSpec extends QsvmSpec {
  dataset: DatasetName;
  /** A loaded dataset (e.g. from a CSV file) instead of the built-in one. */
  data?: Dataset;
  train: number;
  test: number;
  C: number;
  seed: number;
  baseline: boolean;
}

export const QSVM_RUN_DEFAULTS: QsvmRunSpec = { ...PARAM_DEFAULTS.qsvm };

/** The QSVM runner on a session (native engine or WebGPU, engine process or window). */
export async function runQsvmOn(session: WorkloadSession, spec: Partial<QsvmRunSpec> = {}): Promise<RunResult> {
  const s: QsvmRunSpec = { ...QSVM_RUN_DEFAULTS, ...spec };
  const clock = new PhaseClock();
  const t0 = now();
  const { train, test, plane, rawFeatures } = clock.time('encoding', () => prepareClassification({ dataset: s.data ?? s.dataset, train: s.train, test: s.test, features: s.features, seed: s.seed }));
  const circuit = clock.time('compile', () => lower(zzFeatureMap(s)));
  clock.time('compile', () => session.prepare(circuit));
  const pTrain = clock.time('encoding', () => featureMapParams(s, train.features, train.numSamples));
  const pTest = clock.time('encoding', () => featureMapParams(s, test.features, test.numSamples));
  const K = await clock.timeAsync('simulate', () => session.fidelityKernel(circuit, pTrain, train.numSamples, null, train.numSamples));
  const Kx = await clock.timeAsync('simulate', () => session.fidelityKernel(circuit, pTest, test.numSamples, pTrain, train.numSamples));
  const model = clock.time('classical', () => trainPrecomputedSvm(K, train.labels, { C: s.C }));
  const predicted = clock.time('classical', () => predictPrecomputed(model, Kx).labels);
  const totalMs = now() - t0;
  const quality: Record<string, number> = {
    test_accuracy: accuracy(test.labels, predicted),
    train_accuracy: accuracy(train.labels, predictPrecomputed(model, K).labels),
    kernel_target_alignment: kernelTargetAlignment(K, train.labels),
  };
  if (s.baseline) {
    const b0 = now();
    const rbf = trainRbfSvm(train.features, train.labels, train.numFeatures, { C: s.C, gamma: 'scale' });
    quality.rbf_svm_accuracy = accuracy(test.labels, predictSvm(rbf, test.features).labels);
    quality.rbf_svm_fit_ms = now() - b0;
  }
  const kernelMs = clock.phases.simulate ?? 0;

  // What the run page draws, after everything timed: the confusion matrix and,
  // for two-feature data, the decision over a grid of the plane (one more
  // kernel block: grid points against the training points).
  const confusion = confusionDetails(train.classNames, test.labels, predicted);
  let boundary: DecisionBoundary | undefined;
  if (plane) {
    const grid = planeGrid(plane);
    const cells = grid.points.length / 2;
    const pGrid = featureMapParams(s, plane.encode(grid.points), cells);
    const Kg = await session.fidelityKernel(circuit, pGrid, cells, pTrain, train.numSamples);
    const g = predictPrecomputed(model, Kg);
    const binary = g.pairs.length === 1;
    boundary = decisionBoundary(plane, grid, g.labels, test.labels, predicted, binary ? { values: g.decisionValues, name: 'SVM decision value' } : undefined);
  }
  return {
    kind: 'qsvm',
    params: { ...s, data: undefined, dataset: s.data?.name ?? s.dataset, numParams: circuit.numParams, gates: circuit.gates.length },
    metrics: {
      s_total: totalMs / 1000,
      ms_kernel: kernelMs,
      us_per_kernel_entry: (kernelMs * 1000) / (train.numSamples * train.numSamples / 2 + test.numSamples * train.numSamples),
      ms_svm: clock.phases.classical ?? 0,
    },
    quality,
    curves: {},
    phases: clock.phases,
    details: {
      trainSamples: train.numSamples, testSamples: test.numSamples, classes: train.classNames,
      confusion, ...(boundary ? { decisionBoundary: boundary } : { datasetFeatures: rawFeatures }),
    },
    env: session.environment(),
  };
}
