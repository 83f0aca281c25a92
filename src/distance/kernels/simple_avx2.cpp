// SiMPle's float frame-pair costs on avx2 (simple_costs.inl).
#include <immintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_avx2.inl"
#include "simple_costs.inl"
}  // namespace

SimpleCostsKernel simple_costs_avx2() { return {"avx2", kW, O::H, &simple_costs, &simple_windows}; }
}  // namespace nnr::distance::kernels
