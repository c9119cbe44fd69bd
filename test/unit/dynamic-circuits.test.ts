// Dynamic circuits below the backends: parsing measure/reset/if, which
// measurements branch, Qiskit's key format, exact binomial draws, and the
// exact mode's limit.
import { describe, expect, it } from 'vitest';
import { classicalKey, planDynamic } from '../../src-shared/circuit/dynamic';
import { DynamicCircuitError, simulateProgram } from '../../src-shared/backend/dynamic-runner';
import { ReferenceBackend } from '../../src-shared/backend/reference-backend';
import { binomial, logFactorial, uniformStream } from '../../src-shared/backend/sampling';
import { parseQasm } from '../../src-shared/qasm';

const HDR = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';
const plan = (src: string) => {
  const p = parseQasm(src);
  return { p, plan: planDynamic(p.circuit.numQubits, p.numClbits, p.classicalRegisters, p.instructions) };
};

describe('dynamic circuits: parsing and planning', () => {
  it('measurements at the end keep a program static; one that a later gate follows makes it dynamic', () => {
    expect(parseQasm(`${HDR}qreg q[2]; creg c[2]; h q[0]; cx q[0], q[1]; measure q -> c;`).dynamic).toBe(false);
    // Measuring q[0] early is still terminal: nothing touches q[0] afterwards.
    expect(parseQasm(`${HDR}qreg q[2]; creg c[2]; h q[0]; measure q[0] -> c[0]; h q[1]; measure q[1] -> c[1];`).dynamic).toBe(false);
    expect(parseQasm(`${HDR}qreg q[1]; creg c[1]; h q[0]; measure q[0] -> c[0]; h q[0];`).dynamic).toBe(true);
    expect(parseQasm(`${HDR}qreg q[1]; reset q[0];`).dynamic).toBe(true);
    expect(parseQasm(`${HDR}qreg q[1]; creg c[1]; if (c == 0) x q[0];`).dynamic).toBe(true);
    // Two measurements into one bit: the first is overwritten, so it cannot be read at the end.
    expect(parseQasm(`${HDR}qreg q[2]; creg c[1]; measure q[0] -> c[0]; measure q[1] -> c[0];`).dynamic).toBe(true);
  });

  it('records every instruction in order, with conditions, broadcasts and conditional measure/reset', () => {
    const p = parseQasm(`${HDR}qreg q[2]; creg c[2];\nh q;\nmeasure q[0] -> c[1];\nif (c == 2) x q;\nif (c == 2) reset q[1];\nif (c == 0) measure q[1] -> c[0];\nreset q;`);
    expect(p.instructions.map((i) => i.kind + (i.condition ? `?${i.condition.value}` : ''))).toEqual([
      'gate', 'gate', 'measure', 'gate?2', 'gate?2', 'reset?2', 'measure?0', 'reset', 'reset',
    ]);
    expect(p.circuit.ops).toHaveLength(4);
    expect(p.measurements).toEqual([{ qubit: 0, clbit: 1 }, { qubit: 1, clbit: 0 }]);
  });

  it('plans unitary runs once per condition, and reads terminal measurements at the end', () => {
    const { plan: pl } = plan(`${HDR}qreg q[2]; creg c[1]; creg d[2];\nh q[0]; cx q[0], q[1];\nmeasure q[0] -> c[0];\nif (c == 1) x q[1];\nif (c == 1) z q[1];\nh q[0];\nmeasure q -> d;`);
    expect(pl.steps.map((s) => s.kind + (s.condition ? '?' : ''))).toEqual(['unitary', 'measure', 'unitary?', 'unitary']);
    expect(pl.steps[2].kind === 'unitary' && pl.steps[2].gates).toBe(2);
    expect(pl.final).toEqual([{ qubit: 0, clbit: 1 }, { qubit: 1, clbit: 2 }]);
    expect(pl.branchPoints).toBe(1);
  });

  it('keys classical outcomes as Qiskit prints them', () => {
    const regs = [{ name: 'a', size: 2, offset: 0 }, { name: 'b', size: 1, offset: 2 }];
    expect(classicalKey(regs, Uint8Array.from([1, 0, 1]))).toBe('1 01');
    expect(classicalKey(regs, Uint8Array.from([0, 1, 0]))).toBe('0 10');
  });
});

