// The helper pool behind For (see parallel.h).
#include "quench/parallel.h"

#include <immintrin.h>
#include <sched.h>

#include <cmath>
#include <cstdio>
#include <string>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace quench {

namespace {
struct DefaultThreads {
  unsigned n = 1;
  std::string reason;
};

DefaultThreads find_default_threads() {
  DefaultThreads d;
  cpu_set_t set;
  unsigned cpus = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = unsigned(CPU_COUNT(&set));
  if (!cpus) cpus = std::max(1u, std::thread::hardware_concurrency());
  d.n = cpus;
  d.reason = std::to_string(cpus) + " CPUs this process may run on";
  // cgroup v2: "max 100000" or "<quota> <period>"
  if (FILE* f = std::fopen("/sys/fs/cgroup/cpu.max", "r")) {
    char q[32] = {0};
    long period = 0;
    if (std::fscanf(f, "%31s %ld", q, &period) == 2 && std::string(q) != "max" && period > 0) {
      const double quota = std::atof(q) / double(period);
      const unsigned cap = std::max(1u, unsigned(std::ceil(quota)));
      if (cap < d.n) {
        d.n = cap;
        d.reason += ", capped at " + std::to_string(cap) + " by the cgroup CPU quota";
      }
    }
    std::fclose(f);
  }
  d.n = std::min(d.n, 256u);
  return d;
}

const DefaultThreads& default_threads_info() {
  static const DefaultThreads d = find_default_threads();
  return d;
}
}  // namespace

unsigned default_threads() { return default_threads_info().n; }
const char* default_threads_reason() { return default_threads_info().reason.c_str(); }

namespace detail {
namespace {

constexpr std::uint64_t kIndexMask = 0xffffffffull;
// How long an idle helper spins before it sleeps, and how long the caller
// spins on claimed chunks before it starts yielding its core.
constexpr auto kHelperSpin = std::chrono::microseconds(100);
constexpr int kCallerSpinRounds = 4000;
constexpr auto kBackoff = std::chrono::milliseconds(50);

thread_local bool t_in_pool_job = false;

class Pool {
 public:
  void run(unsigned threads, std::uint64_t chunks, ChunkFn fn, void* ctx) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock() || t_in_pool_job || chunks > kIndexMask) {
      serial(chunks, fn, ctx);
      return;
    }
    const auto t_start = std::chrono::steady_clock::now();
    if (t_start < backoff_until_) {  // helpers were recently stalled: run inline for a while
      serial(chunks, fn, ctx);
      return;
    }
    const unsigned helpers = std::min<unsigned>(threads - 1, 255u);
    grow(helpers);
    // Publish the job: fields first, then the ticket (release) that carries
    // the new epoch and chunk 0.
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    chunks_.store(chunks, std::memory_order_relaxed);
    helpers_wanted_.store(helpers, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    has_error_.store(false, std::memory_order_relaxed);
    const std::uint64_t epoch = (ticket_.load(std::memory_order_relaxed) >> 32) + 1;
    ticket_.store(epoch << 32, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lk(mu_);
      cv_.notify_all();
    }
    // Work as worker 0, then wait for the chunks helpers claimed.
    work(epoch, chunks, fn, ctx, 0);
    int spins = 0;
    std::chrono::steady_clock::time_point t_done{};
    bool waited = false;
    while (done_.load(std::memory_order_acquire) < chunks) {
      if (!waited) {
        waited = true;
        t_done = std::chrono::steady_clock::now();
      }
      if (++spins < kCallerSpinRounds) _mm_pause();
      else sched_yield();
    }
    // Adaptive back-off: when the caller waited on claimed chunks for longer
    // than it worked itself (a helper descheduled by another process), the
    // next jobs run inline for kBackoff before helpers are tried again.
    if (waited) {
      const auto t_end = std::chrono::steady_clock::now();
      const auto wait = t_end - t_done, own = t_done - t_start;
      if (wait > own && wait > std::chrono::microseconds(200)) backoff_until_ = t_end + kBackoff;
    }
    if (has_error_.load(std::memory_order_acquire)) std::rethrow_exception(error_);
  }

