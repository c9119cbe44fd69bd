// Files written whole, safely, by any part of the engine (projects, the fusion
// calibration, job folders): atomically (temp file in the same folder, fsync,
// rename, fsync the folder) so a crash mid-save never leaves half a file; temp
// files of interrupted saves removed later; a target checked before long work;
// every failure said in words, naming the file.
import fs from 'node:fs';
import path from 'node:path';
import { FileWriteError, UsageError, describeIoError } from './errors';

/**
 * Fails now, in words, where `file` could not be saved later: a folder, a folder that does not
 * exist or cannot be written (tried with a temporary file of the kind a save uses, removed at
 * once). For commands that save only after long work; `what` starts the message ('--save', 'the
 * fusion calibration').
 */
export function checkCanSave(file: string, what: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    /* a new file */
  }
  if (stat?.isDirectory()) throw new UsageError(`${what}: ${file} is a folder, not a file`);
  const dir = path.dirname(path.resolve(file));
  const probe = path.join(dir, tempName(file));
  try {
    fs.closeSync(fs.openSync(probe, 'wx', 0o644));
  } catch (e) {
    throw new UsageError(`${what}: cannot write ${file}: ${describeIoError(e as NodeJS.ErrnoException, dir)}`);
  }
  fs.rmSync(probe, { force: true });
}

/** Whether process `pid` exists on this machine (EPERM: it does, under another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const tempName = (file: string) => `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`;

/**
 * A temp file of a dead writer is removed once it is a minute old: the minute
 * covers a writer on another machine sharing the folder (whose pid means
 * nothing here) that is still writing. One a day old is removed whoever wrote
 * it: no save takes that long, and a pid may have been reused since.
 */
export const TEMP_GRACE_MS = 60_000;
export const TEMP_MAX_AGE_MS = 24 * 3600_000;

/**
 * Remove `.NAME.PID.TS.tmp` files beside `file` left by interrupted saves: those
 * whose writer is no longer running (and at least TEMP_GRACE_MS old), or older
 * than TEMP_MAX_AGE_MS. A live process's temp file is never touched. Best effort:
 * returns the names removed; a file that cannot be read or removed is left.
 */
export function removeStaleTempFiles(file: string, nowMs = Date.now()): string[] {
  const dir = path.dirname(path.resolve(file));
  const prefix = `.${path.basename(file)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    const full = path.join(dir, name);
    try {
      const age = nowMs - fs.statSync(full).mtimeMs;
      const stale = age > TEMP_MAX_AGE_MS || (age > TEMP_GRACE_MS && !pidAlive(pid));
      if (!stale) continue;
      fs.rmSync(full);
      removed.push(name);
    } catch {
      /* gone meanwhile, or not ours to remove: leave it */
    }
  }
  return removed;
}

/**
 * Write `text` to `file` so that a crash leaves either the old or the new content, never half of it.
 * A failure says which file and why, in words; the old content stays as it was.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, tempName(file));
  const failed = (e: unknown) => new FileWriteError(file, e, dir);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w', 0o644);
  } catch (e) {
    throw failed(e);
  }
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed already */
    }
    fs.rmSync(tmp, { force: true });
    throw failed(e);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    /* some file systems refuse fsync on directories; the rename is still atomic */
  }
  removeStaleTempFiles(file);
}
