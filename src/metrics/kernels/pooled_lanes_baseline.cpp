// The pooled bootstrap's lane kernel on baseline x86-64 (SSE2) or any other CPU: plain stores.
#include <algorithm>
#include <cstring>

#include "../pooled_lanes.hpp"

namespace nnr::metrics::detail {
namespace {
constexpr std::size_t kLanes = 16;
#define NNR_STREAM_LINE(dst, v) std::memcpy((dst), &(v), sizeof(v))
#define NNR_STREAM_FENCE() ((void)0)
#define NNR_MUL_LOW32(x, y) (((x) & 0xffffffffu) * ((y) & 0xffffffffu))
#include "pooled_lanes.inl"
}  // namespace

PooledLanesKernel pooled_lanes_baseline() { return {"baseline", kLanes, &cross_sums_lanes}; }
}  // namespace nnr::metrics::detail
