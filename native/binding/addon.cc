// addon.cc — the N-API surface of the simulator core. Thin: argument checks
// (convert.h), async jobs (jobs.h), and copying results out into V8-owned
// typed arrays. The JS-facing types are described in src-main/native/addon.ts.
#include <napi.h>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>

#include "convert.h"
#include "quench/parallel.h"
#include "quench/profile.h"
#include "quench/readout.h"
#include "jobs.h"

namespace quench_binding {

void InitFock(Napi::Env env, Napi::Object exports);  // fock.cc

namespace {


// ---- Program ------------------------------------------------------------------------
class Program : public Napi::ObjectWrap<Program> {
 public:
  static Napi::FunctionReference constructor;
  static Napi::Function Init(Napi::Env env) {
    Napi::Function f = DefineClass(env, "Program",
                                   {InstanceAccessor<&Program::NumQubits>("numQubits"),
                                    InstanceAccessor<&Program::NumParams>("numParams"),
                                    InstanceMethod<&Program::Stats>("stats")});
    constructor = Napi::Persistent(f);
    return f;
  }
  // new Program(circuit, maxFusedQubits?) — compile() in JS terms.
  explicit Program(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Program>(info) {
    Napi::Env env = info.Env();
    quench::Circuit c = to_circuit(env, info[0]);
    unsigned fuse = info.Length() > 1 && !info[1].IsUndefined() ? to_uint(env, info[1], "maxFusedQubits", 6) : 0;
    program_ = guarded(env, [&] { return quench::compile(c, fuse); });
  }
  static Program* FromValue(Napi::Env env, const Napi::Value& v) {
    if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(constructor.Value())) throw_type(env, "expected a Program (from compile())");
    return Napi::ObjectWrap<Program>::Unwrap(v.As<Napi::Object>());
  }
  std::shared_ptr<const quench::Program> program() const { return program_; }

 private:
  Napi::Value NumQubits(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), quench::num_qubits(*program_)); }
  Napi::Value NumParams(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), quench::num_params(*program_)); }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    quench::ProgramStats s = quench::stats(*program_);
    auto o = Napi::Object::New(info.Env());
    o.Set("gates", double(s.gates));
    o.Set("passes", double(s.passes));
    o.Set("maxFusedQubits", s.max_fused_qubits);
    o.Set("cacheHits", double(s.cache_hits));
    o.Set("cacheMisses", double(s.cache_misses));
    return o;
  }
  std::shared_ptr<const quench::Program> program_;
};
Napi::FunctionReference Program::constructor;

std::vector<double> params_for(Napi::Env env, const quench::Program& p, const Napi::Value& v, size_t batch = 1) {
  std::vector<double> params = v.IsUndefined() ? std::vector<double>() : to_doubles(env, v, "params");
  size_t need = size_t(quench::num_params(p)) * batch;
  if (params.size() != need)
    throw_range(env, "params has " + std::to_string(params.size()) + " value(s), the program needs " + std::to_string(need) +
                         (batch > 1 ? " (" + std::to_string(batch) + " × " + std::to_string(quench::num_params(p)) + ")" : ""));
  return params;
}

// ---- State --------------------------------------------------------------------------
class State : public Napi::ObjectWrap<State> {
 public:
  static Napi::FunctionReference constructor;
  static Napi::Function Init(Napi::Env env) {
    Napi::Function f = DefineClass(env, "State",
                       {InstanceAccessor<&State::NumQubits>("numQubits"), InstanceAccessor<&State::PrecisionName>("precision"),
                        InstanceAccessor<&State::Bytes>("bytes"), InstanceMethod<&State::Reset>("reset"),
                        InstanceMethod<&State::SetAmplitudes>("setAmplitudes"), InstanceMethod<&State::Amplitudes>("amplitudes"),
                        InstanceMethod<&State::Run>("run"), InstanceMethod<&State::RunAsync>("runAsync"),
                        InstanceMethod<&State::Apply>("apply"), InstanceMethod<&State::NormSquared>("normSquared"),
                        InstanceMethod<&State::Expectation>("expectation"), InstanceMethod<&State::Probabilities>("probabilities"),
                        InstanceMethod<&State::Marginal>("marginal"), InstanceMethod<&State::Sample>("sample"),
                        InstanceMethod<&State::Collapse>("collapse"), InstanceMethod<&State::CopyFrom>("copyFrom"),
                        InstanceMethod<&State::Dispose>("dispose")});
    constructor = Napi::Persistent(f);
    return f;
  }
  // new State(numQubits, precision?)
  explicit State(const Napi::CallbackInfo& info) : Napi::ObjectWrap<State>(info) {
    Napi::Env env = info.Env();
    unsigned n = to_uint(env, info[0], "numQubits", 64);
    if (n < 1) throw_range(env, "numQubits must be at least 1");
    quench::Precision p = to_precision(env, info[1]);
    state_ = guarded(env, [&] { return quench::State::create(n, p); });
    nq_ = n;
  }

