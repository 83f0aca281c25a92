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
std::unique_ptr<Transform> make_lowpass(const Params&, int sample_rate);
std::unique_ptr<Transform> make_highpass(const Params&, int sample_rate);
std::unique_ptr<Transform> make_telephone(const Params&, int sample_rate);
std::unique_ptr<Transform> make_clipping(const Params&, int sample_rate);
std::unique_ptr<Transform> make_compressor(const Params&, int sample_rate);
std::unique_ptr<Transform> make_gain(const Params&, int sample_rate);
std::unique_ptr<Transform> make_reverb(const Params&, int sample_rate);
std::unique_ptr<Transform> make_aac(const Params&, int sample_rate);
std::unique_ptr<Transform> make_opus(const Params&, int sample_rate);
std::unique_ptr<Transform> make_vorbis(const Params&, int sample_rate);
std::unique_ptr<Transform> make_crop_offset(const Params&, int sample_rate);

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
           &make_pitch_shift, "PS", "Pitch shift (PS)", "pitch shift (semitones)", 0.0, {-12, -8, -4, 0, 4, 8, 12}, true, "", true, 0},
          {{"tempo_shift", "tempo ratio, > 1 faster (Rubber Band, pitch kept)", rubberband_params()},
           &make_tempo_shift, "TS", "Tempo shift (TS)", "tempo ratio", 1.0, {0.3, 0.6, 0.9, 1.2, 1.5}, true, "", true, 0},
          {{"pink_noise", "pink (1/f) noise at an SNR in dB",
            {number_param("exponent", "PSD ~ 1/f^exponent: 1 pink, 0 white, 2 brown", 1.0, 0.0, 2.0)}},
           &make_pink_noise, "PN", "Pink noise (PN)", "SNR (dB)", kNaN, {-15, -5, 5, 15, 25}, false, "", true, -1},
          {{"env_noise", "a recorded environmental noise at an SNR in dB",
            {string_param("noise_file", "the noise recording (any format FFmpeg reads); required", "")}},
           &make_env_noise, "EN", "Environmental noise (EN)", "SNR (dB)", kNaN, {-15, -5, 5, 15, 25}, false, "", true, -1},
          {{"mp3", "MP3 round trip at a bit rate in kb/s (libmp3lame, delay removed)",
            {string_param("high_bitrate",
                          "above 160 kb/s at 22.05 kHz: resample (encode at 44.1 kHz) or clamp (LAME's 160)",
                          "resample", {"resample", "clamp"})}},
           &make_mp3, "MP", "MP3 compression (MP)", "bit rate (kb/s)", kNaN, {8, 64, 128, 192}, false, "", true, -1},
          // Beyond the paper: real-world degradations (docs/transforms.md, "More degradations").
          {{"lowpass", "low-pass at a cut-off in Hz (zero-phase Butterworth, 3.01 dB down at the cut-off)", {}},
           &make_lowpass, "LP", "Low-pass filter (LP)", "cut-off (Hz)", kNaN, {}, false, "measured -3 dB point (Hz)", true, -1},
          {{"highpass", "high-pass at a cut-off in Hz (zero-phase Butterworth, 3.01 dB down at the cut-off)", {}},
           &make_highpass, "HP", "High-pass filter (HP)", "cut-off (Hz)", kNaN, {}, false, "measured -3 dB point (Hz)", true, 1},
          {{"telephone", "telephone band: high-pass at low_hz, low-pass at the magnitude in Hz (3400: the classic band)",
            {number_param("low_hz", "the band's lower edge", 300.0, 20.0, 5000.0, "Hz")}},
           &make_telephone, "TB", "Telephone band (TB)", "upper edge (Hz)", kNaN, {}, false,
           "measured upper -3 dB point (Hz)", true, -1},
          {{"clipping", "hard clipping at a level in dB below the clip's peak", {}},
           &make_clipping, "CL", "Hard clipping (CL)", "clip level (dB re peak)", kNaN, {}, false,
           "fraction of samples clipped", true, -1},
          {{"compressor", "feed-forward compressor by ratio (hard knee, peak envelope)",
            {number_param("threshold_db", "threshold re the clip's peak", -20.0, -80.0, 0.0, "dB"),
             number_param("attack_ms", "envelope attack", 5.0, 0.01, 1000.0, "ms"),
             number_param("release_ms", "envelope release", 50.0, 0.01, 5000.0, "ms")}},
           &make_compressor, "CP", "Compression (CP)", "ratio", 1.0, {}, false,
           "gain reduction measured on the audio, before loudness matching (dB)", true, 0},
          {{"gain", "a gain offset in dB, not loudness-matched afterwards (level sensitivity)", {}},
           &make_gain, "GN", "Gain offset (GN)", "gain (dB)", 0.0, {}, false, "measured level change (dB)", false, 0},
          {{"reverb", "reverberation by RT60 in s (synthesised room response, or the nearest of a folder of real ones)",
            {number_param("drr_db", "direct-to-reverberant energy ratio of the synthesised responses", 0.0, -40.0, 40.0, "dB"),
             string_param("ir_folder", "a folder of recorded impulse responses to use instead (empty: synthesise)", "")}},
           &make_reverb, "RV", "Reverberation (RV)", "RT60 (s)", kNaN, {}, false,
           "RT60 of the response used, by Schroeder backward integration (s)", true, 1},
          {{"aac", "AAC round trip at a bit rate in kb/s (libavcodec's aac encoder, priming removed)", {}},
           &make_aac, "AC", "AAC compression (AC)", "bit rate (kb/s)", kNaN, {}, false, "codec delay removed (samples at the codec's rate)", true, -1},
          {{"opus", "Opus round trip at a bit rate in kb/s (libopus at 48 kHz, resampled there and back)", {}},
           &make_opus, "OP", "Opus compression (OP)", "bit rate (kb/s)", kNaN, {}, false, "codec delay removed (samples at the codec's rate)", true, -1},
          {{"vorbis", "Vorbis round trip at a bit rate in kb/s (libvorbis)", {}},
           &make_vorbis, "VB", "Vorbis compression (VB)", "bit rate (kb/s)", kNaN, {}, false, "codec delay removed (samples at the codec's rate)", true, -1},
          {{"crop_offset", "the same clip cropped later by an offset in s (its original: the unshifted crop)", {}},
           &make_crop_offset, "CO", "Crop offset (CO)", "offset (s)", 0.0, {}, false, "shift measured back by cross-correlation (s)", true, 0},
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
                 {"ticks", t.ticks},
                 {"stronger", t.stronger},
                 {"achieved", t.achieved},
                 {"loudness_match", t.loudness_match}});
  return j;
}

}  // namespace nnr::transform
