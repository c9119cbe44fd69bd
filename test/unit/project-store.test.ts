// Project files shared by several writers: the write lock (a held lock makes a
// writer wait or fail naming its holder; a stale one is taken over), the
// three-way merge of results, temp files of interrupted saves, and keys that
// JSON.parse keeps but schemas would drop ('__proto__').
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseArgs } from '../../src-shared/api/contract';
import { parseProject, type Project, type Run } from '../../src-shared/project/schema';
import { OverrideError, withOverrides } from '../../src-shared/project/sweep';
import { acquireLock, FileLockedError, lockPathFor, STALE_MS, tryLock, withFileLock } from '../../src-main/project/lock';
import { mergeDefinitions, mergeResults, newId, resultKeys } from '../../src-main/project/results';
import { checkCanSave, removeStaleTempFiles, TEMP_GRACE_MS, TEMP_MAX_AGE_MS, writeFileAtomic } from '../../src-main/files';
import { loadProject, saveProjectAtomic } from '../../src-main/project/store';
import { UsageError } from '../../src-main/errors';

const root = path.resolve(__dirname, '../..');
const example = path.join(root, 'examples/seed-suite.quench.json');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-store-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function fresh(name: string): string {
  const file = path.join(dir, name);
  fs.copyFileSync(example, file);
  return file;
}

/** A process that is running for as long as the test needs it; `stop` ends it and resolves once it has exited. */
function liveProcess(): { pid: number; stop(): Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { pid: child.pid!, stop: () => (child.kill('SIGKILL'), exited) };
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const p = liveProcess();
  await p.stop();
  return p.pid;
}

const run = (id: string, experimentId = 'bell'): Run => ({ id, experimentId, startedAt: new Date().toISOString(), durationMs: 1, status: 'cancelled', settings: { backend: 'native-avx2', precision: 'f64', threads: 0 } });

describe('the project file lock', () => {
  it('is a file beside the project naming its holder, removed on release', async () => {
    const file = fresh('lock-basic.quench.json');
    const seen = await withFileLock(file, () => JSON.parse(fs.readFileSync(lockPathFor(file), 'utf8')), { command: 'quench run lock-basic' });
    expect(path.basename(lockPathFor(file))).toBe('.lock-basic.quench.json.lock');
    expect(seen).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'quench run lock-basic' });
    expect(Date.parse(seen.since)).not.toBeNaN();
    expect(fs.existsSync(lockPathFor(file))).toBe(false);
  });

  it('makes a second writer wait while a live process holds it, and fail naming the holder when it does not let go', async () => {
    const file = fresh('lock-held.quench.json');
    const holder = liveProcess();
    try {
      fs.writeFileSync(lockPathFor(file), JSON.stringify({ pid: holder.pid, host: os.hostname(), command: 'quench run lock-held.quench.json --experiment bell', since: new Date().toISOString(), token: 't' }));
      const r = tryLock(file);
      expect('release' in r).toBe(false);
      const err = await acquireLock(file, { waitMs: 300 }).catch((e) => e);
      expect(err).toBeInstanceOf(FileLockedError);
      expect(err.message).toContain(`pid ${holder.pid} on ${os.hostname()} (quench run lock-held.quench.json --experiment bell)`);
      expect(err.message).toContain(lockPathFor(file));
      // the lock is still the holder's
      expect(JSON.parse(fs.readFileSync(lockPathFor(file), 'utf8')).pid).toBe(holder.pid);

      // a writer that waits gets the lock once the holder lets go
      let done = false;
      const waiting = withFileLock(file, () => (done = true), { waitMs: 60_000 });
      await new Promise((r) => setTimeout(r, 200));
      expect(done).toBe(false);
      fs.rmSync(lockPathFor(file));
      await waiting;
      expect(done).toBe(true);
    } finally {
      await holder.stop();
    }
  });

  it('takes over a stale lock: a dead pid on this host at once, an old lock from another host after STALE_MS', async () => {
    const file = fresh('lock-stale.quench.json');
    const dead = await deadPid();
    fs.writeFileSync(lockPathFor(file), JSON.stringify({ pid: dead, host: os.hostname(), command: 'quench run (killed)', since: new Date().toISOString(), token: 'old' }));
    const lock = await acquireLock(file, { waitMs: 0 });
    expect(JSON.parse(fs.readFileSync(lockPathFor(file), 'utf8')).pid).toBe(process.pid);
    lock.release();

    // another machine's pid cannot be checked from here: its lock counts as live until it is older than any write could take
    fs.writeFileSync(lockPathFor(file), JSON.stringify({ pid: dead, host: 'some-other-host', command: 'quench serve', since: new Date().toISOString(), token: 'remote' }));
    await expect(acquireLock(file, { waitMs: 100 })).rejects.toThrow(/pid \d+ on some-other-host \(quench serve\)/);
    const old = (Date.now() - STALE_MS - 10_000) / 1000;
    fs.utimesSync(lockPathFor(file), old, old);
    (await acquireLock(file, { waitMs: 0 })).release();
    expect(fs.existsSync(lockPathFor(file))).toBe(false);
  });

  it('is released by its holder only: a lock taken over meanwhile is left to its new holder', async () => {
    const file = fresh('lock-release.quench.json');
    const mine = await acquireLock(file);
    fs.writeFileSync(lockPathFor(file), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'someone else', since: new Date().toISOString(), token: 'theirs' }));
    mine.release();
    expect(JSON.parse(fs.readFileSync(lockPathFor(file), 'utf8')).token).toBe('theirs');
  });
});

