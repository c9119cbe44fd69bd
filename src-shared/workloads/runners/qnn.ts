// Training and serving the QNN classifier. Training uses per-sample adjoint
// gradients over mini-batches (one native call per batch); inference latency
// and throughput are measured through the public Backend API (the async
// path the workbench uses), with classical baselines on the same split.
import { lower } from '../../circuit/lower';
import type { LoweredCircuit } from '../../circuit/lowered';
import type { Dataset } from '../../ml/datasets';
import { accuracy, gradientFlow } from '../../ml/metrics';
import { Adam } from '../../ml/optimizers';
import { LogisticRegressionClassifier, MlpClassifier, RbfSvmClassifier, evaluateClassifier } from '../../ml/baselines';
import { Rng } from '../../random';
import type { RunResult } from '../../results';
import { prepareClassification, type DatasetName } from '../data';
import { PARAM_DEFAULTS } from '../defaults';
import { qnnCircuit, qnnInitialWeights, qnnParamRows, qnnReadout, type QnnSpec } from '../qnn';
import type { WorkloadSession } from '../session';
import { now, PhaseClock, spread, spreadMetrics, unstableOf } from '../timing';
import { confusionDetails, decisionBoundary, planeGrid } from './classifier-details';

export interface QnnRunSpec extends QnnSpec {
  dataset: DatasetName;
  /** A loaded dataset (e.g. from a CSV file) instead of the built-in one. */
  data?: Dataset;
  train: number;
  test: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Batch size for the throughput measurement. */
  inferenceBatch: number;
  latencySamples: number;
  baselines: boolean;
}

export const QNN_RUN_DEFAULTS: QnnRunSpec = { ...PARAM_DEFAULTS.qnn };

export interface QnnRunOptions {
  onEpoch?: (epoch: number, loss: number, trainAccuracy: number) => void;
}

/** Mini-batch training with per-sample adjoint gradients, MSE on targets ±1. */
export class QnnTrainer {
  private readonly adam: Adam;
  private readonly rng: Rng;
  lastGrads: Float64Array[] = [];

  constructor(
    private readonly session: WorkloadSession,
    private readonly circuit: LoweredCircuit,
    private readonly s: Pick<QnnRunSpec, 'qubits' | 'batchSize' | 'learningRate' | 'seed'>,
    readonly weights: Float64Array,
  ) {
    this.adam = new Adam({ lr: s.learningRate });
    this.rng = new Rng(s.seed);
  }

  /** One pass over `data` in a fresh random order; returns the mean loss. */
  async epoch(data: Dataset, clock = new PhaseClock()): Promise<number> {
    const n = this.s.qubits, P = this.circuit.numParams, W = this.weights.length, B0 = this.s.batchSize;
    const readout = qnnReadout();
    const order = Array.from({ length: data.numSamples }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let loss = 0;
    for (let start = 0; start < order.length; start += B0) {
      const rows = order.slice(start, start + B0);
      const B = rows.length;
      const params = clock.time('encoding', () => qnnParamRows(data.features, rows, n, this.weights));
      const { values, gradients } = await clock.timeAsync('simulate', () => this.session.gradientBatch(this.circuit, params, B, readout));
      clock.time('classical', () => {
        const g = new Float64Array(W);
        this.lastGrads = [];
        for (let b = 0; b < B; b++) {
          const r = values[b] - (data.labels[rows[b]] === 0 ? 1 : -1);
          loss += r * r;
          const dL = (2 * r) / B;
          const sample = gradients.subarray(b * P + n, (b + 1) * P);
          this.lastGrads.push(sample);
          for (let k = 0; k < W; k++) g[k] += dL * sample[k];
        }
        this.adam.step(this.weights, g);
      });
    }
    return loss / data.numSamples;
  }
}

/** The QNN runner on a session (native engine or WebGPU, engine process or window). */
export async function runQnnOn(session: WorkloadSession, spec: Partial<QnnRunSpec> = {}, opts: QnnRunOptions = {}): Promise<RunResult> {
  const s: QnnRunSpec = { ...QNN_RUN_DEFAULTS, ...spec };
  const n = s.qubits;
  const clock = new PhaseClock();
  const { train, test, plane, rawFeatures } = clock.time('encoding', () => prepareClassification({ dataset: s.data ?? s.dataset, train: s.train, test: s.test, features: n, seed: s.seed }));
  if (train.classNames.length !== 2) throw new RangeError(`the QNN classifier is binary; dataset '${s.data?.name ?? s.dataset}' has ${train.classNames.length} classes`);
  const circuit = clock.time('compile', () => lower(qnnCircuit(s)));
  clock.time('compile', () => session.prepare(circuit));
  const readout = qnnReadout();
  const weights = qnnInitialWeights(s);
  const P = circuit.numParams, W = weights.length;
  const predictAll = async (ds: typeof train, w: Float64Array) => {
    const rows = Array.from({ length: ds.numSamples }, (_, i) => i);
    const f = await session.runBatch(circuit, qnnParamRows(ds.features, rows, n, w), ds.numSamples, [readout]);
    return { f, labels: Int32Array.from(f, (v) => (v < 0 ? 1 : 0)) };
  };

  // ---- training -------------------------------------------------------------------
  const trainer = new QnnTrainer(session, circuit, s, weights);
  const losses: number[] = [], trainAcc: number[] = [], testAcc: number[] = [], epochMs: number[] = [];
  let testPredicted = new Int32Array(0);
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    const e0 = now();
    losses.push(await trainer.epoch(train, clock));
    epochMs.push(now() - e0);
    // accuracies after each epoch, outside its timing
    trainAcc.push(accuracy(train.labels, (await predictAll(train, weights)).labels));
    testPredicted = (await predictAll(test, weights)).labels;
    testAcc.push(accuracy(test.labels, testPredicted));
    opts.onEpoch?.(epoch, losses[epoch], trainAcc[epoch]);
  }
  const lastGrads = trainer.lastGrads;
  if (s.epochs === 0) testPredicted = (await predictAll(test, weights)).labels;
  const testAccuracy = accuracy(test.labels, testPredicted);

