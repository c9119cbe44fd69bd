#!/usr/bin/env node
// The QSVM Gram case of `quench bench peers` (ZZ feature map, 8 features,
// reps 2, full entanglement; 1000 train + 200 test; K = |<psi_i|psi_j>|^2 for
// train x train and test x train), Quench against NumPy + OpenBLAS on the
// same states, interleaved: every round runs Quench (both fidelity-kernel
// calls, as src-main/bench/peers.ts times them) and a fresh NumPy process
// (the product of the given states, as bench/peers/peers.py times it), in
// alternating order. Also times Quench's states alone (statesBatch of the
// 1200 states the two calls compute: the second call finds the train states
// packed by the first) to split states vs product.
//
//   node bench/gram_numpy.cjs [--addon native/build/Release/quench_native.node] [--threads 1]
//        [--isa auto|avx2|avx512|scalar] [--precision f64] [--rounds 5] [--python PATH] [--no-numpy]
//        [--circuit zz|product]
// Prints JSON: per side the samples (ms, one per call pair) and medians, the
// answers' max difference, and the load averages seen.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const addonPath = path.resolve(arg('addon', path.join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node')));
const threads = Number(arg('threads', '1'));
const isa = arg('isa', 'auto');
const precision = arg('precision', 'f64');
const rounds = Number(arg('rounds', '5'));
const python = arg('python', path.join(os.homedir(), '.cache', 'quench', 'peers-venv', 'bin', 'python'));
const withNumpy = !process.argv.includes('--no-numpy');
const addon = require(addonPath);

// ZZ feature map (src-shared/workloads/qsvm.ts: zzFeatureMap, lowered as src-shared/circuit/lower.ts does).
const F = 8, reps = 2, train = 1000, test = 200;
const pairs = [];
for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) pairs.push([i, j]);
const P = F + pairs.length;
const s = Math.SQRT1_2;
const H = (q) => ({ qubits: [q], controls: [], diagonal: false, matrix: Float64Array.from([s, 0, s, 0, s, 0, -s, 0]) });
const X = (c, q) => ({ qubits: [q], controls: [c], diagonal: false, matrix: Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0]) });
const Ph = (q, slot) => ({ qubits: [q], controls: [], diagonal: true, generator: Float64Array.from([0, -1]), slot, scale: 2, offset: 0 });
const gates = [];
for (let r = 0; r < reps; r++) {
  for (let q = 0; q < F; q++) gates.push(H(q));
  for (let q = 0; q < F; q++) gates.push(Ph(q, q));
  pairs.forEach(([i, j], k) => gates.push(X(i, j), Ph(j, F + k), X(i, j)));
}
// --circuit product: a product state per point instead (RY then P on each
// qubit from the same parameters): the states cost little, so Quench's time
// is nearly all the Gram product — the like-for-like comparison with NumPy.
if (arg('circuit', 'zz') === 'product') {
  gates.length = 0;
  for (let q = 0; q < F; q++)
    gates.push({ qubits: [q], controls: [], diagonal: false, generator: Float64Array.from([0, 0, 0, -1, 0, 1, 0, 0]), slot: q, scale: 1, offset: 0 }, Ph(q, F + q));
}
const program = new addon.Program({ numQubits: F, numParams: P, gates }, 2);
let seed = 5;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const N = train + test;
const params = new Float64Array(N * P);
for (let b = 0; b < N; b++) {
  const x = Array.from({ length: F }, () => rnd() * Math.PI);
  for (let q = 0; q < F; q++) params[b * P + q] = x[q];
  pairs.forEach(([i, j], k) => (params[b * P + F + k] = (Math.PI - x[i]) * (Math.PI - x[j])));
}
const pTrain = params.subarray(0, train * P), pTest = params.subarray(train * P);
const exec = { threads, isa, precision };

