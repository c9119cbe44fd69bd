// The memory estimate of a run, against figures derived by hand from the native
// core's allocations (the comments show the arithmetic), and the shared defaults.
import { describe, expect, it } from 'vitest';
import { Experiment, RunSettings } from '../../src-shared/project/schema';
import { PARAM_DEFAULTS, SETTINGS_DEFAULTS } from '../../src-shared/workloads/defaults';
import { qganGenerator } from '../../src-shared/workloads/experiment-circuit';
import { estimateMemory, fockPlanSize, formatBytes, libsvmHeapBytes, MAX_STATE_AMPLITUDES, memoryVerdict } from '../../src-shared/workloads/memory';
import { DEFAULT_FUSION } from '../../src-main/backend/native-backend';
import { QAOA_DEFAULTS } from '../../src-main/engine/workloads/qaoa';
import { QGAN_DEFAULTS, QGAN_TRAIN_DEFAULTS } from '../../src-main/engine/workloads/qgan';
import { QNN_RUN_DEFAULTS } from '../../src-main/engine/workloads/qnn';
import { QSVM_RUN_DEFAULTS } from '../../src-main/engine/workloads/qsvm';
import { SCALE_DEFAULTS } from '../../src-main/engine/workloads/scale';

const exp = (raw: Record<string, unknown>): Experiment => Experiment.parse({ id: 'x', name: 'x', ...raw });
const MiB = 2 ** 20, GiB = 2 ** 30;

