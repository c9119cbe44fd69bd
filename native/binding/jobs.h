// jobs.h — async work on the libuv thread pool (sharp's "baton" pattern):
// inputs are converted and checked on the JS thread, Execute() runs the core
// and never touches JS, OnOK()/OnError() settle a Promise. Progress reaches
// an optional JS callback, throttled; a CancelToken stops the work between gates.
#pragma once

#include <napi.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "convert.h"

namespace quench_binding {

// The JS-visible cancellation handle: `new CancelToken()`, `.cancel()`, `.cancelled`.
class CancelToken : public Napi::ObjectWrap<CancelToken> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit CancelToken(const Napi::CallbackInfo& info);
  std::shared_ptr<quench::CancelToken> token() const { return token_; }

 private:
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Cancelled(const Napi::CallbackInfo& info);
  std::shared_ptr<quench::CancelToken> token_ = std::make_shared<quench::CancelToken>();
};

// A unit of async work. `work` runs on a worker thread with the options
// (cancel + progress attached); `result` builds the resolved value on the JS thread.
class Job : public Napi::AsyncProgressWorker<double> {
 public:
  using Work = std::function<void(const quench::ExecOptions&)>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  // options: the JS options object; reads onProgress (function) and signal (CancelToken).
  Job(Napi::Env env, const Napi::Value& options, Work work, Result result);
  Napi::Promise Queue();
  // Keep a JS object alive (and so its native state) while the job runs.
  void Retain(const Napi::Object& o) { retained_ = Napi::Persistent(o); }
  // Runs when the job settles, on the JS thread (e.g. to release a busy flag).
  std::function<void()> on_settle;

 protected:
  void Execute(const ExecutionProgress& progress) override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;
  void OnProgress(const double* data, size_t count) override;

 private:
  Napi::Promise::Deferred deferred_;
  quench::ExecOptions options_;
  std::shared_ptr<quench::CancelToken> cancel_;
  Napi::FunctionReference on_progress_;
  Napi::ObjectReference retained_;
  Work work_;
  Result result_;
  quench::Error::Kind error_kind_ = quench::Error::Kind::Internal;
  std::mutex progress_mutex_;
  double last_fraction_ = -1;
  std::chrono::steady_clock::time_point last_sent_{};
};

}  // namespace quench_binding
