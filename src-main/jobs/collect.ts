// `quench collect`: the finished Work items' runs (or benchmarks) into the
// project file, under its lock (a workbench or `quench run` may be writing it
// too). Runs have ids made from the job and the item, so collecting again
// adds only what finished since. A sweep job fills the project's own Sweep
// record (the one it was submitted from): each point's run listed once; a
// project without that sweep (--into another file) gets it added.
import fs from 'node:fs';
import path from 'node:path';
import { pointLabel, sweepIdOf, type JobStatus } from '../../src-shared/jobs/manifest';
import { gridPoints } from '../../src-shared/project/sweep';
import type { ParamValue } from '../../src-shared/project/schema';
import type { Benchmark, Run, Sweep } from '../../src-shared/project/schema';
import { loadProject, saveProjectAtomic } from '../project/store';
import { withFileLock } from '../project/lock';
import { UsageError } from '../errors';
import type { Scheduler } from '../scheduler';
import { jobPaths, openJob } from './folder';
import { jobStatus } from './status';

/** A grid point as a key: its values in the grid's parameter order. */
const pointKey = (params: string[], point: Record<string, ParamValue>) => JSON.stringify(params.map((k) => point[k] ?? null));

export interface CollectReport {
  into: string;
  status: JobStatus;
  /** Runs and benchmarks added to the project now. */
  added: number;
  /** Finished items whose run or benchmark the project already held. */
  alreadyThere: number;
  /** The project's Sweep record the job filled: added now (the project lacked it), given new runs, or as it was. */
  sweep?: { id: string; action: 'created' | 'extended' | 'unchanged' };
  /** Experiments added because the runs need them (they had been deleted from the project, or --into names another file). */
  experimentsAdded: string[];
}

export async function collectJob(jobDir: string, opts: { into?: string; scheduler: Scheduler | null }): Promise<CollectReport> {
  const { dir, manifest } = openJob(jobDir);
  const into = path.resolve(opts.into ?? manifest.projectFile);
  if (!fs.existsSync(into)) throw new UsageError(`project file ${into} not found${opts.into ? '' : ' (the job was submitted from it; give another with --into)'}`);
  const { files, ...status } = await jobStatus(dir, opts.scheduler);
  const runs: Run[] = [];
  const benchmarks: Benchmark[] = [];
  for (const it of status.items) {
    const r = files.get(it.id)?.result;
    if (r?.run) runs.push(r.run);
    if (r?.benchmark) benchmarks.push(r.benchmark);
  }
  const report: CollectReport = { into, status, added: 0, alreadyThere: 0, experimentsAdded: [] };
  const work = manifest.work;

  await withFileLock(
    into,
    () => {
      const project = loadProject(into);
      // Everything is checked before anything changes: a job that does not fit the project adds nothing.
      // The job's snapshot: read only when there are runs to check against it.
      let snapshot: ReturnType<typeof loadProject> | null = null;
      const fromSnapshot = (id: string) => {
        snapshot ??= loadProject(jobPaths(dir).snapshot);
        const e = snapshot.experiments.find((x) => x.id === id);
        if (!e) throw new UsageError(`the job's snapshot (${jobPaths(dir).snapshot}) has no experiment '${id}', which its runs need`);
        return e;
      };
      // A run needs its experiment: the one the job ran, from its snapshot, when the project lacks it.
      const needed = new Set([...runs.map((r) => r.experimentId), ...(work.kind === 'sweep' && runs.length ? [work.experimentId] : [])]);
      for (const id of needed) {
        const mine = project.experiments.find((e) => e.id === id);
        const theirs = fromSnapshot(id);
        // Same id, another kind of workload: the job was made from another project.
        if (mine && mine.kind !== theirs.kind)
          throw new UsageError(`job ${manifest.id} ran experiment '${id}' as a ${theirs.kind} workload, but in ${into} '${id}' is a ${mine.kind} workload: the job comes from another project (${manifest.projectFile}); collect it there, or into another file with --into`);
      }
      const sweepId = work.kind === 'sweep' ? sweepIdOf(work) : null;
      const existing = sweepId === null ? undefined : project.sweeps.find((s) => s.id === sweepId);
      if (work.kind === 'sweep' && existing && runs.length) {
        if (existing.experimentId !== work.experimentId)
          throw new UsageError(`sweep '${existing.id}' in ${into} is over experiment '${existing.experimentId}', but job ${manifest.id} swept '${work.experimentId}': the job comes from another project (${manifest.projectFile}); collect it there, or into another file with --into`);
        const params = Object.keys(existing.grid);
        const points = new Set(gridPoints(existing.grid).map((p) => pointKey(params, p)));
        const stray = runs.find((r) => !points.has(pointKey(params, r.overrides ?? {})) || Object.keys(r.overrides ?? {}).some((k) => !params.includes(k)));
        if (stray)
          throw new UsageError(`sweep '${existing.id}' in ${into} has no grid point ${pointLabel(stray.overrides ?? {})} (its grid: ${params.map((k) => `${k} ${existing.grid[k].length} value(s)`).join(' × ')}), which job ${manifest.id} ran: the sweep's grid is not the job's; collect it into another file with --into`);
      }

      for (const id of needed)
        if (!project.experiments.some((e) => e.id === id)) {
          project.experiments.push(structuredClone(fromSnapshot(id)));
          report.experimentsAdded.push(id);
        }
      const have = new Set(project.runs.map((r) => r.id));
      const haveBench = new Set(project.benchmarks.map((b) => b.id));
      for (const r of runs) {
        if (have.has(r.id)) report.alreadyThere++;
        else {
          // Job folders of version 1 linked their runs to a sweep record of their own: to the project's now.
          project.runs.push({ ...structuredClone(r), ...(sweepId !== null ? { sweepId } : {}) });
          have.add(r.id);
          report.added++;
        }
      }
      for (const b of benchmarks) {
        if (haveBench.has(b.id)) report.alreadyThere++;
        else {
          project.benchmarks.push(structuredClone(b));
          haveBench.add(b.id);
          report.added++;
        }
      }
      if (work.kind === 'sweep' && sweepId !== null && runs.length) {
        const ids = runs.map((r) => r.id);
        if (!existing) {
          // Not in this project (--into another file, or deleted since): added, with the job's grid.
          const sweep: Sweep = { id: sweepId, experimentId: work.experimentId, name: work.sweep.name, createdAt: manifest.createdAt, grid: structuredClone(work.sweep.grid), runIds: ids };
          project.sweeps.push(sweep);
          report.sweep = { id: sweep.id, action: 'created' };
        } else {
          // The project's sweep, filled: each of the job's runs once, however often it is collected.
          const listed = new Set(existing.runIds);
          const fresh = ids.filter((id) => !listed.has(id));
          existing.runIds.push(...fresh);
          report.sweep = { id: existing.id, action: fresh.length ? 'extended' : 'unchanged' };
        }
      }
      const changed = report.added > 0 || report.experimentsAdded.length > 0 || report.sweep?.action === 'created' || report.sweep?.action === 'extended';
      if (changed) saveProjectAtomic(into, project);
    },
    { command: `quench collect ${dir}` },
  );
  return report;
}
