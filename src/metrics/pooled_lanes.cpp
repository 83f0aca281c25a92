// The pooled bootstrap's lane kernel: S = sum w (2 R_a)(2 R_l) of kLanes resamples in one pass over the
// entries (pooled_spearman.cpp explains the statistic and the plan).
#include "pooled_lanes.hpp"

#include <algorithm>
#include <cstring>

namespace nnr::metrics::detail {
namespace {

// 64-byte vectors. The helpers are macros, not functions: a function that takes or returns one changes the
// ABI between the clones below (Clang rejects the call, GCC warns).
#pragma GCC diagnostic ignored "-Wpsabi"
typedef std::uint32_t LaneU32 __attribute__((vector_size(4 * kLanes)));
typedef std::uint64_t PairU64 __attribute__((vector_size(4 * kLanes)));

// v = the kLanes resamples' weights of the entry at position k (ctab: rows x kLanes).
#define NNR_ROW_WEIGHTS(v, ctab, rows, k) std::memcpy(&(v), (ctab) + std::size_t{(rows)[k]} * kLanes, sizeof(v))
// Any same-size reinterpretation, e.g. the lanes as kLanes / 2 u64 words (lane 2i in the low half of word i,
// lane 2i + 1 in the high half).
#define NNR_BITS_AS(dst, src) std::memcpy(&(dst), &(src), sizeof(dst))

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default"))) void cross_sums_lanes(
    const Plan& p, const std::uint32_t* ctab, std::uint32_t* buf, std::uint32_t* local, std::uint64_t* s_out) {
  LaneU32 cum = {};
  std::size_t g = 0;
  for (std::size_t k = 0; k < p.m;) {  // latent order: w (2 R_l) into its bucket slot
    if (g < p.n_ties_l && k == p.ties_l[2 * g]) {  // a tie group: one rank from its total weight
      const std::size_t end = p.ties_l[2 * g + 1];
      LaneU32 wg = {};
      for (std::size_t t = k; t < end; ++t) {
        LaneU32 w;
        NNR_ROW_WEIGHTS(w, ctab, p.rows_l, t);
        wg += w;
      }
      const LaneU32 r2 = 2 * cum + wg + 1;
      for (; k < end; ++k) {
        LaneU32 v;
        NNR_ROW_WEIGHTS(v, ctab, p.rows_l, k);
        v *= r2;
        std::memcpy(buf + std::size_t{p.slot_of_l[k]} * kLanes, &v, sizeof v);
      }
      cum += wg;
      ++g;
      continue;
    }
    LaneU32 w;
    NNR_ROW_WEIGHTS(w, ctab, p.rows_l, k);
    const LaneU32 v = w * (2 * cum + w + 1);
    std::memcpy(buf + std::size_t{p.slot_of_l[k]} * kLanes, &v, sizeof v);
    cum += w;
    ++k;
  }
  const PairU64 low32 = PairU64{} + 0xffffffffu;
  PairU64 s_even = {}, s_odd = {};  // u32 x u32 -> u64 products: one vpmuludq per half on x86
  cum = LaneU32{};
  g = 0;
  std::size_t group_end = 0;  // inside a tie group until here: its rank, and the weight after it
  LaneU32 group_r2 = {}, cum_after = {};
  for (std::size_t b = 0; b < p.blocks; ++b) {
    for (std::uint32_t t = p.block_start[b]; t < p.block_start[b + 1]; ++t)
      std::memcpy(local + std::size_t{p.offset_in_block[t]} * kLanes, buf + std::size_t{t} * kLanes,
                  kLanes * sizeof(std::uint32_t));
    const std::size_t base = b * kBlock, end = std::min(p.m, base + kBlock);
    for (std::size_t k = base; k < end; ++k) {  // audio order: 2 R_a times it
      if (g < p.n_ties_a && k == p.ties_a[2 * g]) {
        group_end = p.ties_a[2 * g + 1];
        LaneU32 wg = {};
        for (std::size_t t = k; t < group_end; ++t) {
          LaneU32 w;
          NNR_ROW_WEIGHTS(w, ctab, p.rows_a, t);
          wg += w;
        }
        group_r2 = 2 * cum + wg + 1;
        cum_after = cum + wg;
        ++g;
      }
      LaneU32 w, v;
      NNR_ROW_WEIGHTS(w, ctab, p.rows_a, k);
      const LaneU32 ra = k < group_end ? group_r2 : 2 * cum + w + 1;
      std::memcpy(&v, local + (k - base) * kLanes, sizeof v);
      PairU64 x, y;
      NNR_BITS_AS(x, ra);
      NNR_BITS_AS(y, v);
      s_even += (x & low32) * (y & low32);
      s_odd += (x >> 32) * (y >> 32);
      if (k < group_end) {
        if (k + 1 == group_end) cum = cum_after;
      } else {
        cum += w;
      }
    }
  }
  for (std::size_t i = 0; i < kLanes / 2; ++i) {
    s_out[2 * i] = s_even[i];
    s_out[2 * i + 1] = s_odd[i];
  }
}

}  // namespace nnr::metrics::detail
