// node bench/vqe_engine.cjs [reps] [precision] [threads] [inner]  — ms per energy+gradient (median, min, max)
// The seed VQE (10-qubit Heisenberg chain, 27 terms; 4-layer hardware-efficient ansatz, RY·RZ per
// qubit then a CNOT ladder, plus a final rotation layer: 100 parameters), lowered as
// src-shared/circuit/lower.ts does, energy + adjoint gradient through the addon's synchronous call
// (what `quench bench peers --case vqe` times). A/B: QUENCH_NATIVE=path/to/other.node; FUSION=k.
const A = require(process.env.QUENCH_NATIVE || require('path').join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const reps = +(process.argv[2] || 9), precision = process.argv[3] || 'f64', threads = +(process.argv[4] || 1), inner = +(process.argv[5] || 50);
const n = 10, L = 4, gates = [];
let slot = 0;
const Y = new Float64Array([0, 0, 0, -1, 0, 1, 0, 0]), Z = new Float64Array([0.5, -0.5]), X = new Float64Array([0, 0, 1, 0, 1, 0, 0, 0]);
const rotations = () => {
  for (let q = 0; q < n; q++) gates.push({ qubits: [q], slot: slot++, scale: 0.5, offset: 0, generator: Y });
  for (let q = 0; q < n; q++) gates.push({ qubits: [q], diagonal: true, slot: slot++, scale: 1, offset: 0, generator: Z });
};
for (let l = 0; l < L; l++) {
  rotations();
  for (let q = 0; q + 1 < n; q++) gates.push({ qubits: [q + 1], controls: [q], matrix: X });
}
rotations();
const prog = new A.Program({ numQubits: n, numParams: slot, gates }, +(process.env.FUSION || 2));
const obs = [];
for (let q = 0; q + 1 < n; q++) {
  const m = (1 << q) | (1 << (q + 1));
  obs.push({ coeff: 1, xMask: m, zMask: 0 }, { coeff: 1, xMask: m, zMask: m }, { coeff: 1, xMask: 0, zMask: m });
}
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const x = Float64Array.from({ length: slot }, () => (rnd() * 2 - 1) * Math.PI);
const o = { precision, threads };
let r = A.adjointGradient(prog, x, obs, o);
const t = [];
for (let i = 0; i < reps; i++) {
  const t0 = process.hrtime.bigint();
  for (let j = 0; j < inner; j++) r = A.adjointGradient(prog, x, obs, o);
  t.push(Number(process.hrtime.bigint() - t0) / 1e6 / inner);
}
t.sort((a, b) => a - b);
const g2 = r.gradient.reduce((s, v) => s + v * v, 0);
console.log(JSON.stringify({ precision, threads, median: +t[t.length >> 1].toFixed(4), min: +t[0].toFixed(4), max: +t[t.length - 1].toFixed(4), value: r.value, gradNorm2: g2 }));
