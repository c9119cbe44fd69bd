// Every GPU program of the simulator in one place: each is a small object
// (key, workgroup size, code) built from a .wgsl body and a prelude
// generated here from constants (gate record layout, state chunking).
// Pipelines are compiled once per key and share one explicit pipeline layout
// per chunk count: group 0 = state chunks, group 1 = the run's gate record
// (dynamic offset), group 2 = two auxiliary buffers (outputs, partials; or a
// GPU-bound diagonal's λ at binding 1).
import denseBody from './shaders/gate-dense.wgsl?raw';
import diagonalBody from './shaders/gate-diagonal.wgsl?raw';
import phaseBody from './shaders/gate-phase.wgsl?raw';
import generatorBody from './shaders/generator-reduce.wgsl?raw';
import initBody from './shaders/init.wgsl?raw';
import pauliApplyBody from './shaders/pauli-apply.wgsl?raw';
import pauliReduceBody from './shaders/pauli-reduce.wgsl?raw';
import probabilitiesBody from './shaders/probabilities.wgsl?raw';
import sumBody from './shaders/sum.wgsl?raw';
import gramBody from './shaders/gram.wgsl?raw';

/** u32 words in a gate record's header; the matrix (vec2f) follows it. */
export const HEADER_WORDS = 80;
export const HEADER_BYTES = HEADER_WORDS * 4;
/** Header word offsets (see the Hdr struct below). */
export const H = { count: 0, npos: 1, cmask: 2, k: 3, rowShift: 4, rowStride: 5, a: 6, b: 7, c: 8, d: 9, e: 10, f: 11, t: 12, p: 44 } as const;
/** Largest target/insert-position lists a header holds. */
export const MAX_TARGETS = 32;
export const MAX_POSITIONS = 32;
/** Largest dense gate (qubits) the dense kernel is compiled for. */
export const MAX_DENSE_QUBITS = 6;
/** Pauli strings reduced together by one pauli-reduce dispatch (a vec4 of sums). */
export const TERMS_PER_REDUCE = 4;
/** Rows per side of a Gram tile (one workgroup of GRAM_TILE² invocations). */
export const GRAM_TILE = 16;
/** Auxiliary storage buffers in group 2, besides the state chunks and the gate record. */
export const AUX_BINDINGS = 2;

export type KernelName = 'dense' | 'diagonal' | 'init' | 'probabilities' | 'pauli-reduce' | 'generator-reduce' | 'pauli-apply' | 'sum' | 'gram';

export interface KernelProgram {
  key: string;
  name: KernelName;
  workgroupSize: number;
  code: string;
}

const PRELUDE_STRUCTS = `
struct Hdr {
  count: u32, npos: u32, cmask: u32, k: u32, row_shift: u32, row_stride: u32,
  a: u32, b: u32, c: u32, d: u32, e: u32, f: u32,
  t: array<u32, ${MAX_TARGETS}>,
  p: array<u32, ${MAX_POSITIONS}>,
  pad: array<u32, ${HEADER_WORDS - 12 - MAX_TARGETS - MAX_POSITIONS}>,
}
struct Gate { h: Hdr, m: array<vec2f> }
@group(1) @binding(0) var<storage, read> gate: Gate;

fn cmul(a: vec2f, b: vec2f) -> vec2f { return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }

// Dispatches are 2-D when one dimension's workgroup limit is too small.
fn flat_id(wid: vec3u, nwg: vec3u, lid: u32) -> u32 { return (wid.y * nwg.x + wid.x) * WG + lid; }

`;

/**
 * The state as `chunks` storage buffers of 2^chunkBits amplitudes each;
 * ld/st take the global index (batch row · 2^n + in-row index).
 */
