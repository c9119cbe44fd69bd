// Data for the quantum classifiers: a built-in dataset, split (stratified),
// brought to the qubit count (random projection when it has fewer or more
// features) and scaled to angles in [0, π] with ranges fitted on the
// training part only.
import { featureRanges, loadIris, makeAdhoc, makeBlobs, makeCircles, makeMoons, makeXor, projectFeatures, scaleToRange, subsample, trainTestSplit, type Dataset } from '../ml/datasets';

export type DatasetName = 'moons' | 'circles' | 'blobs' | 'xor' | 'adhoc' | 'iris';

export interface ClassificationData {
  train: Dataset;
  test: Dataset;
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
  if (ds.numFeatures !== opts.features) ds = projectFeatures(ds, opts.features, opts.seed);
  const split = trainTestSplit(ds, opts.test / ds.numSamples, opts.seed);
  const ranges = featureRanges(split.train);
  return { train: scaleToRange(split.train, 0, Math.PI, ranges), test: scaleToRange(split.test, 0, Math.PI, ranges) };
}
