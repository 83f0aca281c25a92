#pragma once
/// Measurements used to record what a transformation achieved (manifest columns) and by the tests.

#include <cstddef>
#include <limits>
#include <vector>

namespace nnr::transform {

/// Root mean square (double accumulation). 0 for empty input.
double rms(const std::vector<float>& x);

/// 20 log10(RMS(signal) / RMS(noise)); +inf if noise is zero.
double snr_db(const std::vector<float>& signal, const std::vector<float>& noise);

/// Frequency (Hz) of the strongest spectral peak: Hann-windowed FFT (zero-padded to >= 4x), parabolic
/// interpolation of log magnitude around the peak bin. For tests and pure tones.
double estimate_frequency(const std::vector<float>& x, int sample_rate);

/// Lag (samples) maximising the cross-correlation of `b` against `a` (b[n] ~ a[n - lag]), searched in
/// [-max_lag, max_lag] through FFT; 0 means aligned.
long best_lag(const std::vector<float>& a, const std::vector<float>& b, long max_lag);

/// Pitch change (cents) from `in` to `out`: cross-correlation of their average log-frequency log-magnitude
/// spectra (5-cent bins, 60 Hz..5 kHz, +/-2400 cents, parabolic refinement), then refined within 40 cents
/// on whole-clip power spectra (0.5-cent bins, 60..2500 Hz). NaN when either has no energy.
/// On a sine it is the FFT peak's change within 0.3 cents (tested within 2), also where the engine bends the tone; on
/// music, the shift that best aligns the long-term spectra; indicative for noise-like audio.
double estimate_pitch_shift_cents(const std::vector<float>& in, const std::vector<float>& out,
                                  int sample_rate);

/// Samples per frame of the pitch track (372 ms at 22.05 kHz; hop half of it).
inline constexpr std::size_t kPitchFrame = 8192;

/// What a pitch or tempo shift did to the pitch: the whole clip's change, and how much it moves over time.
struct PitchChange {
  double cents = std::numeric_limits<double>::quiet_NaN();         ///< estimate_pitch_shift_cents(in, out)
  double spread_cents = std::numeric_limits<double>::quiet_NaN();  ///< s.d. of the per-frame changes
  std::size_t frames = 0;                                          ///< frames that had a pitch
};

/// The whole clip's change and its track over time: frames of kPitchFrame samples of `out` (hop half a frame),
/// each against the time-aligned frame of `in` (in time = out time x n_in / n_out, so tempo changes are
/// followed), each a linear-magnitude log-spectrum correlation (FFT 2 x frame) within 300 cents of the
/// whole clip's change. Frames 30 dB below the clip's mean energy are skipped. spread_cents is the
/// standard deviation of the frames' changes (NaN with fewer than two): a warble shows up there.
PitchChange measure_pitch_change(const std::vector<float>& in, const std::vector<float>& out, int sample_rate);

/// Least-squares slope (dB per octave) of the Welch power spectrum (segments of 4096, Hann, 50 %
/// overlap) between f_lo and f_hi, fitted against log2 frequency. Pink noise gives about -3.01.
double spectral_slope_db_per_octave(const std::vector<float>& x, int sample_rate, double f_lo,
                                    double f_hi);

/// Reverberation time (s) of an impulse response by Schroeder backward integration: the energy decay
/// curve's least-squares slope between -5 and -35 dB (T30), or -5 and -25 dB (T20) when it does not reach
/// -35, extrapolated to 60 dB. NaN for a silent or non-decaying response.
double rt60_schroeder(const std::vector<float>& ir, int sample_rate);

}  // namespace nnr::transform
