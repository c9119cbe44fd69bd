// The Experiments view's logic without components: the form derived from the
// schema, field texts ↔ values, the draft ↔ experiment, new/duplicate/import ids.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssue, formatField, KIND_HELP, KIND_LABELS, paramMeta, paramUnused, parseField } from '../../src-shared/project/param-meta';
import { Experiment, EXPERIMENT_KINDS, WORKLOAD_PARAMS } from '../../src-shared/project/schema';
import { checkDraft, draftOf, duplicateExperiment, experimentFromQasm, mergeDraft, newExperiment, uniqueId } from '../../src-renderer/features/experiments/model';
import { exampleProject } from './fake-api';

const exp = (raw: Record<string, unknown>): Experiment => Experiment.parse({ id: 'x', name: 'x', ...raw });

describe('parameter metadata', () => {
  it('derives each field from the schema: input type, limits, choices, default, words', () => {
    const byName = Object.fromEntries(paramMeta('qaoa').map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual(Object.keys(WORKLOAD_PARAMS.qaoa.shape));
    expect(byName.nodes).toMatchObject({ label: 'Nodes', unit: 'qubits', input: { type: 'int', min: 2, max: 26 }, default: 20, required: false });
    expect(byName.optimizer.input).toEqual({ type: 'enum', options: ['adam', 'lbfgs', 'spsa'] });
    expect(byName.edges.input).toEqual({ type: 'tuple-list', arities: [2, 3], maxItems: 10_000 });
    expect(byName.learningRate.input).toMatchObject({ type: 'number', exclusiveMin: 0 });
    expect(paramMeta('qgan').find((m) => m.name === 'batches')?.input).toMatchObject({ type: 'number-list', integer: true, min: 1, minItems: 1, maxItems: 32 });
    expect(paramMeta('circuit').find((m) => m.name === 'qasm')).toMatchObject({ required: true, input: { type: 'textarea' } });
    expect(paramMeta('circuit').find((m) => m.name === 'observables')?.input.type).toBe('text-list');
    expect(paramMeta('qnn').find((m) => m.name === 'labelColumn')?.input.type).toBe('text-or-int');
    expect(paramMeta('qnn').find((m) => m.name === 'baselines')).toMatchObject({ input: { type: 'boolean' }, default: true });
  });

  it('says in words what every kind is: a label and a short description', () => {
    for (const kind of EXPERIMENT_KINDS) {
      expect(KIND_LABELS[kind], kind).toBeTruthy();
      expect(KIND_HELP[kind].length, kind).toBeGreaterThan(40);
      expect(KIND_HELP[kind].length, kind).toBeLessThan(400); // concise: it sits under the editor's title
    }
  });

  it('gives a parameter added to a schema a field with no UI work', () => {
    const schema = WORKLOAD_PARAMS.vqe as unknown as z.ZodObject;
    const json = z.toJSONSchema(schema.extend({ maxRestarts: z.number().int().min(0).max(9) }), { io: 'input' }) as { properties: Record<string, unknown> };
    expect(json.properties.maxRestarts).toMatchObject({ type: 'integer', minimum: 0, maximum: 9 }); // what paramMeta reads
  });

  it('reads field texts, naming what is not even of the right shape', () => {
    const m = (kind: 'qaoa' | 'qgan' | 'circuit' | 'qnn', name: string) => paramMeta(kind).find((x) => x.name === name)!;
    expect(parseField(m('qaoa', 'nodes'), '')).toEqual({ ok: true, value: undefined });
    expect(parseField(m('qaoa', 'nodes'), ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseField(m('qaoa', 'nodes'), '1e1')).toEqual({ ok: true, value: 10 });
    expect(parseField(m('qaoa', 'nodes'), 'twelve')).toEqual({ ok: false, error: "'twelve' is not a number" });
    expect(parseField(m('qaoa', 'edges'), '0 1, 1 2 0.5\n2 3')).toEqual({ ok: true, value: [[0, 1], [1, 2, 0.5], [2, 3]] });
    expect(parseField(m('qaoa', 'edges'), '0 1 2 3')).toEqual({ ok: false, error: "item 1 ('0 1 2 3') has 4 number(s); expected 2 or 3" });
    expect(parseField(m('qgan', 'batches'), '1, 4 8')).toEqual({ ok: true, value: [1, 4, 8] });
    expect(parseField(m('circuit', 'qasm'), '  ')).toEqual({ ok: false, error: 'required' });
    expect(parseField(m('circuit', 'observables'), 'Z0\n\n X1 ')).toEqual({ ok: true, value: ['Z0', 'X1'] });
    expect(parseField(m('qnn', 'labelColumn'), '3')).toEqual({ ok: true, value: 3 });
    expect(parseField(m('qnn', 'labelColumn'), 'species')).toEqual({ ok: true, value: 'species' });
    expect(formatField(m('qaoa', 'edges'), [[0, 1], [1, 2, 0.5]])).toBe('0 1, 1 2 0.5');
  });

  it('words schema issues as the user would say them', () => {
    const issues = (raw: Record<string, unknown>) => Experiment.safeParse({ id: 'x', name: 'x', ...raw }).error!.issues.map((i) => fieldIssue(i));
    expect(issues({ kind: 'vqe', params: { qubits: 30 } })).toEqual([{ field: 'params.qubits', message: 'qubits: must be ≤ 26' }]);
    expect(issues({ kind: 'vqe', params: { qubits: 2.5 } })[0].message).toBe('qubits: must be a whole number');
    expect(issues({ kind: 'qaoa', params: { learningRate: 0 } })[0].message).toBe('learningRate: must be > 0');
    expect(issues({ kind: 'qgan', params: { batches: [4, 0] } })[0]).toEqual({ field: 'params.batches', message: 'batches: item 2: must be ≥ 1' });
    expect(issues({ kind: 'vqe', params: { ansatz: 'x' } })[0].message).toBe('ansatz: must be one of hea, hva');
    expect(issues({ kind: 'vqe', params: {}, settings: { fusion: 9 } })[0]).toEqual({ field: 'settings.fusion', message: 'fusion: must be ≤ 6' });
    expect(issues({ kind: 'vqe', params: {}, name: '' })[0]).toEqual({ field: 'name', message: 'name: must not be empty' });
  });

  it('says which parameters the others make irrelevant', () => {
    expect(paramUnused('vqe', 'h', { hamiltonian: 'heisenberg' })).toBe("with Hamiltonian 'heisenberg'");
    expect(paramUnused('vqe', 'h', { hamiltonian: 'tfim' })).toBeNull();
    expect(paramUnused('qaoa', 'degree', { edges: [[0, 1]] })).toBe('with your own edges');
    expect(paramUnused('qnn', 'labelColumn', {})).toBe('without a CSV file');
  });
});

describe('the editor draft', () => {
  const qaoa = exampleProject().experiments.find((e) => e.id === 'qaoa')!;

  it('round-trips an experiment through its form texts', () => {
    for (const e of exampleProject().experiments) expect(checkDraft(e, draftOf(e))).toEqual({ experiment: e, errors: {} });
  });

  it('collects every problem by field, and no experiment until all are fixed', () => {
    const d = draftOf(qaoa);
    d.params.nodes = '30';
    d.params.p = 'two';
    d.settings.threads = '-1';
    d.name = ' ';
    const c = checkDraft(qaoa, d);
    expect(c.experiment).toBeNull();
    expect(c.errors).toEqual({
      'params.p': ["p: 'two' is not a number"],
      'params.nodes': ['nodes: must be ≤ 26'],
      'settings.threads': ['threads: must be ≥ 0'],
      name: ['name: must not be empty'],
    });
  });

  it('merges a stored change without overwriting what reads as the same value', () => {
    const d = draftOf(qaoa);
    d.params.nodes = '2e1'; // = 20, as stored
    d.params.p = '3'; // typed, not yet saved
    const renamed = { ...qaoa, name: 'Renamed elsewhere', params: { ...qaoa.params, p: 3 } };
    mergeDraft(d, renamed as Experiment);
    expect(d.name).toBe('Renamed elsewhere');
    expect(d.params.nodes).toBe('2e1');
    expect(d.params.p).toBe('3');
    mergeDraft(d, { ...renamed, params: { ...renamed.params, seed: 99 } } as Experiment);
    expect(d.params.seed).toBe('99');
  });
});

describe('new, duplicate, import', () => {
  const list = exampleProject().experiments;

  it('makes ids unique and valid', () => {
    expect(uniqueId('qaoa', new Set(['qaoa', 'qaoa-2']))).toBe('qaoa-3');
    expect(uniqueId('my circuit (v2).qasm', new Set())).toBe('my-circuit-v2-.qasm');
    expect(uniqueId('∑∑', new Set())).toBe('experiment');
    expect(newExperiment('vqe', list)).toMatchObject({ id: 'vqe-2', kind: 'vqe', params: {} });
    const c = newExperiment('circuit', list);
    expect(Experiment.parse(c)).toEqual(c);
    expect(duplicateExperiment(list[0], list)).toMatchObject({ id: 'vqe-copy', name: `${list[0].name} (copy)`, params: list[0].params });
  });

  it('imports QASM or throws the parser error with file:line:col', () => {
    const e = experimentFromQasm('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\nh q[0];\n', 'ghz four.qasm', list);
    expect(e).toMatchObject({ id: 'ghz-four', name: 'ghz four (4 qubits)', kind: 'circuit' });
    expect(() => experimentFromQasm('OPENQASM 2.0;\nqreg q[2];\nfoo q[0];\n', 'x.qasm', list)).toThrow(/^x\.qasm:3:1: /);
  });
});
