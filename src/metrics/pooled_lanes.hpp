#pragma once
// The pooled bootstrap's lane kernel (pooled_lanes.cpp), used by pooled_spearman.cpp's RankPass.
#include <cstddef>
#include <cstdint>

namespace nnr::metrics::detail {

// kLanes resamples at once (lane r = resample r), sharing every index load: weights ctab[row][r], the
// latent pass's values buf[slot][r], per-lane exact sums s[r]. The lane loops vectorise (one AVX-512 or two
// AVX2 vectors of 32-bit lanes; the clone is picked at run time), about 5x fewer instructions per
// resample than one resample per pass. Narrow case only: all values < 2^32 (see RankPass::rho).
constexpr std::size_t kLanes = 16;
constexpr unsigned kBlockBits = 13;
constexpr std::size_t kBlock = std::size_t{1} << kBlockBits;

struct Plan {  // the bucketed latent -> audio plan (RankPass)
  const std::uint32_t *rows_l, *slot_of_l, *rows_a, *block_start;
  const std::uint16_t* offset_in_block;
  std::size_t m, blocks;
  // Tie groups of more than one entry, as [start, end) position pairs in latent and in audio order.
  const std::uint32_t *ties_l, *ties_a;
  std::size_t n_ties_l, n_ties_a;
};

/// S of kLanes resamples (lane r's weights ctab[row * kLanes + r]) into s_out; buf: m x kLanes, local:
/// kBlock x kLanes 32-bit words, 64-byte aligned.
void cross_sums_lanes(const Plan& p, const std::uint32_t* ctab, std::uint32_t* buf, std::uint32_t* local,
                      std::uint64_t* s_out);

}  // namespace nnr::metrics::detail