function stateAccess(chunks: number, chunkBits: number): string {
  const decl = Array.from({ length: chunks }, (_, c) => `@group(0) @binding(${c}) var<storage, read_write> s${c}: array<vec2f>;`).join('\n');
  if (chunks === 1) return `${decl}\nfn ld(i: u32) -> vec2f { return s0[i]; }\nfn st(i: u32, v: vec2f) { s0[i] = v; }\n`;
  // No arrays of bindings in WGSL: a switch on the chunk index (uniform across
  // a workgroup except where a target qubit is a chunk-index bit).
  const mask = `((1u << ${chunkBits}u) - 1u)`;
  const cases = (body: (c: number) => string) =>
    Array.from({ length: chunks }, (_, c) => (c === chunks - 1 ? `default: { ${body(c)} }` : `case ${c}u: { ${body(c)} }`)).join(' ');
  return `${decl}
fn ld(i: u32) -> vec2f { let o = i & ${mask}; switch (i >> ${chunkBits}u) { ${cases((c) => `return s${c}[o];`)} } }
fn st(i: u32, v: vec2f) { let o = i & ${mask}; switch (i >> ${chunkBits}u) { ${cases((c) => `s${c}[o] = v;`)} } }
`;
}


// ---- generated helpers ------------------------------------------------------
// Unrolled where the count is a pipeline constant: software adapters
// (SwiftShader) run loops and private arrays several times slower than
// straight-line code, and GPUs lose nothing by it.

/** A zero bit inserted at each of the gate's `npos` positions (ascending), then the control bits set. */
function insertZeros(npos: number): string {
  const steps = Array.from({ length: npos }, (_, j) => `  lo = b & ((1u << gate.h.p[${j}]) - 1u); b = ((b ^ lo) << 1u) | lo;`).join('\n');
  return `fn insert_zeros(t: u32) -> u32 {\n  var b = t;\n  var lo = 0u;\n${steps}\n  return b | gate.h.cmask;\n}\n`;
}

/** The diagonal index of amplitude i: its bits at the k targets (k a constant up to UNROLL_DIAGONAL, else h.k). */
const UNROLL_DIAGONAL = 8;
function diagIndex(k: number | null): string {
  if (k === null)
    return `fn diag_index(i: u32) -> u32 {\n  var j = 0u;\n  for (var b = 0u; b < gate.h.k; b++) { j |= ((i >> gate.h.t[b]) & 1u) << b; }\n  return j;\n}\n`;
  const terms = Array.from({ length: k }, (_, b) => `(((i >> gate.h.t[${b}]) & 1u) << ${b}u)`);
  return `fn diag_index(i: u32) -> u32 {\n  return ${terms.length ? terms.join(' | ') : '0u'};\n}\n`;
}

/** Largest dense K whose group is generated as straight-line code (2^K loads, 4^K products). */
const UNROLL_DENSE = 4;

/** Indices i0..i(D−1) of a group from its base (bit j of the member index ↔ target j). */
function groupIndices(k: number): string {
  const lines = [`  let i0 = base;`];
  for (let b = 0; b < k; b++) {
    lines.push(`  let o${b} = 1u << gate.h.t[${b}];`);
    for (let j = 0; j < 1 << b; j++) lines.push(`  let i${(1 << b) + j} = i${j} | o${b};`);
  }
  return lines.join('\n');
}

/** For k above the unrolled sizes: the group's 2^k indices (idx) and amplitudes (v), built in loops. */
function loopedGroupLoads(k: number): string {
  const D = 1 << k;
  return `  var idx: array<u32, ${D}>;
  var v: array<vec2f, ${D}>;
  idx[0] = base;
  for (var b = 0u; b < ${k}u; b++) {
    let bit = 1u << gate.h.t[b];
    let half = 1u << b;
    for (var j = 0u; j < half; j++) { idx[half + j] = idx[j] | bit; }
  }
  for (var j = 0u; j < ${D}u; j++) { v[j] = ld(idx[j]); }`;
}

