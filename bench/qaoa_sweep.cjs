// node bench/qaoa_sweep.cjs [n] [p] [reps] [precision] [threads]  — ms per energy+gradient (median, min, max)
// The seed QAOA size (random 3-regular graph, lowered as src-shared/workloads/qaoa.ts does), energy +
// adjoint gradient through the addon. A/B in fresh processes: QUENCH_QAOA_FAST=0 (generic sweep),
// QUENCH_QAOA_SYMMETRY=0 (the full sweep without the flip-symmetric half), QUENCH_ISA=avx2 (the AVX2 build);
// FUSION=k sets the fusion width (default 2).
const path = require('path');
const A = require(process.env.QUENCH_NATIVE || require('path').join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const n = +(process.argv[2] || 20), p = +(process.argv[3] || 2), reps = +(process.argv[4] || 15);
const precision = process.argv[5] || 'f64', threads = +(process.argv[6] || 0);
let seed = 7; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
// random 3-regular graph (pairing model with retries)
let edges;
for (;;) {
  const stubs = []; for (let v = 0; v < n; v++) for (let k = 0; k < 3; k++) stubs.push(v);
  for (let i = stubs.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [stubs[i], stubs[j]] = [stubs[j], stubs[i]]; }
  const set = new Set(); let ok = true; edges = [];
  for (let i = 0; i < stubs.length; i += 2) { const a = Math.min(stubs[i], stubs[i+1]), b = Math.max(stubs[i], stubs[i+1]); if (a === b || set.has(a*n+b)) { ok = false; break; } set.add(a*n+b); edges.push([a, b]); }
  if (ok) break;
}
const N = 1 << n, cuts = new Float64Array(N);
for (let z = 0; z < N; z++) { let c = 0; for (const [a, b] of edges) c += ((z >> a) ^ (z >> b)) & 1; cuts[z] = c; }
const h = Math.SQRT1_2, H = new Float64Array([h,0,h,0,h,0,-h,0]), X = new Float64Array([0,0,1,0,1,0,0,0]);
const gates = []; for (let q = 0; q < n; q++) gates.push({ qubits: [q], matrix: H });
const all = Array.from({ length: n }, (_, i) => i);
for (let l = 0; l < p; l++) { gates.push({ qubits: all, diagonal: true, slot: 2*l, scale: 1, offset: 0, generator: cuts });
  for (let q = 0; q < n; q++) gates.push({ qubits: [q], slot: 2*l+1, scale: 1, offset: 0, generator: X }); }
const prog = new A.Program({ numQubits: n, numParams: 2*p, gates }, +(process.env.FUSION || 2));
const obs = edges.map(([a, b]) => ({ coeff: 0.5, xMask: 0, zMask: (1 << a) | (1 << b) })); obs.push({ coeff: -edges.length / 2, xMask: 0, zMask: 0 });
const x = new Float64Array(2*p).map((_, i) => 0.3 + 0.1 * i);
const o = { precision, threads };
A.adjointGradient(prog, x, obs, o);
const t = [];
let r;
for (let i = 0; i < reps; i++) { const t0 = process.hrtime.bigint(); r = A.adjointGradient(prog, x, obs, o); t.push(Number(process.hrtime.bigint() - t0) / 1e6); }
t.sort((a, b) => a - b);
console.log(JSON.stringify({ fast: process.env.QUENCH_QAOA_FAST !== '0', symmetry: process.env.QUENCH_QAOA_SYMMETRY !== '0', isa: process.env.QUENCH_ISA || 'auto', n, p, precision, threads, median: t[t.length >> 1], min: t[0], max: t[t.length-1], value: r.value, grad: Array.from(r.gradient) }));
