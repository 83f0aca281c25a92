// The pooled bootstrap's lane kernel on AVX-512 (F + BW: 32 lanes, one register per lane row of 16-bit
// values, one cache line). Not compiled with -mavx512dq: GCC would then multiply 64-bit lanes with vpmullq
// (3 uops) instead of vpmuludq.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "../pooled_lanes.hpp"

namespace nnr::metrics::detail {
namespace {
constexpr std::size_t kLanes = 32;
#define NNR_STREAM_LINE(dst, v) _mm512_stream_si512(reinterpret_cast<__m512i*>(dst), reinterpret_cast<const __m512i&>(v))
#define NNR_STREAM_FENCE() _mm_sfence()
#define NNR_MUL_LOW32(x, y) reinterpret_cast<U64h>(_mm512_mul_epu32(reinterpret_cast<__m512i>(x), reinterpret_cast<__m512i>(y)))
#include "pooled_lanes.inl"
}  // namespace

PooledLanesKernel pooled_lanes_avx512() { return {"avx512", kLanes, &cross_sums_lanes}; }
}  // namespace nnr::metrics::detail