/** apply_group(base, mo): the group's amplitudes ← M · amplitudes, M at gate.m[mo…]. */
function applyGroup(k: number): string {
  const D = 1 << k;
  if (k <= UNROLL_DENSE) {
    const loads = Array.from({ length: D }, (_, j) => `  let a${j} = ld(i${j});`).join('\n');
    const stores = Array.from({ length: D }, (_, r) =>
      `  st(i${r}, ${Array.from({ length: D }, (_, c) => `cmul(gate.m[mo + ${r * D + c}u], a${c})`).join(' + ')});`).join('\n');
    return `fn apply_group(base: u32, mo: u32) {\n${groupIndices(k)}\n${loads}\n${stores}\n}\n`;
  }
  return `fn apply_group(base: u32, mo: u32) {
${loopedGroupLoads(k)}
  for (var r = 0u; r < ${D}u; r++) {
    var acc = vec2f(0.0, 0.0);
    for (var c = 0u; c < ${D}u; c++) { acc += cmul(gate.m[mo + r * ${D}u + c], v[c]); }
    st(idx[r], acc);
  }
}
`;
}

/** generator_group(base, lam): Σ_r Re(conj(λ_r) · (−i (G ψ)_r)) over the group (ψ at base, λ at + lam). */
function generatorGroup(k: number): string {
  const D = 1 << k;
  if (k <= UNROLL_DENSE) {
    const loads = Array.from({ length: D }, (_, j) => `  let a${j} = ld(i${j});`).join('\n');
    const rows = Array.from({ length: D }, (_, r) =>
      `  w = ${Array.from({ length: D }, (_, c) => `cmul(gate.m[${r * D + c}u], a${c})`).join(' + ')};\n  l = ld(i${r} + lam);\n  s += l.x * w.y - l.y * w.x;`).join('\n');
    return `fn generator_group(base: u32, lam: u32) -> f32 {\n${groupIndices(k)}\n${loads}\n  var w = vec2f(0.0, 0.0);\n  var l = vec2f(0.0, 0.0);\n  var s = 0.0;\n${rows}\n  return s;\n}\n`;
  }
  return `fn generator_group(base: u32, lam: u32) -> f32 {
${loopedGroupLoads(k)}
  var s = 0.0;
  for (var r = 0u; r < ${D}u; r++) {
    var w = vec2f(0.0, 0.0);
    for (var c = 0u; c < ${D}u; c++) { w += cmul(gate.m[r * ${D}u + c], v[c]); }
    let l = ld(idx[r] + lam);
    s += l.x * w.y - l.y * w.x;
  }
  return s;
}
`;
}

/**
 * λ_j of a diagonal generator: from the gate record (m[j].x), or from the
 * gate's λ buffer (group 2, binding 1: vec2f(hi, lo) per entry, uploaded
 * once per circuit gate) when the gate is bound on the GPU.
 */
function lambdaAccess(buffer: boolean): string {
  if (!buffer) return `fn lambda_at(j: u32) -> f32 { return gate.m[j].x; }\n`;
  return `@group(2) @binding(1) var<storage, read_write> lam: array<vec2f>;\nfn lambda_at(j: u32) -> f32 { let l = lam[j]; return l.x + l.y; }\n`;
}

export interface StateShape {
  chunks: number;
  chunkBits: number;
}

function program(name: KernelName, body: string, shape: StateShape, workgroupSize: number, consts: Record<string, string> = {}, variant = '', helpers = ''): KernelProgram {
  const constLines = Object.entries({ WG: `${workgroupSize}u`, ...consts }).map(([k, v]) => `const ${k} = ${v};`).join('\n');
  const key = `${name}|${Object.entries(consts).map(([k, v]) => `${k}=${v}`).join(',')}|${variant}|wg${workgroupSize}|s${shape.chunks}x${shape.chunkBits}`;
  return { key, name, workgroupSize, code: `${constLines}\n${PRELUDE_STRUCTS}\n${stateAccess(shape.chunks, shape.chunkBits)}\n${helpers}\n${body}` };
}

/** Workgroup sizes: wide for streaming kernels, narrower for big dense gates (registers). */
export function workgroupSizeFor(name: KernelName, k: number, maxInvocations: number): number {
  const want = name === 'dense' && k >= 4 ? 64 : name === 'generator-reduce' && k >= 3 ? 64 : 256;
  let wg = 1;
  while (wg * 2 <= Math.min(want, maxInvocations)) wg *= 2;
  return wg;
}

const diagK = (k: number) => (k <= UNROLL_DIAGONAL ? k : null);

