// Readouts of the un-normalised truncated state per batch row:
//   x_m = ⟨ψ|a_m + a_m†|ψ⟩ = Σ 2√d Re(conj(ψ_{d−1}) ψ_d),  n_m = Σ d |ψ_d|²,  norm = Σ |ψ|²
// as K = 2M + 1 partial sums [x_0.., n_0.., norm] per (row, segment): one
// invocation each, over every h.segs-th amplitude of the row. The host sums
// the segments in f64.
@group(0) @binding(2) var<storage, read> src: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = flat_id(wid, nwg, lid);
  if (o >= h.rows * h.segs) { return; }
  let row = o / h.segs;
  let seg = o % h.segs;
  var acc: array<f32, K>;
  for (var j = seg; j < DIM; j += h.segs) {
    let i = row * DIM + j;
    let v = src[i];
    let p = dot(v, v);
    acc[2u * M] += p;
    var s = 1u;
    for (var m = 0u; m < M; m++) {
      let d = (j / s) % D;
      acc[M + m] += f32(d) * p;
      if (d > 0u) { acc[m] += 2.0 * sqrt(f32(d)) * dot(v, src[i - s]); }
      s *= D;
    }
  }
  for (var k = 0u; k < K; k++) { part[o * K + k] = acc[k]; }
}
