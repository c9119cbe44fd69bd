// Jobs against a real Slurm: the cluster test/slurm/start-cluster.sh starts
// (Debian's slurm-wlm and munge; CI starts it before npm test). A QGAN sweep
// runs as a job array; one task is killed mid-run with scancel, the job is
// resubmitted for that item alone, and the collected project holds every run
// exactly once. Then the gates benchmark runs on the node and comes back with
// the node's fingerprint. Skipped, with the reason, where sbatch is missing or
// the cluster is not up.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ItemError } from '../../src-shared/jobs/manifest';
import { parseProject } from '../../src-shared/project/schema';

const root = path.resolve(__dirname, '../..');
const DEFAULT_CONF = path.join(process.env.QUENCH_SLURM_DIR ?? '/tmp/quench-slurm', 'slurm.conf');
// The commands find the cluster through SLURM_CONF (start-cluster.sh prints it); the default folder otherwise.
const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: process.env.SLURM_CONF ?? DEFAULT_CONF, QUENCH_NODE: process.execPath };

function clusterProblem(): string | null {
  if (spawnSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).status !== 0) return 'sbatch is not installed (apt-get install slurm-wlm munge)';
  if (!fs.existsSync(env.SLURM_CONF!)) return `no Slurm configuration at ${env.SLURM_CONF} (start one with test/slurm/start-cluster.sh)`;
  const s = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8', timeout: 15_000 });
  if (s.status !== 0) return `the cluster is not up (sinfo: ${(s.stderr || s.stdout).trim()}); start it with test/slurm/start-cluster.sh`;
  if (!/idle|mix|alloc/.test(s.stdout)) return `no node is up (sinfo says '${s.stdout.trim()}')`;
  if (!fs.existsSync(path.join(root, 'out/main/cli.js'))) return 'the command line is not built (npm run build:ts)';
  return null;
}
const problem = clusterProblem();
if (problem) console.log(`test/slurm skipped: ${problem}`);

