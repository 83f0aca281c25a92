#include "nnr/features/features.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "nnr/core/error.hpp"
#include "nnr/features/fft.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/json.hpp"

namespace nnr::features {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kSr = 22050.0;

void check_audio(const std::vector<float>& audio, const char* what) {
  if (audio.empty()) throw_input(std::string("features: empty audio (") + what + "); pass a non-empty clip");
  for (std::size_t i = 0; i < audio.size(); ++i)
    if (!std::isfinite(audio[i]))
      throw_input(std::string("features: non-finite sample (") + what + " sample=" + std::to_string(i) +
                  "); clean the audio before feature extraction");
}

// Slaney mel scale (librosa htk=False).
double hz_to_mel(double f) {
  const double f_sp = 200.0 / 3.0, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  return f >= min_log_hz ? min_log_mel + std::log(f / min_log_hz) / logstep : f / f_sp;
}
double mel_to_hz(double m) {
  const double f_sp = 200.0 / 3.0, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
  const double logstep = std::log(6.4) / 27.0;
  return m >= min_log_mel ? min_log_hz * std::exp(logstep * (m - min_log_mel)) : f_sp * m;
}

// Cached mel filterbank with the nonzero range of each filter.
struct SparseMel {
  MatrixD w;
  std::vector<std::size_t> lo, hi;
};
const SparseMel& cached_mel(int n_fft) {
  static std::mutex mutex;
  static std::map<int, SparseMel> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(n_fft);
  if (it != cache.end()) return it->second;
  SparseMel s;
  s.w = mel_filterbank(kSr, n_fft, 128, 0.0, kSr / 2);
  for (std::size_t m = 0; m < s.w.rows; ++m) {
    std::size_t lo = s.w.cols, hi = 0;
    for (std::size_t k = 0; k < s.w.cols; ++k)
      if (s.w(m, k) != 0.0) {
        lo = std::min(lo, k);
        hi = k + 1;
      }
    if (lo > hi) lo = hi;
    s.lo.push_back(lo);
    s.hi.push_back(hi);
  }
  return cache.emplace(n_fft, std::move(s)).first->second;
}

const MatrixD& cached_dct(int n_in, int n_out) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, MatrixD> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find({n_in, n_out});
  if (it != cache.end()) return it->second;
  return cache.emplace(std::make_pair(n_in, n_out), dct2_ortho(n_in, n_out)).first->second;
}

// frames x n_mels mel power (double).
MatrixD mel_of(const MatrixD& power, int n_fft) {
  const SparseMel& mel = cached_mel(n_fft);
  MatrixD out(power.rows, mel.w.rows);
  for (std::size_t t = 0; t < power.rows; ++t) {
    const double* p = power.row(t);
    for (std::size_t m = 0; m < mel.w.rows; ++m) {
      const double* w = mel.w.row(m);
      double acc = 0.0;
      for (std::size_t k = mel.lo[m]; k < mel.hi[m]; ++k) acc += w[k] * p[k];
      out(t, m) = acc;
    }
  }
  return out;
}

// frames x n_out DCT of each row of db (frames x n_in).
MatrixD dct_rows(const MatrixD& db, int n_out) {
  const MatrixD& c = cached_dct(static_cast<int>(db.cols), n_out);
  MatrixD out(db.rows, static_cast<std::size_t>(n_out));
  for (std::size_t t = 0; t < db.rows; ++t)
    for (std::size_t k = 0; k < c.rows; ++k) {
      double acc = 0.0;
      const double* ck = c.row(k);
      const double* x = db.row(t);
      for (std::size_t n = 0; n < db.cols; ++n) acc += ck[n] * x[n];
      out(t, k) = acc;
    }
  return out;
}

}  // namespace

