// The fusion width chosen by measurement: how a calibration is stored, read
// back and applied (the engine's default width per circuit size).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrationFile, calibrationStoreProblem, defaultFusion, FALLBACK_FUSION, fusionFor, invalidate, readCalibration, writeCalibration, type FusionCalibration } from '../../src-main/backend/fusion-calibration';
import { calibrationSizes, fastestWidth } from '../../src-main/bench/gates';
import { NativeSession } from '../../src-main/engine/session';
import { loadAddon } from '../../src-main/native/addon';
import { lower } from '../../src-shared/circuit/lower';

const home = () => fs.mkdtempSync(path.join(os.tmpdir(), 'quench-cal-'));
// This file's own QUENCH_HOME: other test files (a gates benchmark) calibrate the shared one.
process.env.QUENCH_HOME = home();
const machine = { cpu: 'Test CPU', isa: 'avx2', logicalCores: 2 };
const entry = (qubits: number, best: number) => ({ qubits, precision: 'f64' as const, threads: 0, msPerLayer: { '0': 2, '2': 1, [String(best)]: 0.5 }, best });
const cal = (entries: ReturnType<typeof entry>[]): FusionCalibration => ({ ...machine, measuredAt: '2026-12-03T10:00:00.000Z', entries });

describe('fusion calibration', () => {
  it('takes the width of the largest calibrated size at or below the circuit, the smallest below all', () => {
    const c = cal([entry(16, 3), entry(20, 2), entry(24, 4)]);
    expect(fusionFor(10, c).fusion).toBe(3);
    expect(fusionFor(16, c).fusion).toBe(3);
    expect(fusionFor(19, c).fusion).toBe(3);
    expect(fusionFor(22, c).fusion).toBe(2);
    expect(fusionFor(30, c)).toEqual({ fusion: 4, why: 'width 4, measured fastest at 24 qubits f64 on this machine (quench bench gates, 2026-12-03)' });
    expect(fusionFor(20, null)).toEqual({ fusion: FALLBACK_FUSION, why: expect.stringContaining('not calibrated') });
  });

  it('stores per machine, replaces sizes measured again and keeps the others', () => {
    const h = home();
    writeCalibration(cal([entry(16, 3), entry(20, 2)]), h);
    writeCalibration({ ...cal([entry(20, 4)]), cpu: 'Other CPU' }, h);
    writeCalibration(cal([entry(20, 5), entry(24, 3)]), h);
    expect(readCalibration(machine, h)!.entries.map((e) => [e.qubits, e.best])).toEqual([[16, 3], [20, 5], [24, 3]]);
    expect(readCalibration({ ...machine, cpu: 'Other CPU' }, h)!.entries.map((e) => e.best)).toEqual([4]);
    expect(readCalibration({ ...machine, isa: 'scalar' }, h)).toBeNull();
  });

  it('says in words why it cannot be stored, before the measuring, and a failed store keeps the file as it was', () => {
    const h = home();
    expect(calibrationStoreProblem(path.join(h, 'new', 'home'))).toBeNull(); // created on the way
    expect(fs.readdirSync(path.join(h, 'new', 'home'))).toEqual([]); // the check leaves nothing behind
    const file = path.join(h, 'a-file');
    fs.writeFileSync(file, 'x');
    const under = path.join(file, 'home');
    expect(calibrationStoreProblem(under)).toBe(`cannot create ${under} (QUENCH_HOME): ${file} is not a folder`);
    expect(() => writeCalibration(cal([entry(16, 3)]), under)).toThrow(`cannot create ${under} (QUENCH_HOME): ${file} is not a folder`);
    // the calibration file's place taken by a folder: refused, nothing replaced
    const blocked = home();
    fs.mkdirSync(calibrationFile(blocked));
    expect(calibrationStoreProblem(blocked)).toMatch(/calibration\.json is a folder/);
    expect(() => writeCalibration(cal([entry(16, 3)]), blocked)).toThrow(/cannot write .*calibration\.json: it is a directory \(EISDIR\)/);
    expect(fs.statSync(calibrationFile(blocked)).isDirectory()).toBe(true);
    expect(fs.readdirSync(blocked)).toEqual(['calibration.json']);
  });

  it('reads a missing or damaged file as no calibration (the default width), never as an error', () => {
    const h = home();
    expect(readCalibration(machine, h)).toBeNull();
    fs.writeFileSync(calibrationFile(h), '{"machines": [{"cpu": 3}]');
    expect(readCalibration(machine, h)).toBeNull();
    fs.writeFileSync(calibrationFile(h), JSON.stringify({ machines: [{ ...cal([entry(16, 9)]) }] }));
    expect(readCalibration(machine, h)).toBeNull(); // width 9 is not a width the engine has
  });

  it('keeps the default width unless another is more than 3% faster', () => {
    expect(fastestWidth({ fusion0: 10, fusion2: 5.1, fusion3: 5.0, fusion4: 5.2, fusion5: 6 })).toBe(2);
    expect(fastestWidth({ fusion0: 10, fusion2: 5.5, fusion3: 5.0, fusion4: 5.2, fusion5: 6 })).toBe(3);
    expect(fastestWidth({ fusion0: 4, fusion2: 5.5, fusion3: 5.0, fusion4: 5.2, fusion5: 6 })).toBe(0);
    expect(calibrationSizes([22, 6, 16])).toEqual([16, 20, 22]);
    expect(calibrationSizes([6])).toEqual([6]);
  });

  it("is what the engine uses when the experiment sets no width, and says so in the run's environment", () => {
    const info = loadAddon().info();
    const here = { cpu: info.cpu.model, isa: info.defaultIsa, logicalCores: info.cpu.logicalCores };
    const before = new NativeSession({ threads: 1 });
    const circuit = lower({ numQubits: 3, numParams: 0, ops: [{ gate: 'h', qubits: [0] }, { gate: 'cx', qubits: [0, 1] }, { gate: 'cx', qubits: [1, 2] }] });
    before.prepare(circuit);
    expect(before.environment().fusionChosen).toMatch(/not calibrated/);
    before.dispose();
    invalidate();
    writeCalibration({ ...here, measuredAt: new Date().toISOString(), entries: [entry(2, 4)] });
    try {
      expect(defaultFusion(3).fusion).toBe(4);
      const after = new NativeSession({ threads: 1 });
      after.prepare(circuit);
      expect(after.environment().fusionChosen).toMatch(/^width 4, measured fastest at 2 qubits/);
      after.dispose();
      const set = new NativeSession({ threads: 1, fusion: 0 });
      set.prepare(circuit);
      expect(set.environment().fusionChosen).toBe('width 0, set by the experiment');
      set.dispose();
    } finally {
      fs.rmSync(calibrationFile(), { force: true });
      invalidate();
    }
  });
});