 private:
  quench::State& use(Napi::Env env) {
    if (!state_) throw to_js_error(env, quench::Error::Kind::Range, "this state was disposed");
    if (busy_) throw to_js_error(env, quench::Error::Kind::Range, "this state is in use by a running operation (await it first)");
    return *state_;
  }
  const quench::State& peek(Napi::Env env) {
    if (!state_) throw to_js_error(env, quench::Error::Kind::Range, "this state was disposed");
    return *state_;
  }
  size_t dim() const { return size_t(1) << nq_; }

  Napi::Value NumQubits(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), peek(info.Env()).num_qubits()); }
  Napi::Value PrecisionName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), quench::to_string(peek(info.Env()).precision())); }
  Napi::Value Bytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(peek(info.Env()).bytes())); }
  // dispose(): frees the amplitudes now (branches of a dynamic circuit must not wait for the GC).
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    use(info.Env());
    state_.reset();
    return info.Env().Undefined();
  }

  Napi::Value Reset(const Napi::CallbackInfo& info) {
    use(info.Env()).reset();
    return info.Env().Undefined();
  }
  Napi::Value SetAmplitudes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<double> a = to_doubles(env, info[0], "amplitudes");
    if (a.size() != 2 * dim()) throw_range(env, "amplitudes must hold 2·2^n = " + std::to_string(2 * dim()) + " numbers, got " + std::to_string(a.size()));
    use(env).set_amplitudes(a.data());
    return env.Undefined();
  }
  Napi::Value Amplitudes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto out = Napi::Float64Array::New(env, 2 * dim());
    use(env).get_amplitudes(out.Data());
    return out;
  }
  // run(program, params?, options?) — synchronous; for short circuits.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Program* prog = Program::FromValue(env, info[0]);
    check_fits(env, *prog->program());
    std::vector<double> params = params_for(env, *prog->program(), info[1]);
    quench::ExecOptions opts = to_exec_options(env, info[2]);
    quench::State& s = use(env);
    guarded(env, [&] { s.run(*prog->program(), params.data(), opts); });
    return env.Undefined();
  }
  // runAsync(program, params?, options?) → Promise<void>; options.onProgress, options.signal.
  Napi::Value RunAsync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Program* prog = Program::FromValue(env, info[0]);
    check_fits(env, *prog->program());
    auto program = prog->program();
    auto params = std::make_shared<std::vector<double>>(params_for(env, *program, info[1]));
    quench::State* s = &use(env);
    auto* job = new Job(
        env, info[2], [s, program, params](const quench::ExecOptions& o) { s->run(*program, params->data(), o); },
        [](Napi::Env e) { return e.Undefined(); });
    job->Retain(info.This().As<Napi::Object>());
    busy_ = true;
    job->on_settle = [this] { busy_ = false; };
    return job->Queue();
  }
  // apply(gate, params?, options?) — one lowered gate, synchronous.
  Napi::Value Apply(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    quench::Circuit c;
    c.num_qubits = nq_;
    c.gates.push_back(to_gate(env, info[0], "gate"));
    std::vector<double> params = info[1].IsUndefined() ? std::vector<double>() : to_doubles(env, info[1], "params");
    c.num_params = unsigned(params.size());
    guarded(env, [&] { quench::validate(c); });
    quench::ExecOptions opts = to_exec_options(env, info[2]);
    quench::State& s = use(env);
    guarded(env, [&] { s.apply(c.gates[0], params.data(), opts); });
    return env.Undefined();
  }
  Napi::Value NormSquared(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    quench::ExecOptions opts = to_exec_options(env, info[0]);
    return Napi::Number::New(env, use(env).norm_squared(opts));
  }
  Napi::Value Expectation(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    quench::PauliSum obs = to_observable(env, info[0], nq_, "observable");
    quench::ExecOptions opts = to_exec_options(env, info[1]);
    quench::State& s = use(env);
    return Napi::Number::New(env, guarded(env, [&] { return s.expectation(obs, opts); }));
  }
  Napi::Value Probabilities(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    quench::ExecOptions opts = to_exec_options(env, info[0]);
    auto out = Napi::Float64Array::New(env, dim());
    use(env).probabilities(out.Data(), opts);
    return out;
  }
  Napi::Value Marginal(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<unsigned> qubits = to_indices(env, info[0], "qubits");
    if (qubits.size() > 30) throw_range(env, "marginal over at most 30 qubits");
    std::vector<bool> seen(64, false);
    for (unsigned q : qubits) {
      if (q >= nq_) throw_range(env, "qubits: " + std::to_string(q) + " is out of range for a " + std::to_string(nq_) + "-qubit state");
      if (seen[q]) throw_range(env, "qubits: " + std::to_string(q) + " is listed twice");
      seen[q] = true;
    }
    quench::ExecOptions opts = to_exec_options(env, info[1]);
    auto out = Napi::Float64Array::New(env, size_t(1) << qubits.size());
    quench::State& s = use(env);
    guarded(env, [&] { s.marginal(qubits, out.Data(), opts); });
    return out;
  }
  // sample(shots, seed, options?) → Float64Array of basis-state indices.
  Napi::Value Sample(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    unsigned shots = to_uint(env, info[0], "shots", 100000000u);
    double seed = info[1].IsUndefined() ? 0 : to_number(env, info[1], "seed");
    if (seed < 0 || seed > 9007199254740991.0) throw_range(env, "seed must be a non-negative integer");
    quench::ExecOptions opts = to_exec_options(env, info[2]);
    quench::State& s = use(env);
    std::vector<std::uint64_t> outcomes = guarded(env, [&] { return s.sample(shots, std::uint64_t(seed), opts); });
    auto out = Napi::Float64Array::New(env, outcomes.size());
    for (size_t i = 0; i < outcomes.size(); i++) out[i] = double(outcomes[i]);
    return out;
  }
  // collapse(qubit, outcome, options?) → the outcome's probability before; the state is projected and renormalised.
  Napi::Value Collapse(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    unsigned q = to_uint(env, info[0], "qubit", 63);
    if (q >= nq_) throw_range(env, "qubit: " + std::to_string(q) + " is out of range for a " + std::to_string(nq_) + "-qubit state");
    unsigned outcome = to_uint(env, info[1], "outcome", 1);
    quench::ExecOptions opts = to_exec_options(env, info[2]);
    quench::State& s = use(env);
    double p = guarded(env, [&] { return s.collapse(q, outcome, opts); });
    return Napi::Number::New(env, p);
  }
  // copyFrom(other): the amplitudes of another State with the same qubits and precision.
  Napi::Value CopyFrom(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[0].As<Napi::Object>().InstanceOf(constructor.Value())) throw_type(env, "copyFrom: expected a State");
    State* other = Napi::ObjectWrap<State>::Unwrap(info[0].As<Napi::Object>());
    other->use(env);
    use(env);
    if (other->state_->num_qubits() != state_->num_qubits() || other->state_->precision() != state_->precision())
      throw_range(env, "copyFrom: the states differ (" + std::to_string(other->state_->num_qubits()) + " vs " + std::to_string(state_->num_qubits()) + " qubits, " +
                           quench::to_string(other->state_->precision()) + " vs " + quench::to_string(state_->precision()) + ")");
    other->use(env);
    quench::State& s = use(env);
    guarded(env, [&] { s.copy_from(*other->state_); });
    return env.Undefined();
  }
  void check_fits(Napi::Env env, const quench::Program& p) {
    if (quench::num_qubits(p) != nq_)
      throw_range(env, "the program is for " + std::to_string(quench::num_qubits(p)) + " qubits, the state has " + std::to_string(nq_));
  }

  std::unique_ptr<quench::State> state_;
  unsigned nq_ = 0;
  bool busy_ = false;
};
Napi::FunctionReference State::constructor;

