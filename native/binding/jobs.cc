#include "jobs.h"

namespace quench_binding {

Napi::Function CancelToken::Init(Napi::Env env) {
  return DefineClass(env, "CancelToken",
                     {InstanceMethod<&CancelToken::Cancel>("cancel"),
                      InstanceAccessor<&CancelToken::Cancelled>("cancelled")});
}

CancelToken::CancelToken(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CancelToken>(info) {}

Napi::Value CancelToken::Cancel(const Napi::CallbackInfo& info) {
  token_->cancelled.store(true);
  return info.Env().Undefined();
}

Napi::Value CancelToken::Cancelled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), token_->cancelled.load());
}

Job::Job(Napi::Env env, const Napi::Value& options, Work work, Result result)
    : Napi::AsyncProgressWorker<double>(env, "quench:job"),
      deferred_(Napi::Promise::Deferred::New(env)),
      options_(to_exec_options(env, options)),
      work_(std::move(work)),
      result_(std::move(result)) {
  if (options.IsObject()) {
    auto o = options.As<Napi::Object>();
    Napi::Value cb = o.Get("onProgress");
    if (!cb.IsUndefined()) {
      if (!cb.IsFunction()) throw_type(env, "options.onProgress must be a function");
      on_progress_ = Napi::Persistent(cb.As<Napi::Function>());
    }
    Napi::Value signal = o.Get("signal");
    if (!signal.IsUndefined()) {
      if (!signal.IsObject()) throw_type(env, "options.signal must be a CancelToken");
      CancelToken* t = nullptr;
      napi_status st = napi_unwrap(env, signal, reinterpret_cast<void**>(&t));
      if (st != napi_ok || t == nullptr) throw_type(env, "options.signal must be a CancelToken");
      cancel_ = t->token();
      options_.cancel = cancel_.get();
    }
  }
}

Napi::Promise Job::Queue() {
  Napi::Promise p = deferred_.Promise();
  Napi::AsyncProgressWorker<double>::Queue();
  return p;
}

void Job::Execute(const ExecutionProgress& progress) {
  quench::ExecOptions opts = options_;
  if (!on_progress_.IsEmpty()) {
    // Called from core worker threads: throttle to ≥1% steps or 50 ms.
    opts.progress = [this, &progress](double f) {
      std::lock_guard<std::mutex> lock(progress_mutex_);
      auto now = std::chrono::steady_clock::now();
      if (f < 1.0 && f - last_fraction_ < 0.01 && now - last_sent_ < std::chrono::milliseconds(50)) return;
      last_fraction_ = f;
      last_sent_ = now;
      progress.Send(&f, 1);
    };
  }
  try {
    work_(opts);
  } catch (const quench::Error& e) {
    error_kind_ = e.kind;
    SetError(e.what());
  } catch (const std::bad_alloc&) {
    error_kind_ = quench::Error::Kind::Memory;
    SetError("out of memory while running the simulation");
  } catch (const std::exception& e) {
    SetError(std::string("internal error: ") + e.what());
  }
}

void Job::OnProgress(const double* data, size_t count) {
  if (on_progress_.IsEmpty() || count == 0) return;
  Napi::HandleScope scope(Env());
  // A throwing progress callback must not take the process down.
  try {
    on_progress_.Call({Napi::Number::New(Env(), data[count - 1])});
  } catch (const Napi::Error&) {
  }
}

void Job::OnOK() {
  Napi::HandleScope scope(Env());
  if (on_settle) on_settle();
  try {
    deferred_.Resolve(result_(Env()));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void Job::OnError(const Napi::Error& e) {
  Napi::HandleScope scope(Env());
  if (on_settle) on_settle();
  deferred_.Reject(to_js_error(Env(), error_kind_, e.Message()).Value());
}

}  // namespace quench_binding
