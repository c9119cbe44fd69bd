// Classical ML half of the seed benchmark suite: datasets, CSV import,
// optimizers, SVMs, classical baselines and metrics.
export * from './datasets';
export * from './csv';
export * from './optimizers';
export * from './svm';
export * from './baselines';
export * from './metrics';
