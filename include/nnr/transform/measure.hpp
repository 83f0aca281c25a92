#pragma once
/// Measurements used to record what a transformation achieved (manifest columns) and by the tests.

#include <cstddef>
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

/// Pitch change (cents) from `in` to `out`: cross-correlation of their average log-frequency magnitude
/// spectra (5-cent bins, 60 Hz..5 kHz, +/-2400 cents, parabolic refinement). NaN when either has no
/// energy in that band. Accurate to a few cents for tonal material; indicative for noise-like audio.
double estimate_pitch_shift_cents(const std::vector<float>& in, const std::vector<float>& out,
                                  int sample_rate);

/// Least-squares slope (dB per octave) of the Welch power spectrum (segments of 4096, Hann, 50 %
/// overlap) between f_lo and f_hi, fitted against log2 frequency. Pink noise gives about -3.01.
double spectral_slope_db_per_octave(const std::vector<float>& x, int sample_rate, double f_lo,
                                    double f_hi);

}  // namespace nnr::transform
