// The circuit of each kind of experiment: built as the runner builds it, checks
// beyond the schema as field messages, and the OpenQASM export.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceState } from '../../src-shared/backend/reference';
import { lower } from '../../src-shared/circuit/lower';
import { Experiment, parseProject } from '../../src-shared/project/schema';
import { parseQasm } from '../../src-shared/qasm';
import { Rng } from '../../src-shared/random';
import { experimentCircuit, experimentProblems, experimentQasm, qaoaGateCircuit, qaoaGraphOf, qasmExportProblem, qganGenerator } from '../../src-shared/workloads/experiment-circuit';
import { randomRegularGraph } from '../../src-shared/workloads/graph';
import { qaoaCircuit, qaoaInitialParams } from '../../src-shared/workloads/qaoa';
import { prepareClassification } from '../../src-shared/workloads/data';
import { qnnInitialWeights } from '../../src-shared/workloads/qnn';
import { vqeInitialParams } from '../../src-shared/workloads/vqe';
import { qaoaGraph, QAOA_DEFAULTS } from '../../src-main/engine/workloads/qaoa';

const root = path.join(__dirname, '../..');
const example = parseProject(fs.readFileSync(path.join(root, 'examples/seed-suite.quench.json'), 'utf8'));
const exp = (raw: Record<string, unknown>): Experiment => Experiment.parse({ id: 'x', name: 'x', ...raw });
const bell = fs.readFileSync(path.join(root, 'test/fixtures/bell.qasm'), 'utf8');

describe('experiment circuits', () => {
  it('builds every experiment of the example project', () => {
    for (const e of example.experiments) {
      const c = experimentCircuit(e);
      if (c.type === 'qubit') expect(c.circuit.ops.length).toBeGreaterThan(0);
      else expect(c.generator.gates.length).toBeGreaterThan(0);
    }
  });

  it('uses the defaults the runner uses', () => {
    const c = experimentCircuit(exp({ kind: 'vqe', params: {} }));
    // hea: 2·n·(L + 1) rotations + (n − 1)·L CNOTs, n = 10, L = 4
    expect(c.type === 'qubit' && c.circuit.numQubits).toBe(10);
    expect(c.type === 'qubit' && c.circuit.ops.length).toBe(2 * 10 * 5 + 9 * 4);
    expect(c.type === 'qubit' && c.circuit.paramNames?.[3]).toBe('θ3');
  });

  it('draws the same random QAOA graph as the runner', () => {
    for (const params of [{}, { nodes: 12, degree: 5, seed: 3 }, { nodes: 8, degree: 3, edges: [[0, 1], [1, 2, 0.5]] as [number, number, number?][] }]) {
      const g = qaoaGraphOf(params as never);
      expect(g).toEqual(qaoaGraph({ ...QAOA_DEFAULTS, ...params }));
    }
  });

  it("writes QAOA's diagonal cost layer as RZZ gates that agree with it up to a global phase", () => {
    const graph = randomRegularGraph(6, 3, new Rng(4));
    graph.edges[2][2] = 0.7; // a weighted edge too
    const p = 2;
    const params = [0.3, 0.8, -0.4, 1.1];
    const a = new ReferenceState(6), b = new ReferenceState(6);
    for (const g of qaoaCircuit(graph, p).gates) a.apply(g, params);
    for (const g of lower(qaoaGateCircuit(graph, p)).gates) b.apply(g, params);
    // |⟨a|b⟩| = 1
    let re = 0, im = 0;
    for (let i = 0; i < a.amplitudes.length; i += 2) {
      re += a.amplitudes[i] * b.amplitudes[i] + a.amplitudes[i + 1] * b.amplitudes[i + 1];
      im += a.amplitudes[i] * b.amplitudes[i + 1] - a.amplitudes[i + 1] * b.amplitudes[i];
    }
    expect(Math.hypot(re, im)).toBeCloseTo(1, 12);
  });

  it('mirrors the core CV generator gate for gate (4 modes, 2 layers, latent 4: 68 gates, 100 parameters)', () => {
    const g = qganGenerator(4, 2, 4);
    expect(g.gates).toHaveLength(68);
    expect(g.numParams).toBe(100);
    expect(() => qganGenerator(2, 1, 5)).toThrow(/exceeds 2 × modes/);
  });

  const addon = path.join(root, 'native/build/Release/quench_native.node');
  it.skipIf(!fs.existsSync(addon))('matches the native addon’s cvQganGenerator', async () => {
    const { loadFockAddon } = await import('../../src-main/native/fock');
    const native = loadFockAddon();
    for (const [modes, layers, latent] of [[4, 2, 4], [3, 1, 6], [1, 2, 2], [5, 3, 7]]) {
      const n = native.cvQganGenerator(modes, 4, layers, latent);
      const ours = qganGenerator(modes, layers, latent);
      expect(ours.numParams).toBe(n.numParams);
      const angle = (a: unknown) => {
        const o = (typeof a === 'number' ? { value: a } : (a ?? {})) as { slot?: number; value?: number };
        return o.slot !== undefined ? { slot: o.slot } : { value: o.value ?? 0 };
      };
      const norm = (g: { kind: string; mode0: number; mode1?: number; a?: unknown; b?: unknown }) => ({
        kind: g.kind, mode0: g.mode0, ...(g.kind === 'Beamsplitter' ? { mode1: g.mode1 } : {}), a: angle(g.a),
        ...(g.kind === 'Rotation' || g.kind === 'Kerr' ? {} : { b: angle(g.b) }),
      });
      expect(ours.gates.map(norm)).toEqual(n.gates.map(norm));
    }
  });
});

