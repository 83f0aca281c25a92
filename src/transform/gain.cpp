// GN: a plain gain offset in dB. Its table line turns the stage's loudness match off for it, so the stored
// clip really is that much louder or quieter: it tests an encoder's sensitivity to level alone. The
// manifest's `achieved` is the measured change, 20 log10(RMS(out) / RMS(in)) dB (float samples: nothing
// clips).
#include <cmath>
#include <memory>

#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

class Gain final : public Transform {
 public:
  std::string code() const override { return "GN"; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  void check_magnitude(double db) const override { detail::check_range("GN gain", db, -60.0, 40.0, "dB"); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double db, std::uint64_t) const override {
    const double g = std::pow(10.0, db / 20.0);
    TransformResult r;
    r.audio.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) r.audio[i] = static_cast<float>(x[i] * g);
    r.achieved = 20.0 * std::log10(rms(r.audio) / rms(x));
    return r;
  }
};

}  // namespace

std::unique_ptr<Transform> make_gain(const Params&, int) { return std::make_unique<Gain>(); }

}  // namespace nnr::transform
