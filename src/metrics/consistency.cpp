#include "nnr/metrics/consistency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "radix_sort.hpp"

namespace nnr::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::vector<std::size_t> own_columns(const std::vector<std::size_t>& own, const MatrixD& d) {
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

namespace {

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

}  // namespace

std::vector<std::uint8_t> delta(const MatrixD& d, const std::vector<std::size_t>& own_in) {
  if (d.cols == 0) throw_input("metrics: delta needs at least one original (N=0)");
  const auto own = own_columns(own_in, d);
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
  if (n >= std::numeric_limits<std::uint32_t>::max()) throw_input("metrics: too many values to rank");
  thread_local std::vector<detail::KeyIndex> v, tmp;
  v.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i])) throw_input("metrics: NaN value in Spearman ranks (index=" + std::to_string(i) + ")");
    v[i] = {detail::sort_key(x[i]), static_cast<std::uint32_t>(i)};
  }
  detail::radix_sort(v, tmp);
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && v[j].key == v[i].key) ++j;  // equal keys <=> equal values (-0 == +0)
    const double r = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k) rank[v[k].index] = r;
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
                                      const std::vector<std::size_t>& own_in, int threads) {
  check_same_shape(audio, latent, "per-clip Spearman");
  const auto own = own_columns(own_in, audio);
  std::vector<double> out(audio.rows, kNaN);
  parallel_for(0, audio.rows, threads, [&](std::size_t i) {
    std::vector<double> a, l;
    a.reserve(audio.cols);
    l.reserve(audio.cols);
    for (std::size_t j = 0; j < audio.cols; ++j) {
      if (j == own[i]) continue;  // eq. 11: distances to the OTHER originals
      a.push_back(audio(i, j));
      l.push_back(latent(i, j));
    }
    out[i] = spearman(a.data(), l.data(), a.size());
  }, 8);
  return out;
}

double pooled_spearman(const MatrixD& audio, const MatrixD& latent) {
  check_same_shape(audio, latent, "pooled Spearman");
  return spearman(audio.data.data(), latent.data.data(), audio.data.size());
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
