// The QAOA sweep compiled for AVX2+FMA (see qaoa_kernels.inl).
#define QUENCH_QAOA_NS qaoa_avx2
#define QUENCH_QAOA_VECTOR true
#define QUENCH_QAOA_VBYTES 32
#include "qaoa_kernels.inl"
