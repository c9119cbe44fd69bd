// The quantum model of a validation as an experiment of its own kind, so its
// circuit drawing and memory estimate are the QNN's or the QSVM's, not copies.
import type { Experiment } from '../../project/schema';
import { withDefaults } from '../defaults';
import { VALIDATION_DEFAULTS } from './params';

type Validation = Extract<Experiment, { kind: 'validation' }>;

export function validationModelExperiment(e: Validation): Extract<Experiment, { kind: 'qnn' | 'qsvm' }> {
  const p = { ...VALIDATION_DEFAULTS, ...e.params };
  const shared = { dataset: p.dataset, train: p.train, test: p.test, seed: p.seed, ...(p.csv ? { csv: p.csv } : {}), ...(p.labelColumn !== undefined ? { labelColumn: p.labelColumn } : {}) };
  const base = { id: e.id, name: e.name, settings: e.settings };
  return p.model === 'qnn'
    ? { ...base, kind: 'qnn', params: { ...shared, qubits: p.qubits, layers: p.layers, epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, baselines: p.baselines.length > 0 } }
    : { ...base, kind: 'qsvm', params: { ...shared, features: p.features, reps: p.reps, entanglement: p.entanglement, C: p.C, baseline: p.baselines.includes('rbf-svm') } };
}

/**
 * A validation of a QNN or QSVM experiment against its classical baselines:
 * the same model, data and seed, over `trials` seeded splits. The id is the
 * experiment's with '-validation' (so repeated validations add runs to one experiment).
 */
export function validationOf(e: Extract<Experiment, { kind: 'qnn' | 'qsvm' | 'validation' }>, trials?: number): Validation {
  if (e.kind === 'validation') return trials ? { ...e, params: { ...e.params, trials } } : e;
  // The experiment's own values, its kind's defaults where it has none.
  const shared = (p: { dataset: Validation['params']['dataset']; train: number; test: number; seed: number; csv?: string; labelColumn?: string | number }) => ({
    dataset: p.dataset, train: p.train, test: p.test, seed: p.seed, ...(p.csv ? { csv: p.csv } : {}), ...(p.labelColumn !== undefined ? { labelColumn: p.labelColumn } : {}),
  });
  let params: Validation['params'];
  if (e.kind === 'qnn') {
    const p = withDefaults('qnn', e.params);
    params = { ...shared(p), model: 'qnn', qubits: p.qubits, layers: p.layers, epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate };
  } else {
    const p = withDefaults('qsvm', e.params);
    params = { ...shared(p), model: 'qsvm', features: p.features, reps: p.reps, entanglement: p.entanglement, C: p.C };
  }
  return {
    id: `${e.id}-validation`.slice(0, 64),
    name: `${e.name} — validated against classical baselines`.slice(0, 200),
    kind: 'validation',
    settings: e.settings,
    params: { ...params, trials: trials ?? VALIDATION_DEFAULTS.trials },
  };
}
