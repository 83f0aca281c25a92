// RV: reverberation, the clip convolved with a room impulse response whose RT60 (s) is the magnitude.
// Synthesised (the default): a unit direct sound, then from 1 ms on Gaussian noise under an exponential
// envelope that falls 60 dB in RT60 seconds (seeded by the item), scaled so the direct-to-reverberant
// energy ratio is `drr_db`, 1.5 RT60 long. With `ir_folder`, the user's recorded responses instead: each is
// measured once, and a setting uses the one whose RT60 is nearest its magnitude. Either way the output keeps
// the input's length and alignment (the direct sound sits at lag 0), and the manifest's `achieved` is the
// RT60 measured on the response used, by Schroeder backward integration.
#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <memory>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"
#include "spectral.hpp"

namespace nnr::transform {

namespace {

namespace fs = std::filesystem;

std::vector<float> synthetic_ir(double rt60, double drr_db, int sr, std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(std::ceil(1.5 * rt60 * sr)) + 1;
  const auto start = static_cast<std::size_t>(std::ceil(1e-3 * sr));
  std::vector<float> h(std::max(n, start + 2), 0.0f);
  Rng rng(seed);
  double tail = 0.0;
  std::vector<double> t(h.size(), 0.0);
  for (std::size_t i = start; i < h.size(); ++i) {
    t[i] = standard_normal(rng) * std::exp(-3.0 * std::log(10.0) * static_cast<double>(i) / (rt60 * sr));
    tail += t[i] * t[i];
  }
  const double k = std::sqrt(std::pow(10.0, -drr_db / 10.0) / tail);
  h[0] = 1.0f;
  for (std::size_t i = start; i < h.size(); ++i) h[i] = static_cast<float>(k * t[i]);
  return h;
}

// The first x.size() samples of x * h (FFT convolution).
std::vector<float> convolve(const std::vector<float>& x, const std::vector<float>& h) {
  const std::size_t m = detail::next_pow2(x.size() + h.size());
  std::vector<std::complex<double>> a(m), b(m);
  std::copy(x.begin(), x.end(), a.begin());
  std::copy(h.begin(), h.end(), b.begin());
  detail::complex_fft(a, false);
  detail::complex_fft(b, false);
  for (std::size_t i = 0; i < m; ++i) a[i] *= b[i];
  detail::complex_fft(a, true);
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(a[i].real() / static_cast<double>(m));
  return y;
}

struct Recorded {
  std::vector<float> ir;
  double rt60;
  std::string file;
};

class Reverb final : public Transform {
 public:
  Reverb(const Params& p, int sample_rate) : sr_(sample_rate), drr_db_(p.number("drr_db")), folder_(p.string("ir_folder")) {
    if (folder_.empty()) return;
    std::error_code ec;
    if (!fs::is_directory(folder_, ec))
      throw_config("transform RV: ir_folder is not a directory (" + folder_ + "); give a folder of impulse responses");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder_, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Recorded r{audio::decode_audio(f, sr_), 0.0, f.filename().string()};
      // The response starts at its peak, so the direct sound sits at lag 0 as with the synthetic ones.
      const auto peak = std::max_element(r.ir.begin(), r.ir.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
      r.ir.erase(r.ir.begin(), peak);
      r.rt60 = rt60_schroeder(r.ir, sr_);
      if (std::isfinite(r.rt60)) recorded_.push_back(std::move(r));
    }
    if (recorded_.empty())
      throw_input("transform RV: no impulse response with a measurable decay in " + folder_ +
                  " (audio files FFmpeg reads, each a decaying response)");
  }
  std::string code() const override { return "RV"; }
  nlohmann::json params() const override { return {{"drr_db", drr_db_}, {"ir_folder", folder_}}; }
  void check_magnitude(double rt60) const override { detail::check_range("RV RT60", rt60, 0.05, 10.0, "s"); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double rt60, std::uint64_t seed) const override {
    TransformResult r;
    if (recorded_.empty()) {
      const std::vector<float> h = synthetic_ir(rt60, drr_db_, sr_, seed);
      r.audio = convolve(x, h);
      r.achieved = rt60_schroeder(h, sr_);
      return r;
    }
    const Recorded* best = &recorded_[0];
    for (const Recorded& c : recorded_)
      if (std::fabs(c.rt60 - rt60) < std::fabs(best->rt60 - rt60)) best = &c;
    r.audio = convolve(x, best->ir);
    r.achieved = best->rt60;
    return r;
  }
  int sr_;
  double drr_db_;
  std::string folder_;
  std::vector<Recorded> recorded_;
};

}  // namespace

std::unique_ptr<Transform> make_reverb(const Params& p, int sample_rate) { return std::make_unique<Reverb>(p, sample_rate); }

}  // namespace nnr::transform
