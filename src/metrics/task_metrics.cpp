#include "nnr/metrics/task_metrics.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nnr/core/error.hpp"

namespace nnr::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double safe_db(double num, double den) {
  if (den == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(num / den);
}

bool all_zero(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != 0.0f) return false;
  return true;
}

}  // namespace

double mse(const float* a, const float* b, std::size_t n) {
  if (n == 0) return kNaN;
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    acc += d * d;
  }
  return acc / static_cast<double>(n);
}

double roc_auc(const float* scores, const std::uint8_t* labels, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(scores[i])) throw_input("metrics: NaN score in roc_auc (index=" + std::to_string(i) + ")");
    if (labels[i]) ++pos;
  }
  const std::size_t neg = n - pos;
  if (pos == 0 || neg == 0) return kNaN;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Mann–Whitney U with average (mid) ranks for ties.
  double rank_sum_pos = 0.0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double mid_rank = 0.5 * static_cast<double>(i + 1 + j);  // ranks i+1..j, 1-based
    for (std::size_t k = i; k < j; ++k)
      if (labels[order[k]]) rank_sum_pos += mid_rank;
    i = j;
  }
  const double p = static_cast<double>(pos), q = static_cast<double>(neg);
  return (rank_sum_pos - p * (p + 1.0) / 2.0) / (p * q);
}

std::vector<double> clip_aucs(const MatrixF& scores, const Matrix<std::uint8_t>& labels, bool drop_empty_tags) {
  if (scores.rows != labels.rows || scores.cols != labels.cols)
    throw_input("metrics: clip_aucs shape mismatch (scores=" + std::to_string(scores.rows) + "x" +
                std::to_string(scores.cols) + ", labels=" + std::to_string(labels.rows) + "x" +
                std::to_string(labels.cols) + ")");
  std::vector<std::size_t> keep;
  for (std::size_t j = 0; j < scores.cols; ++j) {
    bool any = !drop_empty_tags;
    for (std::size_t i = 0; i < labels.rows && !any; ++i) any = labels(i, j) != 0;
    if (any) keep.push_back(j);
  }
  std::vector<double> out(scores.rows, kNaN);
  std::vector<float> s(keep.size());
  std::vector<std::uint8_t> l(keep.size());
  for (std::size_t i = 0; i < scores.rows; ++i) {
    for (std::size_t k = 0; k < keep.size(); ++k) {
      s[k] = scores(i, keep[k]);
      l[k] = labels(i, keep[k]);
    }
    out[i] = roc_auc(s.data(), l.data(), keep.size());
  }
  return out;
}

double clipwise_auc(const MatrixF& scores, const Matrix<std::uint8_t>& labels, bool drop_empty_tags) {
  const auto per_clip = clip_aucs(scores, labels, drop_empty_tags);
  double sum = 0.0;
  std::size_t n = 0;
  for (double v : per_clip)
    if (!std::isnan(v)) {
      sum += v;
      ++n;
    }
  return n == 0 ? kNaN : sum / static_cast<double>(n);
}

double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth) {
  if (predicted.size() != truth.size())
    throw_input("metrics: accuracy size mismatch (predicted=" + std::to_string(predicted.size()) +
                ", truth=" + std::to_string(truth.size()) + ")");
  if (truth.empty()) return kNaN;
  std::size_t hit = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) hit += predicted[i] == truth[i] ? 1 : 0;
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

std::vector<int> argmax_rows(const MatrixF& scores) {
  std::vector<int> out(scores.rows, -1);
  for (std::size_t i = 0; i < scores.rows; ++i) {
    const float* r = scores.row(i);
    std::size_t best = 0;
    for (std::size_t j = 1; j < scores.cols; ++j)
      if (r[j] > r[best]) best = j;
    if (scores.cols > 0) out[i] = static_cast<int>(best);
  }
  return out;
}

double nan_median(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return kNaN;
  const std::size_t m = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(m), values.end());
  const double hi = values[m];
  if (values.size() % 2 == 1) return hi;
  const double lo = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(m));
  return 0.5 * (lo + hi);
}