// ---- free functions ----------------------------------------------------------------------
// exitProcess(code): ends the process now, without running static destructors.
// For processes that loaded Dawn: SwiftShader's worker threads live until the
// Vulkan instance is destroyed, which Node's Dawn leaves to garbage collection;
// exit() would destroy the libraries' statics under those running threads.
// Node's stdout/stderr writes to files, pipes and terminals are synchronous on
// POSIX, so everything printed has reached the kernel when this is called.
Napi::Value ExitProcess(const Napi::CallbackInfo& info) {
  int code = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  std::fflush(nullptr);
  _exit(code);
}

// The engine's profiler: profileStart() zeroes and enables the counters;
// profileSnapshot() reads them (enabled or not); profileStop() disables.
Napi::Value ProfileStart(const Napi::CallbackInfo& info) {
  quench::profile::start();
  return info.Env().Undefined();
}
Napi::Value ProfileStop(const Napi::CallbackInfo& info) {
  quench::profile::stop();
  return info.Env().Undefined();
}
Napi::Value ProfileSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const quench::profile::Snapshot s = quench::profile::snapshot();
  auto o = Napi::Object::New(env);
  auto kinds = Napi::Object::New(env);
  for (unsigned k = 0; k < quench::profile::kKinds; ++k) {
    const auto& t = s.kinds[k];
    if (!t.calls) continue;
    auto x = Napi::Object::New(env);
    x.Set("ns", double(t.ns));
    x.Set("calls", double(t.calls));
    x.Set("amplitudes", double(t.amplitudes));
    x.Set("vectorNs", double(t.vector_ns));
    kinds.Set(quench::profile::kind_name(k), x);
  }
  o.Set("kinds", kinds);
  auto a = Napi::Object::New(env);
  a.Set("currentBytes", double(s.alloc_current));
  a.Set("peakBytes", double(s.alloc_peak));
  a.Set("count", double(s.alloc_count));
  o.Set("allocations", a);
  const auto samples = quench::profile::memory_samples();
  auto ms = Napi::Float64Array::New(env, samples.size()), rss = Napi::Float64Array::New(env, samples.size()), live = Napi::Float64Array::New(env, samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    ms[i] = samples[i].ms;
    rss[i] = double(samples[i].rss_bytes);
    live[i] = double(samples[i].engine_bytes);
  }
  auto m = Napi::Object::New(env);
  m.Set("ms", ms);
  m.Set("rssBytes", rss);
  m.Set("engineBytes", live);
  o.Set("memory", m);
  o.Set("scopeCostNs", quench::profile::scope_cost_ns());
  o.Set("enabled", quench::profile::enabled());
  return o;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  quench::CpuInfo cpu = quench::cpu_info();
  auto o = Napi::Object::New(env);
  auto c = Napi::Object::New(env);
  c.Set("model", cpu.model);
  c.Set("logicalCores", cpu.logical_cores);
  c.Set("avx2", cpu.avx2);
  c.Set("fma", cpu.fma);
  c.Set("avx512f", cpu.avx512f);
  c.Set("avx512dq", cpu.avx512dq);
  c.Set("avx512bw", cpu.avx512bw);
  c.Set("avx512vl", cpu.avx512vl);
  o.Set("cpu", c);
  o.Set("defaultThreads", quench::default_threads());
  o.Set("defaultThreadsReason", quench::default_threads_reason());
  o.Set("defaultIsa", quench::to_string(quench::default_isa()));
  auto avail = Napi::Array::New(env);
  uint32_t i = 0;
  for (quench::Isa isa : {quench::Isa::avx512, quench::Isa::avx2, quench::Isa::scalar})
    if (quench::isa_available(isa)) avail.Set(i++, quench::to_string(isa));
  o.Set("isaAvailable", avail);
  o.Set("availableMemory", double(quench::available_memory_bytes()));
  o.Set("build", quench::build_info());
  o.Set("napiVersion", NAPI_VERSION);
  return o;
}

