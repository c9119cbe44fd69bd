// state_space.h — storage of a state vector: 2^n amplitudes as interleaved
// (re, im) FP values in one 64-byte aligned block, plus the portable
// whole-state helpers (init, copy, conversion from/to doubles).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "quench/bits.h"
#include "quench/parallel.h"
#include "quench/profile.h"

namespace quench {

// A move-only, 64-byte aligned array of T (uninitialised).
template <typename T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t count) { allocate(count); }
  ~AlignedBuffer() { release(); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(o.data_), size_(o.size_) {
    o.data_ = nullptr;
    o.size_ = 0;
  }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  void allocate(std::size_t count) {
    release();
    if (!count) return;
    std::size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
    data_ = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (!data_) throw std::bad_alloc();
    size_ = count;
    profile::on_alloc(size_ * sizeof(T));
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  void release() {
    if (data_) profile::on_free(size_ * sizeof(T));
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// A state vector of `n` qubits in precision FP.
template <typename FP>
struct StateSpace {
  unsigned n = 0;
  AlignedBuffer<FP> buf;  // 2 * 2^n values

  StateSpace() = default;
  explicit StateSpace(unsigned qubits) : n(qubits), buf(2 * (std::size_t(1) << qubits)) {}

  std::uint64_t dim() const { return std::uint64_t(1) << n; }
  FP* data() { return buf.data(); }
  const FP* data() const { return buf.data(); }
  std::size_t bytes() const { return 2 * sizeof(FP) * dim(); }

  static std::size_t bytes_for(unsigned qubits) { return 2 * sizeof(FP) * (std::size_t(1) << qubits); }

  // |0...0>, written by the threads that will use the pages.
  void set_zero_state(const For& par) {
    FP* p = data();
    par.run(dim(), [&](std::uint64_t b, std::uint64_t e, unsigned) {
      std::memset(p + 2 * b, 0, (e - b) * 2 * sizeof(FP));
    });
    p[0] = FP(1);
  }
  void copy_from(const StateSpace& o, const For& par) {
    FP* d = data();
    const FP* s = o.data();
    par.run(dim(), [&](std::uint64_t b, std::uint64_t e, unsigned) {
      std::memcpy(d + 2 * b, s + 2 * b, (e - b) * 2 * sizeof(FP));
    });
  }
  void load(const double* amps, const For& par) {
    FP* d = data();
    par.run(dim(), [&](std::uint64_t b, std::uint64_t e, unsigned) {
      for (std::uint64_t i = 2 * b; i < 2 * e; ++i) d[i] = static_cast<FP>(amps[i]);
    });
  }
  void store(double* out, const For& par) const {
    const FP* s = data();
    par.run(dim(), [&](std::uint64_t b, std::uint64_t e, unsigned) {
      for (std::uint64_t i = 2 * b; i < 2 * e; ++i) out[i] = static_cast<double>(s[i]);
    });
  }
};

}  // namespace quench
