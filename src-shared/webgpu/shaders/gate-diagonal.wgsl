// Diagonal gate on any number k of target qubits (h.k, positions in h.t):
// one invocation per amplitude whose controls are all 1 (zeros inserted at
// the control positions, control bits set). diag_index gathers the target
// bits; the batch row picks the diagonal when row_stride > 0.

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid);
  if (t >= gate.h.count) { return; }
  let i = insert_zeros(t);
  let mo = (i >> gate.h.row_shift) * gate.h.row_stride;
  st(i, cmul(gate.m[mo + diag_index(i)], ld(i)));
}
