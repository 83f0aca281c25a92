// EN: a recorded noise (the original used a pub ambience) mixed at a target SNR. The recording is
// decoded once; each clip takes a window starting at a seeded random offset, looping when the
// recording is shorter than the clip.
#include <memory>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/random.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

struct EnvNoiseParams {
  std::string noise_file;  ///< any format FFmpeg reads; required
  static EnvNoiseParams from_params(const Params& params) {
    EnvNoiseParams p;
    p.noise_file = params.string("noise_file");
    if (p.noise_file.empty())
      throw_config("transform: environmental noise (EN) needs a noise recording (transform.noise_file); "
                   "pass --noise FILE or remove EN from the grid");
    return p;
  }
  nlohmann::json to_json() const { return {{"noise_file", noise_file}}; }
};

class EnvNoise final : public Transform {
 public:
  EnvNoise(const Params& p, int sample_rate) : p_(EnvNoiseParams::from_params(p)) {
    noise_ = audio::decode_audio(p_.noise_file, sample_rate);
    if (rms(noise_) == 0.0)
      throw_config("transform: the noise recording is silent (noise_file=" + p_.noise_file + "); use another file");
    // Looping a very short recording adds a periodic buzz, not an environment: at least one loudness
    // block (0.4 s, the shortest clip nnr-transform takes too).
    constexpr double kMinSeconds = 0.4;
    if (static_cast<double>(noise_.size()) < kMinSeconds * sample_rate)
      throw_config("transform: the noise recording is too short (noise_file=" + p_.noise_file + ", " +
                   std::to_string(static_cast<double>(noise_.size()) / sample_rate).substr(0, 5) +
                   " s); EN needs at least 1 s of noise to loop");
  }
  nlohmann::json params() const override { return p_.to_json(); }
  std::string code() const override { return "EN"; }
  void check_magnitude(double snr) const override { detail::check_range("EN SNR", snr, -60.0, 120.0, "dB"); }
  std::vector<float> apply_to_stem(const std::vector<float>& stem, double, std::uint64_t) const override {
    return stem;
  }

 private:
  TransformResult do_apply(const std::vector<float>& x, double snr, std::uint64_t seed) const override {
    Rng rng(seed);
    // A window inside the recording when it is long enough (no loop seam), else loop from any offset.
    const std::size_t offset = noise_.size() >= x.size() ? uniform_index(rng, noise_.size() - x.size() + 1)
                                                         : uniform_index(rng, noise_.size());
    std::vector<float> n(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) n[i] = noise_[(offset + i) % noise_.size()];
    return mix_at_snr(x, n, snr);
  }
  EnvNoiseParams p_;
  std::vector<float> noise_;
};

}  // namespace

std::unique_ptr<Transform> make_env_noise(const Params& p, int sample_rate) { return std::make_unique<EnvNoise>(p, sample_rate); }

}  // namespace nnr::transform
