// fock.cc — the N-API surface of the Fock-space (continuous-variable)
// simulator: circuits as plain JS objects, batched forward runs and
// vector–Jacobian products. Same rules as addon.cc: check every argument on
// the JS thread, copy results into V8-owned arrays.
#include <napi.h>

#include <cmath>

#include "convert.h"
#include "quench/fock.h"

namespace quench_binding {
namespace {

using quench::fock::CvGate;

const char* kind_name(CvGate::Kind k) { return quench::fock::to_string(k); }

CvGate::Kind to_kind(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsString()) throw_type(env, what + " must be a gate kind string");
  std::string s = v.As<Napi::String>();
  for (CvGate::Kind k : {CvGate::Kind::Displacement, CvGate::Kind::Squeezing, CvGate::Kind::Rotation, CvGate::Kind::Beamsplitter, CvGate::Kind::Kerr})
    if (s == kind_name(k)) return k;
  throw_range(env, what + ": unknown gate kind '" + s + "'");
}

quench::fock::Angle to_angle(Napi::Env env, const Napi::Value& v, const std::string& what) {
  quench::fock::Angle a;
  if (v.IsUndefined() || v.IsNull()) return a;
  if (v.IsNumber()) {
    a.value = to_number(env, v, what);
    return a;
  }
  if (!v.IsObject()) throw_type(env, what + " must be a number or {slot, scale, value}");
  auto o = v.As<Napi::Object>();
  if (!o.Get("slot").IsUndefined()) a.slot = int(to_uint(env, o.Get("slot"), what + ".slot", 1u << 24));
  if (!o.Get("scale").IsUndefined()) a.scale = to_number(env, o.Get("scale"), what + ".scale");
  if (!o.Get("value").IsUndefined()) a.value = to_number(env, o.Get("value"), what + ".value");
  return a;
}

Napi::Value from_angle(Napi::Env env, const quench::fock::Angle& a) {
  auto o = Napi::Object::New(env);
  if (a.slot >= 0) o.Set("slot", a.slot);
  o.Set("scale", a.scale);
  o.Set("value", a.value);
  return o;
}

quench::fock::CvCircuit to_cv_circuit(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) throw_type(env, "circuit must be an object {modes, cutoff, numParams, gates}");
  auto o = v.As<Napi::Object>();
  quench::fock::CvCircuit c;
  c.modes = to_uint(env, o.Get("modes"), "circuit.modes", 64);
  c.cutoff = to_uint(env, o.Get("cutoff"), "circuit.cutoff", 1024);
  c.num_params = to_uint(env, o.Get("numParams"), "circuit.numParams", 1u << 24);
  Napi::Value gates = o.Get("gates");
  if (!gates.IsArray()) throw_type(env, "circuit.gates must be an array");
  auto a = gates.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    std::string w = "circuit.gates[" + std::to_string(i) + "]";
    Napi::Value g = a.Get(i);
    if (!g.IsObject()) throw_type(env, w + " must be an object");
    auto go = g.As<Napi::Object>();
    CvGate gate;
    gate.kind = to_kind(env, go.Get("kind"), w + ".kind");
    gate.mode0 = to_uint(env, go.Get("mode0"), w + ".mode0", 64);
    if (!go.Get("mode1").IsUndefined()) gate.mode1 = to_uint(env, go.Get("mode1"), w + ".mode1", 64);
    gate.a = to_angle(env, go.Get("a"), w + ".a");
    gate.b = to_angle(env, go.Get("b"), w + ".b");
    c.gates.push_back(gate);
  }
  try {
    quench::fock::validate(c);
  } catch (const quench::Error& e) {
    throw to_js_error(env, e);
  }
  return c;
}

Napi::Value from_cv_circuit(Napi::Env env, const quench::fock::CvCircuit& c) {
  auto o = Napi::Object::New(env);
  o.Set("modes", c.modes);
  o.Set("cutoff", c.cutoff);
  o.Set("numParams", c.num_params);
  auto gates = Napi::Array::New(env, c.gates.size());
  for (size_t i = 0; i < c.gates.size(); i++) {
    auto g = Napi::Object::New(env);
    g.Set("kind", kind_name(c.gates[i].kind));
    g.Set("mode0", c.gates[i].mode0);
    if (c.gates[i].kind == CvGate::Kind::Beamsplitter) g.Set("mode1", c.gates[i].mode1);
    g.Set("a", from_angle(env, c.gates[i].a));
    g.Set("b", from_angle(env, c.gates[i].b));
    gates.Set(uint32_t(i), g);
  }
  o.Set("gates", gates);
  return o;
}

quench::fock::CvOptions to_cv_options(Napi::Env env, const Napi::Value& v) {
  quench::fock::CvOptions opts;
  quench::ExecOptions exec = to_exec_options(env, v);
  opts.threads = exec.threads;
  opts.isa = exec.isa;
  if (v.IsObject()) {
    Napi::Value norm = v.As<Napi::Object>().Get("normalize");
    if (!norm.IsUndefined()) {
      if (!norm.IsBoolean()) throw_type(env, "options.normalize must be a boolean");
      opts.normalize = norm.As<Napi::Boolean>().Value();
    }
  }
  return opts;
}

