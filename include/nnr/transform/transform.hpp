#pragma once
/// Audio transformations of the paper (section 2.2 / Figure 3): pitch shift (PS), tempo shift (TS),
/// pink noise (PN), environmental noise (EN), MP3 round trip (MP); and degradations beyond it: filters (LP,
/// HP, TB), gain staging (CL, CP, GN), reverberation (RV), other codecs (AC, OP, VB) and crop offsets (CO),
/// docs/transforms.md. Each is deterministic given (seed, input, magnitude). Members live in
/// src/transform/<name>.cpp and are reached through the explicit registry table in src/transform/builtin.cpp.
///
/// Magnitudes: PS semitones, TS tempo ratio (> 1 = faster, shorter), PN/EN SNR in dB (RMS ratio of
/// music to noise), MP bit rate in kb/s; the others' units are in their table lines. All audio is mono
/// float at nnr::audio::kSampleRate.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/registry.hpp"

namespace nnr::transform {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// What a transform produced plus what it measured (NaN where it does not apply).
struct TransformResult {
  std::vector<float> audio;
  double snr_db = kNaN;       ///< PN/EN: achieved 20 log10(RMS(music) / RMS(noise))
  double mp3_lag = kNaN;      ///< MP: residual lag (samples) of the cross-correlation peak
  double achieved = kNaN;     ///< the member's own measurement of what it did (TransformEntry::achieved)
  std::vector<float> noise;   ///< PN/EN: the scaled noise that was added (for re-measuring SNR)
};

class Transform {
 public:
  virtual ~Transform() = default;
  /// Short code used in grids and ids: "PS", "TS", "PN", "EN", "MP".
  virtual std::string code() const = 0;
  /// Applies the transform at `magnitude`. Validates the magnitude (Error(config) naming the valid
  /// range) and the input (Error(input) for empty or non-finite audio), then calls do_apply.
  TransformResult apply(const std::vector<float>& x, double magnitude, std::uint64_t seed) const;
  /// The same transform applied to a stem of the input (e.g. isolated vocals), with the same seed.
  /// Noise transforms return the stem unchanged (the stem gets no noise, only the caller's gain).
  virtual std::vector<float> apply_to_stem(const std::vector<float>& stem, double magnitude,
                                           std::uint64_t seed) const;
  /// Source samples after the clip's excerpt this member reads at `magnitude` (0 for most): apply() and
  /// apply_to_stem() then get the excerpt followed by that many samples of its source (zeros past the
  /// source's end) and return an excerpt-length result (CO, a later crop of the same source).
  virtual std::size_t lookahead_samples(double /*magnitude*/) const { return 0; }
  /// Throws Error(config) if `magnitude` is not a valid setting of this transform.
  virtual void check_magnitude(double magnitude) const = 0;
  /// The resolved parameters (defaults filled in), as the member's config object:
  /// make_transform(code(), {params()}) builds an identical transform. Recorded in config.json.
  virtual nlohmann::json params() const = 0;

 private:
  virtual TransformResult do_apply(const std::vector<float>& x, double magnitude,
                                   std::uint64_t seed) const = 0;
};

/// Construction context: the member's config object (validated against its declared parameters by
/// make_transform) and the sample rate.
struct TransformOptions {
  nlohmann::json params = nlohmann::json::object();  ///< the member's config object (may be empty)
  int sample_rate = audio::kSampleRate;
};

/// One line of the transform table (src/transform/builtin.cpp): {name, description, parameters, make} plus
/// the traits grids, stages and figures read.
struct TransformEntry : EntryBase {
  /// `params` holds every declared parameter (defaults filled in, values checked).
  std::unique_ptr<Transform> (*make)(const Params& params, int sample_rate);
  std::string code;       ///< short code in grids, ids and the manifest: "PS"
  std::string label;      ///< figure title: "Pitch shift (PS)"
  std::string axis;       ///< figure x label: "pitch shift (semitones)"
  double identity = kNaN; ///< the magnitude that leaves audio unchanged (PS 0, TS 1); NaN = none
  std::vector<double> ticks;  ///< preferred x ticks for figures (empty = automatic)
  bool measure_pitch = false; ///< the stage records the pitch change in cents (manifest pitch_cents)
  /// What the member measures into the manifest's `achieved` column ("RT60 of the impulse response used
  /// (s)"); empty = the member fills no such value.
  std::string achieved;
  /// false: the stage stores the output as is, without matching the original's loudness (a gain offset
  /// exists to change the level).
  bool loudness_match = true;
  /// Which way the transformation grows stronger, for breakdown magnitudes: 0 away from `identity` on both
  /// sides (PS, TS), -1 towards lower magnitudes (SNR, bit rate, cut-off), +1 towards higher (RT60).
  int stronger = 0;
};

/// The registry, in canonical grid order: PS, TS, PN, EN, MP.
const Registry<TransformEntry>& transform_registry();
/// Looks a member up by code ("PS") or name ("pitch_shift"); throws Error(config) listing the valid ones.
const TransformEntry& find_transform(const std::string& code_or_name);
/// Comma-separated valid codes, for messages.
std::string valid_transform_codes();

/// Builds a member. Throws Error(config) for unknown keys or out-of-range parameter values.
std::unique_ptr<Transform> make_transform(const std::string& code_or_name, const TransformOptions& opt);

/// The transform table as JSON for figures and reports: a list of {code, name, label, axis, identity, ticks,
/// stronger, achieved, loudness_match}.
nlohmann::json transform_labels_json();

/// Gaussian noise with power spectral density ~ 1/f^exponent (1 = pink: -3.01 dB/octave), zero mean, unit
/// RMS, n samples; white noise shaped in the frequency domain, fully determined by `seed`.
std::vector<float> pink_noise(std::size_t n, std::uint64_t seed, double exponent = 1.0);

/// Mixes `noise` into `x` so that 20 log10(RMS(x)/RMS(k * noise)) = snr_db exactly (in double).
/// noise.size() must equal x.size(). Throws Error(input) if x or noise is silent.
TransformResult mix_at_snr(const std::vector<float>& x, const std::vector<float>& noise, double snr_db);

}  // namespace nnr::transform
