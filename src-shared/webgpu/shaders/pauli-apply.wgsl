// λ = H ψ for a Pauli sum H = Σ_u c_u P_u (h.k terms), for every ψ row in
// the first h.count amplitudes (X/Y flips stay inside a row), λ written at
// offset h.a (the λ rows follow the ψ rows). Term u is m[2u] = (bits x, bits z),
// m[2u + 1] = (bits nY mod 4, c_u). (P ψ)[j] = phase(j ^ x) · ψ[j ^ x].

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let j = flat_id(wid, nwg, lid);
  if (j >= gate.h.count) { return; }
  var acc = vec2f(0.0, 0.0);
  for (var u = 0u; u < gate.h.k; u++) {
    let xz = bitcast<vec2u>(gate.m[2u * u]);
    let pc = gate.m[2u * u + 1u];
    let i = j ^ xz.x;
    var a = ld(i);
    switch (bitcast<u32>(pc.x)) {
      case 1u: { a = vec2f(-a.y, a.x); }
      case 2u: { a = -a; }
      case 3u: { a = vec2f(a.y, -a.x); }
      default: {}
    }
    let odd = (countOneBits(i & xz.y) & 1u) == 1u;
    acc += select(pc.y, -pc.y, odd) * a;
  }
  st(j + gate.h.a, acc);
}
