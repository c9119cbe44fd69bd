// Jobs without a cluster: the plan, the job folder and its batch script
// (--dry-run), run-item run by hand (results, idempotence, error records,
// corrupt files), the script's own error record when Quench cannot start,
// status and collect. The same against a real Slurm: test/slurm/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItemError, ItemResult, JobManifest } from '../../src-shared/jobs/manifest';
import { JobPlanError, planJob } from '../../src-shared/jobs/plan';
import { parseProject, type Project } from '../../src-shared/project/schema';
import { indexRanges, shellQuote } from '../../src-main/scheduler/scheduler';
import { parseSacct, parseSqueue, SlurmScheduler } from '../../src-main/scheduler/slurm';
import { jobPaths } from '../../src-main/jobs/folder';
import { collectJob } from '../../src-main/jobs/collect';
import { acquireLock } from '../../src-main/project/lock';
import { quench } from './cli-in-process';

const root = path.resolve(__dirname, '../..');
let tmp: string;

/** A tiny project: a CV GAN that runs in a fraction of a second, a sweep over it, and a circuit that cannot parse. */
function tinyProject(): Project {
  return parseProject(
    JSON.stringify({
      format: 'quench-project', version: 2, name: 'Tiny',
      experiments: [
        { id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 2, cutoff: 3, layers: 1, batches: [2], repeats: 2 } },
        { id: 'bad', name: 'a circuit that does not parse', kind: 'circuit', params: { qasm: 'OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n' } },
      ],
      runs: [],
      sweeps: [{ id: 'grid', experimentId: 'qgan', name: 'cutoff × batches', createdAt: '2026-01-01T00:00:00.000Z', grid: { cutoff: [3, 4], batches: [[1], [2]] }, runIds: [] }],
      benchmarks: [],
    }),
  );
}

function writeProject(name: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(tinyProject(), null, 2));
  return file;
}

async function dryRun(file: string, ...args: string[]) {
  const r = await quench('submit', file, '--slurm', '--dry-run', '--json', '--jobs-dir', path.join(tmp, 'jobs'), ...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { jobDir: string; id: string; items: number; script: string; dryRun: true };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-jobs-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the plan', () => {
  it('makes one work item per grid point, with stable ids and the point as overrides', () => {
    const { work, items } = planJob(tinyProject(), { kind: 'sweep', sweepId: 'grid' }, 'job-1');
    expect(items.map((i) => [i.id, i.index])).toEqual([['point-0000', 0], ['point-0001', 1], ['point-0002', 2], ['point-0003', 3]]);
    expect(items[3].overrides).toEqual({ cutoff: 4, batches: [2] });
    expect(items[1].label).toBe('cutoff=3, batches=[2]');
    // the job fills the project's own sweep record
    expect(work).toMatchObject({ kind: 'sweep', experimentId: 'qgan', sweep: { id: 'grid', name: 'cutoff × batches', from: 'grid' } });
    // the same plan twice: the same ids
    expect(planJob(tinyProject(), { kind: 'sweep', sweepId: 'grid' }, 'job-1').items).toEqual(items);
  });

  it('makes N items for --repeats N, and one per node run of the gates benchmark', () => {
    const reps = planJob(tinyProject(), { kind: 'experiment', experimentId: 'qgan', repeats: 3 }, 'j').items;
    expect(reps.map((i) => [i.id, i.repetition])).toEqual([['rep-0000', 1], ['rep-0001', 2], ['rep-0002', 3]]);
    const bench = planJob(tinyProject(), { kind: 'bench-gates', options: { backend: 'native', qubits: [10], precision: ['f64'], threads: [1], repeats: 3, isa: 'auto' }, runs: 2 }, 'j');
    expect(bench.items.map((i) => i.id)).toEqual(['gates-0000', 'gates-0001']);
  });

  it('names what is wrong: an unknown sweep or experiment, a grid point the experiment cannot take', () => {
    expect(() => planJob(tinyProject(), { kind: 'sweep', sweepId: 'nope' }, 'j')).toThrow(/no sweep 'nope' \(it has: grid\)/);
    expect(() => planJob(tinyProject(), { kind: 'experiment', experimentId: 'vqe' }, 'j')).toThrow(/no experiment 'vqe' \(it has: qgan, bad\)/);
    const p = tinyProject();
    p.sweeps[0].grid = { cutoff: [3, 99] };
    expect(() => planJob(p, { kind: 'sweep', sweepId: 'grid' }, 'j')).toThrow(JobPlanError);
    expect(() => planJob(p, { kind: 'sweep', sweepId: 'grid' }, 'j')).toThrow(/cutoff=99.*cutoff/);
  });
});

