// A short-lived write lock on a project file, held for one read-merge-write, so
// two writers (`quench run`, a workbench, another workbench) never interleave
// their saves. The lock is a file beside the project, `.NAME.lock`, created
// with O_EXCL and holding who took it: pid, host, command, time. A lock whose
// holder is gone (a dead pid on this host) or that is older than any
// read-merge-write could take is stale and is taken over; otherwise a writer
// waits with backoff for a bounded time and then fails naming the holder.
//
// Hand-written rather than proper-lockfile: that library's mkdir lock records
// no holder (so a refusal could not say who holds it) and knows staleness only
// by an mtime it keeps refreshing on a timer, while a dead pid here is certain
// at once and the lock is never held across an await.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pidAlive } from '../files';
import { FileWriteError } from '../errors';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Tells this lock from a later one by the same process. */
  token: string;
}

export interface LockOptions {
  /** What the holder is doing, for the message another writer gets (default: this process's command line). */
  command?: string;
  /** How long to wait for a live holder before failing (default WAIT_MS). */
  waitMs?: number;
}

/** A lock is held for one read-merge-write (well under a second even for large files): older than this, its holder hung or died. */
export const STALE_MS = 60_000;
/** Longer than STALE_MS, so a writer outlasts even a lock left by a crashed process on another machine sharing the folder. */
export const WAIT_MS = 90_000;
/** A lock file without readable content is one being written this instant, or one whose writer died between open and write. */
const UNREADABLE_STALE_MS = 5_000;

export class FileLockedError extends Error {
  override name = 'FileLockedError';
  constructor(
    message: string,
    readonly holder: LockHolder | null,
  ) {
    super(message);
  }
}

export interface FileLock {
  readonly path: string;
  release(): void;
}

export function lockPathFor(file: string): string {
  const abs = path.resolve(file);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.lock`);
}

const defaultCommand = () => ['quench', ...process.argv.slice(2)].join(' ').slice(0, 500);

function readHolder(lock: string): { holder: LockHolder | null; text: string; mtimeMs: number } | null {
  try {
    const text = fs.readFileSync(lock, 'utf8');
    const mtimeMs = fs.statSync(lock).mtimeMs;
    try {
      const h = JSON.parse(text) as LockHolder;
      if (typeof h.pid === 'number' && typeof h.host === 'string') return { holder: h, text, mtimeMs };
    } catch {
      /* partly written */
    }
    return { holder: null, text, mtimeMs };
  } catch {
    return null; // released meanwhile
  }
}

/** Why a lock found on disk may be taken over, or null while its holder may still be writing. */
function staleReason(found: { holder: LockHolder | null; mtimeMs: number }, nowMs: number): string | null {
  const age = nowMs - found.mtimeMs;
  if (!found.holder) return age > UNREADABLE_STALE_MS ? 'unreadable and old' : null;
  if (found.holder.host === os.hostname() && !pidAlive(found.holder.pid)) return `pid ${found.holder.pid} is not running`;
  if (age > STALE_MS) return `held for ${Math.round(age / 1000)} s`;
  return null;
}

export function describeHolder(h: LockHolder | null): string {
  return h ? `pid ${h.pid} on ${h.host} (${h.command}) since ${h.since}` : 'a writer that has not said who it is yet';
}

/**
 * Remove a stale lock, but only the one judged stale: a second lock file
 * (`.NAME.lock.break`, itself O_EXCL) makes taking over one-at-a-time, so two
 * writers that both find the same stale lock cannot remove each other's new one.
 */
function breakStale(lock: string, judged: string): void {
  const breaker = `${lock}.break`;
  let fd: number;
  try {
    fd = fs.openSync(breaker, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Someone is taking over right now; a breaker left by a crash in those few instructions is cleared after a while.
    try {
      if (Date.now() - fs.statSync(breaker).mtimeMs > UNREADABLE_STALE_MS) fs.rmSync(breaker, { force: true });
    } catch {
      /* gone */
    }
    return;
  }
  try {
    if (readHolder(lock)?.text === judged) fs.rmSync(lock, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(breaker, { force: true });
  }
}

/** One attempt: the lock, or who holds it now (a stale lock is taken over on the way). */
export function tryLock(file: string, opts: LockOptions = {}): FileLock | { holder: LockHolder | null } {
  const lock = lockPathFor(file);
  for (let attempt = 0; attempt < 3; attempt++) {
    const me: LockHolder = { pid: process.pid, host: os.hostname(), command: opts.command ?? defaultCommand(), since: new Date().toISOString(), token: crypto.randomBytes(8).toString('hex') };
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx', 0o644);
      fs.writeSync(fd, JSON.stringify(me) + '\n');
      fs.closeSync(fd);
      return {
        path: lock,
        release() {
          // Only our own lock: if it was judged stale and taken over, the file is someone else's now.
          if (readHolder(lock)?.holder?.token === me.token) fs.rmSync(lock, { force: true });
        },
      };
    } catch (e) {
      // Not a lock held by someone else: the folder cannot take the file (said in words, naming the project file).
      const cannot = () => new FileWriteError(file, e, path.dirname(lock));
      if (fd !== undefined) {
        fs.closeSync(fd);
        fs.rmSync(lock, { force: true });
        throw cannot();
      }
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannot();
    }
    const found = readHolder(lock);
    if (!found) continue; // released between our open and our read
    if (!staleReason(found, Date.now())) return { holder: found.holder };
    breakStale(lock, found.text);
  }
  return { holder: readHolder(lock)?.holder ?? null };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Take the lock, waiting (with backoff) up to `waitMs` for a live holder; fails naming the holder. */
export async function acquireLock(file: string, opts: LockOptions = {}): Promise<FileLock> {
  const waitMs = opts.waitMs ?? WAIT_MS;
  const start = Date.now();
  let delay = 10;
  for (;;) {
    const r = tryLock(file, opts);
    if ('release' in r) return r;
    const waited = Date.now() - start;
    if (waited >= waitMs)
      throw new FileLockedError(
        `${path.resolve(file)} is being written by another Quench: ${describeHolder(r.holder)}; gave up after ${(waited / 1000).toFixed(1)} s. ` +
          `If that process is gone, remove ${lockPathFor(file)}`,
        r.holder,
      );
    await sleep(Math.min(delay, waitMs - waited) * (0.75 + Math.random() / 2));
    delay = Math.min(delay * 2, 500);
  }
}

/** Run `fn` (synchronous: the lock is never held across an await) under the file's lock. */
export async function withFileLock<T>(file: string, fn: () => T, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(file, opts);
  try {
    return fn();
  } finally {
    lock.release();
  }
}
