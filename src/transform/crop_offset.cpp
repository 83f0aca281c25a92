// CO: the same clip cropped later by the magnitude in seconds (0.05-1 s is the useful range): the excerpt
// starting that much later in its source, so a model's sensitivity to alignment shows; its "original" is
// the unshifted crop. The member reads ahead (lookahead_samples) and the stage hands it the excerpt plus
// the source that follows. The manifest's `achieved` is the shift measured back, by cross-correlating the
// output against the excerpt and what follows it (s).
#include <cmath>
#include <memory>

#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

class CropOffset final : public Transform {
 public:
  explicit CropOffset(int sample_rate) : sr_(sample_rate) {}
  std::string code() const override { return "CO"; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  void check_magnitude(double s) const override { detail::check_range("CO offset", s, 1.0 / sr_, 10.0, "s"); }
  std::size_t lookahead_samples(double s) const override { return static_cast<std::size_t>(std::llround(s * sr_)); }

 private:
  TransformResult do_apply(const std::vector<float>& x, double s, std::uint64_t) const override {
    const std::size_t shift = lookahead_samples(s);
    if (x.size() <= shift)
      throw_input("transform CO: got " + std::to_string(x.size()) + " samples, no more than the " + std::to_string(shift) +
                  " to skip; CO needs the excerpt plus what follows it (nnr-transform passes both)");
    TransformResult r;
    r.audio.assign(x.begin() + static_cast<long>(shift), x.end());
    // y[n] = x[n + shift]: the correlation peaks at lag -shift.
    const std::vector<float> head(x.begin(), x.begin() + static_cast<long>(r.audio.size()));
    r.achieved = -static_cast<double>(best_lag(head, r.audio, static_cast<long>(shift) + 64)) / sr_;
    return r;
  }
  int sr_;
};

}  // namespace

std::unique_ptr<Transform> make_crop_offset(const Params&, int sample_rate) { return std::make_unique<CropOffset>(sample_rate); }

}  // namespace nnr::transform
