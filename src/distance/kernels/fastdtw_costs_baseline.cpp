// FastDTW's double frame distances on baseline x86-64 (SSE2, two doubles a vector; multiply then add) (fastdtw_costs.inl).
#include <emmintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_baseline.inl"
#include "fastdtw_costs.inl"
}  // namespace

FastDtwCostsKernel fastdtw_costs_baseline() { return {"baseline", O::H, &fastdtw_costs}; }
}  // namespace nnr::distance::kernels
