// The TypeScript Lanczos (the window's VQE reference) against the native
// engine's Lanczos and against dense diagonalisation of tiny cases.
import { describe, expect, it } from 'vitest';
import { lanczosGroundEnergy } from '../../src-shared/backend/lanczos';
import { parsePauliSum } from '../../src-shared/observable/pauli';
import { vqeHamiltonian, VQE_DEFAULTS } from '../../src-shared/workloads/vqe';
import { NativeSession } from '../../src-main/engine/session';

describe('lanczosGroundEnergy', () => {
  it('matches the native Lanczos on Heisenberg and TFIM chains', () => {
    const native = new NativeSession({ threads: 1 });
    for (const spec of [{ qubits: 6 }, { qubits: 9, periodic: true }, { qubits: 8, hamiltonian: 'tfim' as const }]) {
      const s = { ...VQE_DEFAULTS, ...spec };
      const H = vqeHamiltonian(s);
      expect(lanczosGroundEnergy(H, s.qubits)).toBeCloseTo(native.groundEnergy(H, s.qubits), 9);
    }
  });

  it('handles Y terms (complex H) and a constant', () => {
    // H = Y0 Y1 + 0.5 Z0 + 2: the Bell-like ground state; eigenvalues of [[0.5,?],...] by hand:
    // in the {|00>,|11>} block H = [[2.5, -1], [-1, 1.5]], in {|01>,|10>} [[2.5, 1], [1, 1.5]] → lowest 2 − √(1.25)
    const H = parsePauliSum('Y0*Y1 + 0.5*Z0 + 2');
    expect(lanczosGroundEnergy(H, 2)).toBeCloseTo(2 - Math.sqrt(1.25), 10);
  });

  it('names what it cannot take', () => {
    expect(() => lanczosGroundEnergy(parsePauliSum('Z0'), 21)).toThrow(/1–20 qubits, got 21/);
    expect(() => lanczosGroundEnergy(parsePauliSum('Z3'), 2)).toThrow(/qubit 3/);
  });
});
