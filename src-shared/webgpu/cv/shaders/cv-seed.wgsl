// Start of the VJP: g = 2 ∂L/∂ψ* = 2 (dnorm ψ + Σ_m dn_m n_m ψ + dx_m (a_m + a_m†) ψ)
// with the upstream (dx_0.., dn_0.., dnorm) of the row in `up`. With
// h.normalize the outputs were x/‖ψ‖², n/‖ψ‖²: the chain rule uses the
// forward readouts (partials in `red`, summed here over the row's segments).
@group(0) @binding(2) var<storage, read> src: array<vec2f>;
@group(0) @binding(3) var<storage, read> red: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;
@group(0) @binding(5) var<storage, read> up: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid);
  if (i >= h.count) { return; }
  let row = i / DIM;
  let j = i % DIM;
  let u0 = row * K;
  var dnorm = up[u0 + 2u * M];
  var inv = 1.0;
  if (h.normalize != 0u) {
    var tot: array<f32, K>;
    for (var sg = 0u; sg < h.segs; sg++) {
      for (var k = 0u; k < K; k++) { tot[k] += red[(row * h.segs + sg) * K + k]; }
    }
    inv = 1.0 / tot[2u * M];
    for (var m = 0u; m < M; m++) { dnorm -= (up[u0 + m] * tot[m] + up[u0 + M + m] * tot[M + m]) * inv * inv; }
  }
  let v = src[i];
  var acc = dnorm * v;
  var s = 1u;
  for (var m = 0u; m < M; m++) {
    let d = (j / s) % D;
    let ux = up[u0 + m] * inv;
    acc += (up[u0 + M + m] * inv * f32(d)) * v;
    if (d + 1u < D) { acc += (ux * sqrt(f32(d + 1u))) * src[i + s]; }
    if (d > 0u) { acc += (ux * sqrt(f32(d))) * src[i - s]; }
    s *= D;
  }
  out[i] = 2.0 * acc;
}
