// node bench/feature_states.cjs [fusion] [rounds] [check]  — ms per 1200 ZZ-feature-map states (8 qubits, 2 repetitions), 1 thread.
// A/B of two builds: QUENCH_NATIVE=/path/to/quench_native.node; 'check' compares f64/f32 states with the unfused program.
const addon = require(process.env.QUENCH_NATIVE || require('path').join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const F = 8, reps = 2;
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
const fused = Number(process.argv[2] || 2);
const program = new addon.Program({ numQubits: F, numParams: P, gates }, fused);
const N = 1200;
const params = new Float64Array(N * P).map((_, i) => (i * 0.37) % 3);
const t0 = Date.now(); const c0 = process.cpuUsage();
let reps2 = Number(process.argv[3] || 20);
for (let r = 0; r < reps2; r++) addon.statesBatch(program, params, N, { threads: 1 });
{ const c = process.cpuUsage(c0); console.log('ms per 1200 states', ((Date.now() - t0) / reps2).toFixed(1), 'cpu', ((c.user + c.system) / 1e3 / reps2).toFixed(1)); }
if (process.argv[4] === 'check') {
  const p0 = new addon.Program({ numQubits: F, numParams: P, gates }, 0);
  for (const precision of ['f64', 'f32']) {
    const a = addon.statesBatch(program, params, N, { threads: 1, precision });
    const b = addon.statesBatch(p0, params, N, { threads: 1, precision });
    let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    console.log(precision, 'max diff vs unfused', d);
  }
}
