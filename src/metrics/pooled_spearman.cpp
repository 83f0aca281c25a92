// C^B_rho "pooled" with its bootstrap over clips (consistency.hpp). Both matrices are sorted once; a
// resample that repeats row i counts[i] times is then scored without re-sorting.
//
// Without ties (continuous distances, the usual case) the statistic is computed exactly in integers. In
// the resampled multiset every entry e of row i appears w = counts[i] times, all tied, so its average rank is
// R(e) = C(e) + (w + 1) / 2 with C(e) the total weight before it. Sum of weights W = Q N; sum of w R = W (W +
// 1) / 2 and sum of w R^2 = W (W + 1) (2 W + 1) / 6 - N T / 12 with T = sum_i c_i (c_i^2 - 1), identical in
// both spaces, so
//     rho = 3 (S - W (W + 1)^2) / (W (W^2 - 1) - N T),   S = sum_e w (2 R_audio(e)) (2 R_latent(e)),
// and only S needs a pass over the entries: one pass in latent order writes w * 2 R_latent into audio order
// (a scatter), one pass in audio order accumulates 2 R_audio times it. Integer sums are exact in any order.
// (The lane kernel, used whenever its bounds hold, hands over 2 R_latent in 16 bits instead and multiplies
// by w on the audio side: pooled_lanes.hpp.)
// Ties (the OG control: every own distance is 0 in both spaces) keep the integers: a tie group of total
// weight W_g after weight C_g has 2R = 2 C_g + W_g + 1, and the variance term of each space becomes
// W (W^2 - 1) - sum_g (W_g^3 - W_g), so rho = 3 (S - W (W + 1)^2) / sqrt(D_audio D_latent).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/metrics/consistency.hpp"
#include "pooled_lanes.hpp"
#include "radix_sort.hpp"

namespace nnr::metrics {
namespace {

using detail::kBlock;
using detail::kBlockBits;
using detail::kMaxLanes;
using detail::kLatentBlock;
using detail::Plan;
using detail::KeyIndex;
using detail::radix_sort;
using detail::sort_key;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ typedef unsigned __int128 u128;  // exact sums past 2^64 (GCC/Clang)
__extension__ typedef __int128 i128;

// One space's pooled values sorted once: entry indices in value order and the starts of tie groups.
struct SortedPool {
  std::vector<std::uint32_t> order;   // entry index (row * N + col), ascending value; ties by index
  std::vector<std::uint32_t> row_of;  // row of order[k]
  std::vector<std::uint32_t> group;   // start positions of tie groups, plus order.size() at the end
  bool no_ties() const { return group.size() == order.size() + 1; }
};

SortedPool sort_pool(const MatrixD& d) {
  SortedPool p;
  const std::size_t m = d.data.size();
  if (m >= std::numeric_limits<std::uint32_t>::max()) throw_input("metrics: pooled matrix too large");
  // Per-thread buffers, reused by the next pool this thread sorts (a fresh 16 MB is 4,000 page faults).
  thread_local std::vector<KeyIndex> v, tmp;
  v.resize(m);
  for (std::size_t k = 0; k < m; ++k) {
    if (std::isnan(d.data[k])) throw_input("metrics: NaN distance in pooled Spearman");
    v[k] = {sort_key(d.data[k]), static_cast<std::uint32_t>(k)};
  }
  radix_sort(v, tmp);
  p.order.resize(m);
  p.row_of.resize(m);
  p.group.reserve(m + 1);
  const std::uint32_t cols = static_cast<std::uint32_t>(d.cols);
  for (std::size_t k = 0; k < m; ++k) {
    p.order[k] = v[k].index;
    p.row_of[k] = v[k].index / cols;
    if (k == 0 || v[k].key != v[k - 1].key) p.group.push_back(static_cast<std::uint32_t>(k));
  }
  p.group.push_back(static_cast<std::uint32_t>(m));
  return p;
}

// S = sum w (2 R_a)(2 R_l) in integers. The latent pass's values reach audio order through a
// plan made once: the latent pass writes each value to its slot in one of ~m / 2^15 buckets (one bucket
// per block of 2^13 audio positions: sequential write streams), and the audio pass first spreads its
// block's bucket into a block-sized buffer that stays in L2. No access strays outside a cache-sized
// window, unlike a plain scatter or gather over the whole matrix (2.3 ms per resample at 10^6 entries).
// Uninitialised per-thread scratch, leased from a process-wide pool so the next call reuses the pages:
// a fresh 64 MB buffer is 16,000 page faults, which on the measured VM cost more than 16 resamples.
// Every word is written before it is read.
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { give_back(); }
  void reset(std::size_t words) {
    give_back();
    std::lock_guard<std::mutex> lock(pool_mutex());
    auto& pool = free_buffers();
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (pool[i].second >= words) {
        data_ = std::move(pool[i].first);
        size_ = pool[i].second;
        pool.erase(pool.begin() + static_cast<long>(i));
        return;
      }
    data_.reset(new std::uint64_t[words + 8]);
    size_ = words;
  }
  // 64-byte aligned: a lane row of 32 lanes (2 bytes each) is then exactly one cache line.
  std::uint64_t* data() {
    const auto p = reinterpret_cast<std::uintptr_t>(data_.get());
    return reinterpret_cast<std::uint64_t*>((p + 63) & ~std::uintptr_t{63});
  }
  std::size_t size() const { return size_; }