BssEvalFrames bss_eval_v4(const std::vector<float>& reference, const std::vector<float>& estimate_in, int sr,
                          const BssEvalOptions& o) {
  if (reference.empty() || estimate_in.empty())
    throw_input("metrics: bss_eval_v4 needs non-empty signals (reference=" + std::to_string(reference.size()) +
                ", estimate=" + std::to_string(estimate_in.size()) + ")");
  if (sr <= 0 || !(o.window_s > 0) || !(o.hop_s > 0) || o.filters_len < 1)
    throw_input("metrics: bss_eval_v4 needs sr, window, hop and filters_len > 0 (sr=" + std::to_string(sr) + ")");
  const std::size_t n = reference.size();
  // museval's padding=True: the estimate is cut or zero-padded to the reference length.
  std::vector<float> est(n, 0.0f);
  std::copy_n(estimate_in.begin(), std::min(n, estimate_in.size()), est.begin());
  const float* s = reference.data();
  const float* e = est.data();

  BssEvalFrames out;
  out.window = static_cast<std::size_t>(std::llround(o.window_s * sr));
  out.hop = static_cast<std::size_t>(std::llround(o.hop_s * sr));
  if (out.window == 0 || out.hop == 0) throw_input("metrics: bss_eval_v4 window or hop rounds to 0 samples");
  const std::size_t nwin = out.window < n ? (n - out.window + out.hop) / out.hop : 1;

  // Whole-signal distortion filter (museval v4: framewise_filters=False).
  const std::size_t L = static_cast<std::size_t>(o.filters_len);
  Eigen::VectorXd c;
  const bool ref_silent = all_zero(s, n);
  if (o.decompose && !ref_silent) {
    Eigen::VectorXd r(L), d(L);
    for (std::size_t k = 0; k < L; ++k) {
      double acc_r = 0.0, acc_d = 0.0;
      for (std::size_t t = k; t < n; ++t) {
        acc_r += static_cast<double>(s[t - k]) * s[t];  // <s delayed by k, s>
        acc_d += static_cast<double>(s[t - k]) * e[t];  // <s delayed by k, ŝ>
      }
      r[static_cast<Eigen::Index>(k)] = acc_r;
      d[static_cast<Eigen::Index>(k)] = acc_d;
    }
    const auto Li = static_cast<Eigen::Index>(L);
    Eigen::MatrixXd G(Li, Li);
    for (Eigen::Index a = 0; a < Li; ++a)
      for (Eigen::Index b = 0; b < Li; ++b) G(a, b) = r[std::abs(a - b)];
    G.diagonal().array() += std::numeric_limits<double>::epsilon();
    c = G.ldlt().solve(d);
  }

  out.sdr.assign(nwin, kNaN);
  out.isr.assign(nwin, kNaN);
  out.sar.assign(nwin, kNaN);
  std::vector<double> sf;
  for (std::size_t t = 0; t < nwin; ++t) {
    const std::size_t a = std::min(t * out.hop, n);
    const std::size_t b = std::min(a + out.window, n);
    const std::size_t w = b - a;
    if (w == 0 || all_zero(s + a, w) || all_zero(e + a, w)) continue;
    double es = 0.0, err = 0.0;
    for (std::size_t i = a; i < b; ++i) {
      const double x = s[i], y = e[i];
      es += x * x;
      err += (y - x) * (y - x);
    }
    out.sdr[t] = safe_db(es, err);
    if (!o.decompose) continue;
    // s_f = c * s_frame (full convolution, w + L - 1 samples).
    sf.assign(w + L - 1, 0.0);
    for (std::size_t k = 0; k < L; ++k) {
      const double ck = c[static_cast<Eigen::Index>(k)];
      double* dst = sf.data() + k;
      for (std::size_t i = 0; i < w; ++i) dst[i] += ck * s[a + i];
    }
    double e_spat = 0.0, e_filt = 0.0, e_artif = 0.0;
    for (std::size_t i = 0; i < sf.size(); ++i) {
      const double x = i < w ? s[a + i] : 0.0;
      const double y = i < w ? e[a + i] : 0.0;
      e_spat += (sf[i] - x) * (sf[i] - x);
      e_filt += sf[i] * sf[i];
      e_artif += (y - sf[i]) * (y - sf[i]);
    }
    out.isr[t] = safe_db(es, e_spat);
    out.sar[t] = safe_db(e_filt, e_artif);
  }
  return out;
}

std::vector<double> sdr_bsseval_v4_frames(const std::vector<float>& reference, const std::vector<float>& estimate,
                                          int sr, double window_s, double hop_s) {
  BssEvalOptions o;
  o.window_s = window_s;
  o.hop_s = hop_s;
  o.decompose = false;
  return bss_eval_v4(reference, estimate, sr, o).sdr;
}

double sdr_bsseval_v4(const std::vector<float>& reference, const std::vector<float>& estimate, int sr,
                      double window_s, double hop_s) {
  return nan_median(sdr_bsseval_v4_frames(reference, estimate, sr, window_s, hop_s));
}

}  // namespace nnr::metrics
