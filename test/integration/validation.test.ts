// Validations: the report's arithmetic and wording on known trial data, and
// `quench validate` end to end (a QNN and a QSVM against classical baselines
// on shared splits, stored as a run of a validation experiment).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Experiment, Project } from '../../src-shared/project/schema';
import { estimateMemory } from '../../src-shared/workloads/memory';
import { experimentCircuit, experimentProblems, experimentQasm } from '../../src-shared/workloads/experiment-circuit';
import { KIND_HELP, KIND_LABELS, paramMeta, paramUnused } from '../../src-shared/project/param-meta';
import { declarationOf } from '../../src-shared/project/kinds';
import { runtimeOf } from '../../src-shared/workloads/registry';
import { VALIDATION } from '../../src-shared/workloads/validation/params';
import { validationOf } from '../../src-shared/workloads/validation/model';
import { forestRows, formatValidation, validationReport, type ModelTrials } from '../../src-shared/workloads/validation/report';

const root = path.resolve(__dirname, '../..');
const quench = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/quench.js'), ...args], { encoding: 'utf8', cwd: root });

describe('validation report', () => {
  // Ten trials: the quantum model is as accurate as the SVM (differences of ±1 point
  // that cancel), clearly more accurate than logistic regression, and trains 10× slower
  // than the SVM.
  const n = 10;
  const svmAcc = Array.from({ length: n }, (_, i) => 0.9 + 0.01 * (i % 3));
  const models: ModelTrials[] = [
    { name: 'qsvm', label: 'QSVM', quantum: true, values: { accuracy: svmAcc.map((v, i) => v + (i % 2 ? 0.01 : -0.01)), train_ms: svmAcc.map((_, i) => 100 + i), params: Array(n).fill(50) } },
    { name: 'rbf-svm', label: 'RBF-SVM', quantum: false, values: { accuracy: svmAcc, train_ms: svmAcc.map((_, i) => (100 + i) / 10 * (1 + 0.02 * (i % 2))), params: Array(n).fill(40) } },
    { name: 'logistic-regression', label: 'logistic regression', quantum: false, values: { accuracy: svmAcc.map((v, i) => v - 0.08 + 0.005 * (i % 2)), train_ms: svmAcc.map((_, i) => 100 + i + (i % 2 ? 3 : -3)), params: Array(n).fill(3) } },
  ];
  const r = validationReport({ model: 'qsvm', modelLabel: 'QSVM', dataset: 'moons', alpha: 0.05, models });

  it('says "no significant difference" where the paired differences cancel, and names the better model where they do not', () => {
    const acc = (b: string) => r.comparisons.find((c) => c.metric === 'accuracy' && c.baseline === b)!;
    expect(acc('rbf-svm').significant).toBe(false);
    expect(acc('rbf-svm').verdict).toMatch(/^no significant difference in test accuracy .*p = .*Holm-adjusted, n = 10/);
    expect(acc('logistic-regression').significant).toBe(true);
    expect(acc('logistic-regression').better).toBe('quantum');
    expect(acc('logistic-regression').verdict).toMatch(/^QSVM is more accurate by 7\.\d+ points \(95% CI [\d.]+ to [\d.]+ points/);
    // Holm: the adjusted p is never below the unadjusted one.
    for (const c of r.comparisons) expect(c.pAdjusted).toBeGreaterThanOrEqual(c.p - 1e-15);
  });

  it('compares times as ratios of geometric means with their CI, and never tests parameter counts', () => {
    const t = r.comparisons.find((c) => c.metric === 'train_ms' && c.baseline === 'rbf-svm')!;
    expect(t.ratio!.ratio).toBeGreaterThan(9.5);
    expect(t.ratio!.ratio).toBeLessThan(10.5);
    expect(t.verdict).toMatch(/^RBF-SVM trains 9\.\d+× faster \(95% CI [\d.]+×–[\d.]+×/);
    const same = r.comparisons.find((c) => c.metric === 'train_ms' && c.baseline === 'logistic-regression')!;
    expect(same.verdict).toMatch(/^no significant difference in training time/);
    expect(r.comparisons.filter((c) => c.metric === 'params').every((c) => !c.significant && /not tested/.test(c.verdict))).toBe(true);
    expect(forestRows(r).some((x) => x.metric === 'params')).toBe(false);
    expect(forestRows(r).find((x) => x.metric === 'train_ms')!.null).toBe(1);
  });

  it('reads as a summary first, then the figures with the test details', () => {
    const text = formatValidation(r);
    expect(text.split('\n')[0]).toBe('Validation: QSVM vs RBF-SVM, logistic regression — moons, 10 trials on shared splits');
    expect(r.summary[0]).toMatch(/^QSVM vs RBF-SVM: no significant difference in test accuracy .*; RBF-SVM trains/);
    expect(text).toMatch(/paired t\(9\) = /);
    expect(text).toMatch(/Welch t\([\d.]+\) = /);
    expect(text).not.toMatch(/NaN|undefined/);
  });
});

describe('validation experiments', () => {
  it('are project experiments: derived from a QNN or QSVM experiment, checked by the schema, sized by the quantum model', () => {
    const qnn = Experiment.parse({ id: 'q', name: 'QNN', kind: 'qnn', params: { qubits: 4, train: 80 } });
    const v = validationOf(qnn as Extract<Experiment, { kind: 'qnn' }>, 12);
    expect(Experiment.parse(v)).toMatchObject({ id: 'q-validation', kind: 'validation', params: { model: 'qnn', qubits: 4, train: 80, trials: 12 } });
    expect(estimateMemory(Experiment.parse(v)).phase).toMatch(/^one trial: /);
    const bad = Experiment.safeParse({ id: 'v', name: 'v', kind: 'validation', params: { trials: 1, baselines: ['svm'] } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error!.issues.map((i) => i.path))).toMatch(/trials.*baselines|baselines.*trials/);
  });
});

describe('a kind in its own folder, through the registry', () => {
  const v = Experiment.parse({ id: 'v', name: 'v', kind: 'validation', params: { model: 'qnn', qubits: 3, train: 50, sampleSizes: [20, 80], dataset: 'iris' } });
  it('gives the editor its words, help and parameter hints from its declaration', () => {
    expect(KIND_LABELS.validation).toBe(VALIDATION.label);
    expect(KIND_HELP.validation).toBe(VALIDATION.help);
    expect(paramMeta('validation').find((m) => m.name === 'trials')).toMatchObject({ label: 'Trials', default: 10 });
    expect(paramUnused('validation', 'features', { model: 'qnn' })).toMatch(/quantum model 'qnn'/);
    expect(declarationOf('validation')).toBe(VALIDATION);
  });
  it("checks its fields, draws and exports its quantum model's circuit", () => {
    const problems = experimentProblems(v).map((p) => p.message);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^dataset: the QNN classifier is binary/), 'sampleSizes: 80 is larger than the training split (50)']));
    const c = experimentCircuit(v);
    expect(c.type === 'qubit' && c.circuit.numQubits).toBe(3);
    expect(experimentQasm(v)).toMatchObject({ fileName: 'v.qasm', text: expect.stringMatching(/^OPENQASM 2\.0;/m) });
    expect(runtimeOf('validation')?.kind).toBe('validation');
    expect(runtimeOf('vqe')).toBeUndefined();
  });
});