 private:
  using Buffer = std::pair<std::unique_ptr<std::uint64_t[]>, std::size_t>;
  static std::mutex& pool_mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<Buffer>& free_buffers() {
    static std::vector<Buffer> pool;
    return pool;
  }
  void give_back() {
    if (!data_) return;
    std::lock_guard<std::mutex> lock(pool_mutex());
    auto& pool = free_buffers();
    if (pool.size() < 8) pool.emplace_back(std::move(data_), size_);  // a few threads' worth
    data_.reset();
    size_ = 0;
  }
  std::unique_ptr<std::uint64_t[]> data_;
  std::size_t size_ = 0;
};

class RankPass {
 public:
  RankPass(const SortedPool& pa, const SortedPool& pl, std::size_t cols) : cols_(cols) {
    const std::size_t m = pa.order.size();
    rows_l_ = pl.row_of;
    rows_a_ = pa.row_of;
    for (std::size_t g = 0; g + 1 < pl.group.size(); ++g)
      if (pl.group[g + 1] - pl.group[g] > 1) ties_l_.insert(ties_l_.end(), {pl.group[g], pl.group[g + 1]});
    for (std::size_t g = 0; g + 1 < pa.group.size(); ++g)
      if (pa.group[g + 1] - pa.group[g] > 1) ties_a_.insert(ties_a_.end(), {pa.group[g], pa.group[g + 1]});
    std::vector<std::uint32_t> apos(m);  // audio position of each entry
    for (std::size_t k = 0; k < m; ++k) apos[pa.order[k]] = static_cast<std::uint32_t>(k);
    const std::size_t blocks = (m + kBlock - 1) / kBlock;
    block_start_.assign(blocks + 1, 0);
    for (std::size_t k = 0; k < m; ++k) ++block_start_[(apos[pl.order[k]] >> kBlockBits) + 1];
    for (std::size_t b = 0; b < blocks; ++b) block_start_[b + 1] += block_start_[b];
    std::vector<std::uint32_t> fill(block_start_.begin(), block_start_.end() - 1);
    slot_of_l_.resize(m);
    offset_in_block_.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      const std::uint32_t dst = apos[pl.order[k]];
      const std::uint32_t slot = fill[dst >> kBlockBits]++;
      slot_of_l_[k] = slot;
      offset_in_block_[slot] = static_cast<std::uint16_t>(dst & (kBlock - 1));
    }
    // Latent blocks of at least kLatentBlock entries, each starting at a tie group's start (pl.group), so a
    // tie group's one rank never straddles two blocks' prefixes.
    latent_block_start_.push_back(0);
    for (std::size_t g = 0; g + 1 < pl.group.size(); ++g)
      if (pl.group[g] >= latent_block_start_.back() + kLatentBlock) latent_block_start_.push_back(pl.group[g]);
    if (m > 0) latent_block_start_.push_back(static_cast<std::uint32_t>(m));
    for (std::size_t J = 0; J + 1 < latent_block_start_.size(); ++J)
      longest_latent_block_ = std::max<std::size_t>(longest_latent_block_,
                                                    latent_block_start_[J + 1] - latent_block_start_[J]);
    if (latent_blocks() <= 0xffff) {
      latent_block_of_a_.resize(m);
      for (std::size_t J = 0; J < latent_blocks(); ++J)
        for (std::size_t k = latent_block_start_[J]; k < latent_block_start_[J + 1]; ++k)
          latent_block_of_a_[apos[pl.order[k]]] = static_cast<std::uint16_t>(J);
    }
  }

