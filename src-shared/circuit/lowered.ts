// The lowered form every backend consumes: flat matrices on sorted qubits,
// diagonal gates and parameter slots. Backends never see gate names.
// Conventions (identical in native/include/quench/engine.h):
//  - state index bit q ↔ qubit q (little-endian, as in Qiskit);
//  - bit j of a matrix index ↔ qubits[j]; matrices row-major, interleaved complex;
//  - controls must all be |1⟩ for the gate to act;
//  - parameterised: θ = scale·p[slot] + offset and U(θ) = exp(−iθG), with
//    dense G satisfying G³ = G, or diagonal real λ (U = diag(e^{−iθλ_j})).

export interface LoweredGate {
  qubits: number[];
  controls: number[];
  diagonal: boolean;
  /** Fixed gates: 2·4^k (dense) or 2·2^k (diagonal) numbers. */
  matrix?: Float64Array;
  /** Parameterised gates. */
  slot?: number;
  scale?: number;
  offset?: number;
  /** Dense: 2·4^k numbers (complex G); diagonal: 2^k real λ_j. */
  generator?: Float64Array;
}

export interface LoweredCircuit {
  numQubits: number;
  numParams: number;
  gates: LoweredGate[];
}

export function isParameterised(g: LoweredGate): boolean {
  return g.slot !== undefined && g.slot >= 0;
}

/** The angle θ of a parameterised gate for the given parameter vector. */
export function gateAngle(g: LoweredGate, params: ArrayLike<number>): number {
  return (g.scale ?? 1) * params[g.slot!] + (g.offset ?? 0);
}

/**
 * The matrix (dense) or diagonal (complex entries) of a gate for bound
 * parameters: U(θ) = I + (cos θ − 1)G² − i sin θ G, or diag(e^{−iθλ}).
 */
export function boundMatrix(g: LoweredGate, params: ArrayLike<number>): Float64Array {
  if (!isParameterised(g)) return g.matrix!;
  const theta = gateAngle(g, params);
  const G = g.generator!;
  if (g.diagonal) {
    const out = new Float64Array(2 * G.length);
    for (let j = 0; j < G.length; j++) {
      out[2 * j] = Math.cos(theta * G[j]);
      out[2 * j + 1] = -Math.sin(theta * G[j]);
    }
    return out;
  }
  const d = Math.round(Math.sqrt(G.length / 2));
  const c = Math.cos(theta) - 1, s = Math.sin(theta);
  const out = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      // (G²)_ij
      let g2r = 0, g2i = 0;
      for (let k = 0; k < d; k++) {
        const ar = G[2 * (i * d + k)], ai = G[2 * (i * d + k) + 1];
        const br = G[2 * (k * d + j)], bi = G[2 * (k * d + j) + 1];
        g2r += ar * br - ai * bi;
        g2i += ar * bi + ai * br;
      }
      const gr = G[2 * (i * d + j)], gi = G[2 * (i * d + j) + 1];
      out[2 * (i * d + j)] = (i === j ? 1 : 0) + c * g2r + s * gi; // −i·s·(gr + i gi) = s·gi − i s·gr
      out[2 * (i * d + j) + 1] = c * g2i - s * gr;
    }
  return out;
}
