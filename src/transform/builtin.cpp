// The transform registry: one line per member, in canonical grid order.
#include "nnr/core/error.hpp"
#include "nnr/transform/transform.hpp"

namespace nnr::transform {

std::unique_ptr<Transform> make_pitch_shift(const TransformOptions&);
std::unique_ptr<Transform> make_tempo_shift(const TransformOptions&);
std::unique_ptr<Transform> make_pink_noise(const TransformOptions&);
std::unique_ptr<Transform> make_env_noise(const TransformOptions&);
std::unique_ptr<Transform> make_mp3(const TransformOptions&);

const std::vector<TransformInfo>& transform_registry() {
  static const std::vector<TransformInfo> table = {
      {"PS", "pitch_shift", "pitch shift in semitones (Rubber Band, duration kept)", &make_pitch_shift},
      {"TS", "tempo_shift", "tempo ratio, > 1 faster (Rubber Band, pitch kept)", &make_tempo_shift},
      {"PN", "pink_noise", "pink (1/f) noise at an SNR in dB", &make_pink_noise},
      {"EN", "env_noise", "a recorded environmental noise at an SNR in dB", &make_env_noise},
      {"MP", "mp3", "MP3 round trip at a bit rate in kb/s (libmp3lame, delay removed)", &make_mp3},
  };
  return table;
}

std::string valid_transform_codes() {
  std::string s;
  for (const auto& t : transform_registry()) s += (s.empty() ? "" : ", ") + std::string(t.code);
  return s;
}

const TransformInfo& find_transform(const std::string& key) {
  for (const auto& t : transform_registry())
    if (key == t.code || key == t.name) return t;
  std::string names;
  for (const auto& t : transform_registry())
    names += (names.empty() ? "" : ", ") + std::string(t.code) + " (" + t.name + ")";
  throw_config("transform: unknown transform '" + key + "'; valid: " + names);
}

std::unique_ptr<Transform> make_transform(const std::string& key, const TransformOptions& opt) {
  return find_transform(key).make(opt);
}

}  // namespace nnr::transform
