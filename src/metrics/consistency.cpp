#include "nnr/metrics/consistency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"

namespace nnr::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::size_t> own_or_identity(const std::vector<std::size_t>& own, const MatrixD& d) {
  if (own.empty()) {
    if (d.rows > d.cols)
      throw_input("metrics: distance matrix has more rows than columns and no own-original index (shape=" +
                  std::to_string(d.rows) + "x" + std::to_string(d.cols) + ")");
    std::vector<std::size_t> id(d.rows);
    std::iota(id.begin(), id.end(), std::size_t{0});
    return id;
  }
  if (own.size() != d.rows)
    throw_input("metrics: own-original index has " + std::to_string(own.size()) + " entries for " +
                std::to_string(d.rows) + " rows");
  for (std::size_t o : own)
    if (o >= d.cols) throw_input("metrics: own-original column out of range (own=" + std::to_string(o) + ")");
  return own;
}

void check_same_shape(const MatrixD& a, const MatrixD& b, const char* what) {
  if (a.rows != b.rows || a.cols != b.cols)
    throw_input(std::string("metrics: ") + what + " needs matrices of the same shape (audio=" +
                std::to_string(a.rows) + "x" + std::to_string(a.cols) + ", latent=" + std::to_string(b.rows) +
                "x" + std::to_string(b.cols) + ")");
}

double pearson(const double* x, const double* y, std::size_t n) {
  if (n < 2) return kNaN;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = x[i] - mx, b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx <= 0 || syy <= 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

// One space's pooled values sorted once: entry indices in value order and the starts of tie groups.
struct SortedPool {
  std::vector<std::uint32_t> order;   // entry index (row * N + col), ascending value
  std::vector<std::uint32_t> row_of;  // row of order[k]
  std::vector<std::uint32_t> group;   // start positions of tie groups, plus order.size() at the end
  bool no_ties() const { return group.size() == order.size() + 1; }
};

SortedPool sort_pool(const MatrixD& d) {
  SortedPool p;
  const std::size_t m = d.data.size();
  if (m >= std::numeric_limits<std::uint32_t>::max()) throw_input("metrics: pooled matrix too large");
  for (double v : d.data)
    if (std::isnan(v)) throw_input("metrics: NaN distance in pooled Spearman");
  // Sort (value, index) pairs contiguously: far fewer cache misses than an index sort with a comparator.
  std::vector<std::pair<double, std::uint32_t>> vi(m);
  for (std::size_t k = 0; k < m; ++k) vi[k] = {d.data[k], static_cast<std::uint32_t>(k)};
  std::sort(vi.begin(), vi.end());
  p.order.resize(m);
  for (std::size_t k = 0; k < m; ++k) p.order[k] = vi[k].second;
  p.row_of.resize(m);
  for (std::size_t k = 0; k < m; ++k) p.row_of[k] = static_cast<std::uint32_t>(p.order[k] / d.cols);
  for (std::size_t k = 0; k < m; ++k)
    if (k == 0 || vi[k].first != vi[k - 1].first) p.group.push_back(static_cast<std::uint32_t>(k));
  p.group.push_back(static_cast<std::uint32_t>(m));
  return p;
}

// Weighted sums of (audio rank, latent rank) pairs and their Pearson correlation: what both pooled
// passes accumulate, in the same operation order (so they agree bit for bit).
struct WeightedRankMoments {
  double sw = 0, sa = 0, sl = 0, saa = 0, sll = 0, sal = 0;
  void add(double w, double ra, double rl) {
    sw += w;
    sa += w * ra;
    sl += w * rl;
    saa += w * ra * ra;
    sll += w * rl * rl;
    sal += w * ra * rl;
  }
  double rho() const {
    const double cov = sal - sa * sl / sw, va = saa - sa * sa / sw, vl = sll - sl * sl / sw;
    return (va > 0 && vl > 0) ? cov / std::sqrt(va * vl) : std::numeric_limits<double>::quiet_NaN();
  }
};

// Pooled Spearman of a resample that repeats row r counts[r] times, without re-sorting. In the multiset,
// the tie group g (in value order) holding total weight W_g after cumulative weight C_g has average rank
// C_g + (W_g + 1) / 2. Latent ranks are written in latent order (sequential), then read once per entry
// while walking the audio order (one gather), so the pass is memory-bound on ~5 sequential streams.
// RankT = float is exact while ranks < 2^23 (halves included); the caller picks double beyond.
template <typename RankT>
double pooled_rho_weighted_ties(const SortedPool& pa, const SortedPool& pl,
                                const std::vector<std::uint32_t>& lpos_of_a,
                                const std::vector<std::uint32_t>& counts, std::vector<RankT>& rl_sorted) {
  double cum = 0.0;
  for (std::size_t g = 0; g + 1 < pl.group.size(); ++g) {
    const std::uint32_t b = pl.group[g], e = pl.group[g + 1];
    double w = 0.0;
    for (std::uint32_t k = b; k < e; ++k) w += counts[pl.row_of[k]];
    const auto r = static_cast<RankT>(cum + (w + 1.0) / 2.0);
    for (std::uint32_t k = b; k < e; ++k) rl_sorted[k] = r;
    cum += w;
  }
  WeightedRankMoments sums;
  cum = 0.0;
  for (std::size_t g = 0; g + 1 < pa.group.size(); ++g) {
    const std::uint32_t b = pa.group[g], e = pa.group[g + 1];
    double w = 0.0;
    for (std::uint32_t k = b; k < e; ++k) w += counts[pa.row_of[k]];
    if (w == 0.0) continue;
    const double ra = cum + (w + 1.0) / 2.0;
    for (std::uint32_t k = b; k < e; ++k) {
      const double wk = counts[pa.row_of[k]];
      if (wk == 0.0) continue;
      sums.add(wk, ra, static_cast<double>(rl_sorted[lpos_of_a[k]]));
    }
    cum += w;
  }
  return sums.rho();
}

// The same without ties (continuous distances: every group is one entry), branch-free: a zero weight adds
// exact zeros, and cumulative weights are exact integers, so the sums, and the result, are bit-identical to
// the general pass (measured 3.5x faster than it; it branches per entry on zero weights). The gather of
// the latent rank is the only random access; it is prefetched ahead. (Interleaved partial sums measured no
// faster on this machine and would give up the bit identity.)
template <typename RankT>
double pooled_rho_weighted_distinct(const SortedPool& pa, const SortedPool& pl,
                                    const std::vector<std::uint32_t>& lpos_of_a,
                                    const std::vector<std::uint32_t>& counts, std::vector<RankT>& rl_sorted) {
  const std::size_t m = pl.order.size();
  const std::uint32_t* rows_l = pl.row_of.data();
  const std::uint32_t* rows_a = pa.row_of.data();
  const std::uint32_t* lpos = lpos_of_a.data();
  const std::uint32_t* c = counts.data();
  RankT* rl = rl_sorted.data();
  std::uint64_t cum = 0;
  for (std::size_t k = 0; k < m; ++k) {
    const std::uint32_t w = c[rows_l[k]];
    rl[k] = static_cast<RankT>(static_cast<double>(cum) + (static_cast<double>(w) + 1.0) / 2.0);
    cum += w;
  }
  constexpr std::size_t kAhead = 48;
  WeightedRankMoments sums;
  cum = 0;
  for (std::size_t k = 0; k < m; ++k) {
    if (k + kAhead < m) __builtin_prefetch(rl + lpos[k + kAhead]);
    const std::uint32_t wi = c[rows_a[k]];
    const double wk = wi;
    const double ra = static_cast<double>(cum) + (wk + 1.0) / 2.0;
    cum += wi;
    sums.add(wk, ra, static_cast<double>(rl[lpos[k]]));
  }
  return sums.rho();
}

template <typename RankT>
double pooled_rho_weighted(const SortedPool& pa, const SortedPool& pl, const std::vector<std::uint32_t>& lpos_of_a,
                           const std::vector<std::uint32_t>& counts, std::vector<RankT>& rl_sorted) {
  if (pa.no_ties() && pl.no_ties()) return pooled_rho_weighted_distinct(pa, pl, lpos_of_a, counts, rl_sorted);
  return pooled_rho_weighted_ties(pa, pl, lpos_of_a, counts, rl_sorted);
}

}  // namespace