MatrixD power_spectrogram(const std::vector<float>& audio, int n_fft, int hop, PadMode pad) {
  check_audio(audio, "power_spectrogram");
  if (hop <= 0) throw_config("features: hop must be positive (hop=" + std::to_string(hop) + ")");
  const RealFft& fft = fft_of_size(static_cast<std::size_t>(n_fft));
  const std::size_t n = audio.size(), nf = static_cast<std::size_t>(n_fft), half = nf / 2;
  if (pad == PadMode::reflect && n <= half)
    throw_input("features: audio too short for reflect padding (samples=" + std::to_string(n) +
                ", need > " + std::to_string(half) + ")");
  // Padded signal (librosa center=True).
  std::vector<double> x(n + nf, 0.0);
  for (std::size_t i = 0; i < n; ++i) x[half + i] = audio[i];
  if (pad == PadMode::reflect)
    for (std::size_t k = 1; k <= half; ++k) {
      x[half - k] = audio[k];
      x[half + n - 1 + k] = audio[n - 1 - k];
    }
  // Periodic Hann (scipy get_window('hann', n_fft, fftbins=True)).
  static thread_local std::map<int, std::vector<double>> windows;
  auto& win = windows[n_fft];
  if (win.empty()) {
    win.resize(nf);
    for (std::size_t i = 0; i < nf; ++i)
      win[i] = 0.5 - 0.5 * std::cos(2.0 * kPi * static_cast<double>(i) / static_cast<double>(nf));
  }
  const std::size_t frames = 1 + n / static_cast<std::size_t>(hop);
  MatrixD out(frames, half + 1);
  std::vector<double> buf(nf);
  std::vector<std::complex<double>> spec(half + 1);
  for (std::size_t t = 0; t < frames; ++t) {
    const double* src = x.data() + t * static_cast<std::size_t>(hop);
    for (std::size_t i = 0; i < nf; ++i) buf[i] = src[i] * win[i];
    fft.forward(buf.data(), spec.data());
    double* o = out.row(t);
    for (std::size_t k = 0; k <= half; ++k) o[k] = std::norm(spec[k]);
  }
  return out;
}

MatrixD mel_filterbank(double sr, int n_fft, int n_mels, double fmin, double fmax) {
  if (n_fft < 2 || n_mels < 1 || !(fmax > fmin) || fmin < 0)
    throw_config("features: bad mel filterbank parameters (n_fft=" + std::to_string(n_fft) +
                 ", n_mels=" + std::to_string(n_mels) + ")");
  const std::size_t bins = static_cast<std::size_t>(n_fft) / 2 + 1, nm = static_cast<std::size_t>(n_mels);
  std::vector<double> fft_f(bins);
  for (std::size_t k = 0; k < bins; ++k)
    fft_f[k] = (sr / 2) * static_cast<double>(k) / static_cast<double>(bins - 1);  // np.linspace
  const double mmin = hz_to_mel(fmin), mmax = hz_to_mel(fmax);
  std::vector<double> mel_f(nm + 2);
  for (std::size_t i = 0; i < nm + 2; ++i)
    mel_f[i] = mel_to_hz(mmin + (mmax - mmin) * static_cast<double>(i) / static_cast<double>(nm + 1));
  MatrixD w(nm, bins);
  for (std::size_t i = 0; i < nm; ++i) {
    const double d0 = mel_f[i + 1] - mel_f[i], d1 = mel_f[i + 2] - mel_f[i + 1];
    const double enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
    for (std::size_t k = 0; k < bins; ++k) {
      const double lower = (fft_f[k] - mel_f[i]) / d0;
      const double upper = (mel_f[i + 2] - fft_f[k]) / d1;
      // librosa stores the filterbank as float32.
      w(i, k) = static_cast<float>(std::max(0.0, std::min(lower, upper)) * enorm);
    }
  }
  return w;
}

void power_to_db(MatrixD& power, double amin, double top_db) {
  double mx = -std::numeric_limits<double>::infinity();
  for (double& v : power.data) {
    v = 10.0 * std::log10(std::max(amin, v));
    mx = std::max(mx, v);
  }
  const double floor = mx - top_db;
  for (double& v : power.data) v = std::max(v, floor);
}

