// Adjoint differentiation, first pass: Re⟨λ_r| P_c ⊗ (−iG) |ψ_r⟩ for one
// parameterised gate in each of h.c batch rows r, with ψ_r in row r and λ_r
// at offset h.a from it (λ rows follow the ψ rows).
// Dense (DIAGONAL false): G is 2^K × 2^K at m; one term per control-satisfied
// group (generator_group, from the prelude). Diagonal: G = diag(λ_j) on h.k
// targets (lambda_at from the prelude: m[j].x, or the gate's cached λ buffer
// when it is bound on the GPU); one term per amplitude.
// Re(conj(l) · (−i w)) = l.x·w.y − l.y·w.x. Workgroup g reduces segment
// g % h.b of row g / h.b and writes partials[h.d + g].x; sum.wgsl finishes.

@group(2) @binding(0) var<storage, read_write> partials: array<vec4f>;
var<workgroup> red: array<f32, WG>;

fn term(t: u32, row: u32) -> f32 {
  let base = insert_zeros(t) | (row << gate.h.row_shift);
  if (DIAGONAL) {
    let w = lambda_at(diag_index(base)) * ld(base);
    let l = ld(base + gate.h.a);
    return l.x * w.y - l.y * w.x;
  }
  return generator_group(base, gate.h.a);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= gate.h.b * gate.h.c) { return; }
  let row = g / gate.h.b;
  let seg = g % gate.h.b;
  var acc = 0.0;
  for (var t = seg * WG + lid; t < gate.h.count; t += gate.h.b * WG) {
    acc += term(t, row);
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[gate.h.d + g] = vec4f(red[0], 0.0, 0.0, 0.0); }
}
