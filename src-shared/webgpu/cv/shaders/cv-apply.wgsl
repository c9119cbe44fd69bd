// One gate on every batch row: out = U_row · src (h.adj: U_row† · src, the
// VJP's backward step). One invocation per group of amplitudes the gate
// mixes (D along its mode; D² along a beamsplitter's two; 1 for diagonal
// gates), so src and out are different buffers. apply_group (from the
// prelude, per gate type) reads the row's matrix at h.mo + row · h.ms
// (h.ms = 0: one matrix for all rows). h.count = rows · GROUPS.
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid);
  if (t >= h.count) { return; }
  apply_group(t);
}