  // ---- inference through the public Backend API ------------------------------------
  const { backend, exec } = session.publicBackend();
  const one = new Float64Array(P);
  const latencyUs: number[] = [];
  for (let i = 0; i < s.latencySamples + 20; i++) {
    qnnParamRows(test.features, [i % test.numSamples], n, weights, one);
    const t0 = now();
    await backend.runBatch(circuit, one, 1, [readout], exec);
    if (i >= 20) latencyUs.push((now() - t0) * 1000);
  }
  const B = s.inferenceBatch;
  const batchRows = Array.from({ length: B }, (_, i) => i % test.numSamples);
  const batchParams = qnnParamRows(test.features, batchRows, n, weights);
  const throughputUs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = now();
    await backend.runBatch(circuit, batchParams, B, [readout], exec);
    if (r >= 2) throughputUs.push(((now() - t0) * 1000) / B);
  }
  const latency = spread(latencyUs), throughput = spread(throughputUs), epochs = spread(epochMs);

  // ---- what the run page draws: the confusion matrix, the decision boundary (two-feature data) ----
  const confusion = confusionDetails(train.classNames, test.labels, testPredicted);
  let boundary;
  if (plane) {
    const grid = planeGrid(plane);
    const cells = grid.points.length / 2;
    const { f, labels } = await predictAll({ ...test, features: plane.encode(grid.points), numSamples: cells, labels: new Int32Array(cells) }, weights);
    boundary = decisionBoundary(plane, grid, labels, test.labels, testPredicted, { values: f, name: '⟨Z₀⟩ (class 0 at +1, class 1 at −1)' });
  }

  // ---- classical baselines on the same split -----------------------------------------
  const baselines: Record<string, number> = {};
  if (s.baselines) {
    const classifiers = [new RbfSvmClassifier({ C: 1, gamma: 'scale' }), new LogisticRegressionClassifier(), new MlpClassifier({ targetParamCount: W, epochs: 300, seed: s.seed })];
    for (const clf of classifiers) {
      const ev = await clock.time('classical', () => evaluateClassifier(clf, train, test));
      baselines[`${clf.name}_accuracy`] = ev.accuracy;
      baselines[`${clf.name}_fit_ms`] = ev.fitMs;
    }
  }
  return {
    kind: 'qnn',
    params: { ...s, data: undefined, dataset: s.data?.name ?? s.dataset, numWeights: W },
    metrics: {
      ...spreadMetrics('us_per_sample_batched', throughput),
      latency_us_p50: latency.median,
      latency_us_p95: latency.p95!,
      latency_us_max: latency.max,
      ms_per_epoch: epochs.median,
      us_per_training_sample: (epochs.median * 1000) / train.numSamples,
    },
    quality: {
      test_accuracy: testAccuracy,
      train_accuracy: trainAcc[trainAcc.length - 1],
      final_loss: losses[losses.length - 1],
      gradient_flow: gradientFlow(lastGrads),
      ...baselines,
    },
    curves: { loss: losses, train_accuracy: trainAcc, test_accuracy: testAcc },
    phases: clock.phases,
    details: {
      dataset: s.data?.name ?? s.dataset, trainSamples: train.numSamples, testSamples: test.numSamples, classes: train.classNames,
      confusion, ...(boundary ? { decisionBoundary: boundary } : { datasetFeatures: rawFeatures }),
    },
    env: session.environment(),
    ...unstableOf({ us_per_sample_batched: throughput, ms_per_epoch: epochs }),
  };
}
