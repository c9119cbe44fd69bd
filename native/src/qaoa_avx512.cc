// The QAOA sweep compiled for AVX-512 (see qaoa_kernels.inl); used only when
// the CPU and OS support it and the ISA is avx512.
#define QUENCH_QAOA_NS qaoa_avx512
#define QUENCH_QAOA_VECTOR true
#define QUENCH_QAOA_VBYTES 64
#include "qaoa_kernels.inl"
