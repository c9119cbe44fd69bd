// readout.h — reading a large result vector out of the process: the k
// largest entries by selection, and numbers as JSON text in JavaScript's own
// format. Plain functions on caller-owned memory, on the engine's pool.
#pragma once

#include <cstddef>
#include <cstdint>

namespace quench {

// Indices of the k largest values above `floor` (NaN never qualifies),
// largest first, equal values by lower index first: one pass with a bounded
// min-heap per chunk of the range, O(count log k), then the chunks' winners
// merged. Writes at most k indices to `out` and returns how many it wrote.
std::size_t largest_indices(const double* values, std::size_t count, std::size_t k, double floor, std::uint64_t* out,
                            unsigned threads = 1);

// The most bytes format_json_numbers writes per number, comma included
// ("-0.0000012345678901234567," is 26).
constexpr std::size_t kJsonNumberMaxBytes = 26;

// Writes values[0..count) as a comma-separated JSON list body ("0.5,0,1e-7"),
// each number exactly as JavaScript's JSON.stringify writes it: the shortest
// digits that read back to the same double, in Number.prototype.toString's
// layout; -0 as 0, and NaN and ±Infinity as null. `out` must hold
// count * kJsonNumberMaxBytes bytes. Returns the bytes written. With
// threads, chunks are formatted in place at their worst-case offsets and
// then moved together.
std::size_t format_json_numbers(const double* values, std::size_t count, char* out, unsigned threads = 1);

}  // namespace quench
