#pragma once
// The pooled bootstrap's lane kernel (kernels/pooled_lanes.inl, one translation unit per ISA, picked at
// run time), used by pooled_spearman.cpp's RankPass.
#include <cstddef>
#include <cstdint>

#include "nnr/core/simd.hpp"

namespace nnr::metrics::detail {

// A kernel scores `lanes` resamples at once (lane r = resample r; 32 on AVX-512, 16 on AVX2 and baseline,
// what their registers hold), sharing every index load: 16-bit weights ctab[row][r], the latent pass's
// 16-bit values buf[slot][r], per-lane exact sums s[r].
//
// Why 16-bit transfers: the latent -> audio hand-over (m x lanes values through memory) is the kernel's
// bandwidth. A latent rank 2 C_l + w + 1 needs 22+ bits, but split at latent blocks of about kLatentBlock
// entries it is 2 P(J) + u with P(J) the weight before block J (a lanes-wide row of a small table, read
// on the audio side) and u = 2 (weight within the block before the entry) + w + 1 < 2^16 (RankPass checks
// the bound). Narrow case only: all values < 2^32 (see RankPass::rho).
constexpr std::size_t kMaxLanes = 32;
constexpr unsigned kBlockBits = 13;  // audio blocks: the audio pass's window into the hand-over
constexpr std::size_t kBlock = std::size_t{1} << kBlockBits;
constexpr std::size_t kLatentBlock = 1024;  // latent blocks start at the first tie group at or past this

struct Plan {  // the bucketed latent -> audio plan (RankPass)
  const std::uint32_t *rows_l, *slot_of_l, *rows_a, *block_start;
  const std::uint16_t* offset_in_block;
  std::size_t m, blocks;
  // Tie groups of more than one entry, as [start, end) position pairs in latent and in audio order.
  const std::uint32_t *ties_l, *ties_a;
  std::size_t n_ties_l, n_ties_a;
  // Latent blocks: start positions in latent order (latent_blocks + 1 of them, the last = m), and the
  // block of the entry at each audio position.
  const std::uint32_t* latent_block_start;
  const std::uint16_t* latent_block_of_a;
  std::size_t latent_blocks;
};

/// S of `lanes` resamples (lane r's weights ctab[row * lanes + r]) into s_out. buf: m x lanes 16-bit
/// words, local: kBlock x lanes 16-bit words, prefix: (latent_blocks + 1) x lanes 32-bit words, all
/// 64-byte aligned. Exact integers: every ISA's kernel gives the same sums.
/// Also each lane's tie terms in latent and in audio order, sum over tie groups of (W_g^3 - sum of the
/// entries' w^3) (RankPass::tie_correction; < 2^64 in the narrow case; needs max w < 1626).
using PooledLanesFn = void (*)(const Plan& p, const std::uint16_t* ctab, std::uint16_t* buf, std::uint16_t* local,
                               std::uint32_t* prefix, std::uint64_t* s_out, std::uint64_t* ties_l_out,
                               std::uint64_t* ties_a_out);

struct PooledLanesKernel {
  const char* isa;
  std::size_t lanes;  ///< resamples per call, <= kMaxLanes
  PooledLanesFn run;
};

PooledLanesKernel pooled_lanes_baseline();
PooledLanesKernel pooled_lanes_avx2();
PooledLanesKernel pooled_lanes_avx512();

inline PooledLanesKernel pooled_lanes_kernel(SimdLevel level = simd_level()) {
  switch (level) {
    case SimdLevel::avx512: return pooled_lanes_avx512();
    case SimdLevel::avx2: return pooled_lanes_avx2();
    default: return pooled_lanes_baseline();
  }
}

}  // namespace nnr::metrics::detail
