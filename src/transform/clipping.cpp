// CL: hard clipping at a level below the clip's own peak (magnitude in dB re that peak: -6 clips every
// sample above half the peak), as broken gain staging does. The manifest's `achieved` is the fraction of
// samples that were clipped.
#include <algorithm>
#include <cmath>
#include <memory>

#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

class Clipping final : public Transform {
 public:
  std::string code() const override { return "CL"; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  void check_magnitude(double db) const override { detail::check_range("CL level", db, -60.0, -0.01, "dB re peak"); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double db, std::uint64_t) const override {
    float peak = 0.0f;
    for (float v : x) peak = std::max(peak, std::fabs(v));
    const float level = static_cast<float>(peak * std::pow(10.0, db / 20.0));
    TransformResult r;
    r.audio.resize(x.size());
    std::size_t clipped = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      clipped += std::fabs(x[i]) > level;
      r.audio[i] = std::clamp(x[i], -level, level);
    }
    r.achieved = static_cast<double>(clipped) / static_cast<double>(x.size());
    return r;
  }
};

}  // namespace

std::unique_ptr<Transform> make_clipping(const Params&, int) { return std::make_unique<Clipping>(); }

}  // namespace nnr::transform