describe('Slurm, without a cluster', () => {
  it('writes array ranges and parses squeue and sacct', () => {
    expect(indexRanges([3, 0, 1, 2, 7, 9, 10])).toBe('0-3,7,9-10');
    expect(shellQuote('/a/b c')).toBe("'/a/b c'");
    expect(parseSqueue('12|0|12_0|COMPLETED|vm|None\n12|3|12_3|PENDING||JobArrayTaskLimit\n13|N/A|13|RUNNING|vm|None\n12|4|12_4|CANCELLED||JobArrayTaskLimit\n')).toEqual([
      { jobId: '12', index: 0, taskId: '12_0', state: 'COMPLETED', phase: 'ended-ok', node: 'vm' },
      { jobId: '12', index: 3, taskId: '12_3', state: 'PENDING', phase: 'pending', reason: 'JobArrayTaskLimit' },
      // cancelled while it waited: the waiting reason is not how it ended
      { jobId: '12', index: 4, taskId: '12_4', state: 'CANCELLED', phase: 'ended-failed' },
    ]);
    expect(parseSacct('12_1|CANCELLED by 0|node7|0:15\n12_[4-5]|PENDING|None assigned|0:0\n')).toEqual([
      { jobId: '12', index: 1, taskId: '12_1', state: 'CANCELLED', phase: 'ended-failed', node: 'node7', reason: 'exit code 0:15' },
    ]);
  });

  it("reads what a real Slurm printed (test/fixtures/slurm): waiting, running, completed, failed and cancelled tasks", () => {
    const lines = fs.readFileSync(path.join(root, 'test/fixtures/slurm/squeue-22.05.txt'), 'utf8');
    const tasks = parseSqueue(lines);
    expect(tasks).toHaveLength(11);
    const seen = tasks.map((t) => `${t.taskId} ${t.state} ${t.phase}${t.reason ? ` (${t.reason})` : ''}${t.node ? ` on ${t.node}` : ''}`);
    expect(seen).toEqual([
      '76_0 FAILED ended-failed (NonZeroExitCode) on vm',
      '74_1 PENDING pending (JobArrayTaskLimit)',
      '74_2 PENDING pending (JobArrayTaskLimit)',
      '77_0 PENDING pending (Resources)',
      '74_0 RUNNING running on vm',
      '74_1 COMPLETED ended-ok on vm',
      '74_0 COMPLETED ended-ok on vm',
      '77_0 COMPLETED ended-ok on vm',
      '74_2 RUNNING running on vm',
      // cancelled while it waited: the waiting reason is not how it ended
      '79_1 CANCELLED ended-failed',
      '79_0 CANCELLED ended-failed on vm',
    ]);
    expect(tasks.every((t) => t.jobId === t.taskId.split('_')[0] && t.index === Number(t.taskId.split('_')[1]))).toBe(true);
  });

  it("asks the real commands' way: squeue's states, and sacct's refusal where the cluster keeps no accounting", async () => {
    // Stand-ins for squeue and sacct that print what the real ones printed (test/fixtures/slurm).
    const bin = path.join(tmp, 'fake-slurm-bin');
    fs.mkdirSync(bin, { recursive: true });
    const fixture = (name: string) => path.join(root, 'test/fixtures/slurm', name);
    fs.writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\ncase "$*" in *" 99999 "*) cat ${fixture('squeue-invalid-job.txt')} >&2; exit 1 ;; esac\ncat ${fixture('squeue-22.05.txt')}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sacct'), `#!/bin/sh\ncat ${fixture('sacct-no-accounting.txt')} >&2\nexit 1\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      const r = await new SlurmScheduler().status(['74', '79']);
      expect(r.notes).toEqual([]);
      expect(r.forgets).toBe('sacct: Slurm accounting storage is disabled; Slurm forgets a task minutes after it ends (MinJobAge)');
      // one entry per task (the fixture holds three moments: the latest line stands)
      expect(r.tasks.filter((t) => t.taskId === '74_1')).toMatchObject([{ state: 'COMPLETED', phase: 'ended-ok' }]);
      expect(r.tasks.find((t) => t.taskId === '76_0')).toMatchObject({ state: 'FAILED', phase: 'ended-failed', reason: 'NonZeroExitCode' });
      // a job the controller has forgotten: no tasks, and nothing to note (sacct is what might know it)
      const gone = await new SlurmScheduler().status(['99999']);
      expect(gone.tasks).toEqual([]);
      expect(gone.notes).toEqual([]);
      // no configuration to be found: Slurm could not be asked at all, and says why in one line
      fs.writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\ncat ${fixture('squeue-no-configuration.txt')} >&2\nexit 1\n`, { mode: 0o755 });
      await expect(new SlurmScheduler().status(['74'])).rejects.toThrow(/^squeue could not ask Slurm \(Could not establish a configuration source\)$/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('refuses resources Slurm would not take, naming the option', () => {
    const s = new SlurmScheduler();
    const ok = { cpusPerTask: 1, setup: [] };
    expect(() => s.checkResources({ ...ok, time: '1 hour' })).toThrow(/--time '1 hour'/);
    expect(() => s.checkResources({ ...ok, mem: 'lots' })).toThrow(/--mem 'lots'/);
    expect(() => s.checkResources({ ...ok, partition: 'a b' })).toThrow(/--partition/);
    expect(() => s.checkResources({ ...ok, time: '1-12:00:00', mem: '8G', partition: 'debug' })).not.toThrow();
  });
});

describe('quench submit --dry-run', () => {
  it('writes a self-describing job folder and a job array script for a real cluster', async () => {
    const file = writeProject('sweep.quench.json');
    const r = await quench('submit', file, '--sweep', 'grid', '--slurm', '--dry-run', '--jobs-dir', path.join(tmp, 'jobs'),
      '--partition', 'debug', '--time', '10:00', '--cpus-per-task', '2', '--mem', '2G', '--array-max', '2', '--setup', 'module load nodejs/20');
    expect(r.code, r.stderr).toBe(0);
    const dir = /Job folder: (.*)/.exec(r.stderr)![1];
    expect(path.basename(dir)).toMatch(/^qgan-sweep-\d{8}-\d{6}$/);
    const script = r.stdout;
    expect(fs.readFileSync(path.join(dir, 'submit.sbatch'), 'utf8')).toBe(script);
    for (const line of ['#!/bin/bash', '#SBATCH --array=0-3%2', '#SBATCH --partition=debug', '#SBATCH --time=10:00', '#SBATCH --cpus-per-task=2', '#SBATCH --mem=2G',
      `#SBATCH --chdir=${dir}`, `#SBATCH --output=${dir}/logs/%A_%a.out`, `#SBATCH --error=${dir}/logs/%A_%a.err`, 'module load nodejs/20',
      'export QUENCH_THREADS="${SLURM_CPUS_PER_TASK:-1}"', `"\${QUENCH_NODE:-node}" ${path.join(root, 'bin/quench.js')} run-item ${dir} --work-item "$task"`])
      expect(script.split('\n'), line).toContain(line);
    expect(script).not.toContain('--exclusive');
    // the folder: manifest, snapshot without results, results/ and logs/
    const manifest = JobManifest.parse(readJson(path.join(dir, 'manifest.json')));
    expect(manifest.items).toHaveLength(4);
    expect(manifest.submissions).toEqual([]);
    expect(manifest.projectFile).toBe(file);
    expect(manifest.resources).toMatchObject({ partition: 'debug', cpusPerTask: 2, arrayMax: 2 });
    const snapshot = parseProject(fs.readFileSync(path.join(dir, 'project.quench.json'), 'utf8'));
    expect(snapshot.experiments.map((e) => e.id)).toEqual(['qgan', 'bad']);
    expect(snapshot.sweeps).toEqual([]);
    expect(fs.statSync(path.join(dir, 'results')).isDirectory() && fs.statSync(path.join(dir, 'logs')).isDirectory()).toBe(true);
    // the script is valid bash
    expect(spawnSync('bash', ['-n', path.join(dir, 'submit.sbatch')]).status).toBe(0);
  });

  it('gives a benchmark its node to itself', async () => {
    const job = await dryRun(writeProject('bench.quench.json'), '--bench', 'gates', '--qubits', '10,12', '--repeats', '2');
    const script = fs.readFileSync(job.script, 'utf8');
    expect(script).toContain('#SBATCH --exclusive');
    expect(script).toContain('#SBATCH --array=0-1\n');
    expect(JobManifest.parse(readJson(path.join(job.jobDir, 'manifest.json'))).work).toMatchObject({ kind: 'bench-gates', runs: 2, options: { qubits: [10, 12] } });
  });

  it('refuses bad requests with exit code 2, naming what was wrong, and writes nothing', async () => {
    const file = writeProject('bad-requests.quench.json');
    const jobs = path.join(tmp, 'bad-jobs');
    const cases: [string[], RegExp][] = [
      [['--sweep', 'grid'], /--slurm/],
      [['--sweep', 'nope', '--slurm'], /has no sweep 'nope' \(it has: grid\)/],
      [['--experiment', 'nope', '--slurm'], /has no experiment 'nope'/],
      [['--sweep', 'grid', '--experiment', 'qgan', '--slurm'], /give one of --sweep, --experiment/],
      [['--slurm'], /say what to run/],
      [['--bench', 'seed', '--slurm'], /--bench 'seed'/],
      [['--sweep', 'grid', '--slurm', '--time', 'soon'], /--time 'soon'/],
      [['--experiment', 'bad', '--slurm'], /experiment 'bad': .*foo/],
    ];
    for (const [args, message] of cases) {
      const r = await quench('submit', file, '--jobs-dir', jobs, '--dry-run', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(fs.existsSync(jobs)).toBe(false);
    // A grid point the schema takes but the engine would refuse on the node (latent 4 > 2 × modes 1).
    const p = tinyProject();
    p.sweeps.push({ id: 'modes', experimentId: 'qgan', name: 'modes', createdAt: '2026-01-01T00:00:00.000Z', grid: { modes: [2, 1] }, runIds: [] });
    const modes = path.join(tmp, 'modes.quench.json');
    fs.writeFileSync(modes, JSON.stringify(p, null, 2));
    const r = await quench('submit', modes, '--sweep', 'modes', '--slurm', '--dry-run', '--jobs-dir', jobs);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/modes=1 of experiment 'qgan': latent: at most 2 × modes = 2/);
    expect(fs.existsSync(jobs)).toBe(false);
    const missing = await quench('submit', path.join(tmp, 'none.quench.json'), '--sweep', 'grid', '--slurm');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*none\.quench\.json/);
  });

  it('refuses a job folder whose path #SBATCH lines cannot carry, before writing anything', async () => {
    const jobs = path.join(tmp, 'with space');
    const r = await quench('submit', writeProject('space.quench.json'), '--experiment', 'qgan', '--slurm', '--dry-run', '--jobs-dir', jobs);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has a character Slurm's #SBATCH lines cannot carry .*--jobs-dir/);
    expect(fs.existsSync(jobs)).toBe(false);
  });

  it('says when sbatch is missing, and keeps the job folder to submit later', async () => {
    const file = writeProject('no-sbatch.quench.json');
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'empty-path');
    try {
      const r = await quench('submit', file, '--experiment', 'qgan', '--slurm', '--jobs-dir', path.join(tmp, 'no-sbatch-jobs'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/sbatch was not found on PATH/);
      expect(r.stderr).toMatch(/The job folder is kept: .*quench resubmit/);
    } finally {
      process.env.PATH = saved;
    }
    const [dir] = fs.readdirSync(path.join(tmp, 'no-sbatch-jobs'));
    const job = path.join(tmp, 'no-sbatch-jobs', dir);
    expect(fs.existsSync(path.join(job, 'manifest.json'))).toBe(true);
    // resubmit sends every item of a job never submitted, with resources changed on the way
    const re = await quench('resubmit', job, '--dry-run', '--time', '2:00:00', '--partition', 'long');
    expect(re.code, re.stderr).toBe(0);
    expect(re.stdout).toContain('#SBATCH --time=2:00:00\n');
    expect(re.stdout).toContain('#SBATCH --partition=long\n');
    expect(re.stdout).toContain('#SBATCH --array=0\n');
    const bad = await quench('resubmit', job, '--dry-run', '--time', 'later');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--time 'later'/);
  });
});

