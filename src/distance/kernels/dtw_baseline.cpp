// Exact DTW on baseline x86-64 (SSE2, 8 references per call): multiply then add (no FMA), so values may
// differ from the AVX2/AVX-512 kernels in the last bits of a frame cost (see distance.hpp).

#include <emmintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_baseline.inl"
#include "dtw_lanes.inl"
}  // namespace

DtwKernel dtw_baseline() { return {"baseline", kL, kR, &dtw_lanes}; }
}  // namespace nnr::distance::kernels
