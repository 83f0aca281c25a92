// Zero-phase Butterworth sections and their measured edges (filter.hpp), for the filter members.
#include "filter.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "spectral.hpp"

namespace nnr::transform::detail {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::vector<Biquad> butterworth(bool highpass, double f3_hz, int order, int sample_rate) {
  // filtfilt squares the response: each pass must be 1/sqrt(2) in power at f3, so with the Butterworth
  // |H|^2 = 1 / (1 + (W/Wc)^(2N)) (W = tan(pi f / fs), the bilinear transform's warped frequency),
  // (W3/Wc)^(2N) = sqrt(2) - 1 for a low-pass and (Wc/W3)^(2N) = sqrt(2) - 1 for a high-pass.
  const double w3 = std::tan(kPi * f3_hz / sample_rate);
  const double k = std::pow(std::sqrt(2.0) - 1.0, 1.0 / (2.0 * order));
  const double wc = highpass ? w3 * k : w3 / k;
  const double w0 = 2.0 * std::atan(wc);  // the digital frequency the sections are prewarped at
  const double c = std::cos(w0), sn = std::sin(w0);
  std::vector<Biquad> sections;
  for (int s = 1; s <= order / 2; ++s) {
    const double q = 1.0 / (2.0 * std::cos((2.0 * s - 1.0) * kPi / (2.0 * order)));
    const double alpha = sn / (2.0 * q), a0 = 1.0 + alpha;
    const double b0 = (highpass ? (1.0 + c) : (1.0 - c)) / 2.0;
    const double b1 = highpass ? -(1.0 + c) : (1.0 - c);
    sections.push_back({b0 / a0, b1 / a0, b0 / a0, -2.0 * c / a0, (1.0 - alpha) / a0});
  }
  return sections;
}

namespace {
void run_sections(const std::vector<Biquad>& sections, std::vector<double>& v) {
  for (const Biquad& q : sections) {  // direct form II transposed
    double z1 = 0, z2 = 0;
    for (double& x : v) {
      const double y = q.b0 * x + z1;
      z1 = q.b1 * x - q.a1 * y + z2;
      z2 = q.b2 * x - q.a2 * y;
      x = y;
    }
  }
}
}  // namespace

std::vector<float> filtfilt(const std::vector<Biquad>& sections, const std::vector<float>& x) {
  const std::size_t n = x.size();
  if (n == 0) return {};
  const std::size_t pad = std::min<std::size_t>(n - 1, 2048);
  std::vector<double> v;
  v.reserve(n + 2 * pad);
  for (std::size_t i = pad; i >= 1; --i) v.push_back(2.0 * x[0] - x[i]);
  v.insert(v.end(), x.begin(), x.end());
  for (std::size_t i = 1; i <= pad; ++i) v.push_back(2.0 * x[n - 1] - x[n - 1 - i]);
  run_sections(sections, v);
  std::reverse(v.begin(), v.end());
  run_sections(sections, v);
  std::reverse(v.begin(), v.end());
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(v[pad + i]);
  return y;
}

Edges measured_edges(const std::vector<Biquad>& sections, int sample_rate) {
  constexpr std::size_t kN = 1 << 16;
  std::vector<float> impulse(kN, 0.0f);
  impulse[kN / 2] = 1.0f;
  const std::vector<float> h = filtfilt(sections, impulse);
  std::vector<std::complex<double>> a(h.begin(), h.end());
  complex_fft(a, false);
  std::vector<double> db(kN / 2 + 1);
  for (std::size_t k = 0; k <= kN / 2; ++k) db[k] = 10.0 * std::log10(std::max(std::norm(a[k]), 1e-300));
  const std::size_t peak = static_cast<std::size_t>(std::max_element(db.begin(), db.end()) - db.begin());
  const double level = db[peak] - 10.0 * std::log10(2.0);
  const double bin = static_cast<double>(sample_rate) / kN;
  const auto cross = [&](std::size_t k0, std::size_t k1) {  // db[k0] >= level > db[k1], adjacent bins
    const double t = (db[k0] - level) / (db[k0] - db[k1]);
    return (static_cast<double>(k0) + t * (static_cast<double>(k1) - static_cast<double>(k0))) * bin;
  };
  Edges e{std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  for (std::size_t k = peak; k + 1 <= kN / 2; ++k)
    if (db[k + 1] < level) {
      e.high_hz = cross(k, k + 1);
      break;
    }
  for (std::size_t k = peak; k >= 1; --k)
    if (db[k - 1] < level) {
      e.low_hz = cross(k, k - 1);
      break;
    }
  return e;
}

}  // namespace nnr::transform::detail
