// The Fock-space simulator's GPU programs: .wgsl bodies plus a prelude
// generated here with the circuit's shape as constants (cutoff D, modes M,
// D^M amplitudes per row), the per-dispatch header (a uniform at a dynamic
// offset), and the gate's matrix–vector product for its type. Every program
// shares one bind group layout:
//   0 header (uniform, dynamic offset)  1 matrices   2 src   3 second input
//   4 out (read_write)                  5 upstream
import applyBody from './shaders/cv-apply.wgsl?raw';
import gradBody from './shaders/cv-grad.wgsl?raw';
import initBody from './shaders/cv-init.wgsl?raw';
import readoutBody from './shaders/cv-readout.wgsl?raw';
import seedBody from './shaders/cv-seed.wgsl?raw';
import type { OpType } from './gates';

/** Header words (u32) and the bytes one header takes in the uniform buffer. */
export const HDR_WORDS = 16;
export const HDR_BYTES = HDR_WORDS * 4;
export const HDR = { count: 0, rows: 1, s0: 2, s1: 3, mo: 4, ms: 5, adj: 6, nder: 7, d0: 8, d1: 9, col: 10, segs: 11, normalize: 12 } as const;

/** Workgroup size of every program (the per-row reductions' shared arrays are sized by it). */
export const CV_WG = 64;

export interface CvShape {
  cutoff: number;
  modes: number;
}

const prelude = (s: CvShape) => `
const D = ${s.cutoff}u;
const M = ${s.modes}u;
const DIM = ${s.cutoff ** s.modes}u;
const K = ${2 * s.modes + 1}u;
const WG = ${CV_WG}u;
struct Hdr {
  count: u32, rows: u32, s0: u32, s1: u32, mo: u32, ms: u32, adj: u32, nder: u32,
  d0: u32, d1: u32, col: u32, segs: u32, normalize: u32, p0: u32, p1: u32, p2: u32,
}
@group(0) @binding(0) var<uniform> h: Hdr;
fn cmul(a: vec2f, b: vec2f) -> vec2f { return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn conj2(a: vec2f) -> vec2f { return vec2f(a.x, -a.y); }
// Dispatches are 2-D when the workgroup count exceeds one dimension's limit.
fn flat_id(wid: vec3u, nwg: vec3u, lid: u32) -> u32 { return (wid.y * nwg.x + wid.x) * WG + lid; }
`;

const matrixBindings = `
@group(0) @binding(1) var<storage, read> mats: array<vec2f>;
@group(0) @binding(2) var<storage, read> src: array<vec2f>;
`;

/** Largest cutoff whose gate kernels are generated as straight-line code (software adapters run loops slowly). */
export const UNROLL_CUTOFF = 8;

/** Amplitudes one invocation of a gate kernel handles: a slice along the gate's mode(s). */
export const groupSize = (type: OpType, D: number) => (type === 'dense' ? D : type === 'bs' ? D * D : 1);

const u = (n: number) => `${n}u`;
/** base + n·h.s0 (+ q·h.s1), with zero terms left out. */
const at = (n: number, q = 0) => ['base', ...(n ? [`${u(n)} * h.s0`] : []), ...(q ? [`${u(q)} * h.s1`] : [])].join(' + ');
const sum = (terms: string[]) => (terms.length ? terms.join(' + ') : 'vec2f(0.0, 0.0)');
/** Squeezing elements with odd m − n are zero: skipped. */
const live = (sqz: boolean, m: number, n: number) => !sqz || (m + n) % 2 === 0;

/** Photon-number blocks of the beamsplitter at cutoff D (gates.ts bsBlocks). */
function blocks(D: number): { N: number; lo: number; sz: number; off: number }[] {
  const out = [];
  let off = 0;
  for (let N = 0; N < 2 * D - 1; N++) {
    const lo = N >= D ? N - (D - 1) : 0, sz = Math.min(N, D - 1) - lo + 1;
    out.push({ N, lo, sz, off });
    off += sz * sz;
  }
  return out;
}