// setDefaultIsa('avx512' | 'avx2' | 'scalar'): the ISA of every later call
// that names none ('auto'); the command line's --isa. RangeError when the CPU
// lacks it.
Napi::Value SetDefaultIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString())
    throw_type(env, "setDefaultIsa: the ISA must be 'avx512', 'avx2' or 'scalar'");
  const std::string s = info[0].As<Napi::String>();
  quench::Isa isa;
  if (s == "avx512") isa = quench::Isa::avx512;
  else if (s == "avx2") isa = quench::Isa::avx2;
  else if (s == "scalar") isa = quench::Isa::scalar;
  else throw_range(env, "setDefaultIsa: the ISA must be 'avx512', 'avx2' or 'scalar', got '" + s + "'");
  if (!quench::isa_available(isa))
    throw_range(env, "ISA " + s + " is not available on this CPU");
  quench::set_default_isa(isa);
  return env.Undefined();
}

// adjointGradient(program, params, observable, {precision, isa, threads, onProgress, signal}) → Promise<{value, gradient}>
// With sync = true the work runs on the JS thread and the result is returned directly.
Napi::Value Gradient(const Napi::CallbackInfo& info, bool sync, bool shift) {
  Napi::Env env = info.Env();
  auto program = Program::FromValue(env, info[0])->program();
  auto params = std::make_shared<std::vector<double>>(params_for(env, *program, info[1]));
  auto obs = std::make_shared<quench::PauliSum>(to_observable(env, info[2], quench::num_qubits(*program), "observable"));
  quench::Precision precision = to_precision(env, info[3].IsObject() ? info[3].As<Napi::Object>().Get("precision") : env.Undefined());
  auto grad = std::make_shared<std::vector<double>>(quench::num_params(*program));
  auto value = std::make_shared<double>(0);
  auto work = [=](const quench::ExecOptions& o) {
    *value = shift ? quench::parameter_shift_gradient(*program, precision, params->data(), *obs, grad->data(), o)
                   : quench::adjoint_gradient(*program, precision, params->data(), *obs, grad->data(), o);
  };
  auto result = [=](Napi::Env e) -> Napi::Value {
    auto o = Napi::Object::New(e);
    o.Set("value", *value);
    o.Set("gradient", to_float64_array(e, grad->data(), grad->size()));
    return o;
  };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[3]);
    guarded(env, [&] { work(opts); });
    return result(env);
  }
  return (new Job(env, info[3], work, result))->Queue();
}