std::vector<std::uint8_t> delta(const MatrixD& d, const std::vector<std::size_t>& own_in) {
  if (d.cols == 0) throw_input("metrics: delta needs at least one original (N=0)");
  const auto own = own_or_identity(own_in, d);
  std::vector<std::uint8_t> out(d.rows, 1);
  for (std::size_t i = 0; i < d.rows; ++i) {
    const double* r = d.row(i);
    const double self = r[own[i]];
    if (std::isnan(self)) continue;
    bool ok = true;
    for (std::size_t j = 0; j < d.cols && ok; ++j)
      if (j != own[i] && !(self < r[j])) ok = false;  // NaN or tie -> error
    out[i] = ok ? 0 : 1;
  }
  return out;
}

double within_consistency(const std::vector<std::uint8_t>& delta) {
  if (delta.empty()) return kNaN;
  std::size_t errors = 0;
  for (auto v : delta) errors += v ? 1 : 0;
  return 1.0 - static_cast<double>(errors) / static_cast<double>(delta.size());
}

std::vector<double> agreement(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& l) {
  if (a.size() != l.size())
    throw_input("metrics: agreement needs equal sizes (audio=" + std::to_string(a.size()) +
                ", latent=" + std::to_string(l.size()) + ")");
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = (a[i] != 0) == (l[i] != 0) ? 1.0 : 0.0;
  return out;
}

double between_accuracy(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& l) {
  const auto ag = agreement(a, l);
  if (ag.empty()) return kNaN;
  return std::accumulate(ag.begin(), ag.end(), 0.0) / static_cast<double>(ag.size());
}

std::vector<double> average_ranks(const double* x, std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = 0; i < n; ++i)
    if (std::isnan(x[i])) throw_input("metrics: NaN value in Spearman ranks (index=" + std::to_string(i) + ")");
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && x[order[j]] == x[order[i]]) ++j;
    const double r = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k) rank[order[k]] = r;
    i = j;
  }
  return rank;
}

