// The reference backend: a small, obviously-correct f64 state-vector
// simulator in plain TypeScript. Every other backend is checked against it
// (test/conformance). Clarity over speed: one loop per gate, no fusion.
import { boundMatrix, type LoweredCircuit, type LoweredGate } from '../circuit/lowered';
import type { PauliSum } from '../observable/pauli';

export class ReferenceState {
  readonly amplitudes: Float64Array; // interleaved complex, 2·2^n

  constructor(readonly numQubits: number) {
    if (numQubits > 24) throw new RangeError(`the reference backend is for small circuits (≤ 24 qubits), got ${numQubits}`);
    this.amplitudes = new Float64Array(2 << numQubits);
    this.amplitudes[0] = 1;
  }

  apply(g: LoweredGate, params: ArrayLike<number> = []): void {
    applyMatrix(this.amplitudes, this.numQubits, g.qubits, g.controls, boundMatrix(g, params), g.diagonal);
  }

  run(circuit: LoweredCircuit, params: ArrayLike<number> = []): this {
    for (const g of circuit.gates) this.apply(g, params);
    return this;
  }

  probabilities(): Float64Array {
    const p = new Float64Array(1 << this.numQubits);
    for (let i = 0; i < p.length; i++) p[i] = this.amplitudes[2 * i] ** 2 + this.amplitudes[2 * i + 1] ** 2;
    return p;
  }

  /** Projects `qubit` onto |outcome⟩ and renormalises by 1/√probability. */
  collapse(qubit: number, outcome: 0 | 1, probability: number): void {
    const a = this.amplitudes;
    const scale = 1 / Math.sqrt(probability);
    for (let i = 0; i < 1 << this.numQubits; i++) {
      const f = ((i >> qubit) & 1) === outcome ? scale : 0;
      a[2 * i] *= f;
      a[2 * i + 1] *= f;
    }
  }

  clone(): ReferenceState {
    const c = new ReferenceState(this.numQubits);
    c.amplitudes.set(this.amplitudes);
    return c;
  }

  /** Probabilities of `qubits` (bit j of the result index ↔ qubits[j]). */
  marginal(qubits: number[]): Float64Array {
    const full = this.probabilities();
    const out = new Float64Array(1 << qubits.length);
    for (let i = 0; i < full.length; i++) {
      let j = 0;
      qubits.forEach((q, b) => { if (i & (1 << q)) j |= 1 << b; });
      out[j] += full[i];
    }
    return out;
  }

  /** ⟨ψ|H|ψ⟩ for a real-weighted Pauli sum, by applying each Pauli string. */
  expectation(observable: PauliSum): number {
    const a = this.amplitudes;
    let total = 0;
    for (const term of observable.terms) {
      let sum = 0;
      for (let i = 0; i < 1 << this.numQubits; i++) {
        // (P ψ)[i'] = phase · ψ[i] where i' = i with X/Y bits flipped
        let j = i, pr = 1, pi = 0;
        for (const { qubit, op } of term.paulis) {
          const bit = (i >> qubit) & 1;
          if (op !== 'Z') j ^= 1 << qubit;
          let fr = 1, fi = 0; // factor for this qubit acting on |bit⟩
          if (op === 'Z') fr = bit ? -1 : 1;
          else if (op === 'Y') { fr = 0; fi = bit ? -1 : 1; } // Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩
          [pr, pi] = [pr * fr - pi * fi, pr * fi + pi * fr];
        }
        // conj(ψ[j]) · phase · ψ[i]
        const xr = pr * a[2 * i] - pi * a[2 * i + 1], xi = pr * a[2 * i + 1] + pi * a[2 * i];
        sum += a[2 * j] * xr + a[2 * j + 1] * xi;
      }
      total += term.coeff * sum;
    }
    return total;
  }
}

/** Expectation value of `observable` after running `circuit` from |0…0⟩. */
export function referenceExpectation(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum): number {
  return new ReferenceState(circuit.numQubits).run(circuit, params).expectation(observable);
}

/** Central finite-difference gradient (step h) of referenceExpectation. */
export function referenceGradient(circuit: LoweredCircuit, params: ArrayLike<number>, observable: PauliSum, h = 1e-5): Float64Array {
  const p = Float64Array.from(params);
  const g = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    p[i] = x + h;
    const up = referenceExpectation(circuit, p, observable);
    p[i] = x - h;
    const down = referenceExpectation(circuit, p, observable);
    p[i] = x;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Apply a k-qubit matrix (dense, or the complex diagonal) on `targets` of an
 * n-qubit state of interleaved f64 amplitudes, where every control is |1⟩. The
 * plain loop every faster kernel is checked against (and the fuser's matrix builder).
 */
export function applyMatrix(a: Float64Array, numQubits: number, targets: readonly number[], controls: readonly number[], m: Float64Array, diagonal: boolean): void {
  const k = targets.length, d = 1 << k;
  let cmask = 0;
  for (const c of controls) cmask |= 1 << c;
  let tmask = 0;
  for (const q of targets) tmask |= 1 << q;
  const idx = new Array<number>(d);
  const vr = new Float64Array(d), vi = new Float64Array(d);
  for (let base = 0; base < 1 << numQubits; base++) {
    // visit each group once: at its member with all target bits 0
    if ((base & tmask) !== 0 || (base & cmask) !== cmask) continue;
    for (let j = 0; j < d; j++) {
      let i = base;
      for (let b = 0; b < k; b++) if (j & (1 << b)) i |= 1 << targets[b];
      idx[j] = i;
      vr[j] = a[2 * i];
      vi[j] = a[2 * i + 1];
    }
    for (let r = 0; r < d; r++) {
      let sr = 0, si = 0;
      if (diagonal) {
        sr = m[2 * r] * vr[r] - m[2 * r + 1] * vi[r];
        si = m[2 * r] * vi[r] + m[2 * r + 1] * vr[r];
      } else
        for (let c = 0; c < d; c++) {
          const mr = m[2 * (r * d + c)], mi = m[2 * (r * d + c) + 1];
          sr += mr * vr[c] - mi * vi[c];
          si += mr * vi[c] + mi * vr[c];
        }
      a[2 * idx[r]] = sr;
      a[2 * idx[r] + 1] = si;
    }
  }
}
