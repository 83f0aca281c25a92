// The pooled bootstrap's lane kernel on AVX2 (16 lanes: two registers per lane row of 32-bit values, and
// the state fits in 16 registers).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "../pooled_lanes.hpp"

namespace nnr::metrics::detail {
namespace {
constexpr std::size_t kLanes = 16;
// 16 lanes are half a cache line: a streaming store of half a line costs more than the read it saves.
#define NNR_STREAM_LINE(dst, v) std::memcpy((dst), &(v), sizeof(v))
#define NNR_STREAM_FENCE() ((void)0)
#define NNR_MUL_LOW32(x, y) reinterpret_cast<U64h>(_mm256_mul_epu32(reinterpret_cast<__m256i>(x), reinterpret_cast<__m256i>(y)))
#include "pooled_lanes.inl"
}  // namespace

PooledLanesKernel pooled_lanes_avx2() { return {"avx2", kLanes, &cross_sums_lanes}; }
}  // namespace nnr::metrics::detail
