// Second pass of every reduction: out[h.d + o] = Σ_{s < h.a} partials[h.c + o·h.a + s]
// for o < h.count, one workgroup per output.

@group(2) @binding(0) var<storage, read_write> partials: array<vec4f>;
@group(2) @binding(1) var<storage, read_write> out: array<vec4f>;
var<workgroup> red: array<vec4f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= gate.h.count) { return; }
  let segs = gate.h.a;
  let first = gate.h.c + o * segs;
  var acc = vec4f(0.0);
  for (var s = lid; s < segs; s += WG) {
    acc += partials[first + s];
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[gate.h.d + o] = red[0]; }
}
