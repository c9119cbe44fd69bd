// First pass of ⟨ψ|P|ψ⟩ for up to four Pauli strings sharing one X/Y flip
// mask (h.c): Re Σ_i conj(ψ[i ^ x]) · phase_u(i) · ψ[i], phase_u(i) =
// i^{nY_u} · (−1)^{popcount(i & z_u)} with z_u = h.t[u] (Z and Y bits) and
// nY_u mod 4 = h.t[4 + u]. Workgroup g reduces segment g % segs of batch
// row g / segs (grid-stride over the row) and writes one vec4 partial at
// partials[h.d + g]; sum.wgsl finishes the reduction.

@group(2) @binding(0) var<storage, read_write> partials: array<vec4f>;
var<workgroup> red: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= gate.h.count) { return; }
  let row_len = gate.h.a;
  let segs = gate.h.b;
  let row = g / segs;
  let x = gate.h.c;
  var acc = vec4f(0.0);
  for (var i = (g % segs) * WG + lid; i < row_len; i += segs * WG) {
    let gi = row * row_len + i;
    let a = ld(gi);
    let b = ld(gi ^ x);
    let re = b.x * a.x + b.y * a.y;
    let im = b.x * a.y - b.y * a.x;
    for (var u = 0u; u < 4u; u++) {
      var c = re;
      switch (gate.h.t[4u + u]) {
        case 1u: { c = -im; }
        case 2u: { c = -re; }
        case 3u: { c = im; }
        default: {}
      }
      let odd = (countOneBits(i & gate.h.t[u]) & 1u) == 1u;
      acc[u] += select(c, -c, odd);
    }
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { partials[gate.h.d + g] = red[0]; }
}
