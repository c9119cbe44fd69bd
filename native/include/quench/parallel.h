// parallel.h — the loop policy every kernel runs under. A `For` with one
// thread runs f(0, size, 0) inline (no thread is involved, so the same
// kernel body runs serial or parallel and both can be tested). With more
// threads the range is cut into a moderate number of chunks (kChunksPerThread
// per thread, never fewer than one index each) that the calling thread and
// the helpers of a small process-wide pool claim one at a time from an
// atomic counter (dynamic scheduling). The caller never waits for a helper
// to *arrive*: it works through the chunks itself and only waits for the
// chunks a helper has already claimed. So when another process keeps a core
// busy and a helper is descheduled, the caller does (almost) all the work
// instead of stalling at a barrier, as a static OpenMP split did (a forward
// QAOA run went from ~80 ms on 1 thread to ~770 ms on 2 under load).
//
// If the caller ends up waiting on claimed chunks longer than it worked
// itself (a helper was descheduled mid-chunk), the pool runs the next jobs
// inline for 50 ms before trying the helpers again (adaptive back-off).
//
// Helpers spin briefly (~100 µs, with pause) after a job, then sleep on a
// condition variable; a job wakes sleepers. Only one parallel job runs at a
// time: a For::run that finds the pool busy (another caller thread, or a call
// from inside a chunk) runs its chunks inline on the calling thread.
//
// This is the engine's only parallel runtime: the amplitude loops (For) and
// the batched paths (for_items: batch rows, Fock lane chunks, kernel tiles)
// both run on it. OpenMP's parallel regions, used before for the batches,
// ended in a barrier that waited for every thread to arrive; with one core
// busy elsewhere that cost a scheduler time slice per region (the CV-GAN
// generator at batch 32: 18 µs per sample on 1 thread, 300-750 µs on 2).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>

namespace quench {

// The thread count a setting of 0 means: the CPUs this process may run on
// (its affinity mask, so `taskset` and container cpusets are respected),
// capped by a cgroup CPU quota where one is set. Busy cores are handled at
// run time instead: the pool stops waiting for helpers that do not come.
unsigned default_threads();
// How default_threads() was found, in words (recorded with every run).
const char* default_threads_reason();

namespace detail {
using ChunkFn = void (*)(void* ctx, std::uint64_t chunk, unsigned worker);
// Calls fn(ctx, c, worker) once for every chunk c in [0, chunks), with up to
// `threads` workers (the caller is worker 0, helpers are 1 .. threads-1).
// Exceptions thrown by fn are carried back to the caller (the first one).
void pool_run(unsigned threads, std::uint64_t chunks, ChunkFn fn, void* ctx);
}  // namespace detail

// Below this much work (measured on the first item), for_items runs
// everything on the calling thread: waking a sleeping helper costs ~20-80 µs
// here, and a helper on a busy core may not run for a whole time slice, so
// shorter jobs lose more than a second thread gains (batch 8 of the CV-GAN
// generator is two 4-sample chunks of ~70 µs each).
constexpr std::chrono::microseconds kMinParallelWork{300};

// Calls f(item, worker) once for every item in [0, items), with up to
// `threads` workers claiming items one at a time (the caller is worker 0).
// The first item always runs on the caller and is timed: if the remaining
// items at that rate are under kMinParallelWork, they run inline as well.
// Items are claimed, never assigned, so a late or descheduled helper's share
// is taken by the others. After an exception no further item starts; the
// first one is rethrown to the caller.
template <typename F>
void for_items(unsigned threads, std::uint64_t items, F&& f) {
  if (items == 0) return;
  const auto t0 = std::chrono::steady_clock::now();
  f(std::uint64_t(0), 0u);
  if (items == 1) return;
  const auto first = std::chrono::steady_clock::now() - t0;
  if (threads <= 1 || first * double(items - 1) < kMinParallelWork) {
    for (std::uint64_t i = 1; i < items; ++i) f(i, 0u);
    return;
  }
  struct Ctx {
    F* f;
    std::atomic<bool> stop{false};
  } ctx{&f};
  detail::pool_run(
      std::min<std::uint64_t>(threads, items - 1), items - 1,
      [](void* p, std::uint64_t c, unsigned w) {
        Ctx& x = *static_cast<Ctx*>(p);
        if (x.stop.load(std::memory_order_relaxed)) return;
        try {
          (*x.f)(c + 1, w);
        } catch (...) {
          x.stop.store(true, std::memory_order_relaxed);
          throw;  // the pool carries the first exception to the caller
        }
      },
      &ctx);
}

struct For {
  unsigned threads = 1;
  static constexpr std::uint64_t kChunksPerThread = 8;

  For() = default;
  explicit For(unsigned t) : threads(t ? t : 1) {}

  // How many chunks run() cuts [0, size) into (1 when it runs inline).
  std::uint64_t chunk_count(std::uint64_t size) const {
    if (threads <= 1 || size <= 1) return size ? 1 : 0;
    return std::min<std::uint64_t>(size, kChunksPerThread * threads);
  }
  // Bounds of chunk c of chunk_count(size) chunks.
  static std::uint64_t chunk_begin(std::uint64_t size, std::uint64_t chunks, std::uint64_t c) {
    // size < 2^48 and chunks < 2^16 in practice; split the product to stay exact.
    const std::uint64_t q = size / chunks, r = size % chunks;
    return c * q + std::min(c, r);
  }

  // Calls f(begin, end, worker) on the chunks of [0, size); `worker` is in
  // [0, threads) and no two concurrent calls share one (per-worker scratch).
  template <typename F>
  void run(std::uint64_t size, F&& f) const {
    run_chunks(size, [&](std::uint64_t b, std::uint64_t e, std::uint64_t, unsigned w) { f(b, e, w); });
  }

  // Same, also passing the chunk index: f(begin, end, chunk, worker).
  template <typename F>
  void run_chunks(std::uint64_t size, F&& f) const {
    const std::uint64_t chunks = chunk_count(size);
    if (chunks == 0) return;
    if (chunks == 1) {
      f(std::uint64_t(0), size, std::uint64_t(0), 0u);
      return;
    }
    struct Ctx {
      F* f;
      std::uint64_t size, chunks;
    } ctx{&f, size, chunks};
    detail::pool_run(
        threads, chunks,
        [](void* p, std::uint64_t c, unsigned w) {
          Ctx& x = *static_cast<Ctx*>(p);
          (*x.f)(chunk_begin(x.size, x.chunks, c), chunk_begin(x.size, x.chunks, c + 1), c, w);
        },
        &ctx);
  }

  // Sum of f(begin, end) over the chunks, added in chunk order: deterministic
  // for a given thread count, whichever worker ran which chunk.
  template <typename F>
  double sum(std::uint64_t size, F&& f) const {
    const std::uint64_t chunks = chunk_count(size);
    if (chunks <= 1) return chunks ? f(std::uint64_t(0), size) : 0.0;
    double partial[kChunksPerThread * 256];
    run_chunks(size, [&](std::uint64_t b, std::uint64_t e, std::uint64_t c, unsigned) {
      partial[c] = f(b, e);
    });
    double s = 0;
    for (std::uint64_t i = 0; i < chunks; ++i) s += partial[i];
    return s;
  }
};

}  // namespace quench
