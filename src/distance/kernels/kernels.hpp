#pragma once
// The distance kernels, one translation unit per instruction set (kernels/*_<isa>.cpp, compiled with that
// ISA's flags and called only through the tables here, after the run-time check in nnr::simd_level()).
// Those TUs use no inline library templates and call no inline function of this header: an ISA-specific
// copy of a shared inline function could be picked by the linker for the whole program.
#include <cstddef>

#include "nnr/core/simd.hpp"

namespace nnr::distance::kernels {

/// Exact DTW of one query against `lanes` references of equal length nb, packed [j][k][lane] (nb x d x
/// lanes floats). w: Sakoe-Chiba half-width (>= |na - nb|; >= max(na, nb) for no band). `work` holds
/// dtw_work_bytes(nb, lanes) bytes (any alignment); out gets `lanes` doubles. Per lane: float frame cost
/// (differences, squares summed in k order: fused multiply-add on AVX2/AVX-512, multiply then add on
/// baseline), sqrtf, widened to double, D = cost + min(diag, up, left) in double.
using DtwFn = void (*)(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d,
                       std::size_t w, void* work, double* out);

struct DtwKernel {
  const char* isa;
  std::size_t lanes;      ///< references per call
  std::size_t tile_rows;  ///< query frames whose costs are computed per pass over the references
  DtwFn run;
  /// Bytes of `work` for references of nb frames: two DP rows, the banded path's frame costs (also the
  /// fused path's scratch, hence at least 3 rows).
  std::size_t work_bytes(std::size_t nb) const {
    const std::size_t rows = nb + 1 < 3 ? 3 : nb + 1;
    return rows * lanes * (2 * sizeof(double) + tile_rows * sizeof(float));
  }
};

DtwKernel dtw_baseline();
DtwKernel dtw_avx2();
DtwKernel dtw_avx512();

/// The kernel for `level` (simd_level() by default).
inline DtwKernel dtw_kernel(SimdLevel level = simd_level()) {
  switch (level) {
    case SimdLevel::avx512: return dtw_avx512();
    case SimdLevel::avx2: return dtw_avx2();
    default: return dtw_baseline();
  }
}

/// SiMPle's frame-pair costs in float: c(i, j) = sum_k (a_ik - b_jk)^2 (no square root) for columns
/// j < ncols (a multiple of `columns`), a: na x d, bt: d x nbp (b transposed), c: na x nbp. Per value:
/// float differences, squares summed in k order (FMA on AVX2/AVX-512): relative error <= (2d + 3) 2^-24.
using SimpleCostsFn = void (*)(const float* a, std::size_t na, const float* bt, std::size_t nbp,
                               std::size_t ncols, std::size_t d, float* c);

/// SiMPle's approximate window sums from those costs (simple_costs.inl): s is pa x spb doubles (spb a
/// multiple of `doubles`, >= pb + doubles), c needs nb + doubles - 1 readable columns; each row's minimum,
/// and the maximum over all.
using SimpleWindowsFn = void (*)(const float* c, std::size_t na, std::size_t nb, std::size_t nbp, std::size_t m,
                                 std::size_t spb, double* s, double* row_min, double* smax);

struct SimpleCostsKernel {
  const char* isa;
  std::size_t columns;  ///< ncols must be a multiple of this
  std::size_t doubles;  ///< doubles per vector (window rows are written in whole vectors)
  SimpleCostsFn run;
  SimpleWindowsFn windows;
};

SimpleCostsKernel simple_costs_baseline();
SimpleCostsKernel simple_costs_avx2();
SimpleCostsKernel simple_costs_avx512();

inline SimpleCostsKernel simple_costs_kernel(SimdLevel level = simd_level()) {
  switch (level) {
    case SimdLevel::avx512: return simple_costs_avx512();
    case SimdLevel::avx2: return simple_costs_avx2();
    default: return simple_costs_baseline();
  }
}

/// FastDTW's frame distances, in double: out[t] = ||x - y_(lo+t)|| for t < n, x: d doubles, yt: y transposed
/// (d x stride, readable to column lo + n + 7). Per value: differences, squares summed into four partial sums
/// (dimension k into sum k mod 4; fused multiply-add on AVX2/AVX-512, multiply then add on baseline), the sums
/// added as (s0 + s1) + (s2 + s3), then the correctly rounded square root. out needs n + 7 slots.
using FastDtwCostsFn = void (*)(const double* x, const double* yt, std::size_t stride, std::size_t d, std::size_t lo,
                                std::size_t n, double* out);

struct FastDtwCostsKernel {
  const char* isa;
  std::size_t doubles;  ///< doubles per vector
  FastDtwCostsFn run;
};

FastDtwCostsKernel fastdtw_costs_baseline();
FastDtwCostsKernel fastdtw_costs_avx2();
FastDtwCostsKernel fastdtw_costs_avx512();

inline FastDtwCostsKernel fastdtw_costs_kernel(SimdLevel level = simd_level()) {
  switch (level) {
    case SimdLevel::avx512: return fastdtw_costs_avx512();
    case SimdLevel::avx2: return fastdtw_costs_avx2();
    default: return fastdtw_costs_baseline();
  }
}

}  // namespace nnr::distance::kernels
