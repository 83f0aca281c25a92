#pragma once
// Offline Rubber Band processing shared by PS and TS.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnr::transform::detail {

/// Rubber Band settings shared by PS and TS: engine "R2" (faster; the original's default) or "R3"
/// (finer), and R2's transient handling "crisp" (Rubber Band's default), "mixed" or "smooth".
struct RubberBandSettings {
  bool finer = false;
  int transients = 0;  ///< RubberBandStretcher::OptionTransients* value
};
/// Parses {"engine": "R2"|"R3", "transients": "crisp"|"mixed"|"smooth"}; throws Error(config).
RubberBandSettings parse_rubberband(const nlohmann::json& params, const std::string& context);

/// Runs RubberBandStretcher offline (study + process in blocks of 1024 (<= 32768) samples, final=true on
/// the last real block: R3 misbehaves with one huge block or an empty final call, see toolchain notes).
/// time_ratio = output/input duration; pitch_scale = frequency factor. Returns all retrieved samples.
std::vector<float> rubberband_offline(const std::vector<float>& x, int sample_rate, double time_ratio,
                                      double pitch_scale, const RubberBandSettings& settings);

}  // namespace nnr::transform::detail
