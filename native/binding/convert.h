// convert.h — JavaScript values ⇄ core types, on the JS thread only.
// Every check that can be made before work is queued is made here, so a bad
// argument becomes a TypeError/RangeError that names it, never a crash.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "quench/engine.h"

namespace quench_binding {

// Throw the JavaScript error class that matches a core error kind, with a
// `code` property (QUENCH_RANGE, QUENCH_TYPE, QUENCH_MEMORY, QUENCH_CANCELLED,
// QUENCH_INTERNAL).
Napi::Error to_js_error(Napi::Env env, const quench::Error& e);
Napi::Error to_js_error(Napi::Env env, quench::Error::Kind kind, const std::string& message);
[[noreturn]] void throw_type(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range(Napi::Env env, const std::string& message);

// A finite-number array from a Float64Array or an array of numbers.
std::vector<double> to_doubles(Napi::Env env, const Napi::Value& v, const std::string& what);
std::vector<unsigned> to_indices(Napi::Env env, const Napi::Value& v, const std::string& what);
unsigned to_uint(Napi::Env env, const Napi::Value& v, const std::string& what, unsigned max);
double to_number(Napi::Env env, const Napi::Value& v, const std::string& what);

quench::Circuit to_circuit(Napi::Env env, const Napi::Value& v);
quench::Gate to_gate(Napi::Env env, const Napi::Value& v, const std::string& what);
// [{coeff, xMask, zMask}] or {terms: [...]} with masks as numbers (< 2^53) or BigInts.
quench::PauliSum to_observable(Napi::Env env, const Napi::Value& v, unsigned num_qubits, const std::string& what);
quench::Precision to_precision(Napi::Env env, const Napi::Value& v);

// Options object {isa?: 'auto'|'avx512'|'avx2'|'scalar', threads?: number}. Progress
// and cancellation are attached by the async jobs.
quench::ExecOptions to_exec_options(Napi::Env env, const Napi::Value& v);

Napi::Float64Array to_float64_array(Napi::Env env, const double* data, size_t n);

// Run a core call on the JS thread, turning core errors into JS errors.
template <typename F>
auto guarded(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const quench::Error& e) {
    throw to_js_error(env, e);
  } catch (const std::bad_alloc&) {
    throw to_js_error(env, quench::Error::Kind::Memory, "out of memory");
  }
}

}  // namespace quench_binding
