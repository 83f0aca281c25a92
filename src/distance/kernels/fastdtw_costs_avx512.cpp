// FastDTW's double frame distances on AVX-512 (eight doubles a vector, four for a row's last columns) (fastdtw_costs.inl).
#include <immintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_avx512.inl"
namespace narrow {
#include "ops_avx2.inl"
}  // namespace narrow
#define NNR_NARROW_OPS narrow::O
#include "fastdtw_costs.inl"
}  // namespace

FastDtwCostsKernel fastdtw_costs_avx512() { return {"avx512", O::H, &fastdtw_costs}; }
}  // namespace nnr::distance::kernels
