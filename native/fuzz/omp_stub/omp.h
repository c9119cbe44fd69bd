// omp.h stand-in for the fuzz build (QUENCH_FUZZ=ON) when clang has no
// OpenMP runtime (Debian's clang without libomp-dev). The core's OpenMP
// regions (batch.h, qml.cc, fock) claim work from atomic counters, so with
// the pragmas ignored the calling thread does every item: same results,
// serially. The normal build (g++ + libgomp) never sees this header.
#pragma once

inline int omp_get_thread_num() { return 0; }
inline int omp_get_num_threads() { return 1; }
inline int omp_get_max_threads() { return 1; }
