#pragma once
// Offline Rubber Band processing shared by PS and TS.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnr/core/registry.hpp"

namespace nnr::transform::detail {

/// Params of PS and TS: engine "R2" (faster; the original's default) or "R3" (finer), and R2's transient
/// handling "crisp" (Rubber Band's default), "mixed" or "smooth".
struct RubberBandParams {
  std::string engine = "R2";
  std::string transients = "crisp";
  /// From the member's validated params (engine aliases normalised to "R2"/"R3").
  static RubberBandParams from_params(const Params& p);
  nlohmann::json to_json() const { return {{"engine", engine}, {"transients", transients}}; }
  /// RubberBandStretcher option bits for the engine and transients (offline mode added by the caller).
  int options() const;
};

/// Runs RubberBandStretcher offline (study + process in blocks of 1024 (<= 32768) samples, final=true on
/// the last real block: R3 misbehaves with one huge block or an empty final call, see toolchain notes).
/// time_ratio = output/input duration; pitch_scale = frequency factor. Returns all retrieved samples.
std::vector<float> rubberband_offline(const std::vector<float>& x, int sample_rate, double time_ratio,
                                      double pitch_scale, const RubberBandParams& params);

}  // namespace nnr::transform::detail
