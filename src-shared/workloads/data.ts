// Data for the quantum classifiers: a built-in dataset, split (stratified),
// brought to the qubit count (random projection when it has fewer or more
// features) and scaled to angles in [0, π] with ranges fitted on the
// training part only.
import { featureRanges, loadIris, makeAdhoc, makeBlobs, makeCircles, makeMoons, makeXor, projectFeatures, scaleToRange, subsample, trainTestSplit, type Dataset } from '../ml/datasets';

export type DatasetName = 'moons' | 'circles' | 'blobs' | 'xor' | 'adhoc' | 'iris';

export interface ClassificationData {
  train: Dataset;
  test: Dataset;
  /** How many features the dataset itself has (before projection to the model's inputs). */
  rawFeatures: number;
  /** Where the dataset has two features: its plane, to draw a model's decision boundary in. */
  plane?: FeaturePlane;
}

/** A two-feature dataset's own plane, before projection and scaling. */
export interface FeaturePlane {
  featureNames: [string, string];
  classNames: string[];
  /** The rows of train and test, as (x, y) pairs in the dataset's own units (same order as train/test). */
  train: Float64Array;
  test: Float64Array;
  /** Points of the plane (x, y pairs) as the model's inputs: the same projection and scaling as the data. */
  encode(points: Float64Array): Float64Array;
}

export function builtinDataset(name: DatasetName, n: number, seed: number): Dataset {
  switch (name) {
    case 'moons': return makeMoons({ n, noise: 0.15, seed });
    case 'circles': return makeCircles({ n, noise: 0.08, factor: 0.5, seed });
    case 'blobs': return makeBlobs({ n, centers: 2, features: 2, std: 2.5, seed });
    case 'xor': return makeXor({ n, noise: 0.1, seed });
    case 'adhoc': return makeAdhoc({ n: n % 2 ? n + 1 : n, features: 2, gap: 0.3, seed });
    case 'iris': return loadIris();
  }
}

export function prepareClassification(opts: { dataset: DatasetName | Dataset; train: number; test: number; features: number; seed: number }): ClassificationData {
  const total = opts.train + opts.test;
  let ds = typeof opts.dataset === 'string' ? builtinDataset(opts.dataset, total, opts.seed) : opts.dataset;
  if (typeof opts.dataset !== 'string') {
    if (ds.numSamples < total) throw new RangeError(`dataset '${ds.name}' has ${ds.numSamples} rows; train + test = ${total}`);
    if (ds.numSamples > total) ds = subsample(ds, total, opts.seed);
  }
  const raw = ds;
  if (ds.numFeatures !== opts.features) ds = projectFeatures(ds, opts.features, opts.seed);
  const split = trainTestSplit(ds, opts.test / ds.numSamples, opts.seed);
  const ranges = featureRanges(split.train);
  const out: ClassificationData = { train: scaleToRange(split.train, 0, Math.PI, ranges), test: scaleToRange(split.test, 0, Math.PI, ranges), rawFeatures: raw.numFeatures };
  if (raw.numFeatures === 2) {
    // The split depends on the labels and the seed only: the raw rows split the same way.
    const rawSplit = trainTestSplit(raw, opts.test / raw.numSamples, opts.seed);
    out.plane = {
      featureNames: [raw.featureNames[0] ?? 'x0', raw.featureNames[1] ?? 'x1'],
      classNames: raw.classNames.slice(),
      train: rawSplit.train.features,
      test: rawSplit.test.features,
      encode(points) {
        const n = points.length / 2;
        let g: Dataset = { name: `${raw.name}-plane`, features: points, labels: new Int32Array(n), numSamples: n, numFeatures: 2, classNames: raw.classNames, featureNames: raw.featureNames };
        if (opts.features !== 2) g = projectFeatures(g, opts.features, opts.seed);
        return scaleToRange(g, 0, Math.PI, ranges).features;
      },
    };
  }
  return out;
}
