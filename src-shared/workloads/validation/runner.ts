// Running a validation: N seeded trials, each drawing its own data sample and
// split; the quantum classifier and every classical baseline are trained and
// scored on that same split (so the comparison can be paired), timed the same
// way (fit, then predicting the test set in one batch). Optionally, accuracy
// against training-set size on stratified subsets of each trial's split.
import { lower } from '../../circuit/lower';
import { LogisticRegressionClassifier, MlpClassifier, RbfSvmClassifier, type Classifier } from '../../ml/baselines';
import { subsample, type Dataset } from '../../ml/datasets';
import { accuracy, f1Score, logLoss } from '../../ml/metrics';
import { predictPrecomputed, trainPrecomputedSvm } from '../../ml/svm';
import type { RunResult } from '../../results';
import { prepareClassification } from '../data';
import { qnnCircuit, qnnInitialWeights, qnnParamRows, qnnReadout } from '../qnn';
import { featureMapParams, zzFeatureMap } from '../qsvm';
import { QnnTrainer } from '../runners/qnn';
import type { WorkloadSession } from '../session';
import { now, PhaseClock } from '../timing';
import { VALIDATION_DEFAULTS, type ClassicalBaseline, type ValidationParams } from './params';
import { summarize, VALIDATION_METRICS, validationReport, type ModelTrials, type SampleComplexity, type ValidationMetric } from './report';

const ACCURACY = VALIDATION_METRICS.find((m) => m.id === 'accuracy')!;

type Filled = Required<Omit<ValidationParams, 'csv' | 'labelColumn'>> & { data?: Dataset };

interface Fitted {
  scores: Partial<Record<ValidationMetric, number>>;
}

const BASELINE_LABELS: Record<ClassicalBaseline, string> = { 'rbf-svm': 'RBF-SVM', 'logistic-regression': 'logistic regression', mlp: 'MLP' };

/** Fits one model on `train` and scores it on `test`: the same measurements for quantum and classical models. */
type Fitter = (train: Dataset, test: Dataset, seed: number) => Promise<Fitted>;

const classesOf = (ds: Dataset) => ds.labels.reduce((m, v) => Math.max(m, v + 1), 0);

function scores(test: Dataset, predicted: Int32Array, fitMs: number, predictMs: number, params: number, probs?: Float64Array, classes = 2): Fitted {
  const out: Fitted['scores'] = { accuracy: accuracy(test.labels, predicted), f1: f1Score(test.labels, predicted), train_ms: fitMs, infer_us: (predictMs * 1000) / test.numSamples, params };
  if (probs) out.log_loss = logLoss(test.labels, probs, classes);
  return { scores: out };
}

function quantumFitter(session: WorkloadSession, s: Filled, clock: PhaseClock): Fitter {
  if (s.model === 'qnn') {
    const circuit = clock.time('compile', () => lower(qnnCircuit({ qubits: s.qubits, layers: s.layers, seed: s.seed })));
    clock.time('compile', () => session.prepare(circuit));
    const readout = qnnReadout(), n = s.qubits;
    return async (train, test, seed) => {
      if (classesOf(train) > 2 || classesOf(test) > 2) throw new RangeError(`the QNN classifier is binary; dataset '${train.name}' has more than 2 classes`);
      const weights = qnnInitialWeights({ qubits: n, layers: s.layers, seed });
      const trainer = new QnnTrainer(session, circuit, { qubits: n, batchSize: s.batchSize, learningRate: s.learningRate, seed }, weights);
      const t0 = now();
      for (let e = 0; e < s.epochs; e++) await trainer.epoch(train, clock);
      const t1 = now();
      const rows = Array.from({ length: test.numSamples }, (_, i) => i);
      const f = await clock.timeAsync('simulate', () => session.runBatch(circuit, qnnParamRows(test.features, rows, n, weights), test.numSamples, [readout]));
      const t2 = now();
      // ⟨Z⟩ = +1 is class 0, −1 class 1 (the training targets): P(class 1) = (1 − ⟨Z⟩) / 2.
      const probs = new Float64Array(2 * test.numSamples);
      f.forEach((v, i) => {
        const p1 = Math.min(1, Math.max(0, (1 - v) / 2));
        probs[2 * i] = 1 - p1;
        probs[2 * i + 1] = p1;
      });
      return scores(test, Int32Array.from(f, (v) => (v < 0 ? 1 : 0)), t1 - t0, t2 - t1, weights.length, probs);
    };
  }
  const spec = { features: s.features, reps: s.reps, entanglement: s.entanglement };
  const circuit = clock.time('compile', () => lower(zzFeatureMap(spec)));
  clock.time('compile', () => session.prepare(circuit));
  return async (train, test) => {
    const t0 = now();
    const pTrain = featureMapParams(spec, train.features, train.numSamples);
    const K = await clock.timeAsync('simulate', () => session.fidelityKernel(circuit, pTrain, train.numSamples, null, train.numSamples));
    const model = clock.time('classical', () => trainPrecomputedSvm(K, train.labels, { C: s.C }));
    const t1 = now();
    const pTest = featureMapParams(spec, test.features, test.numSamples);
    const Kx = await clock.timeAsync('simulate', () => session.fidelityKernel(circuit, pTest, test.numSamples, pTrain, train.numSamples));
    const predicted = clock.time('classical', () => predictPrecomputed(model, Kx).labels);
    const t2 = now();
    return scores(test, predicted, t1 - t0, t2 - t1, model.svIndices.length);
  };
}

