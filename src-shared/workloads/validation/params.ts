// A validation's declaration: parameters, defaults and the words the editor
// shows — the part of the kind the project file reads (zod and types only, so
// the project model can import it without pulling in runners).
import { z } from 'zod';
import type { KindDeclaration } from '../../project/kind-declaration';

/** The classical models a quantum classifier is compared with. */
export const CLASSICAL_BASELINES = ['rbf-svm', 'logistic-regression', 'mlp'] as const;
export type ClassicalBaseline = (typeof CLASSICAL_BASELINES)[number];

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const pos = z.number().finite().positive();

export const VALIDATION_PARAMS = z
  .strictObject({
    /** The quantum model under test. */
    model: z.enum(['qnn', 'qsvm']),
    baselines: z.array(z.enum(CLASSICAL_BASELINES)).min(1).max(CLASSICAL_BASELINES.length),
    trials: int(2, 1000),
    seed: int(0, 2 ** 31 - 1),
    dataset: z.enum(['moons', 'circles', 'blobs', 'xor', 'adhoc', 'iris']),
    train: int(4, 100_000),
    test: int(4, 100_000),
    /** Training-set sizes for the sample-complexity curves (empty: none). */
    sampleSizes: z.array(int(4, 100_000)).max(12),
    csv: z.string().min(1).max(4096),
    labelColumn: z.string().max(200).or(z.number().int()),
    // The QNN's shape and training.
    qubits: int(1, 20),
    layers: int(1, 50),
    epochs: int(1, 1000),
    batchSize: int(1, 100_000),
    learningRate: pos,
    // The QSVM's feature map and cost.
    features: int(1, 16),
    reps: int(1, 10),
    entanglement: z.enum(['full', 'linear']),
    C: pos,
    /** Significance level of every test and CI. */
    alpha: z.number().gt(0).max(0.2),
  })
  .partial();

export type ValidationParams = z.infer<typeof VALIDATION_PARAMS>;

export const VALIDATION_DEFAULTS = {
  model: 'qsvm',
  baselines: [...CLASSICAL_BASELINES],
  trials: 10,
  seed: 1,
  dataset: 'moons',
  train: 200,
  test: 100,
  sampleSizes: [],
  qubits: 4,
  layers: 3,
  epochs: 10,
  batchSize: 32,
  learningRate: 0.05,
  features: 4,
  reps: 2,
  entanglement: 'full',
  C: 1,
  alpha: 0.05,
} as const satisfies ValidationParams;

const VALIDATION_LABEL = 'Validation — quantum vs classical';

const VALIDATION_HELP =
  'Trains the quantum model and each classical baseline on the same data splits over several seeded trials, then compares accuracy, F1, log-loss, training time, inference time and size with paired and Welch t-tests, bootstrap CIs, effect sizes and Holm correction, and states the verdict plainly.';

const VALIDATION_WORDS: KindDeclaration['words'] = {
  model: { label: 'Quantum model', help: 'QNN classifier (trained by adjoint gradients) or QSVM (fidelity kernel + SVM).' },
  baselines: { label: 'Classical baselines', help: 'One per line: rbf-svm, logistic-regression, mlp (the MLP is sized to the QNN\'s parameter count).' },
  trials: { label: 'Trials', unit: 'trials', help: 'Independent repetitions, each with its own data sample, split and initialisation (seed, seed + 1, …); every model sees the same splits.' },
  seed: { label: 'Seed', help: 'Seed of the first trial.' },
  dataset: { label: 'Dataset', help: 'Built-in dataset (not used when a CSV file is given).' },
  train: { label: 'Training samples', unit: 'samples', help: 'Size of each trial\'s training split.' },
  test: { label: 'Test samples', unit: 'samples', help: 'Size of each trial\'s test split.' },
  sampleSizes: { label: 'Sample-complexity sizes', unit: 'samples', help: 'Training-set sizes (≤ training samples) for accuracy-vs-data curves, separated by commas; empty: none.' },
  csv: { label: 'CSV file', help: 'A dataset file instead of the built-in one; a path relative to the project file.' },
  labelColumn: { label: 'Label column', help: 'Column name or 0-based index of the labels in the CSV file (empty: the last column).' },
  qubits: { label: 'QNN qubits', unit: 'qubits', help: 'One per input feature (QNN only).' },
  layers: { label: 'QNN layers', help: 'Entangling layers (QNN only).' },
  epochs: { label: 'QNN epochs', help: 'Passes over the training split (QNN only).' },
  batchSize: { label: 'QNN batch size', unit: 'samples', help: 'Mini-batch of the QNN training (QNN only).' },
  learningRate: { label: 'QNN learning rate', help: "Adam's step size (QNN only)." },
  features: { label: 'QSVM features', unit: 'qubits', help: 'Features (qubits) of the ZZ feature map (QSVM only).' },
  reps: { label: 'QSVM repetitions', help: 'Repetitions of the ZZ feature map (QSVM only).' },
  entanglement: { label: 'QSVM entanglement', help: 'ZZ terms between all pairs or neighbours (QSVM only).' },
  C: { label: 'SVM cost C', help: 'Regularisation of the QSVM and of the RBF-SVM baseline.' },
  alpha: { label: 'Significance level α', help: 'For every test and confidence interval (0.05: 95% CIs).' },
};

/** Why a parameter has no effect with the others as they are, or null. */
function validationParamUnused(name: string, p: Record<string, unknown>): string | null {
  const qnnOnly = ['qubits', 'layers', 'epochs', 'batchSize', 'learningRate'], qsvmOnly = ['features', 'reps', 'entanglement'];
  if (qnnOnly.includes(name) && p.model !== 'qnn') return `with quantum model '${String(p.model)}'`;
  if (qsvmOnly.includes(name) && p.model !== 'qsvm') return `with quantum model '${String(p.model)}'`;
  if (name === 'dataset' && p.csv) return 'with a CSV file';
  if (name === 'labelColumn' && !p.csv) return 'without a CSV file';
  return null;
}

export const VALIDATION = {
  kind: 'validation',
  label: VALIDATION_LABEL,
  help: VALIDATION_HELP,
  params: VALIDATION_PARAMS,
  defaults: VALIDATION_DEFAULTS,
  words: VALIDATION_WORDS,
  paramUnused: validationParamUnused,
} as const satisfies KindDeclaration<'validation', typeof VALIDATION_PARAMS>;