size_t batch_size(Napi::Env env, const quench::Program& p, const Napi::Value& params_value, const Napi::Value& batch_value) {
  unsigned batch = to_uint(env, batch_value, "batch", 1u << 30);
  if (batch < 1) throw_range(env, "batch must be at least 1");
  (void)p;
  (void)params_value;
  return batch;
}

// runBatch(program, params (batch × numParams), batch, observables[], options) → Promise<Float64Array (batch × observables)>
Napi::Value RunBatch(const Napi::CallbackInfo& info, bool sync) {
  Napi::Env env = info.Env();
  auto program = Program::FromValue(env, info[0])->program();
  size_t batch = batch_size(env, *program, info[1], info[2]);
  auto params = std::make_shared<std::vector<double>>(params_for(env, *program, info[1], batch));
  if (!info[3].IsArray()) throw_type(env, "observables must be an array of observables");
  auto list = info[3].As<Napi::Array>();
  auto obs = std::make_shared<std::vector<quench::PauliSum>>();
  for (uint32_t i = 0; i < list.Length(); i++)
    obs->push_back(to_observable(env, list.Get(i), quench::num_qubits(*program), "observables[" + std::to_string(i) + "]"));
  quench::Precision precision = to_precision(env, info[4].IsObject() ? info[4].As<Napi::Object>().Get("precision") : env.Undefined());
  auto out = std::make_shared<std::vector<double>>(batch * obs->size());
  auto work = [=](const quench::ExecOptions& o) { quench::run_batch(*program, precision, params->data(), batch, *obs, out->data(), o); };
  auto result = [=](Napi::Env e) -> Napi::Value { return to_float64_array(e, out->data(), out->size()); };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[4]);
    guarded(env, [&] { work(opts); });
    return result(env);
  }
  return (new Job(env, info[4], work, result))->Queue();
}

// gradientBatch(program, params, batch, observable, options) → Promise<{values, gradients}>
Napi::Value GradientBatch(const Napi::CallbackInfo& info, bool sync) {
  Napi::Env env = info.Env();
  auto program = Program::FromValue(env, info[0])->program();
  size_t batch = batch_size(env, *program, info[1], info[2]);
  auto params = std::make_shared<std::vector<double>>(params_for(env, *program, info[1], batch));
  auto obs = std::make_shared<quench::PauliSum>(to_observable(env, info[3], quench::num_qubits(*program), "observable"));
  quench::Precision precision = to_precision(env, info[4].IsObject() ? info[4].As<Napi::Object>().Get("precision") : env.Undefined());
  auto values = std::make_shared<std::vector<double>>(batch);
  auto grads = std::make_shared<std::vector<double>>(batch * quench::num_params(*program));
  auto work = [=](const quench::ExecOptions& o) {
    quench::gradient_batch(*program, precision, params->data(), batch, *obs, values->data(), grads->data(), o);
  };
  auto result = [=](Napi::Env e) -> Napi::Value {
    auto o = Napi::Object::New(e);
    o.Set("values", to_float64_array(e, values->data(), values->size()));
    o.Set("gradients", to_float64_array(e, grads->data(), grads->size()));
    return o;
  };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[4]);
    guarded(env, [&] { work(opts); });
    return result(env);
  }
  return (new Job(env, info[4], work, result))->Queue();
}