const BS_COMMON = `
fn sum_sq(n: u32) -> u32 { return n * (n + 1u) * (2u * n + 1u) / 6u; }
fn bs_off(N: u32) -> u32 {
  if (N < D) { return sum_sq(N); }
  return sum_sq(D) + sum_sq(D - 1u) - sum_sq(2u * D - 1u - N);
}
// The group's first amplitude: zero digits inserted at both modes (lower stride first).
fn group_base(t: u32) -> u32 {
  let sl = min(h.s0, h.s1);
  let sh = max(h.s0, h.s1);
  let t1 = (t / sl) * (sl * D) + t % sl;
  return (t1 / sh) * (sh * D) + t1 % sh;
}
`;
const DENSE_COMMON = `
// The group's first amplitude: a zero digit inserted at the gate's mode.
fn group_base(t: u32) -> u32 { return (t / h.s0) * (h.s0 * D) + t % h.s0; }
`;

/**
 * apply_group(t): the t-th group of amplitudes (over all rows) ← U_row · src, or
 * U_row† · src with h.adj; U_row at h.mo + row · h.ms in the compact layout of
 * gates.ts. Writes `out` (declared by the apply body).
 */
function applyHelpers(type: OpType, D: number, sqz: boolean): string {
  if (type === 'diag')
    return `${matrixBindings}
const GROUPS = DIM;
fn apply_group(t: u32) {
  let e = mats[h.mo + (t / DIM) * h.ms + (t / h.s0) % D];
  out[t] = cmul(select(e, conj2(e), h.adj != 0u), src[t]);
}
`;
  if (type === 'dense') {
    if (D <= UNROLL_CUTOFF) {
      const loads = Array.from({ length: D }, (_, n) => `  let x${n} = src[${at(n)}];`).join('\n');
      const rows = (adj: boolean) => Array.from({ length: D }, (_, m) => {
        const terms = Array.from({ length: D }, (_, n) => n).filter((n) => live(sqz, m, n))
          .map((n) => (adj ? `cmul(conj2(mats[mb + ${u(n * D + m)}]), x${n})` : `cmul(mats[mb + ${u(m * D + n)}], x${n})`));
        return `    out[${at(m)}] = ${sum(terms)};`;
      }).join('\n');
      return `${matrixBindings}${DENSE_COMMON}
const GROUPS = DIM / D;
fn apply_group(t: u32) {
  let base = group_base(t);
  let mb = h.mo + (base / DIM) * h.ms;
${loads}
  if (h.adj == 0u) {
${rows(false)}
  } else {
${rows(true)}
  }
}
`;
    }
    return `${matrixBindings}${DENSE_COMMON}
const GROUPS = DIM / D;
fn apply_group(t: u32) {
  let base = group_base(t);
  let mb = h.mo + (base / DIM) * h.ms;
  var x: array<vec2f, D>;
  for (var n = 0u; n < D; n++) { x[n] = src[base + n * h.s0]; }
  for (var m = 0u; m < D; m++) {
    var acc = vec2f(0.0, 0.0);
    for (var n = ${sqz ? 'm & 1u' : '0u'}; n < D; n += ${sqz ? '2u' : '1u'}) {
      let e = select(mats[mb + m * D + n], conj2(mats[mb + n * D + m]), h.adj != 0u);
      acc += cmul(e, x[n]);
    }
    out[base + m * h.s0] = acc;
  }
}
`;
  }
  // Beamsplitter: photon-number blocks, each sz × sz.
  if (D <= UNROLL_CUTOFF) {
    const body = (adj: boolean) => blocks(D).map(({ N, lo, sz, off }) => {
      const loads = Array.from({ length: sz }, (_, k) => `let a${k} = src[${at(lo + k, N - lo - k)}];`).join(' ');
      const stores = Array.from({ length: sz }, (_, mi) => {
        const terms = Array.from({ length: sz }, (_, k) => `cmul(${adj ? `conj2(mats[mb + ${u(off + k * sz + mi)}])` : `mats[mb + ${u(off + mi * sz + k)}]`}, a${k})`);
        return `out[${at(lo + mi, N - lo - mi)}] = ${sum(terms)};`;
      }).join(' ');
      return `    { ${loads} ${stores} }`;
    }).join('\n');
    return `${matrixBindings}${BS_COMMON}
const GROUPS = DIM / (D * D);
fn apply_group(t: u32) {
  let base = group_base(t);
  let mb = h.mo + (base / DIM) * h.ms;
  if (h.adj == 0u) {
${body(false)}
  } else {
${body(true)}
  }
}
`;
  }
  return `${matrixBindings}${BS_COMMON}
const GROUPS = DIM / (D * D);
fn apply_group(t: u32) {
  let base = group_base(t);
  let row_mats = h.mo + (base / DIM) * h.ms;
  for (var N = 0u; N < 2u * D - 1u; N++) {
    let lo = select(0u, N + 1u - D, N + 1u > D);
    let sz = min(N, D - 1u) - lo + 1u;
    let mb = row_mats + bs_off(N);
    var a: array<vec2f, D>;
    for (var k = 0u; k < sz; k++) { a[k] = src[base + (lo + k) * h.s0 + (N - lo - k) * h.s1]; }
    for (var mi = 0u; mi < sz; mi++) {
      var acc = vec2f(0.0, 0.0);
      for (var k = 0u; k < sz; k++) {
        let e = select(mats[mb + mi * sz + k], conj2(mats[mb + k * sz + mi]), h.adj != 0u);
        acc += cmul(e, a[k]);
      }
      out[base + (lo + mi) * h.s0 + (N - lo - mi) * h.s1] = acc;
    }
  }
}
`;
}