describe('memory estimate', () => {
  it('VQE: the adjoint sweep keeps 2 states; the exact energy needs real Lanczos vectors', () => {
    const e = estimateMemory(exp({ kind: 'vqe', params: {} }));
    // 10 qubits, f64: 2 × 2^10 × 16 B
    expect(e.peakBytes).toBe(2 * 1024 * 16);
    expect(e.phase).toMatch(/adjoint/);
    expect(e.stateAmplitudes).toBe(1024);
    // f32 halves the states; Lanczos (always double, 3 doubles per amplitude for a real H) then peaks
    const f32 = estimateMemory(exp({ kind: 'vqe', params: {}, settings: { precision: 'f32' } }));
    expect(f32.peakBytes).toBe(3 * 8 * 1024);
    expect(f32.phase).toMatch(/Lanczos/);
    // an odd number of Ys in a term makes H complex: 5 doubles per amplitude
    const complex = estimateMemory(exp({ kind: 'vqe', params: { qubits: 4, hamiltonian: 'custom', pauliSum: 'X0*Y1 + Z2' }, settings: { precision: 'f32' } }));
    expect(complex.peakBytes).toBe(5 * 8 * 16);
    // 26 qubits, f64: 2 GiB
    expect(formatBytes(estimateMemory(exp({ kind: 'vqe', params: { qubits: 26 } })).peakBytes)).toBe('2.0 GiB');
  });

  it("QAOA: cut values, the program's per-round copies with their index, and the adjoint states", () => {
    const e = estimateMemory(exp({ kind: 'qaoa', params: {} }));
    // 20 nodes, p = 2, 30 edges (≤ 255: 1-byte index): cut values 8·2^20, program 2·(8 + 1)·2^20,
    // cache key 2·2·8·2^20, adjoint states 2·16·2^20 = 90 MiB (measured: +376 MiB of RSS at 22 nodes, where this says 360)
    expect(e.peakBytes).toBe(90 * MiB);
    expect(e.parts.map((p) => p.bytes)).toEqual([8 * MiB, 18 * MiB, 32 * MiB, 32 * MiB]);
  });

  it('QSVM: the Gram matrices, then LIBSVM on the precomputed kernel', () => {
    const e = estimateMemory(exp({ kind: 'qsvm', params: {} }), { logicalCores: 4 });
    // N = 1000, M = 200, 8 features (36 angles), f64, peak in the SVM phase:
    //   dataset 2·1200·8·8 + angles 2·1200·36·8 + K 1000²·8 + Kx 200·1000·8 + rows 1000·1001·8
    //   + LIBSVM's heap: nodes 1000·1002·16 + cache min(100 MB, 4·1000²) = 20 MB → grown from 16 to 32 MiB
    expect(e.phase).toMatch(/LIBSVM/);
    expect(e.peakBytes).toBe(153_600 + 691_200 + 8_000_000 + 1_600_000 + 8_008_000 + 32 * MiB);
    // The test-kernel phase: states of 240 + 1008 padded points × 512 doubles, 4 threads' scratch
    const wide = estimateMemory(exp({ kind: 'qsvm', params: { features: 20, train: 100, test: 20 } }), { logicalCores: 4 });
    expect(wide.phase).toMatch(/test kernel/);
    // ld = 2·2^20; (48 + 144)·ld·8 B of states ≈ 3 GiB, + 4 × (2·48·ld·8 + 48·96·8 + 16 MiB) ≈ 6.06 GiB of scratch
    expect(wide.peakBytes / GiB).toBeCloseTo(3 + 4 * (1.5 + 1 / 64) + 4 * (48 * 96 * 8) / GiB + 100 * 100 * 8 / GiB + 20 * 100 * 8 / GiB + (2 * 120 * 20 * 8 + 2 * 120 * 210 * 8) / GiB, 6);
  });

  it('LIBSVM: the asm.js heap grows in steps and stops at 2 GiB, which blocks a large QSVM', () => {
    expect(libsvmHeapBytes(10 * MiB)).toBe(16 * MiB);
    expect(libsvmHeapBytes(300 * MiB)).toBe(512 * MiB);
    expect(libsvmHeapBytes(600 * MiB)).toBe(GiB); // doubles while ≤ 512 MiB
    expect(libsvmHeapBytes(1.1 * GiB)).toBe(1.25 * GiB); // then (3·1 GiB + 2 GiB) / 4
    expect(libsvmHeapBytes(2 ** 31)).toBeNull();
    const e = estimateMemory(exp({ kind: 'qsvm', params: { train: 12_000, test: 100, baseline: false } }));
    expect(memoryVerdict(e, { totalMemoryBytes: 1024 * GiB, freeMemoryBytes: 1024 * GiB })).toMatchObject({ level: 'block', message: expect.stringMatching(/LIBSVM .* at most 2 GiB .* 12000 training samples/) });
    expect(estimateMemory(exp({ kind: 'qsvm', params: { train: 10_000, test: 100 } })).limits).toEqual([]);
  });

  it('QNN: per-thread adjoint scratch below 14 qubits, and the whole training split in one batch', () => {
    const one = estimateMemory(exp({ kind: 'qnn', params: { qubits: 20, train: 100, baselines: false } }), { logicalCores: 8 });
    // 20 qubits ≥ 14: threads work on one state at a time; the training batch: 2 states of 16 MiB
    expect(one.parts.find((p) => p.what.includes('adjoint'))?.bytes ?? 0).toBeLessThanOrEqual(2 * 16 * MiB);
    const small = estimateMemory(exp({ kind: 'qnn', params: { qubits: 8, train: 1_000_000, baselines: false } }), { logicalCores: 8 });
    // 1e6 rows × 56 parameters × 8 B, twice (V8 + the addon's copy) ≈ 834 MiB, plus the dataset
    expect(small.phase).toMatch(/training split/);
    expect(small.peakBytes).toBeGreaterThan(2 * 1e6 * 56 * 8);
    expect(small.peakBytes).toBeLessThan(2 * 1e6 * 56 * 8 + 2 * 1.0001e6 * 8 * 8 + 8 * 4096 + 1e4);
  });

  it('CV-QGAN: the Fock plan of the seed generator (45 states kept by the backward pass)', () => {
    const g = qganGenerator(4, 2, 4);
    const plan = fockPlanSize(4, 4, g.numParams, g.gates);
    // 44 non-diagonal gates (every rotation and Kerr folds into a D or S) + 1
    expect(plan.buffers).toBe(45);
    // 20 dense ops × 2·4² + 24 beamsplitters × 2·44 (44 = Σ block sizes² for cutoff 4)
    expect(plan.matTotal).toBe(20 * 32 + 24 * 88);
    // doubles: 8 + 16 + 45·256·8 + 256·8 + 2752·8 + 176 + 176 + 352 + 4·32 + 2·408 + 2·16 + 2·40
    expect(plan.workspaceVjp).toBe(8 * 118_008);
    const e = estimateMemory(exp({ kind: 'qgan', params: {} }), { logicalCores: 4 });
    expect(e.stateAmplitudes).toBe(256);
    expect(e.peakBytes).toBeGreaterThan(4 * plan.workspaceVjp);
    expect(e.notes.join(' ')).toMatch(/threads, not with the batch/);
  });

  it('refuses states above 2^30 amplitudes and runs above the machine, warns above half the free memory', () => {
    const machine = { totalMemoryBytes: 16 * GiB, freeMemoryBytes: 8 * GiB };
    const huge = estimateMemory(exp({ kind: 'qgan', params: { modes: 8, cutoff: 30, latent: 4 } }));
    expect(huge.stateAmplitudes).toBe(30 ** 8);
    expect(memoryVerdict(huge, machine)).toMatchObject({ level: 'block', message: expect.stringMatching(/at most 2\^30/) });
    const qasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[31];\nh q[0];\n';
    expect(estimateMemory(exp({ kind: 'circuit', params: { qasm } })).stateAmplitudes).toBeGreaterThan(MAX_STATE_AMPLITUDES);
    const big = estimateMemory(exp({ kind: 'qsvm', params: { features: 20, train: 5000 } })); // 5040 states of 32 MiB
    expect(memoryVerdict(big, machine)).toMatchObject({ level: 'block', message: expect.stringMatching(/more than this machine's 16 GiB/) });
    const warn = estimateMemory(exp({ kind: 'vqe', params: { qubits: 27 - 1 } })); // 2 GiB of states
    expect(memoryVerdict(warn, { totalMemoryBytes: 16 * GiB, freeMemoryBytes: 3 * GiB }).level).toBe('warn');
    expect(memoryVerdict(warn, machine).level).toBe('ok');
  });

  it('sizes a circuit from its parsed QASM', () => {
    const qasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[22];\nh q[0];\ncx q[0],q[1];\n';
    const e = estimateMemory(exp({ kind: 'circuit', params: { qasm, shots: 1000 } }));
    expect(e.parts[0].bytes).toBe(2 ** 22 * 16);
    expect(e.parts.some((p) => p.what.includes('probabilities'))).toBe(false); // only up to 20 qubits
    expect(e.parts.at(-1)).toEqual({ what: '1000 shots (sampler and outcomes)', bytes: 40_000 });
  });

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.2 * GiB)).toBe('1.2 GiB');
    expect(formatBytes(300 * MiB)).toBe('300 MiB');
  });
});

describe('shared defaults', () => {
  it('are the ones the engine runs with', () => {
    expect(QNN_RUN_DEFAULTS).toEqual(PARAM_DEFAULTS.qnn);
    expect(QSVM_RUN_DEFAULTS).toEqual(PARAM_DEFAULTS.qsvm);
    expect(QGAN_TRAIN_DEFAULTS).toEqual(PARAM_DEFAULTS['qgan-train']);
    expect({ ...QGAN_DEFAULTS, batches: PARAM_DEFAULTS.qgan.batches, repeats: PARAM_DEFAULTS.qgan.repeats }).toEqual(PARAM_DEFAULTS.qgan);
    expect(SCALE_DEFAULTS).toEqual(PARAM_DEFAULTS.scale);
    expect(QAOA_DEFAULTS).toEqual({ nodes: 20, degree: 3, p: 2, seed: 7 });
    expect(SETTINGS_DEFAULTS.fusion).toBe(DEFAULT_FUSION);
    expect(RunSettings.parse({})).toEqual({ backend: SETTINGS_DEFAULTS.backend, precision: SETTINGS_DEFAULTS.precision, threads: SETTINGS_DEFAULTS.threads });
  });
});