// ---- quantum kernels and spectra --------------------------------------------------------
// Large results are written straight into a V8-owned Float64Array allocated
// here on the JS thread (its backing store never moves; the job keeps it alive),
// so a 10k x 10k kernel needs its 800 MB once, not twice.
Napi::Float64Array new_result(Napi::Env env, double count, const std::string& what) {
  const double bytes = count * sizeof(double);
  if (count > 9007199254740991.0 / 8) throw_range(env, what + " is too large");
  guarded(env, [&] { quench::check_memory(size_t(bytes), what); });
  return Napi::Float64Array::New(env, size_t(count));
}

// statesBatch(program, params (batch × numParams), batch, options) → Float64Array (batch × 2·2^n)
Napi::Value StatesBatch(const Napi::CallbackInfo& info, bool sync) {
  Napi::Env env = info.Env();
  auto program = Program::FromValue(env, info[0])->program();
  size_t batch = batch_size(env, *program, info[1], info[2]);
  auto params = std::make_shared<std::vector<double>>(params_for(env, *program, info[1], batch));
  const unsigned n = quench::num_qubits(*program);
  if (n > 30) throw_range(env, "statesBatch: the program has " + std::to_string(n) + " qubits; at most 30 are supported");
  quench::Precision precision = to_precision(env, info[3].IsObject() ? info[3].As<Napi::Object>().Get("precision") : env.Undefined());
  const double count = double(batch) * 2.0 * double(size_t(1) << n);
  Napi::Float64Array out = new_result(env, count, "statesBatch output (" + std::to_string(batch) + " states of " + std::to_string(n) + " qubits)");
  double* data = out.Data();
  auto work = [=](const quench::ExecOptions& o) { quench::states_batch(*program, precision, params->data(), batch, data, o); };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[3]);
    guarded(env, [&] { work(opts); });
    return out;
  }
  auto ref = std::make_shared<Napi::Reference<Napi::Float64Array>>(Napi::Persistent(out));
  auto* job = new Job(env, info[3], work, [ref](Napi::Env) -> Napi::Value { return ref->Value(); });
  return job->Queue();
}

// fidelityKernel(program, paramsA (na × numParams), na, paramsB | null, nb?, options) → Float64Array (na × nb)
Napi::Value FidelityKernel(const Napi::CallbackInfo& info, bool sync) {
  Napi::Env env = info.Env();
  auto program = Program::FromValue(env, info[0])->program();
  const unsigned np = quench::num_params(*program);
  const unsigned n = quench::num_qubits(*program);
  unsigned na = to_uint(env, info[2], "na", 1u << 30);
  if (na < 1) throw_range(env, "na must be at least 1");
  auto pa = std::make_shared<std::vector<double>>(info[1].IsUndefined() ? std::vector<double>() : to_doubles(env, info[1], "paramsA"));
  if (pa->size() != size_t(np) * na)
    throw_range(env, "paramsA has " + std::to_string(pa->size()) + " value(s), expected na × numParams = " + std::to_string(na) + " × " +
                         std::to_string(np) + " = " + std::to_string(size_t(np) * na));
  const bool sym = info[3].IsUndefined() || info[3].IsNull();
  unsigned nb = na;
  auto pb = std::make_shared<std::vector<double>>();
  if (!sym) {
    *pb = to_doubles(env, info[3], "paramsB");
    nb = to_uint(env, info[4], "nb", 1u << 30);
    if (nb < 1) throw_range(env, "nb must be at least 1");
    if (pb->size() != size_t(np) * nb)
      throw_range(env, "paramsB has " + std::to_string(pb->size()) + " value(s), expected nb × numParams = " + std::to_string(nb) + " × " +
                           std::to_string(np) + " = " + std::to_string(size_t(np) * nb));
  } else if (!info[4].IsUndefined() && !info[4].IsNull() && to_uint(env, info[4], "nb", 1u << 30) != na) {
    throw_range(env, "nb must equal na (or be omitted) when paramsB is null (the symmetric kernel)");
  }
  if (n > 30) throw_range(env, "fidelityKernel: the program has " + std::to_string(n) + " qubits; at most 30 are supported");
  quench::Precision precision = to_precision(env, info[5].IsObject() ? info[5].As<Napi::Object>().Get("precision") : env.Undefined());
  Napi::Float64Array out = new_result(env, double(na) * double(nb),
                                      "fidelityKernel output (" + std::to_string(na) + " × " + std::to_string(nb) + ")");
  double* data = out.Data();
  auto work = [=](const quench::ExecOptions& o) {
    static const double none = 0;  // a non-null params pointer for a program without parameters
    const double* a = pa->empty() ? &none : pa->data();
    const double* b = sym ? nullptr : (pb->empty() ? &none : pb->data());
    quench::fidelity_kernel(*program, precision, a, na, b, nb, data, o);
  };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[5]);
    guarded(env, [&] { work(opts); });
    return out;
  }
  auto ref = std::make_shared<Napi::Reference<Napi::Float64Array>>(Napi::Persistent(out));
  auto* job = new Job(env, info[5], work, [ref](Napi::Env) -> Napi::Value { return ref->Value(); });
  return job->Queue();
}

