// The pooled bootstrap's lane kernel: S = sum w (2 R_a)(2 R_l) of kLanes resamples in one pass over the
// entries (pooled_spearman.cpp explains the statistic and the plan, pooled_lanes.hpp the 16-bit split).
// Written once in GCC vector extensions and included by pooled_lanes_<isa>.cpp (inside an anonymous
// namespace), which compiles it for its ISA and defines
//   kLanes: resamples per call;
//   NNR_STREAM_LINE(dst, v): store the lane row v to dst (64-byte aligned for 32 lanes), bypassing the cache
//     where the ISA can (the hand-over is written once and read once, much later: a normal store would
//     first read every line from memory);
//   NNR_STREAM_FENCE(): order those stores before the reads that follow;
//   NNR_MUL_LOW32(x, y): the u64 products of the low 32 bits of each 64-bit lane (GCC does not always see
//     that masked operands make a 64 x 64 product one vpmuludq / pmuludq).

// Lane vectors (GCC vector extensions). The helpers are macros, not functions: passing these types by value
// has an ISA-dependent ABI (GCC's -Wpsabi), and the macros keep every TU's code free of such calls.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef std::uint16_t LaneU16 __attribute__((vector_size(2 * kLanes)));
typedef std::uint32_t LaneU32 __attribute__((vector_size(4 * kLanes)));
typedef std::uint16_t HalfU16 __attribute__((vector_size(kLanes)));  // 16 lanes
typedef std::uint32_t U32h __attribute__((vector_size(2 * kLanes)));   // 16 lanes
typedef std::uint64_t U64h __attribute__((vector_size(2 * kLanes)));   // 8 lane pairs

// v = the kLanes resamples' weights of the entry at position k (ctab: rows x kLanes).
#define NNR_ROW_WEIGHTS(v, ctab, rows, k) std::memcpy(&(v), (ctab) + std::size_t{(rows)[k]} * kLanes, sizeof(v))
#define NNR_WIDE(v) __builtin_convertvector((v), LaneU32)
// dst[0], dst[1] = the 16-bit kLanes at src widened to 32 bits, lanes 0-15 and 16-31.
#define NNR_HALVES(dst, src)                                   \
  do {                                                         \
    HalfU16 lo_, hi_;                                          \
    std::memcpy(&lo_, (src), sizeof lo_);                      \
    std::memcpy(&hi_, (src) + kLanes / 2, sizeof hi_);         \
    (dst)[0] = __builtin_convertvector(lo_, U32h);             \
    (dst)[1] = __builtin_convertvector(hi_, U32h);             \
  } while (0)
// Any same-size reinterpretation, e.g. the lanes as kLanes / 2 u64 words (lane 2i in the low half of word i,
// lane 2i + 1 in the high half).
#define NNR_BITS_AS(dst, src) std::memcpy(&(dst), &(src), sizeof(dst))
// A tie group's change of the variance term, wg^3 - sum of its entries' w^3 (RankPass::tie_correction), into
// the per-lane sums t_even / t_odd, from the group's weights wg[2] and cubes' sums c3_even/c3_odd[2] (u64).
// wg^3 < 2^64 in the narrow case: wg^2 exactly in 64 bits, then times wg in two 32-bit halves.
#define NNR_TIE_TERM(t_even, t_odd, wg, c3_even, c3_odd)                           \
  do {                                                                              \
    _Pragma("GCC unroll 2") for (int h = 0; h < 2; ++h) {                           \
      U64h x_;                                                                      \
      NNR_BITS_AS(x_, (wg)[h]);                                                     \
      const U64h halves_[2] = {x_ & 0xffffffffu, x_ >> 32};                         \
      U64h* out_[2] = {&(t_even)[h], &(t_odd)[h]};                                  \
      const U64h* c3_[2] = {&(c3_even)[h], &(c3_odd)[h]};                           \
      for (int q = 0; q < 2; ++q) {                                                 \
        const U64h v_ = halves_[q], sq_ = NNR_MUL_LOW32(v_, v_);                    \
        const U64h cube_ = NNR_MUL_LOW32(sq_, v_) + (NNR_MUL_LOW32(sq_ >> 32, v_) << 32); \
        *out_[q] += cube_ - *c3_[q];                                                \
      }                                                                             \
    }                                                                               \
  } while (0)
