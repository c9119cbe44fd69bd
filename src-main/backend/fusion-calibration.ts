// The fusion width chosen by measurement. `quench bench gates` times a
// 20-layer brickwork at fusion 0, 2, 3, 4 and 5 for each state size it is
// asked for and stores the fastest width per size in QUENCH_HOME's
// calibration.json, for this CPU, ISA and core count. The engine reads it:
// a circuit of n qubits gets the width measured at the largest calibrated
// size ≤ n (the best width changes where the state leaves the caches), the
// smallest calibrated size below that, and FALLBACK_FUSION on a machine
// never calibrated. An experiment's own `fusion` setting always wins.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIoError } from '../errors';
import { quenchHome } from '../home';
import { checkCanSave, writeFileAtomic } from '../files';
import { loadAddon } from '../native/addon';

/** Uncalibrated: the width measured best on the brickwork on the machines this was built on (bench/RESULTS.md). */
export const FALLBACK_FUSION = 2;

const Entry = z.object({
  qubits: z.number().int().min(1).max(40),
  precision: z.enum(['f32', 'f64']),
  threads: z.number().int().min(0),
  /** ms per layer by width ('0', '2', …): what the choice rests on. */
  msPerLayer: z.record(z.string(), z.number().positive()),
  best: z.number().int().min(0).max(6),
});
const Machine = z.object({ cpu: z.string(), isa: z.string(), logicalCores: z.number().int(), measuredAt: z.string(), entries: z.array(Entry).max(64) });
const CalibrationFile = z.object({ machines: z.array(Machine).max(256) });
export type FusionCalibration = z.infer<typeof Machine>;
export type FusionCalibrationEntry = z.infer<typeof Entry>;

export const calibrationFile = (home = quenchHome()) => path.join(home, 'calibration.json');

function readAll(file: string): z.infer<typeof CalibrationFile> {
  try {
    return CalibrationFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return { machines: [] }; // missing or unreadable: as if never calibrated (the fallback width is safe)
  }
}

const sameMachine = (a: Pick<FusionCalibration, 'cpu' | 'isa' | 'logicalCores'>, b: Pick<FusionCalibration, 'cpu' | 'isa' | 'logicalCores'>) => a.cpu === b.cpu && a.isa === b.isa && a.logicalCores === b.logicalCores;

/** Creates QUENCH_HOME where it is missing; an error says which folder and why, in words. */
function ensureHome(home: string): void {
  try {
    fs.mkdirSync(home, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create ${home} (QUENCH_HOME): ${describeIoError(e as NodeJS.ErrnoException, path.dirname(home))}`);
  }
}

/**
 * Why a calibration could not be stored in `home` now, or null when it can: asked before the
 * minutes of measuring, so the user hears it first (the measurements are kept either way).
 */
export function calibrationStoreProblem(home = quenchHome()): string | null {
  try {
    ensureHome(home);
    checkCanSave(calibrationFile(home), 'the fusion calibration');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Stores a machine's calibration (replacing its sizes measured again), atomically. */
export function writeCalibration(c: FusionCalibration, home = quenchHome()): string {
  const file = calibrationFile(home);
  const all = readAll(file);
  const old = all.machines.find((m) => sameMachine(m, c));
  const entries = [...(old?.entries.filter((e) => !c.entries.some((n) => n.qubits === e.qubits && n.precision === e.precision)) ?? []), ...c.entries].sort((a, b) => a.qubits - b.qubits);
  const machines = [...all.machines.filter((m) => !sameMachine(m, c)), { ...c, entries }];
  ensureHome(home);
  writeFileAtomic(file, JSON.stringify({ machines }, null, 2) + '\n');
  invalidate();
  return file;
}

export function readCalibration(machine: Pick<FusionCalibration, 'cpu' | 'isa' | 'logicalCores'>, home = quenchHome()): FusionCalibration | null {
  return readAll(calibrationFile(home)).machines.find((m) => sameMachine(m, machine)) ?? null;
}

/** The width for n qubits from a calibration (see the top of the file), with why. */
export function fusionFor(n: number, c: FusionCalibration | null, precision: 'f32' | 'f64' = 'f64'): { fusion: number; why: string } {
  const entries = (c?.entries ?? []).filter((e) => e.precision === precision);
  const pool = entries.length ? entries : (c?.entries ?? []);
  if (!c || !pool.length) return { fusion: FALLBACK_FUSION, why: `default width ${FALLBACK_FUSION} (not calibrated: quench bench gates calibrates)` };
  const at = [...pool].reverse().find((e) => e.qubits <= n) ?? pool[0];
  return { fusion: at.best, why: `width ${at.best}, measured fastest at ${at.qubits} qubits ${at.precision} on this machine (quench bench gates, ${c.measuredAt.slice(0, 10)})` };
}

let cached: { isa: string; c: FusionCalibration | null } | null = null;
/** Read the file again at the next use (after a write; tests). */
export const invalidate = () => void (cached = null);

/** This machine's calibration for an ISA, read once per process. */
export function machineCalibration(isa: string): FusionCalibration | null {
  if (cached?.isa === isa) return cached.c;
  const info = loadAddon().info();
  cached = { isa, c: readCalibration({ cpu: info.cpu.model, isa, logicalCores: info.cpu.logicalCores }) };
  return cached.c;
}

/** The engine's default width for an n-qubit circuit on this machine. */
export function defaultFusion(n: number, isa: string = loadAddon().info().defaultIsa, precision: 'f32' | 'f64' = 'f64'): { fusion: number; why: string } {
  return fusionFor(n, machineCalibration(isa), precision);
}