 private:
  static void serial(std::uint64_t chunks, ChunkFn fn, void* ctx) {
    for (std::uint64_t c = 0; c < chunks; ++c) fn(ctx, c, 0);
  }

  // Claims and runs chunks of job `epoch` until none is left; returns the count.
  std::uint64_t work(std::uint64_t epoch, std::uint64_t chunks, ChunkFn fn, void* ctx,
                     unsigned worker) {
    std::uint64_t count = 0;
    std::uint64_t t = ticket_.load(std::memory_order_acquire);
    for (;;) {
      if ((t >> 32) != epoch || (t & kIndexMask) >= chunks) break;
      if (!ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel,
                                         std::memory_order_acquire))
        continue;
      const std::uint64_t c = t & kIndexMask;
      t_in_pool_job = true;
      try {
        fn(ctx, c, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lk(error_mu_);
        if (!has_error_.load(std::memory_order_relaxed)) {
          error_ = std::current_exception();
          has_error_.store(true, std::memory_order_release);
        }
      }
      t_in_pool_job = false;
      done_.fetch_add(1, std::memory_order_acq_rel);
      ++count;
      t = ticket_.load(std::memory_order_acquire);
    }
    return count;
  }

  void grow(unsigned helpers) {
    while (started_ < helpers) {
      const unsigned id = ++started_;  // helper ids 1 .. started_
      std::thread([this, id] { helper(id); }).detach();
    }
  }

  void helper(unsigned id) {
    std::uint64_t seen = ticket_.load(std::memory_order_acquire) >> 32;
    for (;;) {
      std::uint64_t t = ticket_.load(std::memory_order_acquire);
      if ((t >> 32) == seen) {
        const auto t0 = std::chrono::steady_clock::now();
        for (unsigned k = 1;; ++k) {
          _mm_pause();
          t = ticket_.load(std::memory_order_acquire);
          if ((t >> 32) != seen) break;
          if ((k & 63) == 0 && std::chrono::steady_clock::now() - t0 > kHelperSpin) {
            std::unique_lock<std::mutex> lk(mu_);
            sleepers_.fetch_add(1, std::memory_order_seq_cst);
            cv_.wait(lk, [&] { return (ticket_.load(std::memory_order_seq_cst) >> 32) != seen; });
            sleepers_.fetch_sub(1, std::memory_order_seq_cst);
            t = ticket_.load(std::memory_order_acquire);
            break;
          }
        }
      }
      seen = t >> 32;
      // Fields read after the acquire of epoch `seen`; a successful claim in
      // work() proves the job was still open, so they belonged to it.
      if (id > helpers_wanted_.load(std::memory_order_relaxed)) continue;
      ChunkFn fn = fn_.load(std::memory_order_relaxed);
      void* ctx = ctx_.load(std::memory_order_relaxed);
      const std::uint64_t chunks = chunks_.load(std::memory_order_relaxed);
      work(seen, chunks, fn, ctx, id);
    }
  }

  std::mutex busy_;
  std::atomic<std::uint64_t> ticket_{0};  // epoch << 32 | next chunk
  std::atomic<std::uint64_t> done_{0};
  std::atomic<ChunkFn> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<std::uint64_t> chunks_{0};
  std::atomic<unsigned> helpers_wanted_{0};
  std::mutex error_mu_;
  std::exception_ptr error_;
  std::atomic<bool> has_error_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<int> sleepers_{0};
  unsigned started_ = 0;  // guarded by busy_
  std::chrono::steady_clock::time_point backoff_until_{};  // guarded by busy_
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: helpers are detached
  return *p;
}

}  // namespace

void pool_run(unsigned threads, std::uint64_t chunks, ChunkFn fn, void* ctx) {
  pool().run(threads, chunks, fn, ctx);
}

}  // namespace detail
}  // namespace quench
