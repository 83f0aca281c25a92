// Measurements of achieved transformations (SNR, frequency, lag, pitch shift, spectral slope).
#include "nnr/transform/measure.hpp"

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
/// Average magnitude spectrum (Hann frames of `frame`, hop frame/2, each zero-padded to fft_size, a power
/// of two >= frame; 0 = frame), bins 0..fft_size/2.
std::vector<double> welch(const std::vector<float>& x, std::size_t frame, bool power, std::size_t fft_size = 0) {
  const std::size_t n = fft_size ? fft_size : frame;
  std::vector<double> acc(n / 2 + 1, 0.0);
  if (x.size() < frame) return acc;
  const auto w = detail::hann(frame);
  std::vector<cd> a(n);
  std::size_t count = 0;
  for (std::size_t start = 0; start + frame <= x.size(); start += frame / 2) {
    std::fill(a.begin(), a.end(), cd(0.0, 0.0));
    for (std::size_t i = 0; i < frame; ++i) a[i] = cd(x[start + i] * w[i], 0.0);
    complex_fft(a, false);
    for (std::size_t k = 0; k <= n / 2; ++k) acc[k] += power ? std::norm(a[k]) : std::abs(a[k]);
    ++count;
  }
  for (auto& v : acc) v /= static_cast<double>(count);
  return acc;
}

/// Resamples a linear-frequency spectrum onto a log-frequency axis (bins of `step_cents` from f_lo), as
/// log magnitude or (log_magnitude false) magnitude.
std::vector<double> to_log_axis(const std::vector<double>& spec, std::size_t frame, int sr, double f_lo,
                                double f_hi, double step_cents, bool log_magnitude = true) {
  std::vector<double> out;
  for (double c = 0.0;; c += step_cents) {
    const double f = f_lo * std::pow(2.0, c / 1200.0);
    if (f > f_hi) break;
    const double pos = f * static_cast<double>(frame) / sr;
    const auto k = static_cast<std::size_t>(pos);
    const double t = pos - static_cast<double>(k);
    const double v = k + 1 < spec.size() ? spec[k] * (1 - t) + spec[k + 1] * t : 0.0;
    out.push_back(log_magnitude ? std::log(v + 1e-9) : v);
  }
  return out;
}
}  // namespace

