// Graphs for MaxCut/QAOA: seeded random d-regular graphs, exact max cut by
// exhaustive search (every cut value, built node by node), and a
// local-search heuristic as the classical baseline.
import type { Rng } from '../random';

export type Edge = [number, number, number]; // u, v, weight

export interface Graph {
  nodes: number;
  edges: Edge[];
}

/**
 * A random d-regular simple graph on n nodes by the pairing (configuration)
 * model with rejection: uniform over d-regular graphs. n·d must be even.
 */
export function randomRegularGraph(n: number, d: number, rng: Rng): Graph {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`nodes must be an integer ≥ 2, got ${n}`);
  if (!Number.isInteger(d) || d < 1 || d >= n) throw new RangeError(`degree must be an integer from 1 to ${n - 1}, got ${d}`);
  if ((n * d) % 2 !== 0) throw new RangeError(`a ${d}-regular graph on ${n} nodes does not exist (n·d must be even)`);
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const points: number[] = [];
    for (let v = 0; v < n; v++) for (let k = 0; k < d; k++) points.push(v);
    for (let i = points.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [points[i], points[j]] = [points[j], points[i]];
    }
    const seen = new Set<number>();
    const edges: Edge[] = [];
    let ok = true;
    for (let i = 0; i < points.length; i += 2) {
      const u = Math.min(points[i], points[i + 1]), v = Math.max(points[i], points[i + 1]);
      if (u === v || seen.has(u * n + v)) {
        ok = false;
        break;
      }
      seen.add(u * n + v);
      edges.push([u, v, 1]);
    }
    if (ok) return { nodes: n, edges: edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]) };
  }
  throw new Error(`could not draw a simple ${d}-regular graph on ${n} nodes`);
}

/** Validate a user edge list: nodes in range, no self-loops, finite weights. */
export function checkGraph(g: Graph): void {
  g.edges.forEach(([u, v, w], i) => {
    for (const x of [u, v]) if (!Number.isInteger(x) || x < 0 || x >= g.nodes) throw new RangeError(`edge ${i}: node ${x} out of range for ${g.nodes} nodes`);
    if (u === v) throw new RangeError(`edge ${i}: self-loop on node ${u}`);
    if (!Number.isFinite(w)) throw new RangeError(`edge ${i}: weight is not finite`);
  });
}

/** The cut value of every basis state z (bit i = side of node i): length 2^n. */
export function cutValues(g: Graph): Float64Array {
  const n = g.nodes;
  if (n > 30) throw new RangeError(`cut values for ${n} nodes need 2^${n} entries; at most 30`);
  const out = new Float64Array(2 ** n);
  // Node by node, doubling the table: out[z + 2^v] (v on side 1, the nodes
  // above v still on side 0) = out[z] + Σ_{u~v} w, less 2w for each lower
  // neighbour u already on side 1. Whole runs of the typed array at a time
  // (~5 ms at 20 nodes, against ~35 ms for a Gray-code walk of 2^n steps).
  const degree = new Float64Array(n);
  const lower: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [a, b, w] of g.edges) {
    degree[a] += w;
    degree[b] += w;
    lower[Math.max(a, b)].push([Math.min(a, b), w]);
  }
  for (let v = 0; v < n; v++) {
    const half = 2 ** v;
    const d = degree[v];
    for (let z = 0; z < half; z++) out[half + z] = out[z] + d;
    for (const [u, w] of lower[v]) {
      const run = 2 ** u, w2 = 2 * w;
      for (let start = half + run; start < 2 * half; start += 2 * run)
        for (let z = start; z < start + run; z++) out[z] -= w2;
    }
  }
  return out;
}

export interface CutResult {
  value: number;
  /** Bit i = side of node i. */
  assignment: number;
}

export function exactMaxCut(g: Graph): CutResult {
  const values = cutValues(g);
  let best = 0;
  for (let z = 1; z < values.length; z++) if (values[z] > values[best]) best = z;
  return { value: values[best], assignment: best };
}

export function cutValue(g: Graph, assignment: number): number {
  let c = 0;
  for (const [u, v, w] of g.edges) if (((assignment >> u) & 1) !== ((assignment >> v) & 1)) c += w;
  return c;
}

/** Greedy start plus single-flip local search, best of `restarts` random starts. */
export function localSearchMaxCut(g: Graph, rng: Rng, restarts = 20): CutResult {
  const adj = adjacency(g);
  let best: CutResult = { value: -Infinity, assignment: 0 };
  for (let r = 0; r < restarts; r++) {
    let z = 0;
    for (let v = 0; v < g.nodes; v++) if (rng.next() < 0.5) z |= 1 << v;
    for (let improved = true; improved; ) {
      improved = false;
      for (let v = 0; v < g.nodes; v++) {
        let gain = 0;
        for (const [u, w] of adj[v]) gain += ((z >> u) & 1) === ((z >> v) & 1) ? w : -w;
        if (gain > 1e-12) {
          z ^= 1 << v;
          improved = true;
        }
      }
    }
    const value = cutValue(g, z);
    if (value > best.value) best = { value, assignment: z };
  }
  return best;
}

function adjacency(g: Graph): [number, number][][] {
  const adj: [number, number][][] = Array.from({ length: g.nodes }, () => []);
  for (const [u, v, w] of g.edges) {
    adj[u].push([v, w]);
    adj[v].push([u, w]);
  }
  return adj;
}
