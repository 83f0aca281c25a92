// TS: tempo change by a ratio (> 1 faster and shorter) with Rubber Band (offline, pitch unchanged).
#include <cmath>
#include <memory>

#include "nnr/transform/transform.hpp"
#include "params.hpp"
#include "rubberband.hpp"

namespace nnr::transform {

namespace {

class TempoShift final : public Transform {
 public:
  TempoShift(const Params& p, int sample_rate) : sr_(sample_rate), p_(detail::RubberBandParams::from_params(p)) {}
  nlohmann::json params() const override { return p_.to_json(); }
  std::string code() const override { return "TS"; }
  void check_magnitude(double rate) const override { detail::check_range("TS rate", rate, 0.1, 10.0, ""); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double rate, std::uint64_t) const override {
    TransformResult r;
    r.audio = detail::rubberband_offline(x, sr_, 1.0 / rate, 1.0, p_);
    // Offline Rubber Band produces round(n / rate) samples; pin it so the length is exact and
    // independent of the engine's rounding.
    r.audio.resize(static_cast<std::size_t>(std::llround(static_cast<double>(x.size()) / rate)), 0.0f);
    return r;
  }
  int sr_;
  detail::RubberBandParams p_;
};

}  // namespace

std::unique_ptr<Transform> make_tempo_shift(const Params& p, int sample_rate) { return std::make_unique<TempoShift>(p, sample_rate); }

}  // namespace nnr::transform
