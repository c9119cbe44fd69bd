// The QAOA sweep compiled for AVX-512 (see qaoa_kernels.inl); used only when
// the CPU and OS support it (cpu_info().avx512f) and the ISA is avx2.
#define QUENCH_QAOA_NS qaoa_avx512
#define QUENCH_QAOA_VECTOR true
#include "qaoa_kernels.inl"