  /// Scratch per thread (64-bit words): one resample at a time, or kMaxLanes at once when that fits 512 MB.
  std::size_t scratch_words(bool one_at_a_time) const {
    const std::size_t m = rows_a_.size();
    return batched() && !one_at_a_time ? lanes_buffer_words() + lanes_local_words() + lanes_prefix_words()
                                       : m + kBlock;
  }
  /// Resamples per call of rho() that share one pass.
  std::size_t lanes() const { return kernel.lanes; }
  bool batched() const { return rows_a_.size() <= (std::size_t{1} << 23) && !latent_block_of_a_.empty(); }

  /// rho of each resample in counts[0..count), written to out.
  void rho(const std::vector<std::uint32_t>* counts, std::size_t count, double* out, Scratch& scratch) const {
    const u128 W = rows_a_.size();  // the counts sum to Q, each row has N entries
    std::uint64_t wmax = 0;
    for (std::size_t r = 0; r < count; ++r)
      for (std::uint32_t ci : counts[r]) wmax = std::max<std::uint64_t>(wmax, ci);
    // Rank values fit uint32 while max(w) (2 W + 1) < 2^32, the sum uint64 while W (2 W + 1)^2 < 2^64
    // (Q N up to ~1.6 M entries); wider types beyond.
    const bool narrow = static_cast<u128>(wmax) * (2 * W + 1) < (u128{1} << 32) &&
                        W * (2 * W + 1) * (2 * W + 1) < (u128{1} << 64);
    u128 S[kMaxLanes];
    bool lane_ties = false;  // tie terms from the lane kernel (else tie_correction, one resample at a time)
    std::uint64_t ties_l[kMaxLanes], ties_a[kMaxLanes];
    // The lane kernel's 16-bit hand-over holds 2 (a block's weight) + 1 (pooled_lanes.hpp).
    const bool short_values = wmax * (2 * longest_latent_block_) + 1 < (std::uint64_t{1} << 16) && wmax < 1626;
    if (narrow && short_values && batched() && count <= kernel.lanes && scratch.size() >= scratch_words(false)) {
      const std::size_t n = counts[0].size(), lanes = kernel.lanes;
      std::vector<std::uint16_t> ctab(n * lanes, 0);  // spare lanes: zero weights, discarded
      for (std::size_t r = 0; r < count; ++r)
        for (std::size_t i = 0; i < n; ++i) ctab[i * lanes + r] = static_cast<std::uint16_t>(counts[r][i]);
      std::uint64_t* words = scratch.data();
      auto* buf = reinterpret_cast<std::uint16_t*>(words);
      auto* local = reinterpret_cast<std::uint16_t*>(words + lanes_buffer_words());
      auto* prefix = reinterpret_cast<std::uint32_t*>(words + lanes_buffer_words() + lanes_local_words());
      const Plan plan = this->plan();
      std::uint64_t s[kMaxLanes];
      kernel.run(plan, ctab.data(), buf, local, prefix, s, ties_l, ties_a);
      for (std::size_t r = 0; r < count; ++r) S[r] = s[r];
      lane_ties = true;
    } else {
      for (std::size_t r = 0; r < count; ++r)
        S[r] = narrow ? cross_sum<std::uint32_t, std::uint64_t>(counts[r].data(), scratch.data())
                      : cross_sum<std::uint64_t, u128>(counts[r].data(), scratch.data());
    }
    for (std::size_t r = 0; r < count; ++r) {
      const std::uint32_t* c = counts[r].data();
      u128 T = 0;  // every entry its own group: N sum_i (c_i^3 - c_i)
      for (std::uint32_t ci : counts[r]) T += static_cast<u128>(ci) * (static_cast<u128>(ci) * ci - 1);
      T *= cols_;
      const i128 full = static_cast<i128>(W * (W * W - 1));
      const u128 ta = lane_ties ? ties_a[r] : tie_correction(ties_a_, rows_a_, c);
      const u128 tl = lane_ties ? ties_l[r] : tie_correction(ties_l_, rows_l_, c);
      const i128 da = full - static_cast<i128>(T + ta);
      const i128 dl = full - static_cast<i128>(T + tl);
      const i128 num = 3 * (static_cast<i128>(S[r]) - static_cast<i128>(W * (W + 1) * (W + 1)));
      // D <= 0: a constant side (one row resampled with N = 1, or every value tied)
      if (da <= 0 || dl <= 0)
        out[r] = kNaN;
      else if (da == dl)  // no ties: one exact denominator
        out[r] = static_cast<double>(static_cast<long double>(num) / static_cast<long double>(da));
      else
        out[r] = static_cast<double>(static_cast<long double>(num) /
                                     (std::sqrt(static_cast<long double>(da)) * std::sqrt(static_cast<long double>(dl))));
    }
  }