// groundEnergy(observable, numQubits, {maxIterations, tolerance, seed, threads, isa}) → {energy, iterations, residual, converged}
Napi::Value GroundEnergy(const Napi::CallbackInfo& info, bool sync) {
  Napi::Env env = info.Env();
  unsigned n = to_uint(env, info[1], "numQubits", 64);
  if (n < 1 || n > quench::kGroundEnergyMaxQubits)
    throw_range(env, "numQubits must be from 1 to " + std::to_string(quench::kGroundEnergyMaxQubits) + ", got " + std::to_string(n));
  auto obs = std::make_shared<quench::PauliSum>(to_observable(env, info[0], n, "observable"));
  quench::GroundEnergyOptions lo;
  if (!info[2].IsUndefined() && !info[2].IsNull()) {
    if (!info[2].IsObject()) throw_type(env, "options must be an object");
    auto o = info[2].As<Napi::Object>();
    if (!o.Get("maxIterations").IsUndefined()) {
      lo.max_iterations = to_uint(env, o.Get("maxIterations"), "options.maxIterations", 1000000);
      if (lo.max_iterations < 1) throw_range(env, "options.maxIterations must be at least 1");
    }
    if (!o.Get("tolerance").IsUndefined()) {
      lo.tolerance = to_number(env, o.Get("tolerance"), "options.tolerance");
      if (!(lo.tolerance > 0)) throw_range(env, "options.tolerance must be positive");
    }
    if (!o.Get("seed").IsUndefined()) {
      double seed = to_number(env, o.Get("seed"), "options.seed");
      if (seed < 0 || seed > 9007199254740991.0 || seed != std::floor(seed)) throw_range(env, "options.seed must be a non-negative integer");
      lo.seed = std::uint64_t(seed);
    }
  }
  auto res = std::make_shared<quench::GroundEnergyResult>();
  auto work = [=](const quench::ExecOptions& o) { *res = quench::ground_energy(*obs, n, o, lo); };
  auto result = [=](Napi::Env e) -> Napi::Value {
    auto o = Napi::Object::New(e);
    o.Set("energy", res->energy);
    o.Set("iterations", res->iterations);
    o.Set("residual", res->residual);
    o.Set("converged", res->converged);
    return o;
  };
  if (sync) {
    quench::ExecOptions opts = to_exec_options(env, info[2]);
    guarded(env, [&] { work(opts); });
    return result(env);
  }
  return (new Job(env, info[2], work, result))->Queue();
}

// ---- readout of large results (quench simulate) ---------------------------------------
// Both read the caller's Float64Array in place: no copy of a 2^n vector.
Napi::Float64Array float64_view(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) throw_type(env, what + " must be a Float64Array");
  return v.As<Napi::Float64Array>();
}
unsigned readout_threads(Napi::Env env, const Napi::Value& options) {
  const unsigned t = to_exec_options(env, options).threads;
  return t ? t : quench::default_threads();
}

