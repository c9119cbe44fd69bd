#!/usr/bin/env node
// Whole circuits compiled at a fusion width and run through the addon's
// Program/State (as a workload runs them): a QFT (H and controlled phases),
// a hardware-efficient ansatz (RY layers and a CNOT ladder), a CZ-entangled
// layer circuit, the 20-layer brickwork of `quench bench gates` (u3 on every
// qubit + CZ bricks), 300 random u3 / CNOT / CZ gates on random qubits, and a
// ZZ feature map with full entanglement. One JSON line per run: per circuit,
// passes, wall / process-CPU ms per run and a check value of the final state
// (equal between builds). A/B: run it with --addon A and --addon B in
// alternation; QUENCH_PHASE_POLY=0 turns phase-polynomial folding off.
//
//   node bench/structured_circuits.cjs --qubits 22 --precision f64 --threads 1 --fusion 2 --repeats 3 [--circuits qft,brickwork] [--addon path]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const n = Number(arg('qubits', '22'));
const precision = arg('precision', 'f64');
const threads = Number(arg('threads', '1'));
const fusion = Number(arg('fusion', '2'));
const repeats = Number(arg('repeats', '3'));
const file = arg('addon', process.env.QUENCH_NATIVE ?? path.join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const addon = require(file);

const S = Math.SQRT1_2;
const f64 = (a) => Float64Array.from(a);
const H = () => f64([S, 0, S, 0, S, 0, -S, 0]);
const X = () => f64([0, 0, 1, 0, 1, 0, 0, 0]);
const ry = (t) => f64([Math.cos(t / 2), 0, -Math.sin(t / 2), 0, Math.sin(t / 2), 0, Math.cos(t / 2), 0]);
// Lowered as src-shared/circuit/lower.ts lowers h, cp, ry, cx, cz.
const h = (q) => ({ qubits: [q], controls: [], diagonal: false, matrix: H() });
const cp = (c, t, l) => ({ qubits: [t], controls: [c], diagonal: true, matrix: f64([1, 0, Math.cos(l), Math.sin(l)]) });
const ryg = (q, t) => ({ qubits: [q], controls: [], diagonal: false, matrix: ry(t) });
const cx = (c, t) => ({ qubits: [t], controls: [c], diagonal: false, matrix: X() });
const cz = (a, b) => ({ qubits: [Math.min(a, b), Math.max(a, b)], controls: [], diagonal: true, matrix: f64([1, 0, 1, 0, 1, 0, -1, 0]) });

// Seeded generator for the random circuits (the same circuits on every build).
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const u3 = (q) => {
  const th = rnd() * Math.PI, ph = rnd() * 2 * Math.PI, la = rnd() * 2 * Math.PI, c = Math.cos(th / 2), s = Math.sin(th / 2);
  return { qubits: [q], controls: [], diagonal: false, matrix: f64([c, 0, -Math.cos(la) * s, -Math.sin(la) * s, Math.cos(ph) * s, Math.sin(ph) * s, Math.cos(ph + la) * c, Math.sin(ph + la) * c]) };
};
const rz = (q, a) => ({ qubits: [q], controls: [], diagonal: true, matrix: f64([Math.cos(a / 2), -Math.sin(a / 2), Math.cos(a / 2), Math.sin(a / 2)]) });

const circuits = {
  // QFT without the final swaps: n H and n(n-1)/2 controlled phases.
  qft: () => {
    const g = [];
    for (let j = n - 1; j >= 0; j--) {
      g.push(h(j));
      for (let k = j - 1; k >= 0; k--) g.push(cp(k, j, Math.PI / 2 ** (j - k)));
    }
    return g;
  },
  // Hardware-efficient ansatz: 4 layers of RY on every qubit and a CNOT ladder.
  hea: () => {
    const g = [];
    for (let l = 0; l < 4; l++) {
      for (let q = 0; q < n; q++) g.push(ryg(q, 0.1 + 0.37 * q + l));
      for (let q = 0; q + 1 < n; q++) g.push(cx(q, q + 1));
    }
    return g;
  },
  // 4 layers of H on every qubit and CZ between all neighbours (a graph state, repeated).
  czlayers: () => {
    const g = [];
    for (let l = 0; l < 4; l++) {
      for (let q = 0; q < n; q++) g.push(h(q));
      for (let q = 0; q + 1 < n; q++) g.push(cz(q, q + 1));
    }
    return g;
  },
  // 20 layers: u3 on every qubit, then CZ on (0,1),(2,3),… or (1,2),(3,4),… (time per run / 20 = per layer).
  brickwork: () => {
    seed = 7;
    const g = [];
    for (let l = 0; l < 20; l++) {
      for (let q = 0; q < n; q++) g.push(u3(q));
      for (let q = l % 2; q + 1 < n; q += 2) g.push(cz(q, q + 1));
    }
    return g;
  },
  // 300 gates on random qubits: half u3, 30% CNOT, 20% CZ.
  random: () => {
    seed = 11;
    const g = [];
    for (let i = 0; i < 300; i++) {
      const a = Math.floor(rnd() * n);
      let b = Math.floor(rnd() * n);
      while (b === a) b = Math.floor(rnd() * n);
      const r = rnd();
      g.push(r < 0.5 ? u3(a) : r < 0.8 ? cx(b, a) : cz(a, b));
    }
    return g;
  },
  // ZZ feature map, full entanglement, 2 repetitions: H and RZ layers, then CX·RZ·CX on every pair.
  zz: () => {
    const g = [];
    for (let r = 0; r < 2; r++) {
      for (let q = 0; q < n; q++) g.push(h(q));
      for (let q = 0; q < n; q++) g.push(rz(q, 0.3 + q));
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g.push(cx(i, j), rz(j, 0.1 * (i + 1) * (j + 2)), cx(i, j));
    }
    return g;
  },
};
const names = arg('circuits', 'qft,hea,czlayers').split(',');
const results = {};
for (const name of names) {
  const gates = circuits[name]();
  const program = new addon.Program({ numQubits: n, numParams: 0, gates }, fusion);
  const state = new addon.State(n, precision);
  state.run(program, undefined, { threads }); // warm-up
  const ms = [], cpu = [];
  for (let r = 0; r < repeats; r++) {
    state.reset();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    state.run(program, undefined, { threads });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  const p = state.probabilities();
  let check = 0;
  for (let i = 0; i < 64; i++) check += p[i] * (i + 1);
  results[name] = { gates: gates.length, passes: program.stats().passes, ms, cpuMs: cpu, check };
}
const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
process.stdout.write(JSON.stringify({ addon: file, qubits: n, precision, threads, fusion, load, results }) + '\n');
