// Exact DTW on AVX-512 (32 references per call). Compiled with -mavx512f -mavx512dq -mfma.

#include <immintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_avx512.inl"
#include "dtw_lanes.inl"
}  // namespace

DtwKernel dtw_avx512() { return {"avx512", kL, kR, &dtw_lanes}; }
}  // namespace nnr::distance::kernels
