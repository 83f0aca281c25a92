// Measurements of achieved transformations (SNR, frequency, lag, pitch shift, spectral slope).
#include "nnr/transform/measure.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "spectral.hpp"

namespace nnr::transform {

using detail::complex_fft;
using detail::next_pow2;
using cd = std::complex<double>;

double rms(const std::vector<float>& x) {
  if (x.empty()) return 0.0;
  double s = 0.0;
  for (float v : x) s += double(v) * double(v);
  return std::sqrt(s / static_cast<double>(x.size()));
}

double snr_db(const std::vector<float>& signal, const std::vector<float>& noise) {
  const double n = rms(noise);
  if (n == 0.0) return std::numeric_limits<double>::infinity();
  return 20.0 * std::log10(rms(signal) / n);
}

namespace {
double parabolic(double a, double b, double c) {
  const double d = a - 2.0 * b + c;
  return d == 0.0 ? 0.0 : 0.5 * (a - c) / d;
}
}  // namespace

double estimate_frequency(const std::vector<float>& x, int sample_rate) {
  if (x.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = next_pow2(x.size() * 4);
  const auto w = detail::hann(x.size());
  std::vector<cd> a(n);
  for (std::size_t i = 0; i < x.size(); ++i) a[i] = cd(x[i] * w[i], 0.0);
  complex_fft(a, false);
  std::size_t best = 1;
  for (std::size_t k = 1; k < n / 2; ++k)
    if (std::abs(a[k]) > std::abs(a[best])) best = k;
  double off = 0.0;
  if (best > 1 && best + 1 < n / 2)
    off = parabolic(std::log(std::abs(a[best - 1]) + 1e-300), std::log(std::abs(a[best]) + 1e-300),
                    std::log(std::abs(a[best + 1]) + 1e-300));
  return (static_cast<double>(best) + off) * sample_rate / static_cast<double>(n);
}

long best_lag(const std::vector<float>& a, const std::vector<float>& b, long max_lag) {
  if (a.empty() || b.empty()) return 0;
  const std::size_t n = next_pow2(a.size() + b.size());
  std::vector<cd> fa(n), fb(n);
  for (std::size_t i = 0; i < a.size(); ++i) fa[i] = a[i];
  for (std::size_t i = 0; i < b.size(); ++i) fb[i] = b[i];
  complex_fft(fa, false);
  complex_fft(fb, false);
  for (std::size_t k = 0; k < n; ++k) fa[k] = std::conj(fa[k]) * fb[k];
  complex_fft(fa, true);  // fa[lag mod n] = sum_i a[i] b[i + lag]
  long best = 0;
  double best_v = -std::numeric_limits<double>::infinity();
  for (long lag = -max_lag; lag <= max_lag; ++lag) {
    const std::size_t idx = static_cast<std::size_t>((lag % static_cast<long>(n) + static_cast<long>(n)) %
                                                     static_cast<long>(n));
    const double v = fa[idx].real();
    if (v > best_v) {
      best_v = v;
      best = lag;
    }
  }
  return best;
}

namespace {
/// Average magnitude spectrum (Hann frames of `frame`, hop frame/2), bins 0..frame/2.
std::vector<double> welch(const std::vector<float>& x, std::size_t frame, bool power) {
  std::vector<double> acc(frame / 2 + 1, 0.0);
  if (x.size() < frame) return acc;
  const auto w = detail::hann(frame);
  std::vector<cd> a(frame);
  std::size_t count = 0;
  for (std::size_t start = 0; start + frame <= x.size(); start += frame / 2) {
    for (std::size_t i = 0; i < frame; ++i) a[i] = cd(x[start + i] * w[i], 0.0);
    complex_fft(a, false);
    for (std::size_t k = 0; k <= frame / 2; ++k) acc[k] += power ? std::norm(a[k]) : std::abs(a[k]);
    ++count;
  }
  for (auto& v : acc) v /= static_cast<double>(count);
  return acc;
}

/// Resamples a linear-frequency spectrum onto a log-frequency axis (bins of `step_cents` from f_lo).
std::vector<double> to_log_axis(const std::vector<double>& spec, std::size_t frame, int sr, double f_lo,
                                double f_hi, double step_cents) {
  std::vector<double> out;
  for (double c = 0.0;; c += step_cents) {
    const double f = f_lo * std::pow(2.0, c / 1200.0);
    if (f > f_hi) break;
    const double pos = f * static_cast<double>(frame) / sr;
    const auto k = static_cast<std::size_t>(pos);
    const double t = pos - static_cast<double>(k);
    const double v = k + 1 < spec.size() ? spec[k] * (1 - t) + spec[k + 1] * t : 0.0;
    out.push_back(std::log(v + 1e-9));
  }
  return out;
}
}  // namespace

double estimate_pitch_shift_cents(const std::vector<float>& in, const std::vector<float>& out,
                                  int sample_rate) {
  constexpr std::size_t kFrame = 8192;
  constexpr double kStep = 5.0, kMaxShift = 2400.0, kLo = 60.0, kHi = 5000.0;
  const auto si = welch(in, std::min<std::size_t>(kFrame, next_pow2(in.size()) / 2), false);
  const auto so = welch(out, std::min<std::size_t>(kFrame, next_pow2(out.size()) / 2), false);
  const std::size_t fi = (si.size() - 1) * 2, fo = (so.size() - 1) * 2;
  if (fi < 1024 || fo < 1024) return std::numeric_limits<double>::quiet_NaN();
  // The input axis extends by kMaxShift on both sides so every shift compares the same band of `out`.
  const double lo_in = kLo * std::pow(2.0, -kMaxShift / 1200.0), hi_in = kHi * std::pow(2.0, kMaxShift / 1200.0);
  auto li = to_log_axis(si, fi, sample_rate, lo_in, std::min(hi_in, sample_rate / 2.0 - 1), kStep);
  auto lo = to_log_axis(so, fo, sample_rate, kLo, kHi, kStep);
  double total = 0;
  for (double v : so) total += v;
  if (total <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  auto centre = [](std::vector<double>& v) {
    double m = 0;
    for (double e : v) m += e;
    m /= static_cast<double>(v.size());
    for (auto& e : v) e -= m;
  };
  centre(lo);
  const long max_s = static_cast<long>(kMaxShift / kStep);
  std::vector<double> score(static_cast<std::size_t>(2 * max_s + 1), -1e300);
  for (long s = -max_s; s <= max_s; ++s) {
    // out(c) ~ in(c - s): in bin of out index j is (j + max_s - s) on the extended input axis.
    double num = 0, den_a = 0, den_b = 0, mean = 0;
    std::size_t cnt = 0;
    for (std::size_t j = 0; j < lo.size(); ++j) {
      const long ii = static_cast<long>(j) + max_s - s;
      if (ii < 0 || ii >= static_cast<long>(li.size())) continue;
      mean += li[static_cast<std::size_t>(ii)];
      ++cnt;
    }
    if (cnt < lo.size() / 2) continue;
    mean /= static_cast<double>(cnt);
    for (std::size_t j = 0; j < lo.size(); ++j) {
      const long ii = static_cast<long>(j) + max_s - s;
      if (ii < 0 || ii >= static_cast<long>(li.size())) continue;
      const double a = li[static_cast<std::size_t>(ii)] - mean;
      num += a * lo[j];
      den_a += a * a;
      den_b += lo[j] * lo[j];
    }
    if (den_a > 0 && den_b > 0) score[static_cast<std::size_t>(s + max_s)] = num / std::sqrt(den_a * den_b);
  }
  std::size_t best = 0;
  for (std::size_t k = 1; k < score.size(); ++k)
    if (score[k] > score[best]) best = k;
  if (score[best] <= -1e299) return std::numeric_limits<double>::quiet_NaN();
  double off = 0.0;
  if (best > 0 && best + 1 < score.size() && score[best - 1] > -1e299 && score[best + 1] > -1e299)
    off = parabolic(score[best - 1], score[best], score[best + 1]);
  return (static_cast<double>(best) - static_cast<double>(max_s) + off) * kStep;
}

double spectral_slope_db_per_octave(const std::vector<float>& x, int sample_rate, double f_lo, double f_hi) {
  constexpr std::size_t kFrame = 4096;
  const auto p = welch(x, kFrame, true);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::size_t n = 0;
  for (std::size_t k = 1; k < p.size(); ++k) {
    const double f = static_cast<double>(k) * sample_rate / static_cast<double>(kFrame);
    if (f < f_lo || f > f_hi || p[k] <= 0) continue;
    const double lx = std::log2(f), ly = 10.0 * std::log10(p[k]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    ++n;
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double dn = static_cast<double>(n);
  return (dn * sxy - sx * sy) / (dn * sxx - sx * sx);
}

}  // namespace nnr::transform
