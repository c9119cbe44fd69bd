// The validation kind: the quantum model against classical baselines over
// seeded trials (params.ts: its declaration; runner.ts: the trials;
// report.ts: the statistics and the verdicts; model.ts: its quantum model as
// an experiment of its own kind, for drawing and sizing).
import type { WorkloadRuntime } from '../registry';
import { validationModelExperiment } from './model';
import { VALIDATION_DEFAULTS } from './params';
import { runValidationOn } from './runner';

export const VALIDATION_RUNTIME: WorkloadRuntime<'validation'> = {
  kind: 'validation',
  run: async (session, e, ctx) => {
    const { csv, labelColumn, ...spec } = e.params;
    const data = csv ? await ctx.loadCsv?.(csv, labelColumn) : undefined;
    if (csv && !data) throw new Error(`experiment '${e.id}': its CSV dataset (${csv}) is read by the engine process; run it there`);
    const onTrial = (done: number, total: number, acc: number) =>
      ctx.onProgress?.({ fraction: done / total, message: `trial ${done}/${total}`, point: { series: 'quantum_accuracy', x: done - 1, y: acc } });
    return runValidationOn(session, { ...spec, data }, { onTrial });
  },
  // One trial at a time: the peak is one fit of the quantum model (or a baseline beside it).
  memory: (e, ctx, estimate) => {
    const inner = estimate(validationModelExperiment(e), ctx);
    return { ...inner, phase: `one trial: ${inner.phase}` };
  },
  circuit: (e, circuitOf) => circuitOf(validationModelExperiment(e)),
  problems: (e, problemsOf) => {
    const out = problemsOf(validationModelExperiment(e)).filter((x) => !x.field.startsWith('params.baseline'));
    const p = { ...VALIDATION_DEFAULTS, ...e.params };
    const big = p.sampleSizes.find((n) => n > p.train);
    if (big !== undefined) out.push({ field: 'params.sampleSizes', message: `sampleSizes: ${big} is larger than the training split (${p.train})` });
    return out;
  },
  circuitExperiment: (e) => validationModelExperiment(e),
};
