#include "nnr/core/simd.hpp"

#include <cstdlib>
#include <cstring>

#include "nnr/core/error.hpp"

namespace nnr {

namespace {
SimdLevel cpu_level() {
  // libgcc's checks include the OS's XSAVE support for the ymm/zmm state.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    return SimdLevel::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::avx2;
  return SimdLevel::baseline;
}
}  // namespace

SimdLevel simd_level() {
  static const SimdLevel cpu = cpu_level();
  const char* cap = std::getenv("NNR_SIMD");
  if (cap == nullptr || *cap == '\0') return cpu;
  SimdLevel wanted;
  if (std::strcmp(cap, "baseline") == 0)
    wanted = SimdLevel::baseline;
  else if (std::strcmp(cap, "avx2") == 0)
    wanted = SimdLevel::avx2;
  else if (std::strcmp(cap, "avx512") == 0)
    wanted = SimdLevel::avx512;
  else
    throw_config(std::string("simd: unknown NNR_SIMD value (NNR_SIMD=") + cap +
                 "); use baseline, avx2 or avx512, or unset it");
  return wanted < cpu ? wanted : cpu;
}

std::string simd_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512: return "avx512";
    case SimdLevel::avx2: return "avx2";
    default: return "baseline";
  }
}

}  // namespace nnr