// Adds the cubes of the 32-bit weights w[2] (w < 1626) to c3_even/c3_odd[2].
#define NNR_ADD_CUBES(c3_even, c3_odd, w)                                            \
  do {                                                                              \
    for (int h = 0; h < 2; ++h) {                                                   \
      const U32h cube32_ = (w)[h] * (w)[h] * (w)[h];                                \
      U64h x_;                                                                      \
      NNR_BITS_AS(x_, cube32_);                                                     \
      (c3_even)[h] += x_ & 0xffffffffu;                                             \
      (c3_odd)[h] += x_ >> 32;                                                      \
    }                                                                               \
  } while (0)

void cross_sums_lanes(const Plan& p, const std::uint16_t* ctab, std::uint16_t* buf, std::uint16_t* local,
                      std::uint32_t* prefix, std::uint64_t* s_out, std::uint64_t* ties_l_out,
                      std::uint64_t* ties_a_out) {
  U64h tl_even[2] = {}, tl_odd[2] = {}, ta_even[2] = {}, ta_odd[2] = {};
  // Latent order, block by block: u = 2 (weight before the entry within its block) + w + 1 into its
  // bucket slot, and 2 x (weight before each block) into `prefix`.
  LaneU32 before = {};
  std::size_t g = 0;
  for (std::size_t J = 0; J < p.latent_blocks; ++J) {
    std::memcpy(prefix + J * kLanes, &before, sizeof before);
    LaneU16 cum = {};
    const std::size_t end_J = p.latent_block_start[J + 1];
    for (std::size_t k = p.latent_block_start[J]; k < end_J;) {
      if (g < p.n_ties_l && k == p.ties_l[2 * g]) {  // a tie group: one rank from its total weight
        const std::size_t end = p.ties_l[2 * g + 1];  // blocks never split a group
        LaneU16 wg = {};
        U64h c3_even[2] = {}, c3_odd[2] = {};
        for (std::size_t t = k; t < end; ++t) {
          LaneU16 w;
          NNR_ROW_WEIGHTS(w, ctab, p.rows_l, t);
          wg += w;
          U32h w32[2];
          NNR_HALVES(w32, reinterpret_cast<const std::uint16_t*>(&w));
          NNR_ADD_CUBES(c3_even, c3_odd, w32);
        }
        U32h wg32[2];
        NNR_HALVES(wg32, reinterpret_cast<const std::uint16_t*>(&wg));
        NNR_TIE_TERM(tl_even, tl_odd, wg32, c3_even, c3_odd);
        const LaneU16 u = 2 * cum + wg + 1;
        for (; k < end; ++k) NNR_STREAM_LINE(buf + std::size_t{p.slot_of_l[k]} * kLanes, u);
        cum += wg;
        ++g;
        continue;
      }
      LaneU16 w;
      NNR_ROW_WEIGHTS(w, ctab, p.rows_l, k);
      const LaneU16 u = 2 * cum + w + 1;
      NNR_STREAM_LINE(buf + std::size_t{p.slot_of_l[k]} * kLanes, u);
      cum += w;
      ++k;
    }
    before += 2 * NNR_WIDE(cum);
  }
  NNR_STREAM_FENCE();
  // Audio order: w (2 R_a) times 2 R_l, in two halves of kLanes / 2 lanes (their u32 x u32 -> u64
  // products: even lanes, then odd ones).
  U64h s_even[2] = {}, s_odd[2] = {};
  U32h cum[2] = {};
  g = 0;
  std::size_t group_end = 0;  // inside a tie group until here: its rank, and the weight after it
  U32h group_r2[2] = {}, cum_after[2] = {};
  const std::uint32_t* __restrict rows_a = p.rows_a;
  const std::uint16_t* __restrict block_of_a = p.latent_block_of_a;
  // One entry at audio position k with 2 R_a = RA(h) (an expression of the half h): its product into the
  // sums. The plain stretches between tie groups run it with no tie state live in registers.
#define NNR_ENTRY(k, RA, ADVANCE)                                                \
  do {                                                                           \
    U32h w[2], u[2], rl[2];                                                      \
    NNR_HALVES(w, ctab + std::size_t{rows_a[k]} * kLanes);                       \
    NNR_HALVES(u, local + ((k) - base) * kLanes);                                \
    std::memcpy(rl, prefix + std::size_t{block_of_a[k]} * kLanes, sizeof rl);    \
    _Pragma("GCC unroll 2") for (int h = 0; h < 2; ++h) {                        \
      const U32h wra = w[h] * (RA), r = rl[h] + u[h];                            \
      U64h x, y;                                                                 \
      NNR_BITS_AS(x, wra);                                                       \
      NNR_BITS_AS(y, r);                                                         \
      s_even[h] += NNR_MUL_LOW32(x, y);                                          \
      s_odd[h] += NNR_MUL_LOW32(x >> 32, y >> 32);                               \
      if (ADVANCE) cum[h] += w[h];                                               \
    }                                                                            \
  } while (0)
  for (std::size_t b = 0; b < p.blocks; ++b) {
    for (std::uint32_t t = p.block_start[b]; t < p.block_start[b + 1]; ++t)
      std::memcpy(local + std::size_t{p.offset_in_block[t]} * kLanes, buf + std::size_t{t} * kLanes,
                  kLanes * sizeof(std::uint16_t));
    const std::size_t base = b * kBlock, end = std::min(p.m, base + kBlock);
    for (std::size_t k = base; k < end;) {
      if (k < group_end) {  // a tie group (perhaps begun in the block before): one rank for all
        const std::size_t stop = std::min(group_end, end);
        for (; k < stop; ++k) NNR_ENTRY(k, group_r2[h], false);
        if (k == group_end) {
          cum[0] = cum_after[0];
          cum[1] = cum_after[1];
        }
        continue;
      }
      if (g < p.n_ties_a && k == p.ties_a[2 * g]) {
        group_end = p.ties_a[2 * g + 1];
        U32h wg[2] = {};
        U64h c3_even[2] = {}, c3_odd[2] = {};
        for (std::size_t t = k; t < group_end; ++t) {
          U32h w[2];
          NNR_HALVES(w, ctab + std::size_t{rows_a[t]} * kLanes);
          wg[0] += w[0];
          wg[1] += w[1];
          NNR_ADD_CUBES(c3_even, c3_odd, w);
        }
        NNR_TIE_TERM(ta_even, ta_odd, wg, c3_even, c3_odd);
        for (int h = 0; h < 2; ++h) {
          group_r2[h] = 2 * cum[h] + wg[h] + 1;
          cum_after[h] = cum[h] + wg[h];
        }
        ++g;
        continue;
      }
      const std::size_t stop = std::min<std::size_t>(end, g < p.n_ties_a ? p.ties_a[2 * g] : end);
      for (; k < stop; ++k) NNR_ENTRY(k, 2 * cum[h] + w[h] + 1, true);
    }
  }
#undef NNR_ENTRY
  for (int h = 0; h < 2; ++h)
    for (std::size_t i = 0; i < kLanes / 4; ++i) {
      const std::size_t lane = h * kLanes / 2 + 2 * i;
      s_out[lane] = s_even[h][i];
      s_out[lane + 1] = s_odd[h][i];
      ties_l_out[lane] = tl_even[h][i];
      ties_l_out[lane + 1] = tl_odd[h][i];
      ties_a_out[lane] = ta_even[h][i];
      ties_a_out[lane + 1] = ta_odd[h][i];
    }
}