namespace {
/// How pitch_shift_in_window reads spectra. The whole clip: Welch average of log magnitudes (robust on
/// music). One frame of the pitch track: a single frame zero-padded 2x, linear magnitude (the lobes of
/// steady partials stay symmetric on the log axis: within 0.6 cents on Rubber Band's sines, where log
/// magnitude was 5 cents off).
struct SpectrumReading {
  std::size_t frame = 8192;   ///< Welch frame; 0 = one frame over the whole signal
  std::size_t fft_size = 0;   ///< zero-padded FFT size (0 = frame; with frame 0, the next power of two >= 4 n)
  bool log_magnitude = true;
  double step_cents = 5.0, f_lo = 60.0, f_hi = 5000.0;
  bool power = false;         ///< squared magnitude (before the log, if any)
};

/// The log-frequency spectrum cross-correlation of estimate_pitch_shift_cents, searching shifts within
/// centre +/- half_width cents (the whole-clip search is 0 +/- 2400).
double pitch_shift_in_window(const std::vector<float>& in, const std::vector<float>& out, int sample_rate,
                             double centre_cents, double half_width_cents, const SpectrumReading& how = {}) {
  const double kStep = how.step_cents, kLo = how.f_lo, kHi = how.f_hi;
  // The input axis extends by exactly max_s bins on both sides, so every shift compares the same band of `out`.
  const long max_s = static_cast<long>(std::ceil((std::abs(centre_cents) + half_width_cents) / kStep));
  const double kMaxShift = static_cast<double>(max_s) * kStep;
  const long s_lo = static_cast<long>(std::floor((centre_cents - half_width_cents) / kStep));
  const long s_hi = static_cast<long>(std::ceil((centre_cents + half_width_cents) / kStep));
  auto frame_of = [&](std::size_t n) { return how.frame ? std::min<std::size_t>(how.frame, next_pow2(n + 1) / 2) : n; };
  auto fft_of = [&](std::size_t n, std::size_t frame) {
    return how.frame ? (how.fft_size ? std::max(how.fft_size, frame) : frame) : next_pow2(4 * n);
  };
  const std::size_t frame_in = frame_of(in.size()), frame_out = frame_of(out.size());
  if (frame_in < 1024 || frame_out < 1024) return std::numeric_limits<double>::quiet_NaN();
  const auto si = welch(in, frame_in, how.power, fft_of(in.size(), frame_in));
  const auto so = welch(out, frame_out, how.power, fft_of(out.size(), frame_out));
  const std::size_t fi = (si.size() - 1) * 2, fo = (so.size() - 1) * 2;
  const double lo_in = kLo * std::pow(2.0, -kMaxShift / 1200.0), hi_in = kHi * std::pow(2.0, kMaxShift / 1200.0);
  auto li = to_log_axis(si, fi, sample_rate, lo_in, std::min(hi_in, sample_rate / 2.0 - 1), kStep, how.log_magnitude);
  auto lo = to_log_axis(so, fo, sample_rate, kLo, kHi, kStep, how.log_magnitude);
  double total_in = 0, total = 0;
  for (double v : si) total_in += v;
  for (double v : so) total += v;
  if (total <= 0.0 || total_in <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  auto centre = [](std::vector<double>& v) {
    double m = 0;
    for (double e : v) m += e;
    m /= static_cast<double>(v.size());
    for (auto& e : v) e -= m;
  };
  centre(lo);
  std::vector<double> score(static_cast<std::size_t>(2 * max_s + 1), -1e300);
  for (long s = std::max(-max_s, s_lo); s <= std::min(max_s, s_hi); ++s) {
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

double frame_energy(const std::vector<float>& x, std::size_t begin, std::size_t len) {
  double e = 0.0;
  for (std::size_t i = begin; i < begin + len && i < x.size(); ++i) e += static_cast<double>(x[i]) * x[i];
  return e;
}
}  // namespace

double estimate_pitch_shift_cents(const std::vector<float>& in, const std::vector<float>& out,
                                  int sample_rate) {
  // Coarse: Welch-averaged log spectra over +/-2400 cents (robust on music: no octave jumps).
  const double coarse = pitch_shift_in_window(in, out, sample_rate, 0.0, 2400.0);
  if (!std::isfinite(coarse)) return coarse;
  // Fine: one Hann window over each whole clip (the FFT-peak reference's spectrum), power, 0.5-cent
  // steps, 60..2500 Hz, within 40 cents of the coarse value. Where the engine bends a steady tone for
  // part of the clip, the long-term spectrum's peak is what an FFT shows; the coarse estimate, smoothed
  // by its 8192-sample frames, lands up to 20 cents away, and linear magnitude up to 4 cents where two
  // nearly equal peaks sit side by side (measured on R2's 440 Hz and 1 kHz sines; power: 0.2).
  const double fine =
      pitch_shift_in_window(in, out, sample_rate, coarse, 40.0, {0, 0, false, 0.5, 60.0, 2500.0, true});
  return std::isfinite(fine) ? fine : coarse;
}

PitchChange measure_pitch_change(const std::vector<float>& in, const std::vector<float>& out, int sample_rate) {
  PitchChange r;
  r.cents = estimate_pitch_shift_cents(in, out, sample_rate);
  if (!std::isfinite(r.cents) || in.empty() || out.empty()) return r;
  // Frames of `out` against the time-aligned frames of `in` (a tempo change maps out time t to in time
  // t * n_in / n_out), each searched within 300 cents of the whole clip's change.
  const std::size_t frame = kPitchFrame, hop = kPitchFrame / 2;
  if (out.size() < frame || in.size() < frame) return r;
  const double scale = static_cast<double>(in.size()) / static_cast<double>(out.size());
  double mean_energy = frame_energy(out, 0, out.size()) / static_cast<double>(out.size()) * frame;
  std::vector<double> cents;
  for (std::size_t start = 0; start + frame <= out.size(); start += hop) {
    const auto in_start = std::min(in.size() - frame, static_cast<std::size_t>(std::llround(start * scale)));
    // Frames far below the clip's mean energy (silence, tails) carry no pitch.
    if (frame_energy(out, start, frame) < 1e-3 * mean_energy || frame_energy(in, in_start, frame) <= 0.0) continue;
    const std::vector<float> a(in.begin() + static_cast<long>(in_start), in.begin() + static_cast<long>(in_start + frame));
    const std::vector<float> b(out.begin() + static_cast<long>(start), out.begin() + static_cast<long>(start + frame));
    const double c = pitch_shift_in_window(a, b, sample_rate, r.cents, 300.0, {kPitchFrame, 2 * kPitchFrame, false});
    if (std::isfinite(c)) cents.push_back(c);
  }
  r.frames = cents.size();
  if (cents.size() < 2) return r;
  double mean = 0.0;
  for (double c : cents) mean += c;
  mean /= static_cast<double>(cents.size());
  double var = 0.0;
  for (double c : cents) var += (c - mean) * (c - mean);
  r.spread_cents = std::sqrt(var / static_cast<double>(cents.size() - 1));
  return r;
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

namespace nnr::transform {

double rt60_schroeder(const std::vector<float>& ir, int sample_rate) {
  // Energy decay curve: the backward integral of h^2, in dB re its start.
  std::vector<double> edc(ir.size());
  double acc = 0.0;
  for (std::size_t i = ir.size(); i-- > 0;) edc[i] = acc += static_cast<double>(ir[i]) * ir[i];
  if (acc <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  const double total = edc[0];
  for (double& v : edc) v = v > 0 ? 10.0 * std::log10(v / total) : -400.0;
  // T30 (fit from -5 to -35 dB) where the curve gets there, else T20 (-5 to -25).
  const double hi = -5.0, lo = edc.back() < -35.0 ? -35.0 : -25.0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < edc.size(); ++i) {
    if (edc[i] > hi) continue;
    if (edc[i] < lo) break;
    const double t = static_cast<double>(i) / sample_rate;
    sx += t;
    sy += edc[i];
    sxx += t * t;
    sxy += t * edc[i];
    ++n;
  }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);  // dB per second
  return slope < 0 ? -60.0 / slope : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace nnr::transform
