// LP, HP, TB: zero-phase Butterworth filters (order 4 per pass, applied forward and backward, so no delay
// and 48 dB per octave past the edge), each 3.01 dB down exactly at the magnitude's cut-off. TB is the
// telephone band: a high-pass at `low_hz` (300 Hz) and a low-pass at the magnitude (3,400 Hz the classic
// band). The manifest's `achieved` is the -3 dB point measured on the filter's impulse response (TB: its
// upper edge; its lower one is the fixed parameter).
#include <memory>

#include "filter.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

constexpr int kOrder = 4;

class Filter final : public Transform {
 public:
  enum class Kind { lowpass, highpass, band };
  Filter(Kind kind, const Params& p, int sample_rate)
      : kind_(kind), sr_(sample_rate), low_hz_(kind == Kind::band ? p.number("low_hz") : 0.0) {}
  std::string code() const override { return kind_ == Kind::lowpass ? "LP" : kind_ == Kind::highpass ? "HP" : "TB"; }
  nlohmann::json params() const override {
    return kind_ == Kind::band ? nlohmann::json{{"low_hz", low_hz_}} : nlohmann::json::object();
  }
  void check_magnitude(double hz) const override {
    const double nyquist = sr_ / 2.0;
    const double lo = kind_ == Kind::band ? 1.5 * low_hz_ : 20.0;
    detail::check_range(code() + " cut-off", hz, lo, 0.9 * nyquist, "Hz");
  }

 private:
  std::vector<detail::Biquad> sections(double hz) const {
    if (kind_ == Kind::highpass) return detail::butterworth(true, hz, kOrder, sr_);
    std::vector<detail::Biquad> s = detail::butterworth(false, hz, kOrder, sr_);
    if (kind_ == Kind::band) {
      const auto hp = detail::butterworth(true, low_hz_, kOrder, sr_);
      s.insert(s.end(), hp.begin(), hp.end());
    }
    return s;
  }
  TransformResult do_apply(const std::vector<float>& x, double hz, std::uint64_t) const override {
    const auto s = sections(hz);
    TransformResult r;
    r.audio = detail::filtfilt(s, x);
    const detail::Edges e = detail::measured_edges(s, sr_);
    r.achieved = kind_ == Kind::highpass ? e.low_hz : e.high_hz;
    return r;
  }
  Kind kind_;
  int sr_;
  double low_hz_;
};

}  // namespace

std::unique_ptr<Transform> make_lowpass(const Params& p, int sr) {
  return std::make_unique<Filter>(Filter::Kind::lowpass, p, sr);
}
std::unique_ptr<Transform> make_highpass(const Params& p, int sr) {
  return std::make_unique<Filter>(Filter::Kind::highpass, p, sr);
}
std::unique_ptr<Transform> make_telephone(const Params& p, int sr) {
  return std::make_unique<Filter>(Filter::Kind::band, p, sr);
}

}  // namespace nnr::transform