/**
 * grad_group(t) = (Re⟨g|∂U/∂θ_0|x⟩, Re⟨g|∂U/∂θ_1|x⟩) over the t-th group (x = src,
 * the gate's input; g after the gate), derivative matrices at h.d0 / h.d1 +
 * row · h.ms; the second only when h.nder > 1. Reads `g` (declared by the grad body).
 */
function gradHelpers(type: OpType, D: number, sqz: boolean): string {
  if (type === 'diag')
    return `${matrixBindings}
const GROUPS = DIM;
fn grad_group(t: u32) -> vec2f {
  let r = t / DIM;
  let d = (t / h.s0) % D;
  let x = src[t];
  let gv = g[t];
  var acc = vec2f(dot(gv, cmul(mats[h.d0 + r * h.ms + d], x)), 0.0);
  if (h.nder > 1u) { acc.y = dot(gv, cmul(mats[h.d1 + r * h.ms + d], x)); }
  return acc;
}
`;
  if (type === 'dense') {
    if (D <= UNROLL_CUTOFF) {
      const loads = Array.from({ length: D }, (_, n) => `  let x${n} = src[${at(n)}];
  let g${n} = g[${at(n)}];`).join('\n');
      const contract = (mb: string) => Array.from({ length: D }, (_, m) =>
        `dot(g${m}, ${sum(Array.from({ length: D }, (_, n) => n).filter((n) => live(sqz, m, n)).map((n) => `cmul(mats[${mb} + ${u(m * D + n)}], x${n})`))})`).join(' + ');
      return `${matrixBindings}${DENSE_COMMON}
const GROUPS = DIM / D;
fn grad_group(t: u32) -> vec2f {
  let base = group_base(t);
  let r = base / DIM;
${loads}
  let m0 = h.d0 + r * h.ms;
  var acc = vec2f(${contract('m0')}, 0.0);
  if (h.nder > 1u) {
    let m1 = h.d1 + r * h.ms;
    acc.y = ${contract('m1')};
  }
  return acc;
}
`;
    }
    return `${matrixBindings}${DENSE_COMMON}
const GROUPS = DIM / D;
fn grad_group(t: u32) -> vec2f {
  let base = group_base(t);
  let r = base / DIM;
  var x: array<vec2f, D>;
  for (var n = 0u; n < D; n++) { x[n] = src[base + n * h.s0]; }
  let m0 = h.d0 + r * h.ms;
  let m1 = h.d1 + r * h.ms;
  var acc = vec2f(0.0, 0.0);
  for (var m = 0u; m < D; m++) {
    let gm = g[base + m * h.s0];
    var v0 = vec2f(0.0, 0.0);
    var v1 = vec2f(0.0, 0.0);
    for (var n = ${sqz ? 'm & 1u' : '0u'}; n < D; n += ${sqz ? '2u' : '1u'}) {
      v0 += cmul(mats[m0 + m * D + n], x[n]);
      if (h.nder > 1u) { v1 += cmul(mats[m1 + m * D + n], x[n]); }
    }
    acc += vec2f(dot(gm, v0), dot(gm, v1));
  }
  return acc;
}
`;
  }
  if (D <= UNROLL_CUTOFF) {
    const body = (mb: string, comp: 'x' | 'y') => blocks(D).map(({ N, lo, sz, off }) => {
      const loads = Array.from({ length: sz }, (_, k) => `let a${k} = src[${at(lo + k, N - lo - k)}];`).join(' ');
      const terms = Array.from({ length: sz }, (_, mi) =>
        `dot(g[${at(lo + mi, N - lo - mi)}], ${sum(Array.from({ length: sz }, (_, k) => `cmul(mats[${mb} + ${u(off + mi * sz + k)}], a${k})`))})`);
      return `    { ${loads} acc.${comp} += ${terms.join(' + ')}; }`;
    }).join('\n');
    return `${matrixBindings}${BS_COMMON}
const GROUPS = DIM / (D * D);
fn grad_group(t: u32) -> vec2f {
  let base = group_base(t);
  let r = base / DIM;
  var acc = vec2f(0.0, 0.0);
  {
    let m0 = h.d0 + r * h.ms;
${body('m0', 'x')}
  }
  if (h.nder > 1u) {
    let m1 = h.d1 + r * h.ms;
${body('m1', 'y')}
  }
  return acc;
}
`;
  }
  return `${matrixBindings}${BS_COMMON}
const GROUPS = DIM / (D * D);
fn grad_group(t: u32) -> vec2f {
  let base = group_base(t);
  let r = base / DIM;
  let m0 = h.d0 + r * h.ms;
  let m1 = h.d1 + r * h.ms;
  var acc = vec2f(0.0, 0.0);
  for (var N = 0u; N < 2u * D - 1u; N++) {
    let lo = select(0u, N + 1u - D, N + 1u > D);
    let sz = min(N, D - 1u) - lo + 1u;
    let off = bs_off(N);
    var a: array<vec2f, D>;
    for (var k = 0u; k < sz; k++) { a[k] = src[base + (lo + k) * h.s0 + (N - lo - k) * h.s1]; }
    for (var mi = 0u; mi < sz; mi++) {
      let gm = g[base + (lo + mi) * h.s0 + (N - lo - mi) * h.s1];
      var v0 = vec2f(0.0, 0.0);
      var v1 = vec2f(0.0, 0.0);
      for (var k = 0u; k < sz; k++) {
        v0 += cmul(mats[m0 + off + mi * sz + k], a[k]);
        if (h.nder > 1u) { v1 += cmul(mats[m1 + off + mi * sz + k], a[k]); }
      }
      acc += vec2f(dot(gm, v0), dot(gm, v1));
    }
  }
  return acc;
}
`;
}

