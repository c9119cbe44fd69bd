// The built command line, run as a user runs it (node bin/quench.js …).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceState } from '../../src-shared/backend/reference';
import { lower } from '../../src-shared/circuit/lower';
import { parseQasm } from '../../src-shared/qasm';

const root = path.resolve(__dirname, '../..');
const fixture = (name: string) => path.join(root, 'test/fixtures', name);
const quench = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), ...args], { encoding: 'utf8', cwd: root });

describe('quench CLI', () => {
  it('prints machine info as JSON', () => {
    const info = JSON.parse(execFileSync(process.execPath, [path.join(root, 'bin/quench.js'), 'info', '--json'], { encoding: 'utf8' }));
    expect(info.cpu.logicalCores).toBeGreaterThan(0);
    expect(info.isa.available).toContain('scalar');
    expect(typeof info.webgpu.available).toBe('boolean'); // the adapter, or why there is none
  });

  it('simulate --json matches the reference backend', () => {
    for (const file of ['bell.qasm', 'ghz-custom.qasm']) {
      const r = quench('simulate', fixture(file), '--json', '--observable', '0.5*Z0*Z1 - 0.3*X2', '--observable', 'Y1', '--shots', '1000', '--seed', '7');
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      const circuit = parseQasm(fs.readFileSync(fixture(file), 'utf8')).circuit;
      const ref = new ReferenceState(circuit.numQubits).run(lower(circuit));
      expect(out.qubits).toBe(3 + (file === 'ghz-custom.qasm' ? 1 : 0));
      ref.probabilities().forEach((p, i) => expect(out.probabilities[i]).toBeCloseTo(p, 12));
      expect(out.expectations).toHaveLength(2);
      const total = Object.values(out.counts as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(total).toBe(1000);
      for (const key of Object.keys(out.counts)) expect(key).toMatch(new RegExp(`^[01]{${out.qubits}}$`));
    }
  });

  it('agrees across precision, ISA and fusion', () => {
    const base = JSON.parse(quench('simulate', fixture('ghz-custom.qasm'), '--json').stdout);
    for (const extra of [['--precision', 'f32'], ['--isa', 'scalar'], ['--fusion', '0'], ['--threads', '1'], ['--backend', 'reference']]) {
      const r = quench('simulate', fixture('ghz-custom.qasm'), '--json', ...extra);
      expect(r.status, r.stderr).toBe(0);
      JSON.parse(r.stdout).probabilities.forEach((p: number, i: number) => expect(p).toBeCloseTo(base.probabilities[i], 5));
    }
  });

  it('--isa: every ISA this CPU has gives the same answer; one it lacks is refused by name', () => {
    const info = JSON.parse(quench('info', '--json').stdout);
    const base = JSON.parse(quench('simulate', fixture('ghz-custom.qasm'), '--json', '--isa', 'scalar').stdout);
    for (const isa of ['avx512', 'avx2'] as const) {
      const r = quench('simulate', fixture('ghz-custom.qasm'), '--json', '--isa', isa);
      if (info.isa.available.includes(isa)) {
        expect(r.status, r.stderr).toBe(0);
        JSON.parse(r.stdout).probabilities.forEach((p: number, i: number) => expect(p).toBeCloseTo(base.probabilities[i], 12));
        const bench = quench('bench', 'gates', '--json', '--isa', isa, '--qubits', '10', '--precision', 'f64', '--threads', '1', '--repeats', '1');
        expect(bench.status, bench.stderr).toBe(0);
        expect(JSON.parse(bench.stdout).env.isa).toBe(isa);
      } else {
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(new RegExp(`--isa ${isa} is not available on this CPU`));
        // bench peers refuses it before installing or running anything
        const peers = quench('bench', 'peers', '--isa', isa, '--venv', path.join(os.tmpdir(), 'quench-no-venv'));
        expect(peers.status).not.toBe(0);
        expect(peers.stderr).toMatch(new RegExp(`--isa ${isa} is not available on this CPU`));
      }
    }
    for (const cmd of [['simulate', fixture('ghz-custom.qasm')], ['bench', 'peers']]) {
      const bad = quench(...cmd, '--isa', 'sse9');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/--isa must be one of auto, avx512, avx2, scalar/);
    }
  });

  it('bench gates keeps its report when the fusion calibration cannot be stored, and says why first', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-cal-home-'));
    try {
      fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
      const home = path.join(tmp, 'a-file', 'home'); // under a file: no folder can be made there
      const r = spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), 'bench', 'gates', '--qubits', '10', '--precision', 'f64', '--threads', '1', '--repeats', '1'], { encoding: 'utf8', cwd: root, env: { ...process.env, QUENCH_HOME: home } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`quench: the fusion calibration will not be stored: cannot create ${home} (QUENCH_HOME): ${path.join(tmp, 'a-file')} is not a folder`);
      expect(r.stdout).toMatch(/Fusion calibration, NOT stored \(cannot create .*\); the engine keeps its previous width:\n\s+10 qubits: width \d/);
      expect(r.stdout).toMatch(/1q\s/); // the kernel rows are all there
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('bench peers --save refuses a file it could not add to, before installing or running anything', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-peers-save-'));
    try {
      const venv = path.join(tmp, 'venv'); // would be created by the first step of a run
      const missing = path.join(tmp, 'no-such-folder', 'p.quench.json');
      const r = quench('bench', 'peers', '--save', missing, '--venv', venv);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--save: cannot write ${missing}: the folder ${path.dirname(missing)} does not exist`);
      const notProject = path.join(tmp, 'notes.quench.json');
      fs.writeFileSync(notProject, '{"notes": 1}');
      const n = quench('bench', 'peers', '--save', notProject, '--venv', venv);
      expect(n.status).toBe(2);
      expect(n.stderr).toMatch(/notes\.quench\.json: format must be 'quench-project'/);
      expect(fs.readFileSync(notProject, 'utf8')).toBe('{"notes": 1}');
      expect(fs.existsSync(venv)).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports errors with position and exit code 2 for a bad request', () => {
    // the command line itself, at every level of commands
    for (const args of [['nope'], ['simulate'], ['simulate', fixture('bell.qasm'), '--shots', '0'], ['simulate', fixture('bell.qasm'), '--bogus'], ['bench', 'gates', '--qubits', '99'], ['bench', 'peers', '--rounds', 'x']]) {
      const r = quench(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
    expect(quench('simulate', '--help').status).toBe(0);
    const bad = quench('simulate', fixture('bad.qasm'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.qasm:5:1/);
    const missing = quench('simulate', fixture('nope.qasm'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
    const obs = quench('simulate', fixture('bell.qasm'), '--observable', 'Z7');
    expect(obs.status).toBe(2);
    expect(obs.stderr).toMatch(/observable/);
    expect(quench('simulate', fixture('bell.qasm'), '--precision', 'f16').status).not.toBe(0);
  });

  it('simulates dynamic circuits: a measurement between two Hadamards gives 50/50, counts over the classical bits', () => {
    const r = quench('simulate', fixture('dynamic/mid-measure.qasm'), '--json', '--shots', '4000', '--seed', '5', '--observable', 'X0');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    out.probabilities.forEach((p: number) => expect(p).toBeCloseTo(0.5, 12));
    expect(out.expectations[0]).toBeCloseTo(0, 12);
    expect(out.counts['0'] + out.counts['1']).toBe(4000);
    expect(Math.abs(out.counts['0'] - 2000)).toBeLessThan(200);
    expect(out.branches).toBe(2);
    // Registers in reverse declaration order, as Qiskit prints them.
    const t = JSON.parse(quench('simulate', fixture('dynamic/teleport.qasm'), '--json', '--shots', '1000').stdout);
    for (const key of Object.keys(t.counts)) expect(key).toMatch(/^[01] [01] [01]$/);
    // The same on every backend.
    for (const extra of [['--backend', 'reference'], ['--isa', 'scalar'], ['--precision', 'f32']]) {
      const o = JSON.parse(quench('simulate', fixture('dynamic/teleport.qasm'), '--json', ...extra).stdout);
      o.probabilities.forEach((p: number, i: number) => expect(p).toBeCloseTo(t.probabilities[i], 5));
    }
    const text = quench('simulate', fixture('dynamic/teleport.qasm'), '--shots', '100');
    expect(text.stdout).toMatch(/dynamic: 4 final states/);
    expect(text.stdout).toMatch(/classical registers, bit 0 rightmost/);
  });

  it('refuses what memory does not allow, saying how much is needed; --json also says its size and suggests --output', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-cli-'));
    try {
      const big = path.join(dir, 'q40.qasm');
      fs.writeFileSync(big, 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[40];\nh q[0];\n');
      const json = quench('simulate', big, '--json');
      expect(json.status).toBe(2);
      expect(json.stderr).toMatch(/40 qubits in f64: the state \(16 TiB\) and its 2\^40 probabilities \(8\.0 TiB\) need 24 TiB of memory, and .* is available/);
      expect(json.stderr).toMatch(/--json would print about 22 TiB of text; --output FILE\.npy stores the probabilities in 8\.0 TiB/);
      // The built command line writes .npy too.
      const file = path.join(dir, 'bell.npy');
      const r = quench('simulate', fixture('bell.qasm'), '--output', file);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.statSync(file).size).toBe(128 + 8 * 8);
      expect(fs.readdirSync(dir).sort()).toEqual(['bell.npy', 'q40.qasm']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an interrupted --output leaves no temporary file behind and ends by the signal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-cli-'));
    try {
      // Big enough that the signal comes while it simulates or writes.
      const qasm = path.join(dir, 'h22.qasm');
      fs.writeFileSync(qasm, `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[22];\n${Array.from({ length: 22 }, (_, q) => `h q[${q}];\nrz(0.${q + 1}) q[${q}];\nh q[${q}];`).join('\n')}\n`);
      const child = spawn(process.execPath, [path.join(root, 'bin/quench.js'), 'simulate', qasm, '--output', path.join(dir, 'p.npy')], { stdio: 'ignore' });
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Once the temporary file exists, the handlers that remove it are installed.
      while (!fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGTERM');
      expect(await ended).toBe('SIGTERM');
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a readable summary without --json', () => {
    const r = quench('simulate', fixture('bell.qasm'), '--observable', 'Z0*Z1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 qubits/);
    expect(r.stdout).toMatch(/⟨Z0\*Z1⟩ = 1/);
  });

  it('bench gates runs a small configuration and reports bandwidth ratios', () => {
    const r = quench('bench', 'gates', '--json', '--qubits', '12', '--precision', 'f64', '--threads', '1', '--repeats', '2');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.map((x: { kind: string }) => x.kind)).toEqual(['1q', '2q', 'diagonal', 'fused']);
    for (const x of out.results) {
      expect(x.msPerGate.median).toBeGreaterThan(0);
      expect(x.fractionOfInplace).toBeGreaterThan(0);
      // The reference is measured out of the last-level cache; a 64 KiB state sits in it.
      expect(x.reference.bytes).toBeGreaterThanOrEqual(Math.max(256 * 2 ** 20, 4 * out.env.lastLevelCache));
      expect(x.reference.ciLow).toBeLessThanOrEqual(x.inplaceGbPerS);
      if (out.env.lastLevelCache >= 2 ** 16) expect(x.inCache).toBe(true);
      expect(x.problem).toBeUndefined(); // in cache: over 100% is no measurement problem
    }
    expect(out.brickwork.passes.fusion4).toBeLessThan(out.brickwork.passes.fusion0);
  });

  it('bench seed --quick runs every case and reports figures, targets, quality and environment', () => {
    const r = quench('bench', 'seed', '--quick', '--json', '--threads', '1');
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.map((x: { case: string }) => x.case)).toEqual(['vqe', 'qaoa', 'qnn', 'qsvm', 'qgan', 'qgan-train', 'scale', 'gates']);
    for (const x of results) {
      expect(Object.keys(x)).toEqual(expect.arrayContaining(['case', 'params', 'metrics', 'target', 'quality', 'env', 'checks', 'pass']));
      expect(Number.isFinite(x.headline.value)).toBe(true);
      expect(x.env.cpu.length).toBeGreaterThan(0);
      expect(x.checks.length).toBeGreaterThan(0);
    }
    const byCase = Object.fromEntries(results.map((x: { case: string }) => [x.case, x]));
    expect(byCase.qaoa.details.edges.length).toBeGreaterThan(0);
    expect(byCase.vqe.details.hva.exact_energy).toBeLessThan(byCase.vqe.details.hva.energy + 1e-9);
    expect(byCase.qgan.details.table.map((t: { batch: number }) => t.batch)).toEqual([1, 8, 32, 256]);
    // Every timed headline carries its 95% CI, and every run the load around it.
    for (const x of results) {
      if (x.headline.ciLow === undefined) continue;
      expect(x.headline.ciLow).toBeLessThanOrEqual(x.headline.value);
      expect(x.headline.ciHigh).toBeGreaterThanOrEqual(x.headline.value);
    }
    expect(byCase.vqe.headline.ciLow).toBeDefined();
    expect(byCase.vqe.env.load.loadBefore).toBeGreaterThanOrEqual(0);
    // Other processes' share is only reported for runs long enough to measure it.
    expect(byCase.vqe.env.load.othersCores ?? 0).toBeGreaterThanOrEqual(0);
    expect(byCase.vqe.env.threadsChosen).toBe('asked');
  }, 240_000);

  it('bench contention: default vs one thread, idle and beside a busy process, with CIs and the load seen', () => {
    const r = quench('bench', 'contention', '--json', '--case', 'qgan-b8', '--rounds', '3');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.defaultThreads).toBeGreaterThanOrEqual(1);
    expect(out.hog).toMatch(/busy process/);
    expect(out.load.loaded.loadAfter).toBeGreaterThanOrEqual(0);
    expect(out.load.loaded.othersCores ?? 0).toBeGreaterThanOrEqual(0);
    const [x] = out.results;
    expect(x.id).toBe('qgan-b8');
    expect(x.figures.map((f: { condition: string; threads: string | number }) => `${f.condition}/${f.threads}`)).toEqual(['idle/default', 'idle/1', 'loaded/default', 'loaded/1']);
    for (const f of x.figures) {
      expect(f.spread.samples).toBe(3);
      expect(f.spread.ciLow).toBeLessThanOrEqual(f.spread.median);
    }
    expect(x.checks[0].name).toMatch(/loaded: default ≤ 1.3×/);
    expect(['pass', 'miss', 'not judged']).toContain(x.checks[0].verdict);
    const bad = quench('bench', 'contention', '--case', 'nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown case\(s\) nope; cases: qgan-b8/);
  }, 240_000);
});
