// The one list of workload kinds that live in their own folder
// (src-shared/workloads/<kind>/): what the engine, the memory estimator and
// the circuit view need to run, size and draw an experiment of the kind. The
// parameters' declaration of each is in the project model's list
// (src-shared/project/kinds.ts). docs/adding-a-workload.md walks through it.
import type { Experiment } from '../project/schema';
import type { RunResult } from '../results';
import type { FieldIssue } from '../project/param-meta';
import type { ExperimentCircuit } from './experiment-circuit';
import type { MemoryContext, MemoryEstimate } from './memory';
import type { ExperimentRunContext } from './runners/experiment';
import type { WorkloadSession } from './session';
import { VALIDATION_RUNTIME } from './validation';

export interface WorkloadRuntime<K extends Experiment['kind'] = Experiment['kind']> {
  kind: K;
  /** Runs on a WorkloadSession (native engine or WebGPU, engine process or window). */
  run(session: WorkloadSession, e: Extract<Experiment, { kind: K }>, ctx: ExperimentRunContext): Promise<RunResult>;
  /** The peak memory of a run; `estimate` sizes another experiment (a kind built on others). */
  memory(e: Extract<Experiment, { kind: K }>, ctx: MemoryContext, estimate: (e: Experiment, ctx: MemoryContext) => MemoryEstimate): MemoryEstimate;
  /** The circuit the editor draws; `circuitOf` draws another experiment's. */
  circuit(e: Extract<Experiment, { kind: K }>, circuitOf: (e: Experiment) => ExperimentCircuit): ExperimentCircuit;
  /** Field problems beyond the schema's (the editor shows them by the field); `problemsOf` checks another experiment. */
  problems(e: Extract<Experiment, { kind: K }>, problemsOf: (e: Experiment) => FieldIssue[]): FieldIssue[];
  /** The experiment whose circuit a run of this kind runs, for the OpenQASM export (none: not exportable). */
  circuitExperiment?(e: Extract<Experiment, { kind: K }>): Experiment;
}

export const WORKLOAD_RUNTIMES = [VALIDATION_RUNTIME] as const;

export type RegisteredKind = (typeof WORKLOAD_RUNTIMES)[number]['kind'];

export function runtimeOf<K extends Experiment['kind']>(kind: K): WorkloadRuntime<K> | undefined {
  return (WORKLOAD_RUNTIMES as readonly WorkloadRuntime[]).find((r) => r.kind === kind) as WorkloadRuntime<K> | undefined;
}

/** For the switch of the older kinds: a kind in the registry never reaches it. */
export function unregistered(e: { kind: string; id: string }): Error {
  return new Error(`experiment '${e.id}': kind '${e.kind}' is neither built in nor registered`);
}
