#include "convert.h"

#include <cmath>
#include <limits>

namespace quench_binding {

namespace {
const char* code_of(quench::Error::Kind k) {
  switch (k) {
    case quench::Error::Kind::Range: return "QUENCH_RANGE";
    case quench::Error::Kind::Type: return "QUENCH_TYPE";
    case quench::Error::Kind::Memory: return "QUENCH_MEMORY";
    case quench::Error::Kind::Cancelled: return "QUENCH_CANCELLED";
    default: return "QUENCH_INTERNAL";
  }
}
}  // namespace

Napi::Error to_js_error(Napi::Env env, quench::Error::Kind kind, const std::string& message) {
  Napi::Error err = kind == quench::Error::Kind::Range   ? Napi::RangeError::New(env, message)
                    : kind == quench::Error::Kind::Type  ? Napi::TypeError::New(env, message)
                                                        : Napi::Error::New(env, message);
  err.Value().Set("code", Napi::String::New(env, code_of(kind)));
  return err;
}

Napi::Error to_js_error(Napi::Env env, const quench::Error& e) { return to_js_error(env, e.kind, e.what()); }

void throw_type(Napi::Env env, const std::string& message) {
  throw to_js_error(env, quench::Error::Kind::Type, message);
}
void throw_range(Napi::Env env, const std::string& message) {
  throw to_js_error(env, quench::Error::Kind::Range, message);
}

double to_number(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsNumber()) throw_type(env, what + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw_range(env, what + " must be finite, got " + std::to_string(d));
  return d;
}

unsigned to_uint(Napi::Env env, const Napi::Value& v, const std::string& what, unsigned max) {
  double d = to_number(env, v, what);
  if (d < 0 || d != std::floor(d) || d > max)
    throw_range(env, what + " must be an integer from 0 to " + std::to_string(max) + ", got " + std::to_string(d));
  return static_cast<unsigned>(d);
}

std::vector<double> to_doubles(Napi::Env env, const Napi::Value& v, const std::string& what) {
  std::vector<double> out;
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    auto a = v.As<Napi::Float64Array>();
    out.assign(a.Data(), a.Data() + a.ElementLength());
  } else if (v.IsArray() || (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() != napi_bigint64_array &&
                                v.As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)) {
    auto a = v.As<Napi::Object>();
    uint32_t length = v.IsArray() ? v.As<Napi::Array>().Length() : static_cast<uint32_t>(v.As<Napi::TypedArray>().ElementLength());
    out.reserve(length);
    for (uint32_t i = 0; i < length; i++) {
      Napi::Value e = a.Get(i);
      if (!e.IsNumber()) throw_type(env, what + "[" + std::to_string(i) + "] must be a number");
      out.push_back(e.As<Napi::Number>().DoubleValue());
    }
  } else {
    throw_type(env, what + " must be a Float64Array, a typed array or an array of numbers");
  }
  for (size_t i = 0; i < out.size(); i++)
    if (!std::isfinite(out[i])) throw_range(env, what + "[" + std::to_string(i) + "] is not finite (" + std::to_string(out[i]) + ")");
  return out;
}

std::vector<unsigned> to_indices(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsArray() && !v.IsTypedArray()) throw_type(env, what + " must be an array of qubit indices");
  std::vector<double> d = to_doubles(env, v, what);
  std::vector<unsigned> out;
  out.reserve(d.size());
  for (size_t i = 0; i < d.size(); i++) {
    if (d[i] < 0 || d[i] != std::floor(d[i]) || d[i] > 63)
      throw_range(env, what + "[" + std::to_string(i) + "] must be a qubit index from 0 to 63, got " + std::to_string(d[i]));
    out.push_back(static_cast<unsigned>(d[i]));
  }
  return out;
}

quench::Gate to_gate(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsObject()) throw_type(env, what + " must be an object");
  auto o = v.As<Napi::Object>();
  quench::Gate g;
  g.qubits = to_indices(env, o.Get("qubits"), what + ".qubits");
  Napi::Value controls = o.Get("controls");
  if (!controls.IsUndefined() && !controls.IsNull()) g.controls = to_indices(env, controls, what + ".controls");
  Napi::Value diagonal = o.Get("diagonal");
  if (!diagonal.IsUndefined()) {
    if (!diagonal.IsBoolean()) throw_type(env, what + ".diagonal must be a boolean");
    g.diagonal = diagonal.As<Napi::Boolean>().Value();
  }
  Napi::Value slot = o.Get("slot");
  if (!slot.IsUndefined() && !slot.IsNull()) {
    g.slot = static_cast<int>(to_uint(env, slot, what + ".slot", 1u << 30));
    Napi::Value scale = o.Get("scale"), offset = o.Get("offset");
    if (!scale.IsUndefined()) g.scale = to_number(env, scale, what + ".scale");
    if (!offset.IsUndefined()) g.offset = to_number(env, offset, what + ".offset");
    g.generator = to_doubles(env, o.Get("generator"), what + ".generator");
  } else {
    g.matrix = to_doubles(env, o.Get("matrix"), what + ".matrix");
  }
  return g;
}

quench::Circuit to_circuit(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) throw_type(env, "circuit must be an object {numQubits, numParams, gates}");
  auto o = v.As<Napi::Object>();
  quench::Circuit c;
  c.num_qubits = to_uint(env, o.Get("numQubits"), "circuit.numQubits", 64);
  Napi::Value np = o.Get("numParams");
  c.num_params = np.IsUndefined() ? 0 : to_uint(env, np, "circuit.numParams", 1u << 24);
  Napi::Value gates = o.Get("gates");
  if (!gates.IsArray()) throw_type(env, "circuit.gates must be an array");
  auto a = gates.As<Napi::Array>();
  c.gates.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) c.gates.push_back(to_gate(env, a.Get(i), "circuit.gates[" + std::to_string(i) + "]"));
  try {
    quench::validate(c);
  } catch (const quench::Error& e) {
    throw to_js_error(env, e);
  }
  return c;
}

