// batch.h — runs one body per batch item, with threads over the items when
// states are small (each thread owns its scratch) and over the amplitudes
// otherwise; progress, cancellation and exceptions carried out of the threads.
// Shared by run_batch, gradient_batch, states_batch and fidelity_kernel.
#pragma once

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>

#include "quench/engine.h"
#include "quench/parallel.h"
#include "quench/program.h"

namespace quench {

// Runs body(item, thread) for every item, over threads when states are small.
// Each thread creates its scratch once (make(thread)). Exceptions are carried out.
template <typename Scratch, typename Make, typename Body>
void for_batch(std::size_t batch, unsigned n, const ExecOptions& opts, std::size_t scratch_bytes,
               const std::string& what, Make&& make, Body&& body) {
  const unsigned threads = effective_threads(opts);
  const bool over_items = n < kParallelMinQubits && threads > 1 && batch > 1;
  const unsigned T = over_items ? static_cast<unsigned>(std::min<std::size_t>(threads, batch)) : 1u;
  const double total_bytes = double(scratch_bytes) * T;
  if (total_bytes > 9.0e18) throw Error(Error::Kind::Memory, what + " is too large");
  check_memory(scratch_bytes * T, what);
  const For inner = over_items ? For(1) : make_for(opts, n);
  auto cancelled = [&] {
    return opts.cancel && opts.cancel->cancelled.load(std::memory_order_relaxed);
  };
  if (T == 1) {
    Scratch sc = make();
    Progress progress(opts, double(batch));
    for (std::size_t i = 0; i < batch; ++i) {
      progress.check();
      body(i, sc, inner);
      progress.advance();
    }
    progress.finish();
    return;
  }
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mu;
  const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(static_cast<int>(T))
  {
    try {
      Scratch sc = make();
      double last = -1;
      auto last_t = t0;
      for (;;) {
        if (stop.load(std::memory_order_relaxed)) break;
        if (cancelled()) {
          stop = true;
          break;
        }
        const std::size_t i = next.fetch_add(1);
        if (i >= batch) break;
        body(i, sc, inner);
        const std::size_t d = done.fetch_add(1) + 1;
        if (opts.progress && omp_get_thread_num() == 0) {
          const double f = double(d) / double(batch);
          const auto now = std::chrono::steady_clock::now();
          if (f - last >= 0.01 && now - last_t >= std::chrono::milliseconds(2)) {
            last = f;
            last_t = now;
            opts.progress(f);
          }
        }
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mu);
      if (!error) error = std::current_exception();
      stop = true;
    }
  }
  if (error) std::rethrow_exception(error);
  if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
  if (opts.progress) opts.progress(1.0);
}

}  // namespace quench
