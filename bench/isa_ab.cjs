#!/usr/bin/env node
// AVX-512 against AVX2 (or any two ISAs) per kernel, interleaved: each round
// is a fresh process that times every case under both ISAs, alternating
// which goes first, so load from other processes falls on both alike.
// Reports per case the median CPU ms of each ISA over all rounds, the median of
// the per-round ratios B/A with its spread, and the load averages seen.
//
//   node bench/isa_ab.cjs [--a avx2] [--b avx512] [--qubits 22] [--precision f64|f32]
//        [--threads 1] [--rounds 5] [--repeats 5] [--cases dense3,dense4,dense5,norm,probs,expect]
// Cases: denseK = a random dense K-qubit unitary on qubits n-K..n-1 (the
// fused blocks), dense2lo = a 2-qubit block on qubits 0,1 (lanes), norm =
// normSquared, probs = probabilities, expect = a 12-term Pauli sum (diagonal
// and off-diagonal terms), adjoint = adjointGradient of a 2-layer RY +
// CNOT ansatz (the reductions table: pair sums, inner products), lanczos =
// 30 Lanczos steps of a TFIM (apply_hamiltonian), fockN / fockvjpN = the
// CV-QGAN generator of the qgan seed case (4 modes, cutoff 4, 2 layers) forward / with VJP at batch N.
'use strict';
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const addonPath = path.resolve(arg('addon', path.join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node')));
const A = arg('a', 'avx2'), B = arg('b', 'avx512');
const n = Number(arg('qubits', '22'));
const precision = arg('precision', 'f64');
const threads = Number(arg('threads', '1'));
const repeats = Number(arg('repeats', '5'));
const cases = arg('cases', 'dense3,dense4,dense5,dense2lo,norm,probs,expect').split(',');

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

if (process.argv.includes('--child')) {
  const addon = require(addonPath);
  const first = Number(arg('first', '0'));
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  // A random unitary: Gram-Schmidt on random complex columns.
  const unitary = (k) => {
    const d = 1 << k, m = new Float64Array(2 * d * d);
    const cols = [];
    for (let c = 0; c < d; c++) {
      let v = Array.from({ length: d }, () => [rnd(), rnd()]);
      for (const u of cols) {
        let re = 0, im = 0;
        for (let r = 0; r < d; r++) { re += u[r][0] * v[r][0] + u[r][1] * v[r][1]; im += u[r][0] * v[r][1] - u[r][1] * v[r][0]; }
        v = v.map(([x, y], r) => [x - (re * u[r][0] - im * u[r][1]), y - (re * u[r][1] + im * u[r][0])]);
      }
      const nn = Math.sqrt(v.reduce((s, [x, y]) => s + x * x + y * y, 0));
      v = v.map(([x, y]) => [x / nn, y / nn]);
      cols.push(v);
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) { m[2 * (r * d + c)] = cols[c][r][0]; m[2 * (r * d + c) + 1] = cols[c][r][1]; }
    return m;
  };
  const s = new addon.State(n, precision);
  const h = { qubits: [0], matrix: Float64Array.from([Math.SQRT1_2, 0, Math.SQRT1_2, 0, Math.SQRT1_2, 0, -Math.SQRT1_2, 0]) };
  for (let q = 0; q < n; q++) s.apply({ ...h, qubits: [q] });
  const terms = [];
  for (let t = 0; t < 12; t++) terms.push({ coeff: 0.1 * (t + 1), xMask: t % 3 === 0 ? 0 : (1 << (t % n)) | (1 << ((t * 7) % n)), zMask: (1 << ((t * 5) % n)) | (1 << ((t * 3 + 1) % n)) });
  const work = {};
  for (const c of cases) {
    if (c.startsWith('dense')) {
      const lo = c.endsWith('lo');
      const k = lo ? 2 : Number(c.slice(5));
      const qubits = lo ? [0, 1] : Array.from({ length: k }, (_, j) => n - k + j);
      const g = { qubits, matrix: unitary(k) };
      work[c] = (isa) => s.apply(g, undefined, { isa, threads });
    } else if (c === 'norm') work[c] = (isa) => s.normSquared({ isa, threads });
    else if (c === 'probs') work[c] = (isa) => s.probabilities({ isa, threads });
    else if (c === 'expect') work[c] = (isa) => s.expectation(terms, { isa, threads });
    else if (c === 'adjoint') {
      // Hardware-efficient ansatz: 2 layers of RY on every qubit + a CNOT chain; gradient of Σ Z_i Z_i+1.
      const gates = [];
      let slot = 0;
      for (let l = 0; l < 2; l++) {
        for (let q = 0; q < n; q++) gates.push({ qubits: [q], controls: [], diagonal: false, generator: Float64Array.from([0, 0, 0, -1, 0, 1, 0, 0]), slot: slot++, scale: 0.5, offset: 0 });
        for (let q = 0; q + 1 < n; q++) gates.push({ qubits: [q + 1], controls: [q], diagonal: false, matrix: Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]) });
      }
      const prog = new addon.Program({ numQubits: n, numParams: slot, gates }, 2);
      const params = Float64Array.from({ length: slot }, (_, i) => Math.sin(i + 1));
      const obs = Array.from({ length: n - 1 }, (_, q) => ({ coeff: 1, xMask: 0, zMask: (1 << q) | (1 << (q + 1)) }));
      work[c] = (isa) => addon.adjointGradient(prog, params, obs, { isa, threads, precision });
    } else if (c.startsWith('fock')) {
      // The CV-QGAN generator (the qgan seed case's circuit), forward (fockN) or
      // forward + VJP (fockvjpN) at batch N.
      const vjp = c.startsWith('fockvjp');
      const batch = Number(c.slice(vjp ? 7 : 4));
      // The qgan seed case: 4 modes, cutoff 4, 2 layers, latent 4 (--fock modes,cutoff,layers,latent).
      const [fm, fc, fl, fz] = arg('fock', '4,4,2,4').split(',').map(Number);
      const gen = addon.cvQganGenerator(fm, fc, fl, fz);
      const params = Float64Array.from({ length: batch * gen.numParams }, (_, i) => 0.1 * Math.sin(i + 1));
      const dx = new Float64Array(batch * fm).fill(1);
      work[c] = vjp ? (isa) => addon.cvVjpBatch(gen, params, batch, dx, null, null, { isa, threads })
                    : (isa) => addon.cvRunBatch(gen, params, batch, { isa, threads });
    } else if (c === 'lanczos') {
      const obs = [];
      for (let q = 0; q < n; q++) obs.push({ coeff: -1, xMask: 1 << q, zMask: 0 });
      for (let q = 0; q + 1 < n; q++) obs.push({ coeff: -1, xMask: 0, zMask: (1 << q) | (1 << (q + 1)) });
      work[c] = (isa) => addon.groundEnergy(obs, n, { isa, threads, maxIterations: 30, tolerance: 1e-14 });
    }
    else throw new Error(`no case ${c}`);
  }
  const out = {};
  for (const c of cases) {
    const t = { [A]: [], [B]: [] };
    work[c](A); work[c](B); // warm-up
    for (let r = 0; r < repeats; r++)
      for (const isa of (r + first) % 2 ? [B, A] : [A, B]) {
        // CPU time of this process (threads 1: the kernel's own time, less
        // sensitive than wall time to other processes taking the core).
        const c0 = process.cpuUsage();
        work[c](isa);
        const d = process.cpuUsage(c0);
        t[isa].push((d.user + d.system) / 1e3);
      }
    out[c] = { a: median(t[A]), b: median(t[B]) };
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const rounds = Number(arg('rounds', '5'));
const per = {}, load = [];
for (let r = 0; r < rounds; r++) {
  load.push(os.loadavg()[0]);
  const res = JSON.parse(execFileSync(process.execPath, [__filename, '--child', '--first', String(r % 2), ...process.argv.slice(2)], { encoding: 'utf8' }));
  for (const [c, v] of Object.entries(res)) (per[c] ??= []).push(v);
}
const summary = {};
for (const [c, v] of Object.entries(per)) {
  const ratios = v.map((x) => x.b / x.a);
  summary[c] = { [`${A}Ms`]: +median(v.map((x) => x.a)).toFixed(3), [`${B}Ms`]: +median(v.map((x) => x.b)).toFixed(3), [`${B}/${A}`]: +median(ratios).toFixed(3), ratioRange: [+Math.min(...ratios).toFixed(3), +Math.max(...ratios).toFixed(3)] };
}
console.log(JSON.stringify({ qubits: n, precision, threads, rounds, repeats, load1: load }));
for (const [c, v] of Object.entries(summary)) console.log(c.padEnd(9), JSON.stringify(v));