// States for NumPy (complex128 .npy), from Quench in f64.
const dim = 1 << F;
const states = addon.statesBatch(program, params, N, { threads, precision: 'f64' });
const file = path.join(os.tmpdir(), `quench-gram-states-${process.pid}.npy`);
{
  const header = `{'descr': '<c16', 'fortran_order': False, 'shape': (${N}, ${dim}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = header + ' '.repeat(pad % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(h.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(h, 'latin1'), Buffer.from(states.buffer, states.byteOffset, states.byteLength)]));
}
const pyCode = `
import json, sys, time, numpy as np
st = np.load(sys.argv[1]); ntr = int(sys.argv[2]); A, B = st[:ntr], st[ntr:]
samples = []; cpu = []
for _ in range(3):
    t0 = time.perf_counter(); c0 = time.process_time()
    K = np.abs(A.conj() @ A.T) ** 2
    Kx = np.abs(B.conj() @ A.T) ** 2
    samples.append((time.perf_counter() - t0) * 1e3); cpu.append((time.process_time() - c0) * 1e3)
print(json.dumps({"samples": samples, "cpu": cpu, "K": K.ravel()[:2000].tolist(), "Kx": Kx.ravel()[:2000].tolist(), "version": np.__version__}))
`;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const out = { circuit: arg('circuit', 'zz'), threads, isa, precision, quench: [], quenchCpu: [], statesOnly: [], statesOnlyCpu: [], productProfiled: [], numpy: [], numpyCpu: [], load: [], maxDiff: 0 };
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
let K, Kx;
const quench = () => {
  for (let r = 0; r < 3; r++) {
    const t0 = now(), c0 = cpuMs();
    K = addon.fidelityKernel(program, pTrain, train, null, train, exec);
    Kx = addon.fidelityKernel(program, pTest, test, pTrain, train, exec);
    out.quench.push(now() - t0);
    out.quenchCpu.push(cpuMs() - c0);
    // The product alone: the engine profiler's kernel-matrix time (summed
    // over threads), in a separate pass so the total above is unprofiled.
    addon.profileStart();
    addon.fidelityKernel(program, pTrain, train, null, train, exec);
    addon.fidelityKernel(program, pTest, test, pTrain, train, exec);
    addon.profileStop();
    const kinds = addon.profileSnapshot().kinds;
    const key = Object.keys(kinds).find((k) => /kernel.?matrix|gram/i.test(k));
    if (key) out.productProfiled.push(kinds[key].ns / 1e6);
    const t1 = now(), c1 = cpuMs();
    addon.statesBatch(program, params, N, exec);
    out.statesOnly.push(now() - t1);
    out.statesOnlyCpu.push(cpuMs() - c1);
  }
};
const numpy = () => {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = JSON.parse(execFileSync(python, ['-c', pyCode, file, String(train)], { encoding: 'utf8', env, maxBuffer: 1 << 28 }));
  out.numpy.push(...r.samples);
  out.numpyCpu.push(...r.cpu);
  out.numpyVersion = r.version;
  for (let i = 0; i < 2000; i++) out.maxDiff = Math.max(out.maxDiff, Math.abs(r.K[i] - K[i]), Math.abs(r.Kx[i] - Kx[i]));
};
try {
  quench(); // warm-up (and K for the comparison)
  for (const k of ['quench', 'quenchCpu', 'statesOnly', 'statesOnlyCpu', 'productProfiled']) out[k].length = 0;
  for (let r = 0; r < rounds; r++) {
    out.load.push(os.loadavg()[0]);
    if (r % 2 === 0 || !withNumpy) { quench(); if (withNumpy) numpy(); } else { numpy(); quench(); }
  }
} finally {
  fs.rmSync(file, { force: true });
}
const q = median(out.quench), n = withNumpy ? median(out.numpy) : NaN, so = median(out.statesOnly);
const r1 = (x) => Math.round(x * 10) / 10;
const range = (xs) => xs.length ? [r1(Math.min(...xs)), r1(Math.max(...xs))] : null;
console.log(JSON.stringify({
  circuit: out.circuit, threads, isa, precision, quenchMs: r1(q), quenchRange: range(out.quench), quenchCpuMs: r1(median(out.quenchCpu)),
  statesOnlyMs: r1(so), statesOnlyCpuMs: r1(median(out.statesOnlyCpu)), productMsApprox: r1(q - so),
  productCpuMsApprox: r1(median(out.quenchCpu) - median(out.statesOnlyCpu)),
  productProfiledMs: out.productProfiled.length ? r1(median(out.productProfiled)) : null, productProfiledRange: range(out.productProfiled),
  numpyMs: r1(n), numpyRange: range(out.numpy), numpyCpuMs: withNumpy ? r1(median(out.numpyCpu)) : null,
  numpyOverQuench: r1(n / q * 100) / 100,
  maxDiff: out.maxDiff, load1: out.load, numpy: out.numpyVersion,
}));
