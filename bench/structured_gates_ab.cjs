#!/usr/bin/env node
// Interleaved A/B of two addon builds on bench/structured_gates.cjs: each
// round runs A then B (B then A on odd rounds) in fresh processes, so load
// from other processes on a shared machine falls on both alike. Reports, per
// gate, the median ms over every timed application (all position sets and
// rounds) for each build — wall time and process CPU time — their ratios,
// and the load averages seen.
//
//   node bench/structured_gates_ab.cjs --a /tmp/before.node --b native/build/Release/quench_native.node \
//        --qubits 24 --precision f64 --threads 1 --rounds 3 --repeats 5 [--gates cz,cx] [--json]
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}
const A = arg('a'), B = arg('b', path.join(__dirname, '..', 'native', 'build', 'Release', 'quench_native.node'));
const rounds = Number(arg('rounds', '3'));
const pass = ['qubits', 'precision', 'threads', 'repeats', 'gates'].flatMap((k) => (arg(k) ? [`--${k}`, arg(k)] : []));
const script = path.join(__dirname, 'structured_gates.cjs');
const runs = { A: [], B: [] };
for (let r = 0; r < rounds; r++)
  for (const which of r % 2 ? ['B', 'A'] : ['A', 'B']) {
    const out = execFileSync(process.execPath, [script, '--addon', which === 'A' ? A : B, ...pass], { encoding: 'utf8', maxBuffer: 1 << 26 });
    runs[which].push(JSON.parse(out));
  }
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const gates = Object.keys(runs.A[0].results);
const summary = {};
for (const g of gates) {
  const all = (w) => runs[w].flatMap((run) => Object.values(run.results[g]).flat());
  const per = (w) => Object.fromEntries(Object.keys(runs[w][0].results[g]).map((pos) => [pos, median(runs[w].flatMap((run) => run.results[g][pos]))]));
  const cpu = (w) => median(runs[w].flatMap((run) => run.cpuMs[g]));
  summary[g] = { a: median(all('A')), b: median(all('B')), aCpu: cpu('A'), bCpu: cpu('B'), aByPosition: per('A'), bByPosition: per('B') };
}
const loads = [...runs.A, ...runs.B].map((r) => r.load);
const head = runs.A[0];
if (arg('json') !== undefined || process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify({ a: A, b: B, qubits: head.qubits, precision: head.precision, threads: head.threads, rounds, loads, summary }, null, 2) + '\n');
} else {
  console.log(`${head.qubits} qubits ${head.precision} ${head.threads} thread(s), ${rounds} rounds; A = ${A}; B = ${B}`);
  console.log(`load averages seen: ${loads.map((l) => l.split(' ').slice(0, 3).join(' ')).join(' | ')}`);
  console.log('gate     wall ms A    B    A/B | cpu ms A    B    A/B | wall per position (A -> B)');
  for (const g of gates) {
    const s = summary[g];
    const pos = Object.keys(s.aByPosition).map((p) => `${p}: ${s.aByPosition[p].toFixed(2)}->${s.bByPosition[p].toFixed(2)}`).join('  ');
    console.log(`${g.padEnd(8)} ${s.a.toFixed(2).padStart(7)} ${s.b.toFixed(2).padStart(6)} ${(s.a / s.b).toFixed(2).padStart(5)} | ${s.aCpu.toFixed(2).padStart(7)} ${s.bCpu.toFixed(2).padStart(6)} ${(s.aCpu / s.bCpu).toFixed(2).padStart(5)} | ${pos}`);
  }
}