const quench = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Status { items: { id: string; state: string; error?: string; taskId?: string; schedulerState?: string }[]; counts: Record<string, number>; notes: string[] }
function status(dir: string): Status {
  const r = quench('status', dir, '--json');
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
async function waitFor(dir: string, what: string, done: (s: Status) => boolean, timeoutMs = 150_000): Promise<Status> {
  const t0 = Date.now();
  for (;;) {
    const s = status(dir);
    if (done(s)) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(s.items)}`);
    await sleep(500);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-slurm-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(problem !== null)('jobs on a real Slurm', () => {
  it('runs a sweep as a job array; a task killed mid-run is resubmitted; collect holds every run exactly once', async () => {
    const file = path.join(tmp, 'sweep.quench.json');
    // cutoff 10 with a batch of 512 is the slow point: 1000 repeats make it about 20 s here, so it is
    // still running when it is killed on a faster machine too (a batch of 256 with 80 repeats once
    // finished first); the other three take about a second at most.
    fs.writeFileSync(file, JSON.stringify({
      format: 'quench-project', version: 2, name: 'Slurm sweep',
      experiments: [{ id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 3, cutoff: 3, layers: 1, batches: [8], repeats: 1000 } }],
      sweeps: [{ id: 'grid', experimentId: 'qgan', name: 'cutoff × batches', createdAt: '2026-01-01T00:00:00.000Z', grid: { cutoff: [3, 10], batches: [[8], [512]] }, runIds: [] }],
    }));
    const t0 = Date.now();
    const sub = quench('submit', file, '--sweep', 'grid', '--slurm', '--array-max', '2', '--time', '10:00', '--json');
    expect(sub.status, sub.stderr).toBe(0);
    const job = JSON.parse(sub.stdout) as { jobDir: string; id: string; jobId: string; items: number };
    expect(job.items).toBe(4);
    expect(job.jobId).toMatch(/^\d+$/);
    console.log(`submitted Slurm job ${job.jobId}: ${job.jobDir}`);

    // The slow point: wait until it runs, give Quench a moment to start, then kill its task.
    await waitFor(job.jobDir, 'point-0003 to run', (s) => s.items[3].state === 'running');
    await sleep(1500);
    const cancel = spawnSync('scancel', [`${job.jobId}_3`], { env, encoding: 'utf8' });
    expect(cancel.status, cancel.stderr).toBe(0);
    const afterKill = await waitFor(job.jobDir, 'the first submission to end', (s) => s.items.every((i) => i.state === 'done' || i.state === 'failed'));
    console.log(`first submission ended after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${afterKill.items.map((i) => `${i.id} ${i.state}`).join(', ')}`);
    expect(afterKill.items.map((i) => i.state)).toEqual(['done', 'done', 'done', 'failed']);
    // The killed task left an error record, written by its batch script: never a hole.
    const rec = ItemError.parse(JSON.parse(fs.readFileSync(path.join(job.jobDir, 'results/point-0003.error.json'), 'utf8')));
    expect(rec.message).toMatch(/SIGTERM/);
    expect(rec.node?.slurm).toEqual({ jobId: expect.any(String), arrayJobId: job.jobId, arrayTaskId: '3' });

    // Collecting now takes the three that finished and says which failed.
    const partial = quench('collect', job.jobDir, '--json');
    expect(partial.status).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ added: 3, sweep: { id: 'grid', action: 'extended' }, status: { counts: { done: 3, failed: 1 } } });

    // Resubmit: only the failed item goes again.
    const re = quench('resubmit', job.jobDir, '--json');
    expect(re.status, re.stderr).toBe(0);
    const again = JSON.parse(re.stdout) as { resubmitted: string[]; jobId: string; script: string };
    expect(again.resubmitted).toEqual(['point-0003']);
    expect(fs.readFileSync(again.script, 'utf8')).toContain('#SBATCH --array=3%2\n');
    await waitFor(job.jobDir, 'the resubmitted item', (s) => s.items.every((i) => i.state === 'done'), 300_000);
    console.log(`all 4 items done after ${((Date.now() - t0) / 1000).toFixed(1)} s (resubmitted as Slurm job ${again.jobId})`);
    expect(fs.readdirSync(path.join(job.jobDir, 'results/attempts')).some((n) => n.startsWith('point-0003.') && n.endsWith('.error.json'))).toBe(true);

    const col = quench('collect', job.jobDir, '--json');
    expect(col.status, col.stderr).toBe(0);
    expect(JSON.parse(col.stdout)).toMatchObject({ added: 1, alreadyThere: 3, sweep: { id: 'grid', action: 'extended' } });
    const twice = quench('collect', job.jobDir, '--json');
    expect(JSON.parse(twice.stdout)).toMatchObject({ added: 0, alreadyThere: 4, sweep: { action: 'unchanged' } });

    const p = parseProject(fs.readFileSync(file, 'utf8'));
    expect(p.runs).toHaveLength(4);
    expect(new Set(p.runs.map((r) => r.id)).size).toBe(4);
    const points = p.runs.map((r) => JSON.stringify(r.overrides)).sort();
    expect(points).toEqual(['{"cutoff":10,"batches":[512]}', '{"cutoff":10,"batches":[8]}', '{"cutoff":3,"batches":[512]}', '{"cutoff":3,"batches":[8]}']);
    // The project's own sweep record, filled: no second one, each run listed once.
    expect(p.sweeps).toHaveLength(1);
    const sweep = p.sweeps[0];
    expect(sweep).toMatchObject({ id: 'grid', name: 'cutoff × batches', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(sweep.runIds).toHaveLength(4);
    expect([...sweep.runIds].sort()).toEqual(p.runs.map((r) => r.id).sort());
    for (const r of p.runs) {
      expect(r.status).toBe('completed');
      expect(r.sweepId).toBe(sweep.id);
      expect(r.result!.env).toMatchObject({ host: os.hostname(), threads: 1, threadsChosen: 'default: QUENCH_THREADS=1' });
      // the run killed the first time was made by the resubmission's task
      expect(r.result!.env.slurm?.arrayJobId).toBe(r.id.endsWith('point-0003') ? again.jobId : job.jobId);
    }
  }, 400_000);

  it("cancels a job's tasks: each item then says it failed and why", async () => {
    const file = path.join(tmp, 'cancel.quench.json');
    fs.writeFileSync(file, JSON.stringify({
      format: 'quench-project', version: 2, name: 'Slurm cancel',
      experiments: [{ id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 3, cutoff: 10, layers: 1, batches: [256], repeats: 80 } }],
    }));
    const sub = quench('submit', file, '--experiment', 'qgan', '--repeats', '3', '--slurm', '--array-max', '1', '--json');
    expect(sub.status, sub.stderr).toBe(0);
    const job = JSON.parse(sub.stdout) as { jobDir: string; jobId: string };
    const cancel = quench('cancel', job.jobDir);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Cancelled every task of Slurm job(s) ${job.jobId}`);
    const s = await waitFor(job.jobDir, 'the cancelled tasks to end', (x) => x.items.every((i) => i.state === 'done' || i.state === 'failed'));
    expect(s.counts.failed).toBeGreaterThan(0);
    for (const it of s.items.filter((i) => i.state === 'failed')) expect(it.error).toMatch(/CANCELLED|SIGTERM/);
    console.log(`cancelled Slurm job ${job.jobId}: ${s.items.map((i) => `${i.id} ${i.state}${i.error ? ` (${i.error})` : ''}`).join('; ')}`);
  });

  it("reads the real squeue and sacct: quench status says pending, running, done, failed and missing as Slurm does", async () => {
    const file = path.join(tmp, 'states.quench.json');
    fs.writeFileSync(file, JSON.stringify({
      format: 'quench-project', version: 2, name: 'Slurm states',
      experiments: [{ id: 'qgan', name: 'tiny qgan', kind: 'qgan', params: { modes: 2, cutoff: 3, layers: 1, batches: [2], repeats: 2 } }],
    }));
    const submit = (...args: string[]) => {
      const r = quench('submit', file, '--experiment', 'qgan', '--slurm', '--json', ...args);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { jobDir: string; jobId: string };
    };
    // Three repetitions one at a time, each held a few seconds by its setup line: the others wait on the throttle.
    const queued = submit('--repeats', '3', '--array-max', '1', '--setup', 'sleep 4', '--name', 'throttled');
    // A task whose script fails before Quench starts (no record of its own), and one that ends well without a result.
    const failing = submit('--setup', 'exit 3', '--name', 'failing');
    const empty = submit('--setup', 'exit 0', '--name', 'no-result');
    const ids = [queued.jobId, failing.jobId, empty.jobId].join(',');
    const squeue = () => spawnSync('squeue', ['-h', '-r', '--states=all', '-j', ids, '-o', '%F|%K|%i|%T|%N|%r'], { env, encoding: 'utf8' });

    const waiting = await waitFor(queued.jobDir, 'one task to run while the others wait', (s) => s.items.some((i) => i.state === 'running') && s.items.some((i) => i.state === 'pending'));
    const real = squeue();
    expect(real.status, real.stderr).toBe(0);
    console.log(`squeue while throttled:\n${real.stdout.trim()}`);
    const lines = real.stdout.trim().split('\n').filter((l) => l.startsWith(`${queued.jobId}|`));
    for (const it of waiting.items.filter((i) => i.state === 'pending')) {
      expect(it).toMatchObject({ schedulerState: 'PENDING', error: 'waiting: JobArrayTaskLimit' });
      expect(lines).toContain(`${it.taskId!.replace('_', '|')}|${it.taskId}|PENDING||JobArrayTaskLimit`);
    }
    const running = waiting.items.find((i) => i.state === 'running')!;
    expect(running.schedulerState).toBe('RUNNING');
    expect(lines.some((l) => l.startsWith(`${running.taskId!.replace('_', '|')}|${running.taskId}|RUNNING|`))).toBe(true);

    const done = await waitFor(queued.jobDir, 'the throttled job', (s) => s.items.every((i) => i.state === 'done'));
    expect(done.counts).toMatchObject({ done: 3, failed: 0, pending: 0, missing: 0 });
    const failed = await waitFor(failing.jobDir, 'the failing task to end', (s) => s.items[0].state !== 'pending' && s.items[0].state !== 'running');
    expect(failed.items[0]).toMatchObject({ state: 'failed', schedulerState: 'FAILED', taskId: `${failing.jobId}_0` });
    expect(failed.items[0].error).toMatch(/the scheduler ended its task \d+_0 as FAILED \(NonZeroExitCode\) and it recorded nothing/);
    const missing = await waitFor(empty.jobDir, 'the task without a result to end', (s) => s.items[0].state !== 'pending' && s.items[0].state !== 'running');
    expect(missing.items[0]).toMatchObject({ state: 'missing', schedulerState: 'COMPLETED' });
    expect(missing.items[0].error).toMatch(/ended without a result file/);

    // sacct: where the cluster keeps accounting its lines are read too; where it does not (this test cluster),
    // status says that Slurm forgets ended tasks, for the item that left no file.
    const acct = spawnSync('sacct', ['-n', '-P', '-X', '-j', ids, '-o', 'JobID,State,NodeList,ExitCode'], { env, encoding: 'utf8' });
    console.log(`sacct (exit code ${acct.status}): ${(acct.stdout || acct.stderr).trim()}`);
    const notes = (JSON.parse(quench('status', empty.jobDir, '--json').stdout) as { notes: string[] }).notes;
    if (acct.status === 0) {
      const { parseSacct } = await import('../../src-main/scheduler/slurm');
      const byTask = new Map(parseSacct(acct.stdout).map((t) => [t.taskId, t]));
      expect(byTask.get(`${failing.jobId}_0`)).toMatchObject({ state: 'FAILED', phase: 'ended-failed' });
      expect(byTask.get(`${empty.jobId}_0`)).toMatchObject({ state: 'COMPLETED', phase: 'ended-ok' });
      expect(byTask.get(`${queued.jobId}_2`)).toMatchObject({ state: 'COMPLETED', phase: 'ended-ok' });
    } else {
      expect(acct.stderr.trim()).toBe('Slurm accounting storage is disabled');
      expect(notes).toContain('sacct: Slurm accounting storage is disabled; Slurm forgets a task minutes after it ends (MinJobAge)');
    }
    }, 300_000);

  it('runs the gates benchmark on a node and collects it with the node that ran it', async () => {
    const file = path.join(tmp, 'bench.quench.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'quench-project', version: 2, name: 'Slurm bench', experiments: [] }));
    const sub = quench('submit', file, '--bench', 'gates', '--qubits', '10', '--slurm', '--json');
    expect(sub.status, sub.stderr).toBe(0);
    const job = JSON.parse(sub.stdout) as { jobDir: string; id: string; jobId: string };
    const t0 = Date.now();
    await waitFor(job.jobDir, 'the benchmark', (s) => s.items.every((i) => i.state === 'done' || i.state === 'failed'), 170_000);
    console.log(`gates benchmark on the node: Slurm job ${job.jobId}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const col = quench('collect', job.jobDir, '--json');
    expect(col.status, col.stdout).toBe(0);
    const p = parseProject(fs.readFileSync(file, 'utf8'));
    expect(p.benchmarks).toHaveLength(1);
    const env = p.benchmarks[0].result!.env as { host?: string; slurm?: { arrayJobId?: string }; cpu?: { model?: string } };
    expect(env.host).toBe(os.hostname());
    expect(env.slurm?.arrayJobId).toBe(job.jobId);
    expect(p.benchmarks[0].result!.results.length).toBeGreaterThan(0);
  }, 200_000);
});
