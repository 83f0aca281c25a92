// CP: a feed-forward compressor, hard knee, by ratio (the magnitude): where the peak envelope (instant rise,
// decaying with the release time) is above the threshold (dB re the clip's peak), the gain is reduced by
// (1 - 1/ratio) of the excess, the reduction smoothed (one pole: attack while it grows, release after).
// The manifest's `achieved` is the gain reduction measured on the audio, 20 log10(RMS(in) / RMS(out)) dB,
// before the loudness match undoes the level change.
#include <algorithm>
#include <cmath>
#include <memory>

#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

class Compressor final : public Transform {
 public:
  Compressor(const Params& p, int sample_rate)
      : sr_(sample_rate),
        threshold_db_(p.number("threshold_db")),
        attack_ms_(p.number("attack_ms")),
        release_ms_(p.number("release_ms")) {}
  std::string code() const override { return "CP"; }
  nlohmann::json params() const override {
    return {{"threshold_db", threshold_db_}, {"attack_ms", attack_ms_}, {"release_ms", release_ms_}};
  }
  void check_magnitude(double ratio) const override { detail::check_range("CP ratio", ratio, 1.0, 100.0, ""); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double ratio, std::uint64_t) const override {
    float peak = 0.0f;
    for (float v : x) peak = std::max(peak, std::fabs(v));
    const double threshold = 20.0 * std::log10(std::max<double>(peak, 1e-30)) + threshold_db_;
    const double att = std::exp(-1.0 / (attack_ms_ * 1e-3 * sr_)), rel = std::exp(-1.0 / (release_ms_ * 1e-3 * sr_));
    const double slope = 1.0 - 1.0 / ratio;
    TransformResult r;
    r.audio.resize(x.size());
    double env = 0.0, reduction_db = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      env = std::max(std::fabs(static_cast<double>(x[i])), rel * env);  // peak: instant rise, released
      const double level = 20.0 * std::log10(std::max(env, 1e-30));
      const double target = level > threshold ? slope * (level - threshold) : 0.0;
      const double k = target > reduction_db ? att : rel;  // the reduction engages in attack, lets go in release
      reduction_db = k * reduction_db + (1.0 - k) * target;
      r.audio[i] = static_cast<float>(x[i] * std::pow(10.0, -reduction_db / 20.0));
    }
    const double out = rms(r.audio);
    r.achieved = out > 0 ? 20.0 * std::log10(rms(x) / out) : 0.0;
    return r;
  }
  int sr_;
  double threshold_db_, attack_ms_, release_ms_;
};

}  // namespace

std::unique_ptr<Transform> make_compressor(const Params& p, int sample_rate) {
  return std::make_unique<Compressor>(p, sample_rate);
}

}  // namespace nnr::transform