describe('checks beyond the schema', () => {
  const messages = (raw: Record<string, unknown>) => experimentProblems(exp(raw)).map((i) => `${i.field} ${i.message}`);

  it('accepts every experiment of the example project', () => {
    for (const e of example.experiments) expect(experimentProblems(e)).toEqual([]);
  });

  it('names the field and says what is wrong', () => {
    expect(messages({ kind: 'vqe', params: { hamiltonian: 'custom' } })).toEqual(["params.pauliSum pauliSum: needed for Hamiltonian 'custom', e.g. 0.5*Z0*Z1 - X0"]);
    expect(messages({ kind: 'vqe', params: { hamiltonian: 'custom', qubits: 3, pauliSum: 'Z0*Z7' } })[0]).toMatch(/^params\.pauliSum pauliSum: .*7/);
    expect(messages({ kind: 'vqe', params: { hamiltonian: 'custom', pauliSum: '0.5*Q0' } })[0]).toMatch(/^params\.pauliSum pauliSum: /);
    expect(messages({ kind: 'qaoa', params: { nodes: 21, degree: 3 } })).toEqual(['params.degree degree: nodes × degree must be even (21 × 3 = 63)']);
    expect(messages({ kind: 'qaoa', params: { nodes: 4, degree: 4 } })).toEqual(['params.degree degree: must be < nodes (4)']);
    expect(messages({ kind: 'qaoa', params: { nodes: 4, edges: [[0, 1], [2, 5], [3, 3]] } })).toEqual([
      'params.edges edges: item 2: node 5 is out of range for 4 nodes (0–3)',
      'params.edges edges: item 3: a self-loop on node 3',
    ]);
    expect(messages({ kind: 'qgan', params: { modes: 2, latent: 5 } })).toEqual(['params.latent latent: at most 2 × modes = 4 (one latent value per quadrature)']);
    expect(messages({ kind: 'qnn', params: { dataset: 'iris' } })[0]).toMatch(/binary/);
    expect(messages({ kind: 'vqe', settings: { backend: 'reference' }, params: {} })).toEqual(['settings.backend backend: the reference backend only runs raw circuits (kind circuit)']);
    expect(messages({ kind: 'qgan', settings: { backend: 'webgpu', precision: 'f32' }, params: {} })).toEqual([]);
    expect(messages({ kind: 'vqe', settings: { backend: 'webgpu', precision: 'f32' }, params: {} })).toEqual([]);
  });

  it('gives QASM errors with line and column, and checks observables against the qubit count', () => {
    const bad = fs.readFileSync(path.join(root, 'test/fixtures/bad.qasm'), 'utf8');
    expect(messages({ kind: 'circuit', params: { qasm: bad } })[0]).toMatch(/^params\.qasm qasm: line 5:1: /);
    expect(messages({ kind: 'circuit', params: { qasm: bell, observables: ['Z0*Z1', 'X3'] } })).toEqual([expect.stringMatching(/^params\.observables observables: line 2: .*3/)]);
    expect(messages({ kind: 'circuit', params: { qasm: bell, observables: ['Z0*Z1'] }, settings: { backend: 'reference' } })).toEqual([]);
  });
});

describe('OpenQASM export', () => {
  it('binds a VQE ansatz to its starting parameters and reads back', () => {
    const e = exp({ kind: 'vqe', params: { qubits: 4, layers: 2, seed: 9 } });
    const { text, fileName } = experimentQasm(e);
    expect(fileName).toBe('x.qasm');
    expect(text.split('\n')[0]).toBe('OPENQASM 2.0;');
    expect(text).toMatch(/\/\/ Parameters bound to the optimizer's starting parameters \(seed 9\)/);
    const back = parseQasm(text).circuit;
    const c = experimentCircuit(e);
    if (c.type !== 'qubit') throw new Error('qubit circuit expected');
    expect(back.numQubits).toBe(4);
    expect(back.ops.map((o) => o.gate)).toEqual(c.circuit.ops.map((o) => o.gate));
    const x0 = vqeInitialParams(c.circuit.numParams, 9);
    expect(back.ops[0].params?.[0]).toBeCloseTo(x0[0], 15);
  });

  it('binds QAOA to its linear-ramp start, the QNN to its first training sample', () => {
    const q = parseQasm(experimentQasm(exp({ kind: 'qaoa', params: { nodes: 6, degree: 3, p: 1 } })).text).circuit;
    const rx = q.ops.find((o) => o.gate === 'rx')!;
    expect(rx.params?.[0]).toBeCloseTo(2 * qaoaInitialParams(1)[1], 15);

    const qnn = parseQasm(experimentQasm(exp({ kind: 'qnn', params: { qubits: 3, layers: 1 } })).text).circuit;
    const { train } = prepareClassification({ dataset: 'moons', train: 300, test: 100, features: 3, seed: 3 });
    expect(qnn.ops[0].params?.[0]).toBeCloseTo(train.features[0], 15);
    expect(qnn.ops[3].params?.[0]).toBeCloseTo(qnnInitialWeights({ qubits: 3, layers: 1, seed: 3 })[0], 15);
  });

  it("exports a circuit experiment's own text and refuses CV circuits", () => {
    expect(experimentQasm(exp({ kind: 'circuit', params: { qasm: bell } })).text).toBe(bell);
    expect(qasmExportProblem(exp({ kind: 'qgan', params: {} }))).toMatch(/continuous-variable/);
    expect(() => experimentQasm(exp({ kind: 'qgan-train', params: {} }))).toThrow(/no OpenQASM 2.0 form/);
    expect(qasmExportProblem(exp({ kind: 'qaoa', params: { nodes: 5, degree: 3 } }))).toMatch(/must be even/);
  });
});
