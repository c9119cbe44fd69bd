import { describe, it, expect } from 'vitest';
import {
  ObservableError,
  combineLikeTerms,
  formatPauliSum,
  heisenbergXXZ,
  maxCutCost,
  parsePauliSum,
  pauliSumMaxQubit,
  pauliTermMasks,
  transverseIsing,
  validatePauliSum,
  type PauliSum,
} from '../../src-shared/observable/pauli';

function parseError(text: string): ObservableError {
  try {
    parsePauliSum(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ObservableError);
    return e as ObservableError;
  }
  throw new Error(`expected an ObservableError for ${JSON.stringify(text)}`);
}

const Z = (qubit: number) => ({ qubit, op: 'Z' as const });
const X = (qubit: number) => ({ qubit, op: 'X' as const });
const Y = (qubit: number) => ({ qubit, op: 'Y' as const });

describe('parsePauliSum', () => {
  it('parses the documented forms', () => {
    expect(parsePauliSum('0.5*Z0*Z1 - 0.3*X2 + Y1')).toEqual({
      terms: [
        { coeff: 0.5, paulis: [Z(0), Z(1)] },
        { coeff: -0.3, paulis: [X(2)] },
        { coeff: 1, paulis: [Y(1)] },
      ],
    });
    expect(parsePauliSum('-Z0')).toEqual({ terms: [{ coeff: -1, paulis: [Z(0)] }] });
    expect(parsePauliSum('2 * X0 * X1')).toEqual({ terms: [{ coeff: 2, paulis: [X(0), X(1)] }] });
    expect(parsePauliSum('1e-3*Z3')).toEqual({ terms: [{ coeff: 1e-3, paulis: [Z(3)] }] });
    expect(parsePauliSum('Z0 Z1')).toEqual({ terms: [{ coeff: 1, paulis: [Z(0), Z(1)] }] });
    expect(parsePauliSum('z0*x1')).toEqual({ terms: [{ coeff: 1, paulis: [Z(0), X(1)] }] });
    expect(parsePauliSum('I')).toEqual({ terms: [{ coeff: 1, paulis: [] }] });
    expect(parsePauliSum('-2.5')).toEqual({ terms: [{ coeff: -2.5, paulis: [] }] });
    expect(parsePauliSum('  3 - I ')).toEqual({ terms: [{ coeff: 3, paulis: [] }, { coeff: -1, paulis: [] }] });
  });

  it('accepts more spellings', () => {
    expect(parsePauliSum('Z0Z1')).toEqual({ terms: [{ coeff: 1, paulis: [Z(0), Z(1)] }] });
    expect(parsePauliSum('Z12*X3')).toEqual({ terms: [{ coeff: 1, paulis: [X(3), Z(12)] }] }); // sorted by qubit
    expect(parsePauliSum('0.5 Z0')).toEqual({ terms: [{ coeff: 0.5, paulis: [Z(0)] }] });
    expect(parsePauliSum('Z0*2*3')).toEqual({ terms: [{ coeff: 6, paulis: [Z(0)] }] });
    expect(parsePauliSum('.5*X0 + 1.*Y0 + 2E+1*Z0')).toEqual({
      terms: [
        { coeff: 0.5, paulis: [X(0)] },
        { coeff: 1, paulis: [Y(0)] },
        { coeff: 20, paulis: [Z(0)] },
      ],
    });
    expect(parsePauliSum('Z0 + -0.5*X1').terms[1].coeff).toBe(-0.5);
    expect(parsePauliSum('I0*Z1').terms[0].paulis).toEqual([Z(1)]);
    expect(parsePauliSum('Z0\n+ X1\t- Y2').terms).toHaveLength(3);
  });

  it('multiplies repeated qubits out', () => {
    expect(parsePauliSum('Z0*Z0')).toEqual({ terms: [{ coeff: 1, paulis: [] }] });
    expect(parsePauliSum('2*X0*Z1*X0')).toEqual({ terms: [{ coeff: 2, paulis: [Z(1)] }] });
    // (X0 Y0)(X1 Y1) = (iZ0)(iZ1) = −Z0 Z1: Hermitian, sign flips.
    expect(parsePauliSum('X0*Y0*X1*Y1')).toEqual({ terms: [{ coeff: -1, paulis: [Z(0), Z(1)] }] });
    expect(parsePauliSum('X0*Y0*Y1*X1')).toEqual({ terms: [{ coeff: 1, paulis: [Z(0), Z(1)] }] });
  });

  it('reports errors with columns', () => {
    expect(parseError('Z0 * + X1').message).toBe("at column 6: expected a Pauli factor like Z0, found '+'");
    expect(parseError('0.5*Z0 +').message).toBe('at column 9: expected a Pauli factor like Z0 or a coefficient, found end of input');
    expect(parseError('Z').message).toBe("at column 2: expected a qubit index after 'Z' (like Z0)");
    expect(parseError('Z0 W1').message).toBe("at column 4: expected '+', '-' or '*' between terms, found 'W'");
    expect(parseError('Z0 + Q1').column).toBe(6);
    expect(parseError('').message).toMatch(/empty observable/);
    expect(parseError('   ').column).toBe(4);
    expect(parseError('1e*Z0').message).toMatch(/at column 1: malformed number/);
    expect(parseError('Z0 + X1*Y1').message).toBe('at column 6: term \'X1*Y1\' is not Hermitian: its Pauli product has an imaginary coefficient');
    expect(parseError('Z0a').message).toMatch(/at column 3: unexpected 'a'/);
    expect(parseError('Z0 (X1)').column).toBe(4);
    expect(parseError('Z99999999999999999999').message).toMatch(/too large/);
    expect(parseError('1e400*Z0').message).toMatch(/not a finite number/);
  });

  it('throws only ObservableError on random input', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = 'XYZIxyz0123456789.eE+-* \t()a';
    for (let k = 0; k < 5000; k++) {
      let s = '';
      const len = Math.floor(rand() * 16);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      try {
        parsePauliSum(s);
      } catch (e) {
        if (!(e instanceof ObservableError)) throw new Error(`non-ObservableError for ${JSON.stringify(s)}: ${String(e)}`);
      }
    }
  });
});

