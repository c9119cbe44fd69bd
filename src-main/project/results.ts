// Results (runs, sweeps, benchmarks) are append-only records with ids, so two
// writers of one project file can merge instead of overwriting each other: a
// three-way merge per id against what the file held when this process last
// read or wrote it.
import crypto from 'node:crypto';
import type { Experiment, Project } from '../../src-shared/project/schema';

/** A result id with a random suffix: two writers (two workbenches, the CLI) making runs in the same millisecond never collide. */
export const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;

/** One key per result, kind included (a run and a benchmark could share an id). */
export function resultKeys(p: Project): Set<string> {
  const keys = new Set<string>();
  for (const r of p.runs) keys.add(`run:${r.id}`);
  for (const s of p.sweeps) keys.add(`sweep:${s.id}`);
  for (const b of p.benchmarks) keys.add(`benchmark:${b.id}`);
  return keys;
}

export interface MergeCounts {
  /** Results another writer added to the file, taken in. */
  added: number;
  /** Results another writer removed from the file (they were there at `base`), removed here too. */
  removed: number;
  /** Experiments taken from the file because results taken in need them. */
  experiments: number;
}

/**
 * Bring another writer's changes to the file's results into `into` (in place):
 * - a result in the file whose key this process never had (`known`) was added there: it is added here, with its
 *   experiment when `into` lacks it;
 * - a result of `into` that the file held at `base` and no longer holds was deleted there: it is removed here.
 * A result this process deleted is in `known`, so a writer that puts it back does not bring it back here; a result
 * this process made but could not write yet is not in `base`, so it stays.
 */
export function mergeResults(into: Project, disk: Project, base: ReadonlySet<string>, known: ReadonlySet<string>): MergeCounts {
  const counts: MergeCounts = { added: 0, removed: 0, experiments: 0 };
  const onDisk = resultKeys(disk);
  const goneThere = (key: string) => base.has(key) && !onDisk.has(key);
  const keep = <T extends { id: string }>(kind: string, list: T[]) => {
    const kept = list.filter((x) => !goneThere(`${kind}:${x.id}`));
    counts.removed += list.length - kept.length;
    return kept;
  };
  into.runs = keep('run', into.runs);
  into.sweeps = keep('sweep', into.sweeps);
  into.benchmarks = keep('benchmark', into.benchmarks);

  // an id `into` already holds (e.g. imported into the working copy from the same source) is not added twice
  const present = resultKeys(into);
  const have = new Set(into.experiments.map((e) => e.id));
  const needExperiment = (id: string) => {
    if (have.has(id)) return;
    const e = disk.experiments.find((x) => x.id === id);
    if (!e) return;
    into.experiments.push(structuredClone(e));
    have.add(id);
    counts.experiments++;
  };
  for (const r of disk.runs)
    if (!known.has(`run:${r.id}`) && !present.has(`run:${r.id}`)) {
      needExperiment(r.experimentId);
      into.runs.push(structuredClone(r));
      counts.added++;
    }
  for (const s of disk.sweeps)
    if (!known.has(`sweep:${s.id}`) && !present.has(`sweep:${s.id}`)) {
      needExperiment(s.experimentId);
      into.sweeps.push(structuredClone(s));
      counts.added++;
    }
  for (const b of disk.benchmarks)
    if (!known.has(`benchmark:${b.id}`) && !present.has(`benchmark:${b.id}`)) {
      into.benchmarks.push(structuredClone(b));
      counts.added++;
    }
  return counts;
}

/** Put back into `p` the experiments its results need that it lacks, from `pool` (a project is invalid without them). */
export function restoreNeededExperiments(p: Project, pool: readonly Experiment[]): number {
  const have = new Set(p.experiments.map((e) => e.id));
  let n = 0;
  for (const id of [...p.runs.map((r) => r.experimentId), ...p.sweeps.map((s) => s.experimentId)]) {
    if (have.has(id)) continue;
    const e = pool.find((x) => x.id === id);
    if (!e) continue;
    p.experiments.push(structuredClone(e));
    have.add(id);
    n++;
  }
  return n;
}

type Definitions = Pick<Project, 'name' | 'experiments'>;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The name and experiments to save when this process saves `mine` over a file another writer changed since
 * `base` (what this process last had from the file): per field and per experiment id, what was changed here
 * wins, what was changed only there is kept, an experiment deleted on one side and left alone on the other
 * is deleted. So a save made without touching an experiment never undoes another writer's edit of it.
 */
export function mergeDefinitions(mine: Definitions, base: Definitions, disk: Definitions): Definitions {
  const inBase = new Map(base.experiments.map((e) => [e.id, e]));
  const onDisk = new Map(disk.experiments.map((e) => [e.id, e]));
  const experiments: Experiment[] = [];
  for (const e of mine.experiments) {
    const b = inBase.get(e.id);
    if (b && same(e, b)) {
      // untouched here: the file's version, or gone if it was deleted there
      const d = onDisk.get(e.id);
      if (d) experiments.push(d);
    } else experiments.push(e); // new or edited here
  }
  const here = new Set(mine.experiments.map((e) => e.id));
  for (const d of disk.experiments) if (!here.has(d.id) && !inBase.has(d.id)) experiments.push(d); // new there
  return { name: mine.name !== base.name ? mine.name : disk.name, experiments };
}
