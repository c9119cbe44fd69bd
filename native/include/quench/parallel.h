// parallel.h — the loop policy every kernel runs under. A `For` splits an
// index range into one contiguous chunk per thread (OpenMP, static) or runs
// it inline when it has one thread, so the same kernel body runs serial or
// parallel and both can be tested. No OpenMP region is opened for one thread.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace quench {

struct For {
  unsigned threads = 1;

  For() = default;
  explicit For(unsigned t) : threads(t ? t : 1) {}

  // Calls f(begin, end, thread) once per thread on contiguous chunks of [0, size).
  template <typename F>
  void run(std::uint64_t size, F&& f) const {
    std::uint64_t t = threads;
    if (t > size) t = size;
    if (t <= 1) {
      if (size) f(std::uint64_t(0), size, 0u);
      return;
    }
#pragma omp parallel num_threads(static_cast<int>(t))
    {
      const std::uint64_t id = static_cast<std::uint64_t>(omp_get_thread_num());
      const std::uint64_t nt = static_cast<std::uint64_t>(omp_get_num_threads());
      const std::uint64_t q = size / nt, r = size % nt;
      const std::uint64_t b = id * q + std::min(id, r);
      const std::uint64_t e = b + q + (id < r ? 1 : 0);
      if (b < e) f(b, e, static_cast<unsigned>(id));
    }
  }

  // Sum of f(begin, end) over the chunks, added in chunk order (deterministic
  // for a given thread count).
  template <typename F>
  double sum(std::uint64_t size, F&& f) const {
    double partial[256] = {0};
    const unsigned t = std::min(threads, 256u);
    For(t).run(size, [&](std::uint64_t b, std::uint64_t e, unsigned id) { partial[id] = f(b, e); });
    double s = 0;
    for (unsigned i = 0; i < t; ++i) s += partial[i];
    return s;
  }
};

}  // namespace quench
