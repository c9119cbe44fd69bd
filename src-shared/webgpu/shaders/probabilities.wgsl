// |ψ_i|² for i in [h.a, h.a + h.count), written to out[i − h.a]. One
// dispatch per output buffer, so the probabilities may span several.

@group(2) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid);
  if (t >= gate.h.count) { return; }
  let v = ld(gate.h.a + t);
  out[t] = dot(v, v);
}