// largestIndices(values, k, floor?, {threads}) → number[]: the k largest above floor, largest first, ties by lower index.
Napi::Value LargestIndices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto values = float64_view(env, info[0], "values");
  const unsigned k = to_uint(env, info[1], "k", 1u << 20);
  const double floor = info[2].IsUndefined() ? -INFINITY : to_number(env, info[2], "floor");
  const unsigned threads = readout_threads(env, info[3]);
  std::vector<std::uint64_t> found(k);
  const size_t n = guarded(env, [&] { return quench::largest_indices(values.Data(), values.ElementLength(), k, floor, found.data(), threads); });
  auto out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; ++i) out.Set(uint32_t(i), double(found[i]));
  return out;
}

// formatJsonNumbers(values, out: Uint8Array, {threads}) → bytes written: "v0,v1,…" as JSON.stringify writes them.
Napi::Value FormatJsonNumbers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto values = float64_view(env, info[0], "values");
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) throw_type(env, "out must be a Uint8Array (or Buffer)");
  auto out = info[1].As<Napi::Uint8Array>();
  const size_t need = values.ElementLength() * quench::kJsonNumberMaxBytes;
  if (out.ByteLength() < need)
    throw_range(env, "out holds " + std::to_string(out.ByteLength()) + " bytes; " + std::to_string(values.ElementLength()) + " numbers need up to " + std::to_string(need));
  const unsigned threads = readout_threads(env, info[2]);
  const size_t n = guarded(env, [&] { return quench::format_json_numbers(values.Data(), values.ElementLength(), reinterpret_cast<char*>(out.Data()), threads); });
  return Napi::Number::New(env, double(n));
}

Napi::Value MeasureBandwidth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double bytes = to_number(env, info[0], "bytes");
  if (bytes < 4096 || bytes > 64.0 * (1ull << 30)) throw_range(env, "bytes must be from 4 KiB to 64 GiB");
  unsigned threads = info[1].IsUndefined() ? 0 : to_uint(env, info[1], "threads", 1024);
  unsigned repeats = info[2].IsUndefined() ? 5 : to_uint(env, info[2], "repeats", 1000);
  return Napi::Number::New(env, guarded(env, [&] {
    quench::check_memory(size_t(bytes), "bandwidth buffer");
    return quench::measure_inplace_bandwidth(size_t(bytes), threads, repeats < 1 ? 1 : repeats);
  }));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setDefaultIsa", Napi::Function::New(env, SetDefaultIsa));
  exports.Set("profileStart", Napi::Function::New(env, ProfileStart));
  exports.Set("profileStop", Napi::Function::New(env, ProfileStop));
  exports.Set("profileSnapshot", Napi::Function::New(env, ProfileSnapshot));
  exports.Set("exitProcess", Napi::Function::New(env, ExitProcess));
  InitFock(env, exports);
  exports.Set("State", State::Init(env));
  exports.Set("Program", Program::Init(env));
  exports.Set("CancelToken", CancelToken::Init(env));
  exports.Set("adjointGradient", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Gradient(i, true, false); }));
  exports.Set("adjointGradientAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Gradient(i, false, false); }));
  exports.Set("parameterShiftGradient", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Gradient(i, true, true); }));
  exports.Set("runBatch", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return RunBatch(i, true); }));
  exports.Set("runBatchAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return RunBatch(i, false); }));
  exports.Set("gradientBatch", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return GradientBatch(i, true); }));
  exports.Set("gradientBatchAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return GradientBatch(i, false); }));
  exports.Set("statesBatch", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return StatesBatch(i, true); }));
  exports.Set("statesBatchAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return StatesBatch(i, false); }));
  exports.Set("fidelityKernel", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return FidelityKernel(i, true); }));
  exports.Set("fidelityKernelAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return FidelityKernel(i, false); }));
  exports.Set("groundEnergy", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return GroundEnergy(i, true); }));
  exports.Set("groundEnergyAsync", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return GroundEnergy(i, false); }));
  exports.Set("measureInplaceBandwidth", Napi::Function::New(env, MeasureBandwidth));
  exports.Set("largestIndices", Napi::Function::New(env, LargestIndices));
  exports.Set("formatJsonNumbers", Napi::Function::New(env, FormatJsonNumbers));
  exports.Set("clearProgramCache", Napi::Function::New(env, [](const Napi::CallbackInfo& i) {
                quench::clear_program_cache();
                return i.Env().Undefined();
              }));
  return exports;
}

}  // namespace
}  // namespace quench_binding

static Napi::Object InitQuench(Napi::Env env, Napi::Object exports) { return quench_binding::Init(env, exports); }
NODE_API_MODULE(quench_native, InitQuench)