function classicalFitter(name: ClassicalBaseline, s: Filled, quantumParams: number, clock: PhaseClock): Fitter {
  return async (train, test, seed) =>
    clock.time('classical', () => {
      const clf: Classifier & { predictProba?: (X: Float64Array) => Float64Array } =
        name === 'rbf-svm' ? new RbfSvmClassifier({ C: s.C, gamma: 'scale' })
        : name === 'logistic-regression' ? new LogisticRegressionClassifier()
        // Sized like the quantum model where it has trainable weights (the QNN).
        : new MlpClassifier({ ...(s.model === 'qnn' ? { targetParamCount: quantumParams } : {}), epochs: 300, seed });
      const t0 = now();
      clf.fit(train.features, train.labels, train.numFeatures);
      const t1 = now();
      const predicted = clf.predict(test.features);
      const t2 = now();
      const classes = Math.max(2, classesOf(train));
      return scores(test, predicted, t1 - t0, t2 - t1, clf.paramCount ?? 0, clf.predictProba?.(test.features), classes);
    });
}

export interface ValidationRunOptions {
  onTrial?: (done: number, total: number, quantumAccuracy: number) => void;
}

export async function runValidationOn(session: WorkloadSession, params: ValidationParams & { data?: Dataset } = {}, opts: ValidationRunOptions = {}): Promise<RunResult> {
  const s = { ...VALIDATION_DEFAULTS, ...params } as Filled;
  const sizes = [...(s.sampleSizes ?? [])].sort((a, b) => a - b);
  const tooBig = sizes.find((n) => n > s.train);
  if (tooBig !== undefined) throw new RangeError(`sample-complexity size ${tooBig} is larger than the training split (${s.train})`);
  const clock = new PhaseClock();
  const t0 = now();
  const features = s.model === 'qnn' ? s.qubits : s.features;
  const quantumParams = s.model === 'qnn' ? 2 * s.qubits * s.layers : 0;
  const fitQuantum = quantumFitter(session, s, clock);
  const baselineFits = s.baselines.map((b) => ({ name: b, fit: classicalFitter(b, s, quantumParams, clock) }));
  const models: ModelTrials[] = [
    { name: s.model, label: s.model === 'qnn' ? 'QNN' : 'QSVM', quantum: true, values: {} },
    ...s.baselines.map((b) => ({ name: b, label: BASELINE_LABELS[b], quantum: false, values: {} })),
  ];
  const fitters: Fitter[] = [fitQuantum, ...baselineFits.map((b) => b.fit)];
  // accuracy per model per size, one value per trial
  const curve = models.map(() => sizes.map(() => [] as number[]));
  const datasetName = s.data?.name ?? s.dataset;
  {
    // One untimed round first: the first fit of each model pays for compiling and
    // warming code paths, which would otherwise inflate trial 1's times.
    const { train, test } = prepareClassification({ dataset: s.data ?? s.dataset, train: s.train, test: s.test, features, seed: s.seed });
    for (const fit of fitters) await fit(train, test, s.seed);
  }
  for (let t = 0; t < s.trials; t++) {
    const seed = s.seed + t;
    const { train, test } = clock.time('encoding', () => prepareClassification({ dataset: s.data ?? s.dataset, train: s.train, test: s.test, features, seed }));
    for (let m = 0; m < models.length; m++) {
      const fitted = await fitters[m](train, test, seed);
      for (const [k, v] of Object.entries(fitted.scores) as [ValidationMetric, number][]) (models[m].values[k] ??= []).push(v);
    }
    for (let i = 0; i < sizes.length; i++) {
      const sub = sizes[i] >= train.numSamples ? train : subsample(train, sizes[i], seed);
      for (let m = 0; m < models.length; m++) curve[m][i].push((await fitters[m](sub, test, seed)).scores.accuracy!);
    }
    opts.onTrial?.(t + 1, s.trials, models[0].values.accuracy!.at(-1)!);
  }
  const sampleComplexity: SampleComplexity | undefined = sizes.length
    ? {
        sizes,
        models: models.map((m, j) => {
          const cis = curve[j].map((xs) => summarize(ACCURACY, xs, s.alpha));
          return { name: m.name, label: m.label, mean: cis.map((c) => c.mean), ciLow: cis.map((c) => c.ciLow), ciHigh: cis.map((c) => c.ciHigh) };
        }),
      }
    : undefined;
  const report = validationReport({ model: s.model, modelLabel: models[0].label, dataset: datasetName, alpha: s.alpha, models, sampleComplexity });
  const mean = (xs: number[] | undefined) => (xs?.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  const metrics: Record<string, number> = { s_total: (now() - t0) / 1000 };
  const quality: Record<string, number> = {};
  for (const m of models) {
    for (const [k, target] of [['train_ms', metrics], ['infer_us', metrics], ['accuracy', quality], ['f1', quality], ['log_loss', quality]] as const) {
      const v = mean(m.values[k]);
      if (v !== undefined) target[`${m.name}_${k}`] = v;
    }
  }
  return {
    kind: 'validation',
    params: { ...s, data: undefined, dataset: datasetName, sampleSizes: sizes },
    metrics,
    quality,
    curves: {},
    phases: clock.phases,
    details: { validation: report },
    env: session.environment(),
  };
}