Napi::Object outputs(Napi::Env env, const quench::fock::CvOutputs& r) {
  auto o = Napi::Object::New(env);
  o.Set("x", to_float64_array(env, r.x.data(), r.x.size()));
  o.Set("n", to_float64_array(env, r.n.data(), r.n.size()));
  o.Set("norm", to_float64_array(env, r.norm.data(), r.norm.size()));
  return o;
}

std::vector<double> params_of(Napi::Env env, const quench::fock::CvCircuit& c, const Napi::Value& v, size_t batch) {
  std::vector<double> p = to_doubles(env, v, "params");
  if (p.size() != batch * c.num_params)
    throw_range(env, "params has " + std::to_string(p.size()) + " value(s), expected batch × numParams = " + std::to_string(batch) + " × " + std::to_string(c.num_params));
  return p;
}

size_t batch_of(Napi::Env env, const Napi::Value& v) {
  unsigned b = to_uint(env, v, "batch", 1u << 26);
  if (b < 1) throw_range(env, "batch must be at least 1");
  return b;
}


// cvQganGenerator(modes, cutoff, layers, latentDim) → circuit
Napi::Value QganGenerator(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  unsigned modes = to_uint(env, info[0], "modes", 64), cutoff = to_uint(env, info[1], "cutoff", 1024);
  unsigned layers = to_uint(env, info[2], "layers", 1024), latent = to_uint(env, info[3], "latentDim", 1024);
  auto c = guarded(env, [&] { return quench::fock::qgan_generator(modes, cutoff, layers, latent); });
  return from_cv_circuit(env, c);
}

// cvRunBatch(circuit, params, batch, options) → {x, n, norm}
Napi::Value RunBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto c = to_cv_circuit(env, info[0]);
  size_t batch = batch_of(env, info[2]);
  auto p = params_of(env, c, info[1], batch);
  auto opts = to_cv_options(env, info[3]);
  auto r = guarded(env, [&] { return quench::fock::run_batch(c, p.data(), batch, opts); });
  return outputs(env, r);
}

// cvVjpBatch(circuit, params, batch, dx, dn | null, dnorm | null, options) → {x, n, norm, gradients}
Napi::Value VjpBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto c = to_cv_circuit(env, info[0]);
  size_t batch = batch_of(env, info[2]);
  auto p = params_of(env, c, info[1], batch);
  size_t outs = batch * c.modes;
  auto dx = to_doubles(env, info[3], "dx");
  if (dx.size() != outs) throw_range(env, "dx must hold batch × modes = " + std::to_string(outs) + " values");
  std::vector<double> dn, dnorm;
  if (!info[4].IsUndefined() && !info[4].IsNull()) {
    dn = to_doubles(env, info[4], "dn");
    if (dn.size() != outs) throw_range(env, "dn must hold batch × modes = " + std::to_string(outs) + " values");
  }
  if (!info[5].IsUndefined() && !info[5].IsNull()) {
    dnorm = to_doubles(env, info[5], "dnorm");
    if (dnorm.size() != batch) throw_range(env, "dnorm must hold batch = " + std::to_string(batch) + " values");
  }
  auto opts = to_cv_options(env, info[6]);
  std::vector<double> grads(batch * c.num_params);
  auto r = guarded(env, [&] {
    return quench::fock::vjp_batch(c, p.data(), batch, dx.data(), dn.empty() ? nullptr : dn.data(), dnorm.empty() ? nullptr : dnorm.data(), grads.data(), opts);
  });
  auto o = outputs(env, r);
  o.Set("gradients", to_float64_array(env, grads.data(), grads.size()));
  return o;
}

// cvGateMatrix(kind, a, b, cutoff) → Float64Array (interleaved complex)
Napi::Value GateMatrix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto kind = to_kind(env, info[0], "kind");
  double a = to_number(env, info[1], "a"), b = info[2].IsUndefined() ? 0 : to_number(env, info[2], "b");
  unsigned cutoff = to_uint(env, info[3], "cutoff", 64);
  auto m = guarded(env, [&] { return quench::fock::gate_matrix(kind, a, b, cutoff); });
  return to_float64_array(env, reinterpret_cast<const double*>(m.data()), 2 * m.size());
}

}  // namespace

void InitFock(Napi::Env env, Napi::Object exports) {
  exports.Set("cvQganGenerator", Napi::Function::New(env, QganGenerator));
  exports.Set("cvRunBatch", Napi::Function::New(env, RunBatch));
  exports.Set("cvVjpBatch", Napi::Function::New(env, VjpBatch));
  exports.Set("cvGateMatrix", Napi::Function::New(env, GateMatrix));
}

}  // namespace quench_binding
