// readout.cc — see readout.h.
#include "quench/readout.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "quench/parallel.h"

namespace quench {

namespace {

// The k largest of v[b, e) above floor into val/idx (a min-heap, not sorted); returns how many.
std::size_t heap_select(const double* v, std::size_t b, std::size_t e, std::size_t k, double floor, double* val,
                        std::uint64_t* idx) {
  // The root is the worst kept entry: the smallest value, of equal values the
  // highest index. Entries arrive in index order, so a new value equal to a
  // kept one is the worse of the two.
  std::size_t n = 0;
  double entry = floor;
  for (std::size_t i = b; i < e; ++i) {
    const double x = v[i];
    if (!(x > entry)) continue;  // the common case, and NaN
    std::size_t at;
    if (n < k) {
      at = n++;
      while (at > 0) {
        const std::size_t up = (at - 1) / 2;
        if (val[up] < x) break;
        val[at] = val[up];
        idx[at] = idx[up];
        at = up;
      }
    } else {
      at = 0;
      for (;;) {
        const std::size_t l = 2 * at + 1;
        if (l >= n) break;
        std::size_t c = l;
        if (l + 1 < n && (val[l + 1] < val[l] || (val[l + 1] == val[l] && idx[l + 1] > idx[l]))) c = l + 1;
        if (!(val[c] < x)) break;  // an equal child has a lower index: it is the better one
        val[at] = val[c];
        idx[at] = idx[c];
        at = c;
      }
    }
    val[at] = x;
    idx[at] = i;
    if (n == k) entry = val[0];
  }
  return n;
}

// One number in Number.prototype.toString's layout (ECMA-262 Number::toString):
// k shortest digits, decimal exponent n (value = 0.digits × 10^n).
char* format_one(double x, char* p) {
  if (!std::isfinite(x)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  if (x == 0) {  // also -0, which JSON writes as 0
    *p = '0';
    return p + 1;
  }
  if (x < 0) {
    *p++ = '-';
    x = -x;
  }
  // Shortest round-trip digits from the standard library (Ryu in libstdc++),
  // in scientific form "d.ddde±XX"; the layout is JavaScript's, done here.
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, x, std::chars_format::scientific);
  char digits[20];
  int k = 0;
  const char* s = sci;
  for (; s < r.ptr && *s != 'e'; ++s)
    if (*s != '.') digits[k++] = *s;
  ++s;  // 'e'
  const bool negative = *s == '-';
  ++s;  // its sign
  int e10 = 0;
  for (; s < r.ptr; ++s) e10 = e10 * 10 + (*s - '0');
  const int n = (negative ? -e10 : e10) + 1;
  if (k <= n && n <= 21) {  // an integer: the digits, then zeros
    std::memcpy(p, digits, k);
    std::memset(p + k, '0', n - k);
    return p + n;
  }
  if (0 < n && n <= 21) {  // the point inside the digits
    std::memcpy(p, digits, n);
    p[n] = '.';
    std::memcpy(p + n + 1, digits + n, k - n);
    return p + k + 1;
  }
  if (-6 < n && n <= 0) {  // 0.000ddd
    p[0] = '0';
    p[1] = '.';
    std::memset(p + 2, '0', -n);
    std::memcpy(p + 2 - n, digits, k);
    return p + 2 - n + k;
  }
  *p++ = digits[0];  // d.ddde±x
  if (k > 1) {
    *p++ = '.';
    std::memcpy(p, digits + 1, k - 1);
    p += k - 1;
  }
  *p++ = 'e';
  *p++ = n - 1 < 0 ? '-' : '+';
  return std::to_chars(p, p + 4, std::abs(n - 1)).ptr;
}

std::size_t format_range(const double* v, std::size_t b, std::size_t e, char* out) {
  char* p = out;
  for (std::size_t i = b; i < e; ++i) {
    if (i > b) *p++ = ',';
    p = format_one(v[i], p);
  }
  return std::size_t(p - out);
}

}  // namespace

std::size_t largest_indices(const double* v, std::size_t count, std::size_t k, double floor, std::uint64_t* out,
                            unsigned threads) {
  k = std::min(k, count);
  if (k == 0) return 0;
  const For par(threads);
  const std::uint64_t chunks = par.chunk_count(count);
  // Each chunk's own k best, side by side; then the best k of those.
  std::vector<double> val(chunks * k);
  std::vector<std::uint64_t> idx(chunks * k);
  std::vector<std::size_t> found(chunks);
  par.run_chunks(count, [&](std::uint64_t b, std::uint64_t e, std::uint64_t c, unsigned) {
    found[c] = heap_select(v, b, e, k, floor, &val[c * k], &idx[c * k]);
  });
  std::vector<std::size_t> order;
  for (std::uint64_t c = 0; c < chunks; ++c)
    for (std::size_t j = 0; j < found[c]; ++j) order.push_back(c * k + j);
  const std::size_t n = std::min(k, order.size());
  std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](std::size_t a, std::size_t b) {
    return val[a] > val[b] || (val[a] == val[b] && idx[a] < idx[b]);
  });
  for (std::size_t j = 0; j < n; ++j) out[j] = idx[order[j]];
  return n;
}

std::size_t format_json_numbers(const double* values, std::size_t count, char* out, unsigned threads) {
  const For par(threads);
  const std::uint64_t chunks = par.chunk_count(count);
  if (chunks <= 1) return format_range(values, 0, count, out);
  std::vector<std::size_t> bytes(chunks);
  par.run_chunks(count, [&](std::uint64_t b, std::uint64_t e, std::uint64_t c, unsigned) {
    bytes[c] = format_range(values, b, e, out + b * kJsonNumberMaxBytes);
  });
  // Close the gaps, in order: a chunk's text never starts before where it is moved to.
  char* p = out + bytes[0];
  for (std::uint64_t c = 1; c < chunks; ++c) {
    *p++ = ',';
    std::memmove(p, out + For::chunk_begin(count, chunks, c) * kJsonNumberMaxBytes, bytes[c]);
    p += bytes[c];
  }
  return std::size_t(p - out);
}

}  // namespace quench
