// Dense 2^K × 2^K gate on K target qubits, with controls as a bitmask.
// One invocation per group of 2^K amplitudes whose controls are all 1:
// the work index gets zero bits inserted at every target and control
// position, then the control bits set (so no invocation idles on a failed
// control). Bit j of the matrix index is target j. The batch row of the
// group (index >> row_shift) picks its matrix when row_stride > 0.
// From the prelude: WG, gate, flat_id, insert_zeros, and apply_group (the
// 2^K loads, the matrix-vector product and the stores, unrolled for small K).

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid);
  if (t >= gate.h.count) { return; }
  let base = insert_zeros(t);
  apply_group(base, (base >> gate.h.row_shift) * gate.h.row_stride);
}