MatrixD dct2_ortho(int n_in, int n_out) {
  MatrixD c(static_cast<std::size_t>(n_out), static_cast<std::size_t>(n_in));
  const double n = n_in;
  for (int k = 0; k < n_out; ++k)
    for (int i = 0; i < n_in; ++i)
      c(static_cast<std::size_t>(k), static_cast<std::size_t>(i)) =
          std::cos(kPi * k * (2.0 * i + 1.0) / (2.0 * n)) * std::sqrt((k == 0 ? 1.0 : 2.0) / n);
  return c;
}

MatrixF network_input_db(const std::vector<float>& audio, PadMode pad) {
  MatrixD p = power_spectrogram(audio, 1024, 256, pad);
  power_to_db(p, 1e-10, 80.0);  // 10 log10(max(|X|^2, 1e-10)) == 20 log10(max(|X|, 1e-5))
  MatrixF out(p.rows, p.cols);
  for (std::size_t i = 0; i < p.data.size(); ++i) out.data[i] = static_cast<float>(p.data[i]);
  return out;
}

MatrixF mel_power(const std::vector<float>& audio) {
  const MatrixD mel = mel_of(power_spectrogram(audio, 2048, 512, PadMode::zeros), 2048);
  MatrixF out(mel.rows, mel.cols);
  for (std::size_t i = 0; i < mel.data.size(); ++i) out.data[i] = static_cast<float>(mel.data[i]);
  return out;
}

MatrixF mfcc(const std::vector<float>& audio, int n_mfcc) {
  if (n_mfcc < 1 || n_mfcc > 128)
    throw_config("features: n_mfcc must be in 1..128 (n_mfcc=" + std::to_string(n_mfcc) + ")");
  MatrixD mel = mel_of(power_spectrogram(audio, 2048, 512, PadMode::zeros), 2048);
  power_to_db(mel, 1e-10, 80.0);
  const MatrixD c = dct_rows(mel, n_mfcc);
  MatrixF out(c.rows, c.cols);
  for (std::size_t i = 0; i < c.data.size(); ++i) out.data[i] = static_cast<float>(c.data[i]);
  return out;
}

MatrixF mfcc_sequence(const std::vector<float>& audio) {
  const MatrixF m = mfcc(audio, 25);
  MatrixF out(m.rows, 24);
  for (std::size_t t = 0; t < m.rows; ++t)
    for (std::size_t k = 0; k < 24; ++k) out(t, k) = m(t, k + 1);
  return out;
}

std::vector<float> mfcc144(const std::vector<float>& audio, PadMode pad) {
  MatrixD mel = mel_of(power_spectrogram(audio, 1024, 256, pad), 1024);
  power_to_db(mel, 1e-10, 80.0);
  const MatrixD c = dct_rows(mel, 25);
  const std::size_t t_n = c.rows;
  if (t_n < 4)
    throw_input("features: clip too short for MFCC-144 (frames=" + std::to_string(t_n) +
                ", need >= 4, i.e. >= 768 samples)");
  // m: t_n x 24, d: t_n-1, dd: t_n-2.
  std::vector<float> z(144);
  auto stats = [&](const std::vector<double>& series, std::size_t len, std::size_t k, std::size_t block) {
    double mean = 0;
    for (std::size_t t = 0; t < len; ++t) mean += series[t];
    mean /= static_cast<double>(len);
    double ss = 0;
    for (std::size_t t = 0; t < len; ++t) ss += (series[t] - mean) * (series[t] - mean);
    z[block * 48 + k] = static_cast<float>(mean);
    z[block * 48 + 24 + k] = static_cast<float>(std::sqrt(ss / static_cast<double>(len - 1)));
  };
  std::vector<double> m(t_n), d(t_n), dd(t_n);
  for (std::size_t k = 0; k < 24; ++k) {
    for (std::size_t t = 0; t < t_n; ++t) m[t] = c(t, k + 1);
    for (std::size_t t = 0; t + 1 < t_n; ++t) d[t] = m[t + 1] - m[t];
    for (std::size_t t = 0; t + 2 < t_n; ++t) dd[t] = d[t + 1] - d[t];
    stats(m, t_n, k, 0);
    stats(d, t_n - 1, k, 1);
    stats(dd, t_n - 2, k, 2);
  }
  return z;
}

