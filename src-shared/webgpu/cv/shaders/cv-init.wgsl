// The vacuum |0…0⟩ in every batch row: amplitude 0 of each row is 1.
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid);
  if (i >= h.count) { return; }
  out[i] = select(vec2f(0.0, 0.0), vec2f(1.0, 0.0), i % DIM == 0u);
}
