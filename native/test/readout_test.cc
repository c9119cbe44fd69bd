// readout_test.cc — largest_indices against a full sort, and format_json_numbers
// against JavaScript's own text for chosen numbers (test/unit/readout.test.ts
// compares it with JSON.stringify on millions more), at 1, 2 and 3 threads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "quench/readout.h"

using namespace quench;

static std::vector<std::uint64_t> by_sort(const std::vector<double>& v, std::size_t k, double floor) {
  std::vector<std::uint64_t> all;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] > floor) all.push_back(i);
  std::stable_sort(all.begin(), all.end(), [&](std::uint64_t a, std::uint64_t b) { return v[a] > v[b]; });
  all.resize(std::min(k, all.size()));
  return all;
}

static std::string format(const std::vector<double>& v, unsigned threads) {
  std::string out(v.size() * kJsonNumberMaxBytes, '\0');
  out.resize(format_json_numbers(v.data(), v.size(), out.data(), threads));
  return out;
}

int main() {
  std::mt19937_64 rng(7);
  for (unsigned threads : {1u, 2u, 3u}) {
    g_ctx = "largest_indices, threads " + std::to_string(threads);
    for (int trial = 0; trial < 200; ++trial) {
      // Sizes past the pool's chunking (several chunks per thread), with and without ties.
      const std::size_t n = 1 + rng() % (trial % 4 == 0 ? 5000 : 100);
      const unsigned levels = trial % 3 == 0 ? 0 : 1 + rng() % 6;
      std::vector<double> v(n);
      for (auto& x : v) x = levels ? double(rng() % levels) / levels : std::uniform_real_distribution<double>(0, 1)(rng);
      if (trial % 5 == 0) v[rng() % n] = NAN;
      for (std::size_t k : {std::size_t(0), std::size_t(1), std::size_t(3), std::size_t(10), n, n + 4}) {
        for (double floor : {-double(INFINITY), 0.25}) {
          std::vector<std::uint64_t> got(k);
          got.resize(largest_indices(v.data(), n, k, floor, got.data(), threads));
          CHECK(got == by_sort(v, k, floor), "n %zu k %zu floor %g", n, k, floor);
        }
      }
    }
  }

  g_ctx = "format_json_numbers";
  // What JavaScript's JSON.stringify writes for each (checked in node).
  const std::vector<std::pair<double, const char*>> known = {
      {0.0, "0"}, {-0.0, "0"}, {1, "1"}, {-1, "-1"}, {0.1, "0.1"}, {0.5, "0.5"}, {100, "100"}, {1234.5, "1234.5"},
      {1e21, "1e+21"}, {1e20, "100000000000000000000"}, {123456789012345678901.0, "123456789012345680000"},
      {1e-6, "0.000001"}, {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"}, {0.000001234, "0.000001234"}, {-3.25e-10, "-3.25e-10"},
      {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"}, {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1.0 / 3, "0.3333333333333333"}, {2.0 / 3 * 1e-6, "6.666666666666666e-7"}, {-1.2345678901234567e-6, "-0.0000012345678901234567"},
      {NAN, "null"}, {INFINITY, "null"}, {-INFINITY, "null"}};
  for (const auto& [x, text] : known) CHECK(format({x}, 1) == text, "%.17g: got '%s', want '%s'", x, format({x}, 1).c_str(), text);
  std::vector<double> xs;
  std::string joined;
  for (const auto& [x, text] : known) {
    xs.push_back(x);
    joined += (joined.empty() ? "" : ",") + std::string(text);
  }
  CHECK(format(xs, 1) == joined, "the list");
  CHECK(format({}, 1).empty(), "no numbers, no text");
  // Threads format chunks apart and move them together: the same text.
  std::vector<double> big(100000);
  for (auto& x : big) x = std::pow(std::uniform_real_distribution<double>(0, 1)(rng), 6) * (rng() % 2 ? 1 : -1e-3);
  const std::string one = format(big, 1);
  for (unsigned threads : {2u, 3u, 8u}) CHECK(format(big, threads) == one, "threads %u", threads);

  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
