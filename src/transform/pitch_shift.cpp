// PS: pitch shift by a number of semitones with Rubber Band (offline, duration unchanged).
#include <cmath>
#include <memory>

#include "nnr/transform/transform.hpp"
#include "params.hpp"
#include "rubberband.hpp"

namespace nnr::transform {

namespace {

class PitchShift final : public Transform {
 public:
  PitchShift(const Params& p, int sample_rate) : sr_(sample_rate), p_(detail::RubberBandParams::from_params(p)) {}
  nlohmann::json params() const override { return p_.to_json(); }
  std::string code() const override { return "PS"; }
  void check_magnitude(double st) const override { detail::check_range("PS shift", st, -24.0, 24.0, "semitones"); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double semitones, std::uint64_t) const override {
    TransformResult r;
    r.audio = detail::rubberband_offline(x, sr_, 1.0, std::pow(2.0, semitones / 12.0), p_);
    r.audio.resize(x.size(), 0.0f);  // exactly the input duration (Rubber Band is within a few samples)
    return r;
  }
  int sr_;
  detail::RubberBandParams p_;
};

}  // namespace

std::unique_ptr<Transform> make_pitch_shift(const Params& p, int sample_rate) { return std::make_unique<PitchShift>(p, sample_rate); }

}  // namespace nnr::transform