describe('merging results of two writers', () => {
  const base = (): Project => ({ ...loadProject(example), runs: [run('a'), run('b')] });

  it('takes in what the other writer added, drops what it deleted, and never brings back what this one deleted', () => {
    const file = base();
    const known = resultKeys(file), inFile = resultKeys(file);
    const ours: Project = structuredClone(file);
    ours.runs = ours.runs.filter((r) => r.id !== 'a'); // deleted here
    ours.runs.push(run('mine')); // made here, not written yet
    known.add('run:mine');
    const disk: Project = structuredClone(file);
    disk.runs = disk.runs.filter((r) => r.id !== 'b'); // deleted there
    disk.runs.push(run('theirs', 'qaoa'));
    const counts = mergeResults(ours, disk, inFile, known);
    expect(ours.runs.map((r) => r.id).sort()).toEqual(['mine', 'theirs']);
    expect(counts).toMatchObject({ added: 1, removed: 1 });
  });

  it('brings the experiment a taken-in run needs', () => {
    const ours: Project = { ...loadProject(example), runs: [] };
    ours.experiments = ours.experiments.filter((e) => e.id !== 'qaoa');
    const disk: Project = { ...loadProject(example), runs: [run('theirs', 'qaoa')] };
    const counts = mergeResults(ours, disk, new Set(), new Set());
    expect(counts.experiments).toBe(1);
    expect(ours.experiments.some((e) => e.id === 'qaoa')).toBe(true);
    expect(() => parseProject(JSON.stringify(ours))).not.toThrow();
  });

  it('saves edits of both writers: what this one changed wins, what only the other changed is kept', () => {
    const base = loadProject(example);
    const rename = (p: Project, id: string, name: string) => ({ ...p, experiments: p.experiments.map((e) => (e.id === id ? { ...e, name } : e)) });
    const mine = rename(base, 'qaoa', 'QAOA here');
    const disk = { ...rename(base, 'vqe', 'VQE there'), name: 'Renamed there', experiments: rename(base, 'vqe', 'VQE there').experiments.filter((e) => e.id !== 'qnn') };
    const merged = mergeDefinitions(mine, base, disk);
    expect(merged.name).toBe('Renamed there');
    const names = Object.fromEntries(merged.experiments.map((e) => [e.id, e.name]));
    expect(names).toMatchObject({ qaoa: 'QAOA here', vqe: 'VQE there' });
    expect(names.qnn).toBeUndefined(); // deleted there, untouched here
  });

  it('gives result ids a random suffix, so two writers in the same millisecond never collide', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('bell')));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^bell-[0-9a-z]+-[0-9a-f]{6}$/);
  });
});