describe('run-item, status and collect (by hand, no scheduler)', () => {
  let file: string;
  let sweepJob: { jobDir: string; id: string };

  beforeAll(async () => {
    file = writeProject('runs.quench.json');
    sweepJob = await dryRun(file, '--sweep', 'grid');
  });

  it('runs a work item to results/<item>.json with the node and the run ready for the project', async () => {
    const saved = process.env.QUENCH_THREADS;
    process.env.QUENCH_THREADS = '1';
    let r;
    try {
      r = await quench('run-item', sweepJob.jobDir, '--work-item', '1', '--json');
    } finally {
      if (saved === undefined) delete process.env.QUENCH_THREADS;
      else process.env.QUENCH_THREADS = saved;
    }
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ item: 'point-0001', state: 'done' });
    const result = ItemResult.parse(readJson(path.join(sweepJob.jobDir, 'results/point-0001.json')));
    expect(result.node).toMatchObject({ host: os.hostname(), logicalCores: expect.any(Number), memoryBytes: os.totalmem(), isa: expect.any(String) });
    expect(result.run).toMatchObject({ id: `${sweepJob.id}-point-0001`, experimentId: 'qgan', status: 'completed', overrides: { cutoff: 3, batches: [2] }, sweepId: 'grid' });
    expect(result.run!.result!.env).toMatchObject({ host: os.hostname(), threads: 1, threadsChosen: 'default: QUENCH_THREADS=1' });
    expect(result.run!.result!.params).toMatchObject({ cutoff: 3, batches: [2] });
    // no temp files left beside it
    expect(fs.readdirSync(path.join(sweepJob.jobDir, 'results'))).toEqual(['point-0001.json']);
  });

  it('keeps a finished item on a re-run, and runs it again only when forced (keeping the old result)', async () => {
    const f = path.join(sweepJob.jobDir, 'results/point-0001.json');
    const before = fs.readFileSync(f, 'utf8');
    const again = await quench('run-item', sweepJob.jobDir, '--work-item', 'point-0001');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already done/);
    expect(fs.readFileSync(f, 'utf8')).toBe(before);
    const forced = await quench('run-item', sweepJob.jobDir, '--work-item', 'point-0001', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(f, 'utf8')).not.toBe(before);
    const kept = fs.readdirSync(path.join(sweepJob.jobDir, 'results/attempts'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(sweepJob.jobDir, 'results/attempts', kept[0]), 'utf8')).toBe(before);
  });

  it('leaves an error record, not a hole, when the work item fails', async () => {
    // Submit refuses an experiment that cannot run (below); here the folder's snapshot is
    // changed after submitting (as by hand), so the node meets a circuit that does not parse.
    const job = await dryRun(file, '--experiment', 'qgan', '--repeats', '2');
    const snapshot = jobPaths(job.jobDir).snapshot;
    const snap = readJson(snapshot);
    snap.experiments = snap.experiments.map((e: { id: string }) => (e.id === 'qgan' ? { id: 'qgan', name: 'now a circuit', kind: 'circuit', params: { qasm: 'OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n' } } : e));
    fs.writeFileSync(snapshot, JSON.stringify(snap));
    const before = Date.now() - 1000; // the record's time is when it failed: after this (whole seconds allowed)
    const r = await quench('run-item', job.jobDir, '--work-item', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✗ rep-0000/);
    const rec = ItemError.parse(readJson(path.join(job.jobDir, 'results/rep-0000.error.json')));
    expect(rec.message).toMatch(/foo/);
    expect(rec.node?.host).toBe(os.hostname());
    expect(Date.parse(rec.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(rec.time)).toBeLessThanOrEqual(Date.now());
    expect(fs.existsSync(path.join(job.jobDir, 'results/rep-0000.json'))).toBe(false);
    // a second attempt keeps the first one's record under attempts/
    expect((await quench('run-item', job.jobDir, '--work-item', 'rep-0000')).code).toBe(1);
    expect(fs.readdirSync(path.join(job.jobDir, 'results/attempts')).some((n) => n.startsWith('rep-0000.') && n.endsWith('.error.json'))).toBe(true);
    const status = JSON.parse((await quench('status', job.jobDir, '--json')).stdout);
    expect(status.items.map((i: { state: string }) => i.state)).toEqual(['failed', 'missing']);
    expect(status.items[0].error).toMatch(/foo/);
    expect(status.items[1].error).toBe('never submitted');
  });

  it('writes its own error record from the batch script when Quench cannot even start', () => {
    const job = sweepJob.jobDir;
    const env = { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_JOB_ID: '78', SLURM_ARRAY_JOB_ID: '77', QUENCH_NODE: path.join(tmp, 'no-such-node') };
    const r = spawnSync('bash', [path.join(job, 'submit.sbatch')], { cwd: job, env, encoding: 'utf8' });
    expect(r.status).toBe(127);
    const rec = ItemError.parse(readJson(path.join(job, 'results/point-0002.error.json')));
    expect(rec).toMatchObject({ itemId: 'point-0002', index: 2, exitCode: 127, node: { slurm: { jobId: '78', arrayJobId: '77', arrayTaskId: '2' } } });
    expect(rec.message).toMatch(/node was not found.*log: logs\/77_2\.err/);
  });

  it('runs the batch script as a task would (real node, the built command line)', () => {
    const job = sweepJob.jobDir;
    const env = { ...process.env, SLURM_ARRAY_TASK_ID: '2', SLURM_JOB_ID: '79', SLURM_ARRAY_JOB_ID: '79', SLURM_CPUS_PER_TASK: '1', QUENCH_NODE: process.execPath };
    const r = spawnSync('bash', [path.join(job, 'submit.sbatch')], { cwd: job, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const result = ItemResult.parse(readJson(path.join(job, 'results/point-0002.json')));
    expect(result.node.slurm).toEqual({ jobId: '79', arrayJobId: '79', arrayTaskId: '2' });
    expect(result.run!.result!.env.slurm).toEqual({ jobId: '79', arrayJobId: '79', arrayTaskId: '2' });
    // the failed attempt before it is kept, and its record no longer stands for the item
    expect(fs.existsSync(path.join(job, 'results/point-0002.error.json'))).toBe(false);
    expect(fs.readdirSync(path.join(job, 'results/attempts')).some((n) => n.startsWith('point-0002.'))).toBe(true);
  });

  it('reports a corrupt result file as failed and never merges it; run-item moves it aside and runs again', async () => {
    fs.writeFileSync(path.join(sweepJob.jobDir, 'results/point-0003.json'), '{"format": "quench-job-result", "trunc');
    const r = await quench('collect', sweepJob.jobDir, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const states = Object.fromEntries(out.status.items.map((i: { id: string; state: string }) => [i.id, i.state]));
    expect(states).toEqual({ 'point-0000': 'missing', 'point-0001': 'done', 'point-0002': 'done', 'point-0003': 'failed' });
    expect(out.status.items[3].error).toMatch(/corrupt result file: .*point-0003\.json is not valid JSON/);
    expect(out.added).toBe(2);
    const fixed = await quench('run-item', sweepJob.jobDir, '--work-item', '3');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toMatch(/kept the earlier file as .*attempts\/point-0003\.\d+\.corrupt\.json/);
  });

  it("collects into the project once: the runs by id, each listed once in the project's own sweep", async () => {
    expect((await quench('run-item', sweepJob.jobDir, '--work-item', '0')).code).toBe(0);
    const first = JSON.parse((await quench('collect', sweepJob.jobDir, '--json')).stdout);
    expect(first).toMatchObject({ added: 2, alreadyThere: 2, sweep: { id: 'grid', action: 'extended' } });
    expect(first.status.counts).toMatchObject({ done: 4, failed: 0, missing: 0 });
    const again = await quench('collect', sweepJob.jobDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 added, 4 already there; sweep grid unchanged/);
    const p = parseProject(fs.readFileSync(file, 'utf8'));
    const ids = p.runs.map((r) => r.id);
    expect(ids.sort()).toEqual([0, 1, 2, 3].map((i) => `${sweepJob.id}-point-000${i}`));
    // the sweep record is the project's own (its name and time as they were), not a new one
    expect(p.sweeps).toHaveLength(1);
    expect(p.sweeps[0]).toMatchObject({ id: 'grid', name: 'cutoff × batches', createdAt: '2026-01-01T00:00:00.000Z', grid: tinyProject().sweeps[0].grid });
    expect([...p.sweeps[0].runIds].sort()).toEqual(ids);
    expect(p.runs.every((r) => r.sweepId === 'grid' && r.result?.env.host === os.hostname())).toBe(true);
  });

  it('collects into another project, bringing the experiment and the sweep the runs need', async () => {
    const other = path.join(tmp, 'other.quench.json');
    fs.writeFileSync(other, JSON.stringify({ format: 'quench-project', version: 2, name: 'Other', experiments: [] }));
    const r = JSON.parse((await quench('collect', sweepJob.jobDir, '--into', other, '--json')).stdout);
    expect(r).toMatchObject({ added: 4, experimentsAdded: ['qgan'], sweep: { id: 'grid', action: 'created' } });
    const p = parseProject(fs.readFileSync(other, 'utf8'));
    expect(p.runs).toHaveLength(4);
    expect(p.sweeps).toMatchObject([{ id: 'grid', experimentId: 'qgan', grid: tinyProject().sweeps[0].grid }]);
    expect(p.sweeps[0].runIds).toHaveLength(4);
  });

  it("fills a sweep that has runs already, keeping them; a job folder of the first version fills the project's sweep too", async () => {
    const into = path.join(tmp, 'earlier.quench.json');
    const project = tinyProject();
    // the sweep was run here before: one run of its first point, on this machine
    const local = parseProject(fs.readFileSync(file, 'utf8')).runs.find((r) => r.id.endsWith('point-0000'))!;
    project.runs = [{ ...local, id: 'local-run-1' }];
    project.sweeps[0].runIds = ['local-run-1'];
    fs.writeFileSync(into, JSON.stringify(project));
    // what quench submit wrote before jobs filled the project's sweep: a record of the job's own, named after it
    const old = path.join(tmp, 'jobs', 'old-layout');
    fs.cpSync(sweepJob.jobDir, old, { recursive: true });
    const m = readJson(path.join(old, 'manifest.json'));
    m.work.sweep = { ...m.work.sweep, id: `sweep-${sweepJob.id}`, name: `cutoff × batches — job ${sweepJob.id}`, from: 'grid' };
    fs.writeFileSync(path.join(old, 'manifest.json'), JSON.stringify(m));
    const r = JSON.parse((await quench('collect', old, '--into', into, '--json')).stdout);
    expect(r).toMatchObject({ added: 4, sweep: { id: 'grid', action: 'extended' } });
    expect(JSON.parse((await quench('collect', old, '--into', into, '--json')).stdout)).toMatchObject({ added: 0, alreadyThere: 4, sweep: { id: 'grid', action: 'unchanged' } });
    const p = parseProject(fs.readFileSync(into, 'utf8'));
    expect(p.sweeps).toHaveLength(1);
    expect(p.sweeps[0].runIds[0]).toBe('local-run-1');
    expect(p.sweeps[0].runIds).toHaveLength(5);
    expect(new Set(p.sweeps[0].runIds).size).toBe(5);
    expect(p.runs.filter((x) => x.id !== 'local-run-1').every((x) => x.sweepId === 'grid')).toBe(true);
  });

  it("collects under the project file's lock: what another writer saved meanwhile is kept, and the sweep gets each run once", async () => {
    const into = path.join(tmp, 'locked.quench.json');
    fs.writeFileSync(into, JSON.stringify(tinyProject()));
    const lock = await acquireLock(into, { command: 'another writer' });
    const collecting = collectJob(sweepJob.jobDir, { into, scheduler: null });
    // While the lock is held, another writer adds a run to the sweep (as the workbench would).
    const other = tinyProject();
    const local = parseProject(fs.readFileSync(file, 'utf8')).runs[0];
    other.runs = [{ ...local, id: 'written-meanwhile' }];
    other.sweeps[0].runIds = ['written-meanwhile'];
    fs.writeFileSync(into, JSON.stringify(other));
    lock.release();
    const r = await collecting;
    expect(r).toMatchObject({ added: 4, sweep: { id: 'grid', action: 'extended' } });
    const p = parseProject(fs.readFileSync(into, 'utf8'));
    expect(p.runs.map((x) => x.id)).toContain('written-meanwhile');
    expect(p.runs).toHaveLength(5);
    expect(p.sweeps).toHaveLength(1);
    expect([...p.sweeps[0].runIds].sort()).toEqual(p.runs.map((x) => x.id).sort());
    // two collects at once into a fresh project: the lock lets one in at a time; the runs are added once between them
    const fresh = path.join(tmp, 'twice-at-once.quench.json');
    fs.writeFileSync(fresh, JSON.stringify(tinyProject()));
    const [a, b] = await Promise.all([collectJob(sweepJob.jobDir, { into: fresh, scheduler: null }), collectJob(sweepJob.jobDir, { into: fresh, scheduler: null })]);
    expect([a.added, b.added].sort()).toEqual([0, 4]);
    const q = parseProject(fs.readFileSync(fresh, 'utf8'));
    expect(q.runs).toHaveLength(4);
    expect(q.sweeps[0].runIds).toHaveLength(4);
  });

  it('refuses a job made from another project, naming why, and changes nothing', async () => {
    const clash = path.join(tmp, 'clash.quench.json');
    const p1 = tinyProject();
    p1.experiments[0] = { id: 'qgan', name: 'not a gan', kind: 'vqe', params: {} } as never;
    p1.sweeps = [];
    fs.writeFileSync(clash, JSON.stringify(parseProject(JSON.stringify(p1))));
    const before = fs.readFileSync(clash, 'utf8');
    const r = await quench('collect', sweepJob.jobDir, '--into', clash);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ran experiment 'qgan' as a qgan workload, but in .*clash\.quench\.json 'qgan' is a vqe workload: the job comes from another project/);
    expect(fs.readFileSync(clash, 'utf8')).toBe(before);

    const regrid = path.join(tmp, 'regrid.quench.json');
    const p2 = tinyProject();
    p2.sweeps[0].grid = { cutoff: [3, 4] };
    fs.writeFileSync(regrid, JSON.stringify(p2));
    const before2 = fs.readFileSync(regrid, 'utf8');
    const g = await quench('collect', sweepJob.jobDir, '--into', regrid);
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/sweep 'grid' in .*regrid\.quench\.json has no grid point cutoff=3, batches=\[\d\].*the sweep's grid is not the job's/);
    expect(fs.readFileSync(regrid, 'utf8')).toBe(before2);

    const gone = await quench('collect', sweepJob.jobDir, '--into', path.join(tmp, 'no-such.quench.json'));
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/project file .*no-such\.quench\.json not found/);
  });

  it('tells states from the files alone where squeue cannot be asked, and says so', async () => {
    const job = await dryRun(file, '--experiment', 'qgan', '--repeats', '2');
    const m = readJson(path.join(job.jobDir, 'manifest.json'));
    m.submissions = [{ scheduler: 'slurm', jobId: '4242', submittedAt: '2026-01-01T00:00:00.000Z', script: 'submit.sbatch', indices: [0, 1] }];
    fs.writeFileSync(path.join(job.jobDir, 'manifest.json'), JSON.stringify(m));
    expect((await quench('run-item', job.jobDir, '--work-item', '0')).code).toBe(0);
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'empty-path');
    let r;
    try {
      r = await quench('status', job.jobDir, '--json');
    } finally {
      process.env.PATH = saved;
    }
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.items.map((i: { state: string }) => i.state)).toEqual(['done', 'pending']);
    expect(s.notes.join(' ')).toMatch(/squeue was not found on PATH.*states come from the results folder alone/);
  });

  it("keeps a queued item pending, not missing, where squeue cannot reach Slurm (no configuration), and says why", async () => {
    const job = await dryRun(file, '--experiment', 'qgan', '--repeats', '2');
    const m = readJson(path.join(job.jobDir, 'manifest.json'));
    m.submissions = [{ scheduler: 'slurm', jobId: '4343', submittedAt: '2026-01-01T00:00:00.000Z', script: 'submit.sbatch', indices: [0, 1] }];
    fs.writeFileSync(path.join(job.jobDir, 'manifest.json'), JSON.stringify(m));
    const bin = path.join(tmp, 'no-conf-bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'squeue'), `#!/bin/sh\ncat ${path.join(root, 'test/fixtures/slurm/squeue-no-configuration.txt')} >&2\nexit 1\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    let r;
    try {
      r = await quench('status', job.jobDir, '--json');
    } finally {
      process.env.PATH = saved;
    }
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.items.map((i: { state: string }) => i.state)).toEqual(['pending', 'pending']);
    expect(s.notes).toEqual(['squeue could not ask Slurm (Could not establish a configuration source): states come from the results folder alone']);
  });

  it('names a job folder that is not there or not a job', async () => {
    const gone = await quench('status', path.join(tmp, 'no-such-job'));
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/job folder .*no-such-job not found/);
    const notJob = await quench('collect', tmp);
    expect(notJob.code).toBe(2);
    expect(notJob.stderr).toMatch(/is not a Quench job folder: it has no manifest\.json/);
    fs.mkdirSync(path.join(tmp, 'broken-job'));
    fs.writeFileSync(path.join(tmp, 'broken-job', 'manifest.json'), '{"format":"quench-job","version":1}');
    const broken = await quench('run-item', path.join(tmp, 'broken-job'), '--work-item', '0');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken-job\/manifest\.json: .* not a valid job manifest/);
    const noItem = await quench('run-item', sweepJob.jobDir, '--work-item', '9');
    expect(noItem.code).toBe(2);
    expect(noItem.stderr).toMatch(/has no work item '9' \(its items: indices 0–3/);
  });
});
