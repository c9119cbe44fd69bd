// A job folder on disk (its layout: src-shared/jobs/manifest.ts): open and
// check it, write its manifest, and read what its tasks left in results/.
// Every file is written atomically (temp file, fsync, rename), so a task
// killed mid-write leaves the old file or none, never half of one; and each
// task writes only its own item's files, never a file another node writes.
import fs from 'node:fs';
import path from 'node:path';
import { formatPath, protoKeyMessage, protoKeyPath } from '../../src-shared/project/schema';
import {
  ItemError, ItemResult, JobManifest, LOGS_DIR, MANIFEST_FILE, RESULTS_DIR, SNAPSHOT_FILE,
  type WorkItem,
} from '../../src-shared/jobs/manifest';
import { writeFileAtomic } from '../files';
import { UsageError } from '../errors';
import type { z } from 'zod';

/** A job folder that is missing, or whose manifest does not read. Exit code 2, like any bad request. */
export class JobFolderError extends UsageError {
  override name = 'JobFolderError';
}

export const jobPaths = (dir: string) => ({
  manifest: path.join(dir, MANIFEST_FILE),
  snapshot: path.join(dir, SNAPSHOT_FILE),
  results: path.join(dir, RESULTS_DIR),
  logs: path.join(dir, LOGS_DIR),
  result: (itemId: string) => path.join(dir, RESULTS_DIR, `${itemId}.json`),
  error: (itemId: string) => path.join(dir, RESULTS_DIR, `${itemId}.error.json`),
  attempts: path.join(dir, RESULTS_DIR, 'attempts'),
});

/** Parse a JSON file of the job folder against its schema; the error names the file and the field. */
export function readJsonFile<T extends z.ZodType>(file: string, schema: T, what: string): z.infer<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new JobFolderError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new JobFolderError(`${file} is not valid JSON (${(e as Error).message}): not a ${what}`);
  }
  const proto = protoKeyPath(raw);
  if (proto) throw new JobFolderError(`${file}: ${protoKeyMessage(proto)}`);
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new JobFolderError(`${file}: ${formatPath(issue.path) || '(root)'}: ${issue.message} — not a valid ${what}`);
  }
  return r.data;
}

/** The job in folder `dir`, checked: a folder that is not there or not a job says so. */
export function openJob(dir: string): { dir: string; manifest: JobManifest } {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new JobFolderError(`job folder ${abs} not found`);
  if (!fs.statSync(abs).isDirectory()) throw new JobFolderError(`${abs} is not a job folder (it is a file; give the folder quench submit wrote)`);
  const file = jobPaths(abs).manifest;
  if (!fs.existsSync(file)) throw new JobFolderError(`${abs} is not a Quench job folder: it has no ${MANIFEST_FILE}`);
  return { dir: abs, manifest: readJsonFile(file, JobManifest, 'job manifest') };
}

export function writeManifest(dir: string, manifest: JobManifest): void {
  writeFileAtomic(jobPaths(dir).manifest, JSON.stringify(JobManifest.parse(manifest), null, 2) + '\n');
}

/** What a Work item left in results/: its result, its error record, or a file that does not read (problem). */
export interface ItemFiles {
  result?: ItemResult;
  error?: ItemError;
  /** A result or error file that is there but does not read: it is reported, never merged or removed. */
  problem?: string;
}

export function readItemFiles(dir: string, item: WorkItem): ItemFiles {
  const p = jobPaths(dir);
  const out: ItemFiles = {};
  const resultFile = p.result(item.id);
  if (fs.existsSync(resultFile)) {
    try {
      const r = readJsonFile(resultFile, ItemResult, 'work item result');
      if (r.itemId !== item.id) throw new JobFolderError(`${resultFile} holds the result of work item '${r.itemId}', not '${item.id}'`);
      if (!r.run && !r.benchmark) throw new JobFolderError(`${resultFile} holds neither a run nor a benchmark`);
      out.result = r;
      return out;
    } catch (e) {
      out.problem = `corrupt result file: ${(e as Error).message}`;
    }
  }
  const errorFile = p.error(item.id);
  if (fs.existsSync(errorFile)) {
    try {
      out.error = readJsonFile(errorFile, ItemError, 'work item error record');
    } catch (e) {
      out.problem ??= `unreadable error record: ${(e as Error).message}`;
    }
  }
  return out;
}

/** The Work item `ref` names: its index (the array task id) or its id. */
export function findItem(manifest: JobManifest, ref: string): WorkItem {
  const byIndex = /^\d+$/.test(ref) ? manifest.items.find((it) => it.index === Number(ref)) : undefined;
  const item = byIndex ?? manifest.items.find((it) => it.id === ref);
  if (!item) {
    const first = manifest.items[0], last = manifest.items[manifest.items.length - 1];
    throw new JobFolderError(`job ${manifest.id} has no work item '${ref}' (its items: indices ${first.index}–${last.index}, ids ${first.id} … ${last.id})`);
  }
  return item;
}
