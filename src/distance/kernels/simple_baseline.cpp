// SiMPle's float frame-pair costs on baseline (simple_costs.inl).
#include <emmintrin.h>

#include "kernels.hpp"

namespace nnr::distance::kernels {
namespace {
#include "ops_baseline.inl"
#include "simple_costs.inl"
}  // namespace

SimpleCostsKernel simple_costs_baseline() { return {"baseline", kW, O::H, &simple_costs, &simple_windows}; }
}  // namespace nnr::distance::kernels
