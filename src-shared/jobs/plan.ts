// From a project and what to run (a sweep, repetitions of an experiment, the
// gates benchmark on nodes) to a Job's Work items. Pure, so a plan is checked
// whole before anything is written or submitted: a grid point the experiment
// cannot take fails here, on the login node, not on a hundred compute nodes.
import type { BenchmarkOptions, Project } from '../project/schema';
import { gridPoints, gridSize, MAX_SWEEP_POINTS, OverrideError, withOverrides } from '../project/sweep';
import { pointLabel, type JobWork, type WorkItem } from './manifest';

export type JobRequest =
  | { kind: 'sweep'; sweepId: string }
  | { kind: 'experiment'; experimentId: string; repeats?: number }
  | { kind: 'bench-gates'; options: BenchmarkOptions; runs?: number };

/** A request the project cannot satisfy; the message names what was wrong. */
export class JobPlanError extends Error {
  override name = 'JobPlanError';
}

/** The most Work items one job may hold (Slurm's default MaxArraySize is 1001: indices 0–1000). */
export const MAX_WORK_ITEMS = 1000;

const pad = (i: number) => String(i).padStart(4, '0');
const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');

export function planJob(project: Project, req: JobRequest, _jobId: string, source = 'the project'): { work: JobWork; items: WorkItem[] } {
  const experimentOf = (id: string) => {
    const e = project.experiments.find((x) => x.id === id);
    if (!e) throw new JobPlanError(`${source} has no experiment '${id}' (it has: ${list(project.experiments.map((x) => x.id))})`);
    return e;
  };
  const many = (n: number, what: string) => {
    if (n > MAX_WORK_ITEMS) throw new JobPlanError(`${what}: ${n} work items; one job holds at most ${MAX_WORK_ITEMS} (split it into several jobs)`);
  };

  switch (req.kind) {
    case 'sweep': {
      const sweep = project.sweeps.find((s) => s.id === req.sweepId);
      if (!sweep) throw new JobPlanError(`${source} has no sweep '${req.sweepId}' (it has: ${list(project.sweeps.map((s) => s.id))})`);
      const experiment = experimentOf(sweep.experimentId);
      const n = gridSize(sweep.grid);
      if (n === 0) throw new JobPlanError(`sweep '${sweep.id}' has an empty grid: nothing to run`);
      many(n, `sweep '${sweep.id}'`);
      if (n > MAX_SWEEP_POINTS) throw new JobPlanError(`sweep '${sweep.id}' has ${n} grid points; at most ${MAX_SWEEP_POINTS}`);
      const items = gridPoints(sweep.grid).map((point, i): WorkItem => {
        try {
          withOverrides(experiment, point, `sweep '${sweep.id}', grid point ${pointLabel(point)}`);
        } catch (e) {
          if (e instanceof OverrideError) throw new JobPlanError(e.message);
          throw e;
        }
        return { id: `point-${pad(i)}`, index: i, label: pointLabel(point), experimentId: experiment.id, overrides: point };
      });
      // The job fills the project's own Sweep record (collect adds each point's run to it once).
      // Runs on other hardware are never pooled with the nodes': every figure is per machine.
      return { work: { kind: 'sweep', experimentId: experiment.id, sweep: { id: sweep.id, name: sweep.name, grid: structuredClone(sweep.grid), from: sweep.id } }, items };
    }
    case 'experiment': {
      const experiment = experimentOf(req.experimentId);
      const repeats = req.repeats ?? 1;
      if (!Number.isInteger(repeats) || repeats < 1) throw new JobPlanError(`--repeats must be a whole number of at least 1, got ${repeats}`);
      many(repeats, `experiment '${experiment.id}' × ${repeats}`);
      const items = Array.from({ length: repeats }, (_, i): WorkItem => ({
        id: `rep-${pad(i)}`, index: i, label: `repetition ${i + 1} of ${repeats}`, experimentId: experiment.id, ...(repeats > 1 ? { repetition: i + 1 } : {}),
      }));
      return { work: { kind: 'experiment', experimentId: experiment.id, repeats }, items };
    }
    case 'bench-gates': {
      const runs = req.runs ?? 1;
      if (!Number.isInteger(runs) || runs < 1) throw new JobPlanError(`--repeats must be a whole number of at least 1, got ${runs}`);
      many(runs, `gates benchmark × ${runs}`);
      const items = Array.from({ length: runs }, (_, i): WorkItem => ({ id: `gates-${pad(i)}`, index: i, label: `gates benchmark, node run ${i + 1} of ${runs}` }));
      return { work: { kind: 'bench-gates', options: req.options, runs }, items };
    }
  }
}
