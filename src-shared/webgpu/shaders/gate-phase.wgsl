// A parameterised diagonal gate bound on the GPU: diag(e^{−iθλ_j}) on any
// number k of target qubits (h.k, positions in h.t), controls as in
// gate-diagonal.wgsl. λ is the gate's generator, uploaded once (lam, from the
// prelude: vec2f(hi, lo) per entry); the record holds θ/2π in turns, one
// vec2f(hi, lo) per batch row when row_stride is 1 (the same for every row
// when 0). The backward pass of the adjoint applies U† with −θ.
//
// f32 care: θλ reaches ~100 rad for QAOA (λ up to the number of edges), where
// one ulp of the product is ~1e-5 rad. The hi parts carry ≤ 12 significant
// bits each, so t.x·l.x is exact and its whole turns drop out exactly; the
// cross terms are 2^-12 of the phase, so their rounding is ~2^-36 of it.
// What is left (|f| ≤ 1/2 turn) is split into quadrants (exact) and the
// rest, |a| ≤ π/4, goes through short polynomials — not WGSL's sin/cos, whose
// required accuracy is only 2^-11 absolute.

const TWO_PI = 6.283185307179586;

/** e^{−2πi·u}, u = (t.x + t.y)(l.x + l.y) turns. */
fn phase(t: vec2f, l: vec2f) -> vec2f {
  let x = t.x * l.x;
  var f = (x - round(x)) + (t.x * l.y + t.y * l.x + t.y * l.y);
  f = f - round(f);
  let q = round(4.0 * f);
  let a = (f - 0.25 * q) * TWO_PI;
  let a2 = a * a;
  let s = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 * (1.0 / 362880.0)))));
  let c = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 + a2 * (-1.0 / 3628800.0)))));
  // e^{−i(a + qπ/2)} = conj((c + i·s) · i^q), without branches
  let m = i32(q) & 3;
  var w = select(vec2f(c, s), vec2f(-s, c), (m & 1) != 0);
  w = select(w, -w, m >= 2);
  return vec2f(w.x, -w.y);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = flat_id(wid, nwg, lid);
  if (t >= gate.h.count) { return; }
  let i = insert_zeros(t);
  let turns = gate.m[(i >> gate.h.row_shift) * gate.h.row_stride];
  st(i, cmul(phase(turns, lam[diag_index(i)]), ld(i)));
}