describe('quench validate', () => {
  let dir: string, file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quench-validate-'));
    file = path.join(dir, 'v.quench.json');
    const project = {
      format: 'quench-project', version: 2, name: 'validation test',
      experiments: [
        { id: 'qnn', name: 'QNN', kind: 'qnn', params: { qubits: 2, layers: 1, train: 40, test: 20, epochs: 2 } },
        { id: 'qsvm', name: 'QSVM', kind: 'qsvm', params: { features: 2, reps: 1, train: 40, test: 20 } },
        { id: 'vqe', name: 'VQE', kind: 'vqe', params: { qubits: 2 } },
        { id: 'val', name: 'QSVM vs RBF-SVM', kind: 'validation', params: { model: 'qsvm', features: 2, reps: 1, train: 40, test: 20, sampleSizes: [10, 40], baselines: ['rbf-svm'] } },
      ],
      runs: [],
    };
    fs.writeFileSync(file, JSON.stringify(project));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('validates a QNN against its baselines and stores the run under a validation experiment', () => {
    const r = quench('validate', file, '--experiment', 'qnn', '--trials', '4', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.report.trials).toBe(4);
    expect(out.report.models.map((m: { name: string }) => m.name)).toEqual(['qnn', 'rbf-svm', 'logistic-regression', 'mlp']);
    for (const m of out.report.models) for (const k of ['accuracy', 'f1', 'train_ms', 'infer_us']) expect(m.values[k]).toHaveLength(4);
    // Every model saw the same splits: the comparisons are paired, Holm-adjusted over 3 baselines.
    const acc = out.report.comparisons.filter((c: { metric: string }) => c.metric === 'accuracy');
    expect(acc).toHaveLength(3);
    for (const c of acc) expect(c.paired.df).toBe(3);
    const project = Project.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(project.experiments.find((e) => e.id === 'qnn-validation')?.kind).toBe('validation');
    expect(project.runs.filter((x) => x.experimentId === 'qnn-validation')).toHaveLength(1);
  });

  it('prints a QSVM validation as text, with sample complexity, and --no-save leaves the file as it was', () => {
    const before = fs.readFileSync(file);
    const r = quench('validate', file, '--experiment', 'val', '--trials', '3', '--no-save');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Validation: QSVM vs RBF-SVM — moons, 3 trials on shared splits/);
    expect(r.stdout).toMatch(/Sample complexity: test accuracy \(%\) by training-set size/);
    expect(r.stdout).toMatch(/\n  10 +\d/);
    expect(r.stdout).toMatch(/With 3 trials only large differences can be detected/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses what it cannot validate, naming it', () => {
    const wrongKind = quench('validate', file, '--experiment', 'vqe');
    expect(wrongKind.status).toBe(2);
    expect(wrongKind.stderr).toMatch(/'vqe' is a vqe experiment/);
    expect(quench('validate', file, '--experiment', 'nope').stderr).toMatch(/no experiment 'nope'/);
    expect(quench('validate', file, '--experiment', 'qnn', '--trials', '1').stderr).toMatch(/--trials/);
  });
});