describe('temp files of interrupted saves', () => {
  it('removes a dead writer\'s temp file on open and on save, never a live one\'s', async () => {
    const file = fresh('temps.quench.json');
    const dead = await deadPid();
    const holder = liveProcess();
    try {
      const now = Date.now();
      const make = (name: string, ageMs: number) => {
        const full = path.join(dir, name);
        fs.writeFileSync(full, '{"half":');
        const t = (now - ageMs) / 1000;
        fs.utimesSync(full, t, t);
        return name;
      };
      const deadOld = make(`.temps.quench.json.${dead}.${now - 120_000}.tmp`, TEMP_GRACE_MS + 60_000);
      const deadJustNow = make(`.temps.quench.json.${dead}.${now}.tmp`, 0); // maybe a writer on another machine, still writing
      const liveOld = make(`.temps.quench.json.${holder.pid}.${now - 120_000}.tmp`, TEMP_GRACE_MS + 60_000);
      const ancient = make(`.temps.quench.json.${holder.pid}.${now - TEMP_MAX_AGE_MS}.tmp`, TEMP_MAX_AGE_MS + 60_000);
      const otherFile = make(`.other.quench.json.${dead}.${now - 120_000}.tmp`, TEMP_GRACE_MS + 60_000);
      const notOurs = make(`.temps.quench.json.notes.tmp`, TEMP_MAX_AGE_MS + 60_000);

      loadProject(file);
      const left = fs.readdirSync(dir);
      expect(left).not.toContain(deadOld);
      expect(left).not.toContain(ancient);
      for (const kept of [deadJustNow, liveOld, otherFile, notOurs]) expect(left).toContain(kept);

      // a save cleans up the same way (here: the dead writer's file, once it is past the grace time)
      const t = (now - TEMP_GRACE_MS - 60_000) / 1000;
      fs.utimesSync(path.join(dir, deadJustNow), t, t);
      saveProjectAtomic(file, loadProject(example));
      expect(fs.readdirSync(dir)).not.toContain(deadJustNow);
      expect(fs.readdirSync(dir)).toContain(liveOld);
      expect(removeStaleTempFiles(file)).toEqual([]);
    } finally {
      await holder.stop();
    }
  });
});