 private:
  Plan plan() const {
    return Plan{rows_l_.data(),
                slot_of_l_.data(),
                rows_a_.data(),
                block_start_.data(),
                offset_in_block_.data(),
                rows_a_.size(),
                block_start_.size() - 1,
                ties_l_.data(),
                ties_a_.data(),
                ties_l_.size() / 2,
                ties_a_.size() / 2,
                latent_block_start_.data(),
                latent_block_of_a_.data(),
                latent_blocks()};
  }
  std::size_t latent_blocks() const { return latent_block_start_.empty() ? 0 : latent_block_start_.size() - 1; }
  // The lane kernel's scratch, in 64-bit words, each part a whole number of cache lines (kLanes 16-bit
  // values are one line).
  std::size_t lanes_buffer_words() const { return rows_a_.size() * kMaxLanes / 4; }
  std::size_t lanes_local_words() const { return kBlock * kMaxLanes / 4; }
  std::size_t lanes_prefix_words() const { return (latent_blocks() + 1) * kMaxLanes / 2; }

  // sum over tie groups of (W_g^3 - W_g) - sum of their entries' (w^3 - w): the variance term's change.
  static u128 tie_correction(const std::vector<std::uint32_t>& ties, const std::vector<std::uint32_t>& rows,
                             const std::uint32_t* c) {
    i128 d = 0;
    for (std::size_t g = 0; g < ties.size(); g += 2) {
      i128 wg = 0, single = 0;
      for (std::uint32_t k = ties[g]; k < ties[g + 1]; ++k) {
        const i128 w = c[rows[k]];
        wg += w;
        single += w * w * w - w;
      }
      d += wg * wg * wg - wg - single;
    }
    return static_cast<u128>(d);  // >= 0: (a + b)^3 >= a^3 + b^3
  }

  template <typename Rank, typename Sum>
  Sum cross_sum(const std::uint32_t* c, std::uint64_t* scratch) const {
    const std::size_t m = rows_a_.size();
    Rank* buf = reinterpret_cast<Rank*>(scratch);
    Rank* local = buf + m;
    const std::uint32_t* rows_l = rows_l_.data();
    const std::uint32_t* slot = slot_of_l_.data();
    std::uint64_t cum = 0;
    std::size_t g = 0;
    for (std::size_t k = 0; k < m;) {  // latent order: w (2 R_l) into its bucket slot
      std::size_t end = k + 1;
      std::uint64_t wg = c[rows_l[k]];
      if (g < ties_l_.size() && k == ties_l_[g]) {  // a tie group: one rank from its total weight
        end = ties_l_[g + 1];
        wg = 0;
        for (std::size_t t = k; t < end; ++t) wg += c[rows_l[t]];
        g += 2;
      }
      for (; k < end; ++k) buf[slot[k]] = static_cast<Rank>(std::uint64_t{c[rows_l[k]]} * (2 * cum + wg + 1));
      cum += wg;
    }
    Sum s = 0;
    cum = 0;
    g = 0;
    std::size_t group_end = 0;
    std::uint64_t group_r2 = 0, cum_after = 0;
    const std::uint32_t* rows_a = rows_a_.data();
    const std::uint16_t* offset = offset_in_block_.data();
    for (std::size_t b = 0; b + 1 < block_start_.size(); ++b) {
      for (std::uint32_t t = block_start_[b]; t < block_start_[b + 1]; ++t) local[offset[t]] = buf[t];
      const std::size_t base = b * kBlock, end = std::min(m, base + kBlock);
      for (std::size_t k = base; k < end; ++k) {  // audio order: 2 R_a times it
        if (g < ties_a_.size() && k == ties_a_[g]) {
          group_end = ties_a_[g + 1];
          std::uint64_t wg = 0;
          for (std::size_t t = k; t < group_end; ++t) wg += c[rows_a[t]];
          group_r2 = 2 * cum + wg + 1;
          cum_after = cum + wg;
          g += 2;
        }
        const std::uint64_t w = c[rows_a[k]];
        s += static_cast<Sum>(k < group_end ? group_r2 : 2 * cum + w + 1) * local[k - base];
        if (k < group_end) {
          if (k + 1 == group_end) cum = cum_after;
        } else {
          cum += w;
        }
      }
    }
    return s;
  }

  detail::PooledLanesKernel kernel = detail::pooled_lanes_kernel();
  std::size_t cols_;
  std::vector<std::uint32_t> rows_l_, rows_a_, slot_of_l_, block_start_, ties_l_, ties_a_, latent_block_start_;
  std::vector<std::uint16_t> offset_in_block_, latent_block_of_a_;
  std::size_t longest_latent_block_ = 0;
};

}  // namespace

