// The transform registry: one line per member, in canonical grid order.
#include <cmath>
#include <limits>

#include "nnr/core/error.hpp"
#include "nnr/transform/transform.hpp"

namespace nnr::transform {

std::unique_ptr<Transform> make_pitch_shift(const Params&, int sample_rate);
std::unique_ptr<Transform> make_tempo_shift(const Params&, int sample_rate);
std::unique_ptr<Transform> make_pink_noise(const Params&, int sample_rate);
std::unique_ptr<Transform> make_env_noise(const Params&, int sample_rate);
std::unique_ptr<Transform> make_mp3(const Params&, int sample_rate);

namespace {
// Parameters shared by the two Rubber Band members.
std::vector<ParamSpec> rubberband_params() {
  return {string_param("engine", "Rubber Band engine: R2 (faster, the original's) or R3 (finer)", "R2",
                       {"R2", "R3", "r2", "r3", "faster", "finer"}),
          string_param("transients", "R2 transient handling", "crisp", {"crisp", "mixed", "smooth"})};
}
}  // namespace

const Registry<TransformEntry>& transform_registry() {
  static const Registry<TransformEntry> table{
      "transform",
      {
          {{"pitch_shift", "pitch shift in semitones (Rubber Band, duration kept)", rubberband_params()},
           &make_pitch_shift, "PS", "Pitch shift (PS)", "pitch shift (semitones)", 0.0, {-12, -8, -4, 0, 4, 8, 12}, true},
          {{"tempo_shift", "tempo ratio, > 1 faster (Rubber Band, pitch kept)", rubberband_params()},
           &make_tempo_shift, "TS", "Tempo shift (TS)", "tempo ratio", 1.0, {0.3, 0.6, 0.9, 1.2, 1.5}, true},
          {{"pink_noise", "pink (1/f) noise at an SNR in dB",
            {number_param("exponent", "PSD ~ 1/f^exponent: 1 pink, 0 white, 2 brown", 1.0, 0.0, 2.0)}},
           &make_pink_noise, "PN", "Pink noise (PN)", "SNR (dB)", kNaN, {-15, -5, 5, 15, 25}},
          {{"env_noise", "a recorded environmental noise at an SNR in dB",
            {string_param("noise_file", "the noise recording (any format FFmpeg reads); required", "")}},
           &make_env_noise, "EN", "Environmental noise (EN)", "SNR (dB)", kNaN, {-15, -5, 5, 15, 25}},
          {{"mp3", "MP3 round trip at a bit rate in kb/s (libmp3lame, delay removed)",
            {string_param("high_bitrate",
                          "above 160 kb/s at 22.05 kHz: resample (encode at 44.1 kHz) or clamp (LAME's 160)",
                          "resample", {"resample", "clamp"})}},
           &make_mp3, "MP", "MP3 compression (MP)", "bit rate (kb/s)", kNaN, {8, 64, 128, 192}},
      }};
  return table;
}

std::string valid_transform_codes() {
  std::string s;
  for (const auto& t : transform_registry().entries()) s += (s.empty() ? "" : ", ") + t.code;
  return s;
}

const TransformEntry& find_transform(const std::string& key) {
  for (const auto& t : transform_registry().entries())
    if (key == t.code || key == t.name) return t;
  std::string names;
  for (const auto& t : transform_registry().entries()) names += (names.empty() ? "" : ", ") + t.code + " (" + t.name + ")";
  throw_config("transform: unknown transform '" + key + "'; valid: " + names);
}

std::unique_ptr<Transform> make_transform(const std::string& key, const TransformOptions& opt) {
  const TransformEntry& e = find_transform(key);
  return e.make(validate_params(e.parameters, opt.params, "transform." + e.name), opt.sample_rate);
}

nlohmann::json transform_labels_json() {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : transform_registry().entries())
    j.push_back({{"code", t.code},
                 {"name", t.name},
                 {"label", t.label},
                 {"axis", t.axis},
                 {"identity", std::isnan(t.identity) ? nlohmann::json() : nlohmann::json(t.identity)},
                 {"ticks", t.ticks}});
  return j;
}

}  // namespace nnr::transform