describe('a save that cannot happen', () => {
  it('names the file and the reason in words, and leaves the old content and no temp file', () => {
    const missing = path.join(dir, 'no-such-folder', 'x.quench.json');
    expect(() => writeFileAtomic(missing, '{}')).toThrow(`cannot write ${missing}: the folder ${path.dirname(missing)} does not exist`);
    // a rename onto a folder fails after the temp file was written: the temp file goes, the folder stays
    const folder = path.join(dir, 'a-folder.quench.json');
    fs.mkdirSync(folder);
    expect(() => writeFileAtomic(folder, '{}')).toThrow(/^cannot write .*a-folder\.quench\.json: it is a directory \(EISDIR\)$/);
    expect(fs.statSync(folder).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.a-folder'))).toEqual([]);
  });

  it('is refused before the work by checkCanSave, which leaves nothing behind where it can', () => {
    const missing = path.join(dir, 'no-such-folder', 'x.quench.json');
    expect(() => checkCanSave(missing, '--save')).toThrow(UsageError);
    expect(() => checkCanSave(missing, '--save')).toThrow(`--save: cannot write ${missing}: the folder ${path.dirname(missing)} does not exist`);
    expect(() => checkCanSave(dir, '--save')).toThrow(`--save: ${dir} is a folder, not a file`);
    const before = fs.readdirSync(dir).sort();
    checkCanSave(path.join(dir, 'new.quench.json'), '--save');
    checkCanSave(fresh('existing.quench.json'), '--save');
    expect(fs.readdirSync(dir).sort()).toEqual([...before, 'existing.quench.json'].sort());
  });
});

describe("keys JSON.parse keeps but schemas drop: '__proto__'", () => {
  const text = (mutate: (p: any) => void, marker: string) => {
    const p = JSON.parse(fs.readFileSync(example, 'utf8'));
    mutate(p);
    // JSON.stringify cannot write an own __proto__ key from an object literal: put it in the text, as a file would have it
    return JSON.stringify(p).replace(`"${marker}"`, '"__proto__"');
  };

  it('refuses a project file with one in overrides, params or a sweep grid, naming where', () => {
    const r = { ...run('r1'), overrides: { PROTO_MARK: 64 } };
    expect(() => parseProject(text((p) => (p.runs = [r]), 'PROTO_MARK'), 'x.quench.json')).toThrow(
      "x.quench.json: runs[0].overrides: '__proto__' is not a parameter of any experiment; remove that key",
    );
    expect(() => parseProject(text((p) => (p.experiments[1].params.PROTO_MARK = { polluted: true }), 'PROTO_MARK'), 'x.quench.json')).toThrow(
      /x\.quench\.json: experiments\[1\]\.params: '__proto__' is not a parameter of any experiment/,
    );
    const sweep = { id: 's1', experimentId: 'bell', name: 'n', createdAt: new Date().toISOString(), grid: { PROTO_MARK: [1] }, runIds: ['r1'] };
    expect(() => parseProject(text((p) => (p.sweeps = [sweep]), 'PROTO_MARK'), 'x.quench.json')).toThrow(/sweeps\[0\]\.grid: '__proto__'/);
    expect(() => parseProject(text((p) => (p.PROTO_MARK = {}), 'PROTO_MARK'), 'x.quench.json')).toThrow(/x\.quench\.json: '__proto__' is not allowed as a key/);
    // 'constructor' and 'prototype' are kept by the schemas, so they are refused by name too
    expect(() => parseProject(JSON.stringify({ ...JSON.parse(fs.readFileSync(example, 'utf8')), runs: [{ ...run('r1'), overrides: { constructor: 1 } }] }), 'x.quench.json')).toThrow(
      "x.quench.json: runs[0].overrides.constructor: 'constructor' is not a parameter of any experiment",
    );
  });

  it('refuses it in overrides and grids passed to the API and to withOverrides, naming the experiment', () => {
    const bell = loadProject(example).experiments.find((e) => e.id === 'bell')!;
    const overrides = JSON.parse('{"__proto__": 64}');
    expect(() => withOverrides(bell, overrides, "runExperiment: argument 'options': overrides")).toThrow(OverrideError);
    expect(() => withOverrides(bell, overrides, "runExperiment: argument 'options': overrides")).toThrow(
      /^runExperiment: argument 'options': overrides: '__proto__' is not a parameter of experiment 'bell' \(circuit; its parameters: qasm, observables, shots, seed\)$/,
    );
    expect(() => withOverrides(bell, { constructor: 1 } as never)).toThrow(/'constructor' is not a parameter of experiment 'bell'/);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('not refused');
    };
    const e1 = err(() => parseArgs('runExperiment', ['bell', JSON.parse('{"overrides": {"__proto__": 64}}')]));
    expect(e1.code).toBe('bad-argument');
    expect(e1.message).toBe("runExperiment: argument 'options': overrides: '__proto__' is not a parameter of any experiment; remove that key");
    expect(err(() => parseArgs('runSweep', [JSON.parse('{"experimentId": "qgan", "grid": {"__proto__": [1]}}')])).message).toMatch(/runSweep: argument 'request': grid: '__proto__'/);
    expect(err(() => parseArgs('runSweep', [{ experimentId: 'qgan', grid: { prototype: [1] } }])).message).toMatch(/grid\.prototype: 'prototype' is not a parameter/);
  });
});
