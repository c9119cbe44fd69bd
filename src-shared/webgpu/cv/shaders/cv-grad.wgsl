// A gate's angle gradients per batch row: Re⟨g | ∂U/∂θ_j | x⟩ for the (up
// to two) angles that read a parameter slot, with x the gate's input (src)
// and g = 2 ∂L/∂ψ* after the gate. One invocation per (row, segment): it
// sums every h.segs-th of the row's GROUPS amplitude groups (adjacent
// invocations read adjacent groups) into part[h.col + row · h.segs + seg];
// the host sums the segments and maps the angles to slots (× scale). No
// workgroup barriers: software adapters run them slowly.
@group(0) @binding(3) var<storage, read> g: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> part: array<vec2f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = flat_id(wid, nwg, lid);
  if (o >= h.rows * h.segs) { return; }
  let row = o / h.segs;
  let seg = o % h.segs;
  var acc = vec2f(0.0, 0.0);
  for (var j = seg; j < GROUPS; j += h.segs) {
    acc += grad_group(row * GROUPS + j);
  }
  part[h.col + o] = acc;
}
