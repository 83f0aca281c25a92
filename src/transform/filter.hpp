#pragma once
// Zero-phase Butterworth filtering for the filter members (LP, HP, TB) and their measured -3 dB points.
#include <cstddef>
#include <vector>

namespace nnr::transform::detail {

/// One second-order section, y = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) x.
struct Biquad {
  double b0, b1, b2, a1, a2;
};

/// The sections of an order-`order` (even) Butterworth low- or high-pass whose forward-backward
/// application (filtfilt) is 3.01 dB down exactly at `f3_hz`: each pass is -1.5 dB there, the bilinear
/// transform prewarped so the digital response equals the analog one.
std::vector<Biquad> butterworth(bool highpass, double f3_hz, int order, int sample_rate);

/// Forward then backward through `sections` (zero phase, squared magnitude response), the ends extended
/// by odd reflection so the edges settle; same length as x.
std::vector<float> filtfilt(const std::vector<Biquad>& sections, const std::vector<float>& x);

/// The frequencies (Hz) where the magnitude response of filtfilt(sections) crosses 3.01 dB below its
/// maximum, measured on its impulse response (FFT of 2^16 points, linear interpolation between bins):
/// the first crossing above the peak (a low-pass edge) and the last below it (a high-pass edge); NaN
/// where there is none.
struct Edges {
  double low_hz, high_hz;
};
Edges measured_edges(const std::vector<Biquad>& sections, int sample_rate);

}  // namespace nnr::transform::detail
