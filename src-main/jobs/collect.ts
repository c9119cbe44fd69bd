// `quench collect`: the finished Work items' runs (or benchmarks) into the
// project file, under its lock (a workbench or `quench run` may be writing it
// too). Runs have ids made from the job and the item, so collecting again
// adds only what finished since. A sweep's runs are linked to the job's Sweep
// record, which is created in the project the first time.
import fs from 'node:fs';
import path from 'node:path';
import type { JobStatus } from '../../src-shared/jobs/manifest';
import type { Benchmark, Run, Sweep } from '../../src-shared/project/schema';
import { loadProject, saveProjectAtomic } from '../project/store';
import { withFileLock } from '../project/lock';
import { UsageError } from '../errors';
import type { Scheduler } from '../scheduler';
import { jobPaths, openJob } from './folder';
import { jobStatus } from './status';

export interface CollectReport {
  into: string;
  status: JobStatus;
  /** Runs and benchmarks added to the project now. */
  added: number;
  /** Finished items whose run or benchmark the project already held. */
  alreadyThere: number;
  /** The job's Sweep record: created now, given new runs, or as it was. */
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
      const have = new Set(project.runs.map((r) => r.id));
      const haveBench = new Set(project.benchmarks.map((b) => b.id));
      // A run needs its experiment: the one the job ran, from its snapshot, when the project lacks it.
      const needed = new Set([...runs.map((r) => r.experimentId), ...(work.kind === 'sweep' && runs.length ? [work.experimentId] : [])]);
      const missing = [...needed].filter((id) => !project.experiments.some((e) => e.id === id));
      if (missing.length) {
        const snapshot = loadProject(jobPaths(dir).snapshot);
        for (const id of missing) {
          const e = snapshot.experiments.find((x) => x.id === id);
          if (!e) throw new UsageError(`the job's snapshot has no experiment '${id}', which its runs need`);
          project.experiments.push(structuredClone(e));
          report.experimentsAdded.push(id);
        }
      }
      for (const r of runs) {
        if (have.has(r.id)) report.alreadyThere++;
        else {
          project.runs.push(structuredClone(r));
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
      if (work.kind === 'sweep' && runs.length) {
        const ids = runs.map((r) => r.id);
        const existing = project.sweeps.find((s) => s.id === work.sweep.id);
        if (!existing) {
          const sweep: Sweep = { id: work.sweep.id, experimentId: work.experimentId, name: work.sweep.name, createdAt: manifest.createdAt, grid: structuredClone(work.sweep.grid), runIds: ids };
          project.sweeps.push(sweep);
          report.sweep = { id: sweep.id, action: 'created' };
        } else {
          const fresh = ids.filter((id) => !existing.runIds.includes(id));
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
