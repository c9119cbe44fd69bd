// |0…0⟩ in every batch row: amplitude 1 where the in-row index is 0.

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid);
  if (i >= gate.h.count) { return; }
  let in_row = i & ((1u << gate.h.row_shift) - 1u);
  st(i, select(vec2f(0.0, 0.0), vec2f(1.0, 0.0), in_row == 0u));
}