/** Programs by kernel; `npos` = target + control positions a gate inserts (a pipeline constant). */
export const kernels = {
  dense: (k: number, npos: number, shape: StateShape, wg: number) =>
    program('dense', denseBody, shape, wg, {}, `k${k}p${npos}`, insertZeros(npos) + applyGroup(k)),
  diagonal: (k: number, npos: number, shape: StateShape, wg: number) =>
    program('diagonal', diagonalBody, shape, wg, {}, `k${diagK(k) ?? 'n'}p${npos}`, insertZeros(npos) + diagIndex(diagK(k))),
  /** diag(e^{−iθλ}) with θ per row in the record and λ in the gate's buffer (group 2, binding 1). */
  phase: (k: number, npos: number, shape: StateShape, wg: number) =>
    program('diagonal', phaseBody, shape, wg, {}, `phase-k${diagK(k) ?? 'n'}p${npos}`, insertZeros(npos) + diagIndex(diagK(k)) + lambdaAccess(true)),
  init: (shape: StateShape, wg: number) => program('init', initBody, shape, wg),
  probabilities: (shape: StateShape, wg: number) => program('probabilities', probabilitiesBody, shape, wg),
  pauliReduce: (shape: StateShape, wg: number) => program('pauli-reduce', pauliReduceBody, shape, wg),
  /** `lambdaBuffer`: a diagonal's λ from its buffer (group 2, binding 1) instead of the record. */
  generatorReduce: (k: number, diagonal: boolean, npos: number, shape: StateShape, wg: number, lambdaBuffer = false) =>
    program('generator-reduce', generatorBody, shape, wg, { DIAGONAL: String(diagonal) }, `k${diagonal ? diagK(k) ?? 'n' : k}p${npos}${diagonal && lambdaBuffer ? '-lam' : ''}`,
      insertZeros(npos) + diagIndex(diagonal ? diagK(k) : 0) + generatorGroup(diagonal ? 0 : k) + lambdaAccess(diagonal && lambdaBuffer)),
  pauliApply: (shape: StateShape, wg: number) => program('pauli-apply', pauliApplyBody, shape, wg),
  sum: (shape: StateShape, wg: number) => program('sum', sumBody, shape, wg),
  gram: (shape: StateShape, tile: number) => program('gram', gramBody, shape, tile * tile, { T: `${tile}u` }),
};

/** Compiled pipelines by program key, and one pipeline layout per state shape. */
export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<number, { state: GPUBindGroupLayout; gate: GPUBindGroupLayout; aux: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  compiled = 0;

  constructor(private readonly device: GPUDevice) {}

  layout(chunks: number) {
    let l = this.layouts.get(chunks);
    if (!l) {
      const storage = (binding: number, type: GPUBufferBindingType, dynamic = false): GPUBindGroupLayoutEntry => ({
        binding, visibility: 0x4 /* GPUShaderStage.COMPUTE */, buffer: { type, hasDynamicOffset: dynamic },
      });
      const state = this.device.createBindGroupLayout({ label: `quench state ×${chunks}`, entries: Array.from({ length: chunks }, (_, c) => storage(c, 'storage')) });
      const gate = this.device.createBindGroupLayout({ label: 'quench gate record', entries: [storage(0, 'read-only-storage', true)] });
      const aux = this.device.createBindGroupLayout({ label: 'quench aux', entries: Array.from({ length: AUX_BINDINGS }, (_, b) => storage(b, 'storage')) });
      const pipeline = this.device.createPipelineLayout({ label: `quench ×${chunks}`, bindGroupLayouts: [state, gate, aux] });
      this.layouts.set(chunks, (l = { state, gate, aux, pipeline }));
    }
    return l;
  }

  get(p: KernelProgram, chunks: number): GPUComputePipeline {
    let pipe = this.pipelines.get(p.key);
    if (!pipe) {
      const module = this.device.createShaderModule({ label: p.key, code: p.code });
      pipe = this.device.createComputePipeline({ label: p.key, layout: this.layout(chunks).pipeline, compute: { module, entryPoint: 'main' } });
      this.pipelines.set(p.key, pipe);
      this.compiled++;
    }
    return pipe;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