double spearman(const double* x, const double* y, std::size_t n) {
  if (n < 2) return kNaN;
  const auto rx = average_ranks(x, n), ry = average_ranks(y, n);
  return pearson(rx.data(), ry.data(), n);
}

std::vector<double> per_clip_spearman(const MatrixD& audio, const MatrixD& latent,
                                      const std::vector<std::size_t>& own_in) {
  check_same_shape(audio, latent, "per-clip Spearman");
  const auto own = own_or_identity(own_in, audio);
  std::vector<double> out(audio.rows, kNaN);
  std::vector<double> a, l;
  for (std::size_t i = 0; i < audio.rows; ++i) {
    a.clear();
    l.clear();
    for (std::size_t j = 0; j < audio.cols; ++j) {
      if (j == own[i]) continue;  // eq. 11: distances to the OTHER originals
      a.push_back(audio(i, j));
      l.push_back(latent(i, j));
    }
    out[i] = spearman(a.data(), l.data(), a.size());
  }
  return out;
}

double pooled_spearman(const MatrixD& audio, const MatrixD& latent) {
  check_same_shape(audio, latent, "pooled Spearman");
  return spearman(audio.data.data(), latent.data.data(), audio.data.size());
}

Estimate bootstrap_pooled_spearman(const MatrixD& audio, const MatrixD& latent, const BootstrapOptions& o) {
  check_same_shape(audio, latent, "pooled Spearman");
  Estimate e;
  e.n = audio.rows;
  e.value = e.ci_low = e.ci_high = kNaN;
  if (audio.rows == 0 || audio.cols == 0) return e;
  const SortedPool pa = sort_pool(audio), pl = sort_pool(latent);
  const std::size_t m = audio.data.size();
  std::vector<std::uint32_t> lpos(m), lpos_of_a(m);
  for (std::size_t k = 0; k < m; ++k) lpos[pl.order[k]] = static_cast<std::uint32_t>(k);
  for (std::size_t k = 0; k < m; ++k) lpos_of_a[k] = lpos[pa.order[k]];
  std::vector<std::uint32_t>().swap(lpos);
  const bool exact_float = m < (std::size_t{1} << 22);
  auto rho = [&](const std::vector<std::uint32_t>& counts, std::vector<float>& rf, std::vector<double>& rd) {
    return exact_float ? pooled_rho_weighted(pa, pl, lpos_of_a, counts, rf)
                       : pooled_rho_weighted(pa, pl, lpos_of_a, counts, rd);
  };
  {
    std::vector<float> rf(exact_float ? m : 0);
    std::vector<double> rd(exact_float ? 0 : m);
    e.value = rho(std::vector<std::uint32_t>(audio.rows, 1), rf, rd);  // all weights 1 = plain pooled ρ
  }
  if (o.resamples <= 0) return e;
  const std::size_t B = static_cast<std::size_t>(o.resamples);
  std::vector<double> stats(B, kNaN);
  const auto workers = std::min<std::size_t>(B, static_cast<std::size_t>(resolve_threads(o.threads)));
  parallel_for(0, workers, static_cast<int>(workers), [&](std::size_t t) {
    std::vector<float> rf(exact_float ? m : 0);
    std::vector<double> rd(exact_float ? 0 : m);
    for (std::size_t b = t; b < B; b += workers) stats[b] = rho(resample_counts(audio.rows, o.seed, b), rf, rd);
  });
  e.ci_low = percentile(stats, 50.0 * (1.0 - o.level));
  e.ci_high = percentile(stats, 50.0 * (1.0 + o.level));
  return e;
}

Estimate within_space(const MatrixD& d, const BootstrapOptions& o, const std::vector<std::size_t>& own) {
  const auto dl = delta(d, own);
  std::vector<double> consistent(dl.size());
  for (std::size_t i = 0; i < dl.size(); ++i) consistent[i] = dl[i] ? 0.0 : 1.0;
  BootstrapOptions oo = o;
  oo.seed = derive_seed(o.seed, "C_W");
  return bootstrap_mean(consistent, oo);
}

BetweenSpace between_space(const MatrixD& audio, const MatrixD& latent, const BootstrapOptions& o,
                           const std::vector<std::size_t>& own) {
  check_same_shape(audio, latent, "between-space consistency");
  BetweenSpace r;
  BootstrapOptions oo = o;
  oo.seed = derive_seed(o.seed, "C_B_acc");
  r.c_b_acc = bootstrap_mean(agreement(delta(audio, own), delta(latent, own)), oo);
  oo.seed = derive_seed(o.seed, "C_B_rho", "per_clip");
  r.c_b_rho_per_clip = bootstrap_mean(per_clip_spearman(audio, latent, own), oo);
  oo.seed = derive_seed(o.seed, "C_B_rho", "pooled");
  r.c_b_rho_pooled = bootstrap_pooled_spearman(audio, latent, oo);
  return r;
}

}  // namespace nnr::metrics
