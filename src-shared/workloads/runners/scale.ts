// The `scale` case: does per-sample cost stay flat as the data grows?
// QNN: one training epoch at each size (time per sample); QSVM: the
// symmetric fidelity kernel at each size (total time, quadratic by nature).
import { lower } from '../../circuit/lower';
import type { RunResult } from '../../results';
import { prepareClassification } from '../data';
import { PARAM_DEFAULTS } from '../defaults';
import { qnnCircuit, qnnInitialWeights } from '../qnn';
import { QSVM_DEFAULTS, featureMapParams, zzFeatureMap } from '../qsvm';
import type { WorkloadSession } from '../session';
import { now, spread } from '../timing';
import { QnnTrainer } from './qnn';

export interface ScaleSpec {
  sizes: number[];
  qubits: number;
  layers: number;
  features: number;
  seed: number;
}

export const SCALE_DEFAULTS: ScaleSpec = { ...PARAM_DEFAULTS.scale, sizes: [...PARAM_DEFAULTS.scale.sizes] };

/** The Scale runner on a session (native engine or WebGPU, engine process or window). */
export async function runScaleOn(session: WorkloadSession, spec: Partial<ScaleSpec> = {}): Promise<RunResult> {
  const s: ScaleSpec = { ...SCALE_DEFAULTS, ...spec };
  const metrics: Record<string, number> = {};
  const qnn = lower(qnnCircuit({ qubits: s.qubits, layers: s.layers, seed: s.seed }));
  const fmap = { ...QSVM_DEFAULTS, features: s.features };
  const kernelCircuit = lower(zzFeatureMap(fmap));
  const qnnCurve: number[] = [], kernelCurve: number[] = [];
  for (const n of s.sizes) {
    const { train } = prepareClassification({ dataset: 'moons', train: n, test: Math.max(2, Math.round(n / 10)), features: s.qubits, seed: s.seed });
    const trainer = new QnnTrainer(session, qnn, { qubits: s.qubits, batchSize: 32, learningRate: 0.05, seed: s.seed }, qnnInitialWeights({ qubits: s.qubits, layers: s.layers, seed: s.seed }));
    await trainer.epoch(train); // warm-up epoch (caches, pages)
    const epochs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = now();
      await trainer.epoch(train);
      epochs.push(((now() - t0) * 1000) / train.numSamples);
    }
    metrics[`qnn_us_per_sample_${n}`] = spread(epochs).median;
    qnnCurve.push(metrics[`qnn_us_per_sample_${n}`]);

    const { train: kTrain } = prepareClassification({ dataset: 'moons', train: n, test: 2, features: s.features, seed: s.seed });
    const params = featureMapParams(fmap, kTrain.features, kTrain.numSamples);
    const k0 = now();
    await session.fidelityKernel(kernelCircuit, params, kTrain.numSamples, null, kTrain.numSamples);
    metrics[`qsvm_kernel_s_${n}`] = (now() - k0) / 1000;
    kernelCurve.push(metrics[`qsvm_kernel_s_${n}`]);
  }
  const first = s.sizes[0], last = s.sizes[s.sizes.length - 1];
  metrics.qnn_per_sample_drift = metrics[`qnn_us_per_sample_${last}`] / metrics[`qnn_us_per_sample_${first}`] - 1;
  return {
    kind: 'scale',
    params: { ...s },
    metrics,
    quality: {},
    curves: { qnn_us_per_sample: qnnCurve, qsvm_kernel_s: kernelCurve },
    phases: {},
    details: {},
    env: session.environment(),
  };
}