export type CvKernel = 'init' | 'apply' | 'grad' | 'readout' | 'seed';

export interface CvProgram {
  key: string;
  code: string;
}

/** The program of one kernel for a circuit shape (and gate type for apply/grad). */
export function cvProgram(kernel: CvKernel, shape: CvShape, type: OpType = 'dense', sqz = false): CvProgram {
  const gate = kernel === 'apply' || kernel === 'grad';
  const body = { init: initBody, apply: applyBody, grad: gradBody, readout: readoutBody, seed: seedBody }[kernel];
  const key = `cv-${kernel}|D${shape.cutoff}M${shape.modes}${gate ? `|${type}${sqz ? '-sqz' : ''}` : ''}`;
  const helpers = kernel === 'apply' ? applyHelpers(type, shape.cutoff, sqz) : kernel === 'grad' ? gradHelpers(type, shape.cutoff, sqz) : '';
  return { key, code: `${prelude(shape)}${helpers}\n${body}` };
}

/** Compiled pipelines by program key, on one explicit layout. */
export class CvPipelines {
  readonly layout: GPUBindGroupLayout;
  private readonly pipelineLayout: GPUPipelineLayout;
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {
    const COMPUTE = 0x4; // GPUShaderStage.COMPUTE (spec value; no globals needed)
    const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility: COMPUTE, buffer: { type } });
    this.layout = device.createBindGroupLayout({
      label: 'quench cv',
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: HDR_BYTES } },
        storage(1, 'read-only-storage'), storage(2, 'read-only-storage'), storage(3, 'read-only-storage'),
        storage(4, 'storage'), storage(5, 'read-only-storage'),
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ label: 'quench cv', bindGroupLayouts: [this.layout] });
  }

  get(p: CvProgram): GPUComputePipeline {
    let pipe = this.pipelines.get(p.key);
    if (!pipe) {
      const module = this.device.createShaderModule({ label: p.key, code: p.code });
      pipe = this.device.createComputePipeline({ label: p.key, layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } });
      this.pipelines.set(p.key, pipe);
    }
    return pipe;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
