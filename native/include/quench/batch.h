// batch.h — runs one body per batch item, with threads over the items when
// states are small (each thread owns its scratch) and over the amplitudes
// otherwise; progress, cancellation and exceptions carried out of the threads.
// Shared by run_batch, gradient_batch, states_batch and fidelity_kernel.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "quench/engine.h"
#include "quench/parallel.h"
#include "quench/program.h"

namespace quench {

// Runs body(item, scratch, inner) for every item: over the pool's workers
// (for_items) when states are small, over the amplitudes (inner) otherwise.
// Each worker makes its scratch once (make()). Exceptions are carried out.
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
  // Scratch per worker, made on the worker's first item (a worker that never
  // gets an item allocates nothing).
  std::vector<std::optional<Scratch>> scratch(T);
  std::atomic<std::size_t> done{0};
  const auto t0 = std::chrono::steady_clock::now();
  double last = -1;
  auto last_t = t0;
  for_items(T, batch, [&](std::uint64_t i, unsigned w) {
    if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
    if (!scratch[w]) scratch[w].emplace(make());
    body(std::size_t(i), *scratch[w], inner);
    const std::size_t d = done.fetch_add(1) + 1;
    if (opts.progress && w == 0) {  // the caller reports; helpers only count
      const double f = double(d) / double(batch);
      const auto now = std::chrono::steady_clock::now();
      if (f - last >= 0.01 && now - last_t >= std::chrono::milliseconds(2)) {
        last = f;
        last_t = now;
        opts.progress(f);
      }
    }
  });
  if (cancelled()) throw Error(Error::Kind::Cancelled, "cancelled");
  if (opts.progress) opts.progress(1.0);
}

}  // namespace quench
