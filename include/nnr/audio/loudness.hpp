#pragma once
/// Loudness after ITU-R BS.1770-4 / EBU R128 through libebur128: integrated loudness (mode I: 400 ms
/// blocks, 75 % overlap, -70 LUFS absolute gate, -10 LU relative gate) and true peak (4x oversampled).
///
/// Silence: a clip whose every gating block is below the -70 LUFS absolute gate (all zeros, or shorter
/// than one 400 ms block) has no defined integrated loudness. We never return NaN or inf for it: lufs is
/// reported as kSilentLufs (-70) with silent = true, and gain matching then applies no gain (0 dB) and
/// reports matched = false, so the caller can record the status. True peak of all-zero audio is
/// reported as kFloorDb (-200 dBTP).

#include <cstddef>
#include <vector>

#include "nnr/audio/audio_file.hpp"

namespace nnr::audio {

constexpr double kSilentLufs = -70.0;  ///< reported for clips below the absolute gate
constexpr double kFloorDb = -200.0;    ///< dB floor for peaks of all-zero audio

struct Loudness {
  double lufs = kSilentLufs;           ///< integrated loudness, LUFS (kSilentLufs when silent)
  double true_peak_dbtp = kFloorDb;    ///< true peak, dBTP (0 dBTP = full scale 1.0)
  double sample_peak = 0.0;            ///< max |x| (linear)
  bool silent = true;                  ///< no gating block above -70 LUFS
};

/// Measures mono float audio at `sample_rate`. Throws Error(internal) if libebur128 fails.
/// Thread-safe (one libebur128 state per call).
Loudness measure_loudness(const float* samples, std::size_t n, int sample_rate = kSampleRate);
inline Loudness measure_loudness(const std::vector<float>& x, int sample_rate = kSampleRate) {
  return measure_loudness(x.data(), x.size(), sample_rate);
}

struct GainMatch {
  double gain_db = 0.0;  ///< total gain applied to the samples (dB)
  Loudness out;          ///< loudness of the samples after the gain
  bool matched = false;  ///< |out.lufs - target| <= tolerance; false for silent input or target
};

/// Scales `x` in place so that its integrated loudness equals `target_lufs` within `tolerance_lu`
/// (default 0.01 LU; up to 4 measure-and-correct rounds, since gating can shift with the level).
/// Samples are float: values beyond +/-1 are kept, never clipped; out.true_peak_dbtp reports them.
/// If x is silent or target_silent is true, nothing is changed and matched = false.
GainMatch match_loudness(std::vector<float>& x, double target_lufs, bool target_silent = false,
                         int sample_rate = kSampleRate, double tolerance_lu = 0.01);

/// Multiplies by 10^(gain_db/20) in place (float, no clipping).
void apply_gain_db(std::vector<float>& x, double gain_db);

}  // namespace nnr::audio
