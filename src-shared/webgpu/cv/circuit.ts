// CV (Fock-space) circuits for the GPU simulator: the shapes of
// src-shared/circuit/cv.ts (the same the native addon hands out), their
// limits and validation, with nothing from src-main so this also runs in the renderer.
// Conventions, limits and error wording follow native/include/quench/fock.h.

import type { CvAngle, CvCircuit, CvGate, CvGateKind, CvOutputs } from '../../circuit/cv';

export type { CvAngle, CvCircuit, CvGate, CvGateKind, CvOutputs };

/** Same limits as the native core (kMaxModes, kMinCutoff, kMaxCutoff). */
export const CV_MAX_MODES = 8;
export const CV_MIN_CUTOFF = 2;
export const CV_MAX_CUTOFF = 30;

export const CV_KINDS: readonly CvGateKind[] = ['Displacement', 'Squeezing', 'Rotation', 'Beamsplitter', 'Kerr'];

/** An angle with its defaults filled in (slot −1: a constant). */
export interface Angle {
  slot: number;
  scale: number;
  value: number;
}

export function toAngle(a: CvAngle | number | undefined, where: string, numParams: number): Angle {
  if (a === undefined || a === null) return { slot: -1, scale: 1, value: 0 };
  if (typeof a === 'number') {
    if (!Number.isFinite(a)) throw new TypeError(`${where} is not finite`);
    return { slot: -1, scale: 1, value: a };
  }
  const slot = a.slot ?? -1, scale = a.scale ?? 1, value = a.value ?? 0;
  if (!Number.isFinite(value)) throw new TypeError(`${where}.value is not finite`);
  if (!Number.isFinite(scale)) throw new TypeError(`${where}.scale is not finite`);
  if (!Number.isInteger(slot) || slot < -1) throw new RangeError(`${where}.slot = ${slot} is not a parameter index`);
  if (slot >= numParams) throw new RangeError(`${where}.slot ${slot} out of range for ${numParams} params`);
  return { slot, scale, value };
}

export const isDiagonalKind = (k: CvGateKind) => k === 'Rotation' || k === 'Kerr';

/** Throws (RangeError/TypeError, naming the gate and field) where the native core's validate() would. */
export function validateCvCircuit(c: CvCircuit): void {
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!int(c.modes) || c.modes < 1 || c.modes > CV_MAX_MODES) throw new RangeError(`fock: modes = ${c.modes} out of range 1..${CV_MAX_MODES}`);
  if (!int(c.cutoff) || c.cutoff < CV_MIN_CUTOFF || c.cutoff > CV_MAX_CUTOFF) throw new RangeError(`fock: cutoff = ${c.cutoff} out of range ${CV_MIN_CUTOFF}..${CV_MAX_CUTOFF}`);
  if (!int(c.numParams) || c.numParams < 0) throw new RangeError(`fock: numParams = ${c.numParams} is not a count`);
  if (!Array.isArray(c.gates)) throw new TypeError('fock: circuit.gates must be an array');
  c.gates.forEach((g, i) => {
    if (!CV_KINDS.includes(g.kind)) throw new TypeError(`fock: gate ${i}: unknown kind '${String(g.kind)}'`);
    const name = `fock: gate ${i} (${g.kind})`;
    if (!int(g.mode0) || g.mode0 < 0 || g.mode0 >= c.modes) throw new RangeError(`${name}: mode0 = ${g.mode0} out of range for ${c.modes} modes`);
    if (g.kind === 'Beamsplitter') {
      const m1 = g.mode1 ?? 0;
      if (!int(m1) || m1 < 0 || m1 >= c.modes) throw new RangeError(`${name}: mode1 = ${m1} out of range for ${c.modes} modes`);
      if (m1 === g.mode0) throw new RangeError(`${name}: mode1 = ${m1} equals mode0 (beamsplitter modes must differ)`);
    }
    toAngle(g.a, `${name}: a`, c.numParams);
    if (!isDiagonalKind(g.kind)) toAngle(g.b, `${name}: b`, c.numParams);
  });
}