describe('formatPauliSum', () => {
  it('formats readably', () => {
    expect(formatPauliSum(parsePauliSum('0.5*Z0*Z1 - 0.3*X2 + Y1 - 2'))).toBe('0.5*Z0*Z1 - 0.3*X2 + Y1 - 2');
    expect(formatPauliSum(parsePauliSum('-Z0'))).toBe('-Z0');
    expect(formatPauliSum({ terms: [] })).toBe('0');
    expect(formatPauliSum({ terms: [{ coeff: 1, paulis: [] }] })).toBe('1');
  });

  it('round-trips through parse exactly', () => {
    const sums: PauliSum[] = [
      heisenbergXXZ(5, { J: 0.7, delta: -1.3, periodic: true }),
      transverseIsing(4, { J: 1 / 3, h: Math.PI }),
      maxCutCost([[0, 1, 0.1], [1, 2], [2, 0, 1e-9], [3, 1, 2.5e21]]),
      { terms: [{ coeff: -1e-300, paulis: [Y(40)] }, { coeff: 0, paulis: [X(0), Z(1)] }, { coeff: -0, paulis: [] }] },
    ];
    for (const s of sums) {
      const back = parsePauliSum(formatPauliSum(s));
      expect(back.terms.length).toBe(s.terms.length);
      back.terms.forEach((t, i) => {
        expect(t.coeff).toBe(s.terms[i].coeff);
        expect(t.paulis).toEqual(s.terms[i].paulis);
      });
    }
  });

  it('rejects non-finite coefficients', () => {
    expect(() => formatPauliSum({ terms: [{ coeff: NaN, paulis: [] }] })).toThrow(ObservableError);
  });
});

