#include "quench/profile.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace quench {
namespace profile {
namespace detail {
std::atomic<bool> g_enabled{false};
}  // namespace detail

namespace {
struct ThreadCounters {
  std::atomic<std::uint64_t> ns[kKinds], calls[kKinds], amps[kKinds], vector_ns[kKinds];
  ThreadCounters() { zero(); }
  void zero() {
    for (unsigned k = 0; k < kKinds; ++k) {
      ns[k].store(0, std::memory_order_relaxed);
      calls[k].store(0, std::memory_order_relaxed);
      amps[k].store(0, std::memory_order_relaxed);
      vector_ns[k].store(0, std::memory_order_relaxed);
    }
  }
};

// Every thread that ever counted; never removed (pool and N-API worker threads live for the process).
std::mutex g_mu;
std::vector<std::unique_ptr<ThreadCounters>>& registry() {
  static auto* r = new std::vector<std::unique_ptr<ThreadCounters>>();  // leaked: threads may count at exit
  return *r;
}

ThreadCounters& mine() {
  thread_local ThreadCounters* t = [] {
    std::lock_guard<std::mutex> lk(g_mu);
    registry().push_back(std::make_unique<ThreadCounters>());
    return registry().back().get();
  }();
  return *t;
}

std::atomic<std::uint64_t> g_current{0}, g_peak{0}, g_count{0};

std::uint64_t resident_bytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return std::uint64_t(resident) * std::uint64_t(sysconf(_SC_PAGESIZE));
}

// The memory sampler (one per process, running only between start() and stop()).
struct Sampler {
  std::mutex mu;
  std::condition_variable cv;
  bool running = false;
  std::thread thread;
  std::vector<MemorySample> samples;
  std::chrono::steady_clock::time_point t0;

  void take() {
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    samples.push_back({ms, resident_bytes(), g_current.load(std::memory_order_relaxed)});
  }
  void begin() {
    end();
    std::lock_guard<std::mutex> lk(mu);
    samples.clear();
    t0 = std::chrono::steady_clock::now();
    take();
    running = true;
    thread = std::thread([this] {
      std::unique_lock<std::mutex> lk(mu);
      while (running) {
        // 10 ms apart; a long run thins out (every 2nd kept) past 4000 samples
        if (cv.wait_for(lk, std::chrono::milliseconds(10), [this] { return !running; })) break;
        take();
        if (samples.size() >= 4000) {
          std::size_t j = 0;
          for (std::size_t i = 0; i < samples.size(); i += 2) samples[j++] = samples[i];
          samples.resize(j);
        }
      }
    });
  }
  void end() {
    {
      std::lock_guard<std::mutex> lk(mu);
      if (!running) return;
      running = false;
      take();
    }
    cv.notify_all();
    thread.join();
  }
};
Sampler& sampler() {
  static auto* s = new Sampler();  // leaked: never destroyed under a running thread at exit
  return *s;
}
}  // namespace

const char* kind_name(unsigned k) {
  static const char* names[kKinds] = {"dense 1-qubit", "dense 2-qubit", "dense 3+-qubit", "fused",
                                      "controlled",    "permutation",   "phase",          "diagonal",
                                      "indexed diagonal", "Fock",       "expectation",    "sampling",
                                      "kernel matrix",    "Walsh-Hadamard"};
  return k < kKinds ? names[k] : "?";
}

void detail::add(unsigned kind, std::uint64_t ns, std::uint64_t amplitudes, bool vector) {
  ThreadCounters& t = mine();
  // One writer per slot: load+store is enough (no read-modify-write bus lock).
  auto bump = [](std::atomic<std::uint64_t>& a, std::uint64_t v) {
    a.store(a.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
  };
  bump(t.ns[kind], ns);
  bump(t.calls[kind], 1);
  bump(t.amps[kind], amplitudes);
  if (vector) bump(t.vector_ns[kind], ns);
}

void start() {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    for (auto& t : registry()) t->zero();
  }
  g_peak.store(g_current.load());
  g_count.store(0);
  detail::g_enabled.store(true);
  sampler().begin();
}

void stop() {
  detail::g_enabled.store(false);
  sampler().end();
}

double scope_cost_ns() {
  static const double cost = [] {
    // Time 20000 counted calls into a scratch slot of this thread (zeroed after).
    const bool was = detail::g_enabled.exchange(true);
    const int n = 20000;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) Scope s(kSampling, 0, false);
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / n;
    detail::g_enabled.store(was);
    ThreadCounters& t = mine();
    t.ns[kSampling].store(0);
    t.calls[kSampling].store(0);
    return ns;
  }();
  return cost;
}

std::vector<MemorySample> memory_samples() {
  Sampler& s = sampler();
  std::lock_guard<std::mutex> lk(s.mu);
  return s.samples;
}

Snapshot snapshot() {
  Snapshot s;
  std::lock_guard<std::mutex> lk(g_mu);
  for (auto& t : registry())
    for (unsigned k = 0; k < kKinds; ++k) {
      s.kinds[k].ns += t->ns[k].load(std::memory_order_relaxed);
      s.kinds[k].calls += t->calls[k].load(std::memory_order_relaxed);
      s.kinds[k].amplitudes += t->amps[k].load(std::memory_order_relaxed);
      s.kinds[k].vector_ns += t->vector_ns[k].load(std::memory_order_relaxed);
    }
  s.alloc_current = g_current.load();
  s.alloc_peak = g_peak.load();
  s.alloc_count = g_count.load();
  return s;
}

void on_alloc(std::size_t bytes) {
  const std::uint64_t now = g_current.fetch_add(bytes) + bytes;
  g_count.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t p = g_peak.load(std::memory_order_relaxed);
  while (now > p && !g_peak.compare_exchange_weak(p, now)) {
  }
}

void on_free(std::size_t bytes) { g_current.fetch_sub(bytes); }

}  // namespace profile
}  // namespace quench
