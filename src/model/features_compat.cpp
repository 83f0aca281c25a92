// Stand-in for nnr::features until that module is merged; same contract as the features API.
#include "features_compat.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"

namespace nnr::model::detail {

namespace {

void fft(std::vector<std::complex<double>>& a) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = -2.0 * M_PI / static_cast<double>(len);
    const std::complex<double> wl(std::cos(ang), std::sin(ang));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1.0);
      for (std::size_t j = 0; j < len / 2; ++j) {
        const auto u = a[i + j], v = a[i + j + len / 2] * w;
        a[i + j] = u + v;
        a[i + j + len / 2] = u - v;
        w *= wl;
      }
    }
  }
}

}  // namespace

MatrixF network_input_db(const std::vector<float>& audio) {
  if (audio.empty()) throw_input("features: empty audio");
  const long n = static_cast<long>(audio.size());
  const long pad = kNFft / 2;
  auto at = [&](long i) {  // reflect padding
    if (n == 1) return audio[0];
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return audio[static_cast<std::size_t>(i)];
  };
  const long frames = 1 + n / kHop;
  std::vector<double> win(kNFft);
  for (int i = 0; i < kNFft; ++i) win[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / kNFft);
  MatrixF out(static_cast<std::size_t>(frames), kStftBins);
  std::vector<std::complex<double>> buf(kNFft);
  float mx = -1e30f;
  for (long t = 0; t < frames; ++t) {
    for (int i = 0; i < kNFft; ++i) buf[i] = win[i] * at(t * kHop + i - pad);
    fft(buf);
    for (int f = 0; f < kStftBins; ++f) {
      const float v = static_cast<float>(10.0 * std::log10(std::max(std::norm(buf[f]), 1e-10)));
      out(static_cast<std::size_t>(t), static_cast<std::size_t>(f)) = v;
      mx = std::max(mx, v);
    }
  }
  for (auto& v : out.data) v = std::max(v, mx - 80.0f);
  return out;
}

void Scaler::apply(MatrixF& x) const {
  for (std::size_t t = 0; t < x.rows; ++t)
    for (std::size_t f = 0; f < x.cols; ++f) x(t, f) = (x(t, f) - mean[f]) / std[f];
}

void ScalerAccumulator::add(const MatrixF& x) {
  if (sum_.empty()) sum_.assign(x.cols, 0.0), sum2_.assign(x.cols, 0.0);
  for (std::size_t t = 0; t < x.rows; ++t)
    for (std::size_t f = 0; f < x.cols; ++f) {
      sum_[f] += x(t, f);
      sum2_[f] += static_cast<double>(x(t, f)) * x(t, f);
    }
  n_ += static_cast<double>(x.rows);
}

Scaler ScalerAccumulator::finish() const {
  if (n_ == 0) throw_input("features: no frames to compute standardisation statistics from");
  Scaler s;
  for (std::size_t f = 0; f < sum_.size(); ++f) {
    const double m = sum_[f] / n_;
    const double var = std::max(sum2_[f] / n_ - m * m, 0.0);
    s.mean.push_back(static_cast<float>(m));
    s.std.push_back(static_cast<float>(std::max(std::sqrt(var), 1e-6)));
  }
  return s;
}

void save_scaler(const std::filesystem::path& path, const Scaler& s) {
  io::write_json(path, {{"mean", s.mean}, {"std", s.std}});
}

Scaler load_scaler(const std::filesystem::path& path) {
  const io::Json j = io::load_json(path);
  Scaler s;
  s.mean = j.at("mean").get<std::vector<float>>();
  s.std = j.at("std").get<std::vector<float>>();
  return s;
}

}  // namespace nnr::model::detail