describe('dynamic circuits: exact binomial draws', () => {
  it('ln k! matches a direct sum across the table/Stirling boundary', () => {
    let direct = 0;
    for (let k = 1; k <= 200; k++) {
      direct += Math.log(k);
      expect(Math.abs(logFactorial(k) - direct) / Math.max(1, direct)).toBeLessThan(1e-13);
    }
  });

  it.each([
    [20, 0.3], [1000, 0.5], [1000, 0.003], [1_000_000, 0.27], [50, 0.999],
  ])('Binomial(%d, %f) has the right mean and variance', (n, p) => {
    const u = uniformStream(1234);
    const draws = 20_000;
    let sum = 0, sq = 0;
    for (let i = 0; i < draws; i++) {
      const k = binomial(n, p, u);
      expect(Number.isInteger(k) && k >= 0 && k <= n).toBe(true);
      sum += k;
      sq += k * k;
    }
    const mean = sum / draws, variance = sq / draws - mean * mean;
    const sd = Math.sqrt(n * p * (1 - p));
    // Five standard errors of the sample mean; the variance within 10%.
    expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws) + 1e-9);
    expect(Math.abs(variance / (sd * sd) - 1)).toBeLessThan(0.1);
  });

  it('edge cases: p = 0, p = 1, n = 0', () => {
    const u = uniformStream(1);
    expect(binomial(10, 0, u)).toBe(0);
    expect(binomial(10, 1, u)).toBe(10);
    expect(binomial(0, 0.5, u)).toBe(0);
  });
});

describe('dynamic circuits: limits', () => {
  it('refuses exact results that need more final states than the limit, and says to sample instead', async () => {
    // 12 mid-circuit measurements of |+⟩: 4096 branches.
    let src = `${HDR}qreg q[1]; creg c[1];\n`;
    for (let i = 0; i < 12; i++) src += 'h q[0];\nmeasure q[0] -> c[0];\n';
    src += 'h q[0];\n';
    const program = parseQasm(src);
    await expect(simulateProgram(new ReferenceBackend(), program, { probabilities: true, maxBranches: 1000 })).rejects.toThrow(DynamicCircuitError);
    await expect(simulateProgram(new ReferenceBackend(), program, { probabilities: true, maxBranches: 1000 })).rejects.toThrow(/more than 1000 final states.*sample it with shots/);
    // Shots visit only the trajectories drawn.
    const r = await simulateProgram(new ReferenceBackend(), program, { shots: 300, seed: 1 });
    expect(r.branches).toBeLessThanOrEqual(300);
    expect(Object.values(r.counts!).reduce((a, b) => a + b, 0)).toBe(300);
  });
});

describe('dynamic circuits in a project experiment', () => {
  it('a circuit experiment with a mid-circuit measurement runs as the mixture, with counts and the diagram in order', async () => {
    const { runExperiment } = await import('../../src-main/engine/run-experiment');
    const { experimentCircuit } = await import('../../src-shared/workloads/experiment-circuit');
    const { instructionDiagramOps } = await import('../../src-shared/circuit/diagram');
    const { estimateMemory } = await import('../../src-shared/workloads/memory');
    const qasm = `${HDR}qreg q[1];\ncreg c[1];\nh q[0];\nmeasure q[0] -> c[0];\nh q[0];\n`;
    for (const backend of ['native-avx2', 'native-scalar', 'reference'] as const) {
      const e = {
        id: 'mid', name: 'mid', kind: 'circuit' as const, settings: { backend, precision: 'f64' as const, threads: 1 },
        params: { qasm, observables: ['Z0', 'X0'], shots: 2000, seed: 4 },
      };
      if (backend === 'native-scalar' || backend === 'native-avx2') {
        const { loadAddon } = await import('../../src-main/native/addon');
        if (!loadAddon().info().isaAvailable.includes(backend.slice(7) as 'avx2' | 'scalar')) continue;
      }
      const r = await runExperiment(e);
      expect(r.quality.expectation_0).toBeCloseTo(0, 12); // ⟨Z⟩ of the 50/50 mixture, not 1
      expect(r.quality.expectation_1).toBeCloseTo(0, 12);
      const counts = r.details.counts as Record<string, number>;
      expect(counts['0'] + counts['1']).toBe(2000);
      expect(Math.abs(counts['0'] - 1000)).toBeLessThan(150);
      expect(r.details.dynamic).toBe(true);
      expect(r.metrics.final_states).toBe(2);
      const c = experimentCircuit(e);
      if (c.type !== 'qubit' || !c.program) throw new Error('expected an OpenQASM program');
      expect(instructionDiagramOps(c.program.instructions, c.program.classicalRegisters).map((o) => `${o.label}${o.param ? ` ${o.param}` : ''}`)).toEqual(['H', 'M c[0]', 'H']);
      expect(estimateMemory(e).parts.some((p) => /state copies for branches/.test(p.what))).toBe(true);
    }
  });
});
