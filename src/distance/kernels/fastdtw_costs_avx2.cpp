// FastDTW's double frame distances on AVX2 + FMA (four doubles a vector) (fastdtw_costs.inl).
#include <immintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_avx2.inl"
#include "fastdtw_costs.inl"
}  // namespace

FastDtwCostsKernel fastdtw_costs_avx2() { return {"avx2", O::H, &fastdtw_costs}; }
}  // namespace nnr::distance::kernels