namespace {
std::uint64_t to_mask(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (v.IsUndefined()) return 0;
  if (v.IsBigInt()) {
    bool lossless = true;
    std::uint64_t m = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw_range(env, what + " must fit in 64 bits");
    return m;
  }
  double d = to_number(env, v, what);
  if (d < 0 || d != std::floor(d) || d > 9007199254740991.0) throw_range(env, what + " must be a non-negative integer bit mask");
  return static_cast<std::uint64_t>(d);
}
}  // namespace

quench::PauliSum to_observable(Napi::Env env, const Napi::Value& v, unsigned num_qubits, const std::string& what) {
  Napi::Value terms = v;
  if (v.IsObject() && !v.IsArray()) terms = v.As<Napi::Object>().Get("terms");
  if (!terms.IsArray()) throw_type(env, what + " must be an array of {coeff, xMask, zMask} terms");
  auto a = terms.As<Napi::Array>();
  quench::PauliSum sum;
  const uint32_t count = a.Length();
  sum.terms.reserve(count);
  // Converted on every gradient call: the keys are made once, and a term's
  // name only when it is wrong (at 27 terms the names cost as much as a
  // 10-qubit Hamiltonian pass).
  const Napi::String kCoeff = Napi::String::New(env, "coeff"), kX = Napi::String::New(env, "xMask"),
                     kZ = Napi::String::New(env, "zMask");
  auto name = [&](uint32_t i) { return what + ".terms[" + std::to_string(i) + "]"; };
  auto plain_mask = [](const Napi::Value& v, std::uint64_t& out) {
    if (!v.IsNumber()) return false;
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 9007199254740991.0 && d == std::floor(d))) return false;
    out = static_cast<std::uint64_t>(d);
    return true;
  };
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value t = a.Get(i);
    if (!t.IsObject()) throw_type(env, name(i) + " must be an object");
    auto o = t.As<Napi::Object>();
    quench::PauliTerm term;
    const Napi::Value c = o.Get(kCoeff), x = o.Get(kX), z = o.Get(kZ);
    if (c.IsNumber() && std::isfinite(c.As<Napi::Number>().DoubleValue())) term.coeff = c.As<Napi::Number>().DoubleValue();
    else term.coeff = to_number(env, c, name(i) + ".coeff");
    if (!plain_mask(x, term.x_mask)) term.x_mask = to_mask(env, x, name(i) + ".xMask");
    if (!plain_mask(z, term.z_mask)) term.z_mask = to_mask(env, z, name(i) + ".zMask");
    sum.terms.push_back(term);
  }
  try {
    quench::validate(sum, num_qubits);
  } catch (const quench::Error& e) {
    throw to_js_error(env, e.kind, what + ": " + e.what());
  }
  return sum;
}

quench::Precision to_precision(Napi::Env env, const Napi::Value& v) {
  if (v.IsUndefined()) return quench::Precision::f64;
  if (!v.IsString()) throw_type(env, "precision must be 'f64' or 'f32'");
  std::string s = v.As<Napi::String>();
  if (s == "f64") return quench::Precision::f64;
  if (s == "f32") return quench::Precision::f32;
  throw_range(env, "precision must be 'f64' or 'f32', got '" + s + "'");
}

quench::ExecOptions to_exec_options(Napi::Env env, const Napi::Value& v) {
  quench::ExecOptions opts;
  opts.isa = quench::default_isa();
  if (v.IsUndefined() || v.IsNull()) return opts;
  if (!v.IsObject()) throw_type(env, "options must be an object");
  auto o = v.As<Napi::Object>();
  Napi::Value isa = o.Get("isa");
  if (!isa.IsUndefined()) {
    if (!isa.IsString()) throw_type(env, "options.isa must be 'auto', 'avx512', 'avx2' or 'scalar'");
    std::string s = isa.As<Napi::String>();
    if (s == "avx512") {
      if (!quench::isa_available(quench::Isa::avx512))
        throw_range(env, "options.isa 'avx512' is not available on this CPU (it needs AVX-512 F, DQ, BW and VL with the OS saving ZMM state); use 'avx2', 'scalar' or 'auto'");
      opts.isa = quench::Isa::avx512;
    } else if (s == "avx2") {
      if (!quench::isa_available(quench::Isa::avx2))
        throw_range(env, "options.isa 'avx2' is not available on this CPU (it needs AVX2 and FMA); use 'scalar' or 'auto'");
      opts.isa = quench::Isa::avx2;
    } else if (s == "scalar") {
      opts.isa = quench::Isa::scalar;
    } else if (s != "auto") {
      throw_range(env, "options.isa must be 'auto', 'avx512', 'avx2' or 'scalar', got '" + s + "'");
    }
  }
  Napi::Value threads = o.Get("threads");
  if (!threads.IsUndefined()) opts.threads = to_uint(env, threads, "options.threads", 1024);
  return opts;
}

Napi::Float64Array to_float64_array(Napi::Env env, const double* data, size_t n) {
  // Copied into a V8-owned buffer: Electron's memory cage forbids external buffers.
  auto out = Napi::Float64Array::New(env, n);
  if (n) std::copy(data, data + n, out.Data());
  return out;
}

}  // namespace quench_binding
