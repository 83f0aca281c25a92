// The Transform entry point (validation shared by every member) and SNR mixing.
#include "nnr/transform/transform.hpp"

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/transform/measure.hpp"

namespace nnr::transform {

TransformResult Transform::apply(const std::vector<float>& x, double magnitude, std::uint64_t seed) const {
  check_magnitude(magnitude);
  if (x.empty()) throw_input("transform " + code() + ": empty input audio");
  for (float v : x)
    if (!std::isfinite(v)) throw_input("transform " + code() + ": input audio holds NaN or inf samples");
  return do_apply(x, magnitude, seed);
}

std::vector<float> Transform::apply_to_stem(const std::vector<float>& stem, double magnitude,
                                            std::uint64_t seed) const {
  return apply(stem, magnitude, seed).audio;
}

TransformResult mix_at_snr(const std::vector<float>& x, const std::vector<float>& noise, double snr) {
  NNR_ASSERT(x.size() == noise.size());
  const double rx = rms(x), rn = rms(noise);
  if (rx == 0.0) throw_input("noise mix: the music is silent, SNR undefined");
  if (rn == 0.0) throw_input("noise mix: the noise is silent, SNR undefined");
  // RMS(k * noise) = RMS(x) * 10^(-snr/20): SNR as the RMS ratio (the original code's definition).
  const double k = rx * std::pow(10.0, -snr / 20.0) / rn;
  TransformResult r;
  r.noise.resize(noise.size());
  r.audio.resize(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    r.noise[i] = static_cast<float>(k * noise[i]);
    r.audio[i] = x[i] + r.noise[i];
  }
  r.snr_db = snr_db(x, r.noise);
  return r;
}

}  // namespace nnr::transform