struct SortedDistances::Pool {
  SortedPool p;
};

SortedDistances::SortedDistances(const MatrixD& d) : rows_(d.rows), cols_(d.cols) {
  auto pool = std::make_shared<Pool>();
  if (!d.data.empty()) pool->p = sort_pool(d);
  pool_ = std::move(pool);
}

struct PooledSpearman::Impl {
  std::shared_ptr<const SortedDistances::Pool> audio, latent;  // keeps the shared pools alive
  const SortedPool& pa() const { return audio->p; }
  const SortedPool& pl() const { return latent->p; }
  std::unique_ptr<RankPass> pass;
  std::size_t rows = 0, m = 0;
  double value = kNaN;
};

PooledSpearman::PooledSpearman(const MatrixD& audio, const MatrixD& latent)
    : PooledSpearman(SortedDistances(audio), SortedDistances(latent)) {}

PooledSpearman::PooledSpearman(const SortedDistances& audio, const SortedDistances& latent)
    : impl_(std::make_unique<Impl>()) {
  if (audio.rows() != latent.rows() || audio.cols() != latent.cols())
    throw_input("metrics: pooled Spearman needs matrices of the same shape (audio=" + std::to_string(audio.rows()) +
                "x" + std::to_string(audio.cols()) + ", latent=" + std::to_string(latent.rows()) + "x" +
                std::to_string(latent.cols()) + ")");
  Impl& s = *impl_;
  s.audio = audio.pool_;
  s.latent = latent.pool_;
  s.rows = audio.rows();
  s.m = audio.rows() * audio.cols();
  if (s.m == 0) return;
  s.pass = std::make_unique<RankPass>(s.pa(), s.pl(), audio.cols());
  Scratch scratch;
  scratch.reset(s.pass->scratch_words(true));
  const std::vector<std::uint32_t> ones(s.rows, 1);  // all weights 1 = the plain pooled ρ
  s.pass->rho(&ones, 1, &s.value, scratch);
}

PooledSpearman::~PooledSpearman() = default;

double PooledSpearman::value() const { return impl_->value; }

std::vector<double> PooledSpearman::resamples(std::uint64_t seed, std::size_t B, int threads) const {
  const Impl& s = *impl_;
  std::vector<double> stats(B, kNaN);
  if (s.m == 0 || B == 0) return stats;
  // Batches of the lane kernel's width, spread over the threads; every resample's value is exact integer
  // arithmetic of its own counts, so the batching and the thread count never change a bit.
  const std::size_t lanes = s.pass->lanes();
  const std::size_t batches = (B + lanes - 1) / lanes;
  const auto workers = std::min<std::size_t>(batches, static_cast<std::size_t>(resolve_threads(threads)));
  parallel_for(0, workers, static_cast<int>(workers), [&](std::size_t t) {
    Scratch scratch;
    scratch.reset(s.pass->scratch_words(false));
    std::vector<std::uint32_t> counts[kMaxLanes];
    for (std::size_t batch = t; batch < batches; batch += workers) {
      const std::size_t b0 = batch * lanes, count = std::min(lanes, B - b0);
      for (std::size_t r = 0; r < count; ++r) counts[r] = resample_counts(s.rows, seed, b0 + r);
      s.pass->rho(counts, count, stats.data() + b0, scratch);
    }
  });
  return stats;
}

Estimate bootstrap_pooled_spearman(const SortedDistances& audio, const SortedDistances& latent,
                                   const BootstrapOptions& o) {
  const PooledSpearman pooled(audio, latent);
  Estimate e;
  e.n = audio.rows();
  e.value = pooled.value();
  e.ci_low = e.ci_high = kNaN;
  if (o.resamples <= 0 || audio.rows() * audio.cols() == 0) return e;
  const auto stats = pooled.resamples(o.seed, static_cast<std::size_t>(o.resamples), o.threads);
  e.ci_low = percentile(stats, 50.0 * (1.0 - o.level));
  e.ci_high = percentile(stats, 50.0 * (1.0 + o.level));
  return e;
}

Estimate bootstrap_pooled_spearman(const MatrixD& audio, const MatrixD& latent, const BootstrapOptions& o) {
  if (audio.rows != latent.rows || audio.cols != latent.cols)
    throw_input("metrics: pooled Spearman needs matrices of the same shape (audio=" + std::to_string(audio.rows) +
                "x" + std::to_string(audio.cols) + ", latent=" + std::to_string(latent.rows) + "x" +
                std::to_string(latent.cols) + ")");
  return bootstrap_pooled_spearman(SortedDistances(audio), SortedDistances(latent), o);
}

}  // namespace nnr::metrics
