#pragma once
/// The instruction set the hot kernels run on, chosen once at run time from the CPU (never -march=native:
/// the binary runs on any x86-64). Kernels are compiled per level in their own translation units and picked
/// through simd_level().

#include <string>

namespace nnr {

enum class SimdLevel { baseline = 0, avx2 = 1, avx512 = 2 };  ///< baseline = SSE2; avx2 includes FMA

/// The best level this CPU (and OS) supports, capped by $NNR_SIMD ("baseline", "avx2" or "avx512"), which
/// tests and benchmarks use to run a lower kernel. An unknown $NNR_SIMD throws Error(config). Read on every
/// call (cheap), so a test may change the variable between calls.
SimdLevel simd_level();

/// "baseline", "avx2" or "avx512".
std::string simd_name(SimdLevel level);

}  // namespace nnr
