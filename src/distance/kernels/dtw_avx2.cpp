// Exact DTW on AVX2 + FMA (16 references per call). Compiled with -mavx2 -mfma. Same bits as AVX-512.

#include <immintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_avx2.inl"
#include "dtw_lanes.inl"
}  // namespace

DtwKernel dtw_avx2() { return {"avx2", kL, kR, &dtw_lanes}; }
}  // namespace nnr::distance::kernels
