// Fidelity Gram block: out[i·nB + j] = |⟨ψ_(a+i) | ψ_(b+j)⟩|² for i < nA = h.e,
// j < nB = h.f, rows of 2^(h.k) amplitudes. One workgroup per T × T tile of
// the block (h.c tiles across); both tiles' rows are streamed through
// workgroup memory T amplitudes at a time, so each amplitude is loaded once
// per tile rather than once per entry.

@group(2) @binding(0) var<storage, read_write> out: array<f32>;
var<workgroup> ta: array<vec2f, WG>;
var<workgroup> tb: array<vec2f, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= gate.h.count) { return; } // uniform per workgroup: barriers below stay uniform
  let gy = g / gate.h.c;
  let gx = g % gate.h.c;
  let lx = lid % T;
  let ly = lid / T;
  let len = 1u << gate.h.k;
  // the rows this invocation loads (tile row ly) and the entry it owns (ly, lx)
  let load_a = gy * T + ly;
  let load_b = gx * T + ly;
  var acc = vec2f(0.0, 0.0);
  for (var k0 = 0u; k0 < len; k0 += T) {
    let col = k0 + lx;
    var va = vec2f(0.0, 0.0);
    var vb = vec2f(0.0, 0.0);
    if (load_a < gate.h.e && col < len) { va = ld(((gate.h.a + load_a) << gate.h.k) + col); }
    if (load_b < gate.h.f && col < len) { vb = ld(((gate.h.b + load_b) << gate.h.k) + col); }
    ta[lid] = va;
    tb[lid] = vb;
    workgroupBarrier();
    for (var kk = 0u; kk < T; kk++) {
      let x = ta[ly * T + kk];
      let y = tb[lx * T + kk];
      // conj(x) · y
      acc += vec2f(x.x * y.x + x.y * y.y, x.x * y.y - x.y * y.x);
    }
    workgroupBarrier();
  }
  let i = gy * T + ly;
  let j = gx * T + lx;
  if (i < gate.h.e && j < gate.h.f) { out[i * gate.h.f + j] = dot(acc, acc); }
}
