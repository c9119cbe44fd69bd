#!/usr/bin/env node
// Time per gate of the named gates the structured kernels serve (CZ, CNOT,
// S/T/P, CRZ, ...), applied one at a time through the addon's State.apply,
// as lower() lowers them. For A/B runs: QUENCH_NATIVE=<addon.node> picks the
// build; run the two builds in alternation (scripts below) and compare medians.
//
//   node bench/structured_gates.cjs --qubits 24 --precision f64 --threads 1 --repeats 7 [--addon path] [--gates cz,cx]
//
// Prints one JSON line: { addon, qubits, precision, threads, load, results: { gate: { positions: wall ms[] } },
// cpuMs: { gate: process CPU ms[] over all positions } }.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const n = Number(arg('qubits', '24'));
const precision = arg('precision', 'f64');
const threads = Number(arg('threads', '1'));
const repeats = Number(arg('repeats', '7'));
const file = arg('addon', process.env.QUENCH_NATIVE ?? path.join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const addon = require(file);

const S = Math.SQRT1_2;
const X = [0, 0, 1, 0, 1, 0, 0, 0];
const H = [S, 0, S, 0, S, 0, -S, 0];
const SWAP = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0];
const f64 = (a) => Float64Array.from(a);
const sorted = (a) => [...a].sort((x, y) => x - y);
const rot = (th, axis) => {
  const c = Math.cos(th / 2), s = Math.sin(th / 2);
  return axis === 'x' ? [c, 0, 0, -s, 0, -s, c, 0] : [c, 0, -s, 0, s, 0, c, 0];
};
// The lowered forms lower.ts produces (qubits ascending; bit j of a matrix index = qubits[j]).
const GATES = {
  x: ([q]) => ({ qubits: [q], controls: [], diagonal: false, matrix: f64(X) }),
  z: ([q]) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([1, 0, -1, 0]) }),
  s: ([q]) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([1, 0, 0, 1]) }),
  t: ([q]) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([1, 0, S, S]) }),
  p: ([q]) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([1, 0, Math.cos(0.3), Math.sin(0.3)]) }),
  rz: ([q]) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([Math.cos(0.15), -Math.sin(0.15), Math.cos(0.15), Math.sin(0.15)]) }),
  h: ([q]) => ({ qubits: [q], controls: [], diagonal: false, matrix: f64(H) }),
  cz: ([a, b]) => ({ qubits: sorted([a, b]), controls: [], diagonal: true, matrix: f64([1, 0, 1, 0, 1, 0, -1, 0]) }),
  cp: ([c, t]) => ({ qubits: [t], controls: [c], diagonal: true, matrix: f64([1, 0, Math.cos(0.3), Math.sin(0.3)]) }),
  crz: ([c, t]) => ({ qubits: [t], controls: [c], diagonal: true, matrix: f64([Math.cos(0.15), -Math.sin(0.15), Math.cos(0.15), Math.sin(0.15)]) }),
  cx: ([c, t]) => ({ qubits: [t], controls: [c], diagonal: false, matrix: f64(X) }),
  crx: ([c, t]) => ({ qubits: [t], controls: [c], diagonal: false, matrix: f64(rot(0.3, 'x')) }),
  swap: ([a, b]) => ({ qubits: sorted([a, b]), controls: [], diagonal: false, matrix: f64(SWAP) }),
  ccx: ([a, b, t]) => ({ qubits: [t], controls: sorted([a, b]), diagonal: false, matrix: f64(X) }),
};
// H on k qubits: a dense k-qubit block (the fused kernel's cost per k, for the fuser's table).
const hadamards = (k) => {
  const D = 1 << k, m = new Float64Array(2 * D * D);
  for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) m[2 * (r * D + c)] = Math.SQRT1_2 ** k * (popcount(r & c) % 2 ? -1 : 1);
  return m;
};
const popcount = (x) => { let c = 0; for (; x; x &= x - 1) c++; return c; };
for (const k of [2, 3, 4, 5]) GATES[`h${k}`] = (q) => ({ qubits: sorted(q), controls: [], diagonal: false, matrix: hadamards(k) });
const ARITY = { x: 1, z: 1, s: 1, t: 1, p: 1, rz: 1, h: 1, cz: 2, cp: 2, crz: 2, cx: 2, crx: 2, swap: 2, ccx: 3, h2: 2, h3: 3, h4: 4, h5: 5 };
// Qubit sets: low, high, control low / target high, control high / target low.
function positions(k) {
  if (k === 1) return [[0], [Math.floor(n / 2)], [n - 1]];
  if (k === 2) return [[0, 1], [n - 2, n - 1], [1, n - 2], [n - 2, 1]];
  if (k === 3) return [[0, 1, 2], [n - 3, n - 2, n - 1], [0, n - 1, 1], [n - 1, n - 2, 0]];
  const run = (s) => Array.from({ length: k }, (_, i) => s + i);
  return [run(0), run(Math.floor((n - k) / 2)), run(n - k)];
}
const names = (arg('gates', 'cz,cx,s,t,p,crz,cp,x,swap,ccx,crx,rz,h')).split(',');
const state = new addon.State(n, precision);
const exec = { threads };
const results = {};
const cpuMs = {}; // process CPU time per application (all threads): less sensitive to being descheduled
for (const g of names) {
  results[g] = {};
  for (const q of positions(ARITY[g])) {
    const gate = GATES[g](q);
    state.apply(gate, undefined, exec); // warm-up
    const ms = [], cpu = [];
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      state.apply(gate, undefined, exec);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e3);
    }
    results[g][q.join('-')] = ms;
    cpuMs[g] = (cpuMs[g] ?? []).concat(cpu);
  }
}
const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
process.stdout.write(JSON.stringify({ addon: file, qubits: n, precision, threads, load, results, cpuMs }) + '\n');