describe('inspection', () => {
  it('finds the max qubit', () => {
    expect(pauliSumMaxQubit(parsePauliSum('Z0 + X7*Y2'))).toBe(7);
    expect(pauliSumMaxQubit(parsePauliSum('3'))).toBe(-1);
    expect(pauliSumMaxQubit({ terms: [] })).toBe(-1);
  });

  it('validates against the circuit width', () => {
    const s = parsePauliSum('Z0 + 0.5*X1*Z3');
    expect(() => validatePauliSum(s, 4)).not.toThrow();
    expect(() => validatePauliSum(s, 3)).toThrow('term 1 (X1*Z3) acts on qubit 3, but the circuit has 3 qubits');
    expect(() => validatePauliSum({ terms: [{ coeff: 1, paulis: [Z(1), Z(1)] }] }, 4)).toThrow(/increasing order/);
    expect(() => validatePauliSum({ terms: [{ coeff: 1, paulis: [Z(-1)] }] }, 4)).toThrow(/invalid qubit/);
    expect(() => validatePauliSum({ terms: [{ coeff: Infinity, paulis: [] }] }, 4)).toThrow(/term 0 \(I\) has a non-finite/);
  });

  it('computes masks', () => {
    expect(pauliTermMasks(parsePauliSum('X0*Y1*Z2').terms[0])).toEqual({ xMask: 0b011, zMask: 0b110 });
    expect(pauliTermMasks({ coeff: 1, paulis: [] })).toEqual({ xMask: 0, zMask: 0 });
    // Above bit 31 (plain shifts would wrap) and at the 52 limit.
    expect(pauliTermMasks({ coeff: 1, paulis: [X(40), Z(52)] })).toEqual({ xMask: 2 ** 40, zMask: 2 ** 52 });
    expect(() => pauliTermMasks({ coeff: 1, paulis: [Z(53)] })).toThrow(ObservableError);
  });

  it('combines like terms', () => {
    expect(combineLikeTerms(parsePauliSum('Z0 + 2*Z0 - X1 + X1 + 3 + I'))).toEqual({
      terms: [
        { coeff: 3, paulis: [Z(0)] },
        { coeff: 4, paulis: [] },
      ],
    });
  });
});

describe('builders', () => {
  it('heisenbergXXZ', () => {
    const h = heisenbergXXZ(4, { J: 2, delta: 0.5 });
    expect(h.terms).toHaveLength(9);
    expect(h.terms.slice(0, 3)).toEqual([
      { coeff: 2, paulis: [X(0), X(1)] },
      { coeff: 2, paulis: [Y(0), Y(1)] },
      { coeff: 1, paulis: [Z(0), Z(1)] },
    ]);
    const p = heisenbergXXZ(4, { periodic: true });
    expect(p.terms).toHaveLength(12);
    expect(p.terms[11]).toEqual({ coeff: 1, paulis: [Z(0), Z(3)] });
    expect(heisenbergXXZ(2, { periodic: true }).terms).toHaveLength(3); // no duplicate bond
    expect(heisenbergXXZ(1).terms).toHaveLength(0);
    expect(() => heisenbergXXZ(0)).toThrow(ObservableError);
  });

  it('transverseIsing', () => {
    const h = transverseIsing(3, { J: 1.5, h: 0.25 });
    expect(formatPauliSum(h)).toBe('-1.5*Z0*Z1 - 1.5*Z1*Z2 - 0.25*X0 - 0.25*X1 - 0.25*X2');
    expect(transverseIsing(5, { periodic: true }).terms).toHaveLength(10);
    expect(() => transverseIsing(2.5)).toThrow(/positive integer/);
  });

  it('maxCutCost', () => {
    const c = maxCutCost([[0, 1], [2, 1, 3]]);
    expect(c).toEqual({
      terms: [
        { coeff: 2, paulis: [] },
        { coeff: -0.5, paulis: [Z(0), Z(1)] },
        { coeff: -1.5, paulis: [Z(1), Z(2)] },
      ],
    });
    // Cut value of bitstring 010 (qubit 1 alone) is 1 + 3: evaluate ⟨z|C|z⟩ with Z = ±1.
    const bits = [0, 1, 0];
    const value = c.terms.reduce((s, t) => s + t.coeff * t.paulis.reduce((p, f) => p * (bits[f.qubit] ? -1 : 1), 1), 0);
    expect(value).toBe(4);
    expect(maxCutCost([])).toEqual({ terms: [{ coeff: 0, paulis: [] }] });
    expect(() => maxCutCost([[1, 1]])).toThrow(/self-loop/);
    expect(() => maxCutCost([[0, -1]])).toThrow(/invalid vertices/);
  });
});