void Scaler::apply(MatrixF& x) const {
  if (x.cols != mean.size() || std.size() != mean.size())
    throw_input("features: scaler bin count mismatch (bins=" + std::to_string(x.cols) +
                ", scaler=" + std::to_string(mean.size()) + "); recompute the scaler for this feature");
  for (std::size_t t = 0; t < x.rows; ++t) {
    float* r = x.row(t);
    for (std::size_t k = 0; k < x.cols; ++k) {
      const float s = std[k] < 1e-8f ? 1.0f : std[k];
      r[k] = (r[k] - mean[k]) / s;
    }
  }
}

void ScalerAccumulator::add(const MatrixF& x) {
  if (mean_.empty()) {
    mean_.assign(x.cols, 0.0);
    m2_.assign(x.cols, 0.0);
  }
  if (x.cols != mean_.size())
    throw_input("features: scaler accumulator bin count mismatch (bins=" + std::to_string(x.cols) +
                ", expected=" + std::to_string(mean_.size()) + ")");
  for (std::size_t i = 0; i < x.data.size(); ++i)  // validate first: a throw leaves the state unchanged
    if (!std::isfinite(x.data[i]))
      throw_input("features: non-finite value in scaler input (frame=" + std::to_string(i / x.cols) +
                  "); check the clip's features");
  for (std::size_t t = 0; t < x.rows; ++t) {
    const float* r = x.row(t);
    n_ += 1.0;
    for (std::size_t k = 0; k < x.cols; ++k) {
      const double v = r[k];
      const double delta = v - mean_[k];
      mean_[k] += delta / n_;
      m2_[k] += delta * (v - mean_[k]);
    }
  }
}

void ScalerAccumulator::merge(const ScalerAccumulator& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  if (o.mean_.size() != mean_.size())
    throw_input("features: scaler accumulators with different bin counts cannot merge");
  const double n = n_ + o.n_;
  for (std::size_t k = 0; k < mean_.size(); ++k) {
    const double delta = o.mean_[k] - mean_[k];
    mean_[k] += delta * o.n_ / n;
    m2_[k] += o.m2_[k] + delta * delta * n_ * o.n_ / n;
  }
  n_ = n;
}

Scaler ScalerAccumulator::finish() const {
  if (n_ == 0) throw_input("features: scaler has no frames; add training clips first");
  Scaler s;
  s.n_frames = n_;
  for (std::size_t k = 0; k < mean_.size(); ++k) {
    s.mean.push_back(static_cast<float>(mean_[k]));
    s.std.push_back(static_cast<float>(std::sqrt(m2_[k] / n_)));
  }
  return s;
}

void save_scaler(const std::filesystem::path& path, const Scaler& s) {
  nlohmann::json j;
  j["format"] = "nnr-scaler-1";
  j["n_frames"] = s.n_frames;
  j["mean"] = s.mean;
  j["std"] = s.std;
  io::write_json(path, j);
}

Scaler load_scaler(const std::filesystem::path& path) {
  const nlohmann::json j = io::load_json(path);
  Scaler s;
  try {
    if (j.value("format", std::string()) != "nnr-scaler-1") throw std::runtime_error("format");
    s.mean = j.at("mean").get<std::vector<float>>();
    s.std = j.at("std").get<std::vector<float>>();
    s.n_frames = j.value("n_frames", 0.0);
  } catch (const std::exception&) {
    throw_input("features: not an nnr scaler file (file=" + path.string() +
                "); expected {\"format\": \"nnr-scaler-1\", \"mean\": [...], \"std\": [...]}");
  }
  if (s.mean.size() != s.std.size() || s.mean.empty())
    throw_input("features: scaler mean/std sizes differ or are empty (file=" + path.string() + ")");
  return s;
}

}  // namespace nnr::features
