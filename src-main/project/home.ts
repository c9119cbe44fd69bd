// Quench's own folder (QUENCH_HOME, default ~/.quench): the recent-files list
// and the autosaved working copies that let unsaved work survive a crash.
// One recovery file per project file (keyed by its absolute path), and one for
// the project that has no file yet ("untitled").
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseProject, type Project } from '../../src-shared/project/schema';
import { writeFileAtomic } from '../files';

export const MAX_RECENT = 12;

export { quenchHome } from '../home';

const RecentFile = z.object({ files: z.array(z.string()).max(1000) });

export function readRecent(home: string): string[] {
  try {
    return RecentFile.parse(JSON.parse(fs.readFileSync(path.join(home, 'recent.json'), 'utf8'))).files.slice(0, MAX_RECENT);
  } catch {
    return []; // missing or unreadable: start a new list rather than fail the app
  }
}

/** Put `file` first in the recent list (and drop files that no longer exist). */
export function addRecent(home: string, file: string): string[] {
  const abs = path.resolve(file);
  const files = [abs, ...readRecent(home).filter((f) => f !== abs && fs.existsSync(f))].slice(0, MAX_RECENT);
  fs.mkdirSync(home, { recursive: true });
  writeFileAtomic(path.join(home, 'recent.json'), JSON.stringify({ files }, null, 2) + '\n');
  return files;
}

export interface Recovery {
  /** The project file the copy belongs to; null for a project without a file. */
  for: string | null;
  savedAt: string;
  project: Project;
}

const RecoveryFile = z.object({ format: z.literal('quench-recovery'), for: z.string().nullable(), savedAt: z.iso.datetime(), project: z.unknown() });

export function recoveryPath(home: string, file: string | null): string {
  const key = file ? crypto.createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 20) : 'untitled';
  return path.join(home, 'recovery', `${key}.json`);
}

export function writeRecovery(home: string, file: string | null, project: Project): string {
  const target = recoveryPath(home, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const savedAt = new Date().toISOString();
  writeFileAtomic(target, JSON.stringify({ format: 'quench-recovery', for: file ? path.resolve(file) : null, savedAt, project }) + '\n');
  return savedAt;
}

/** The autosaved copy for `file`, if there is one newer than the file itself; a broken copy is ignored (and kept for inspection). */
export function readRecovery(home: string, file: string | null): Recovery | null {
  const p = recoveryPath(home, file);
  let raw: z.infer<typeof RecoveryFile>;
  try {
    raw = RecoveryFile.parse(JSON.parse(fs.readFileSync(p, 'utf8')));
  } catch {
    return null;
  }
  if (file) {
    try {
      if (fs.statSync(file).mtimeMs >= Date.parse(raw.savedAt)) return null; // saved since: the copy is stale
    } catch {
      /* the file is gone: the copy is all there is */
    }
  }
  try {
    return { for: raw.for, savedAt: raw.savedAt, project: parseProject(JSON.stringify(raw.project), p) };
  } catch {
    return null;
  }
}

export function clearRecovery(home: string, file: string | null): void {
  fs.rmSync(recoveryPath(home, file), { force: true });
}
