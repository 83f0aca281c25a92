#pragma once
// Test signals made in code (DESIGN.md "Data" 3): sines, chirps, clicks, white/pink noise, silence.
#include <cmath>
#include <cstdint>
#include <vector>

#include "nnr/core/random.hpp"

namespace nnr::test {

constexpr int kSr = 22050;
constexpr double kPi = 3.14159265358979323846;

inline std::vector<float> sine(double freq_hz, double seconds, double amplitude = 0.5, int sr = kSr) {
  std::vector<float> x(static_cast<std::size_t>(seconds * sr));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * freq_hz * static_cast<double>(i) / sr));
  return x;
}

/// Linear chirp f0 -> f1 over the duration.
inline std::vector<float> chirp(double f0, double f1, double seconds, double amplitude = 0.4, int sr = kSr) {
  std::vector<float> x(static_cast<std::size_t>(seconds * sr));
  const double k = (f1 - f0) / seconds;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / sr;
    x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * (f0 * t + 0.5 * k * t * t)));
  }
  return x;
}

inline std::vector<float> white_noise(double seconds, double stddev, std::uint64_t seed, int sr = kSr) {
  Rng rng(seed);
  std::vector<float> x(static_cast<std::size_t>(seconds * sr));
  for (auto& v : x) v = static_cast<float>(stddev * standard_normal(rng));
  return x;
}

/// Clicks (single-sample impulses) every `period_s` seconds.
inline std::vector<float> clicks(double seconds, double period_s, float amplitude = 0.9f, int sr = kSr) {
  std::vector<float> x(static_cast<std::size_t>(seconds * sr), 0.0f);
  const auto step = static_cast<std::size_t>(period_s * sr);
  for (std::size_t i = 0; i < x.size(); i += step) x[i] = amplitude;
  return x;
}

inline std::vector<float> silence(double seconds, int sr = kSr) {
  return std::vector<float>(static_cast<std::size_t>(seconds * sr), 0.0f);
}

/// A small "music-like" signal: a few harmonic notes with a decaying envelope, deterministic.
inline std::vector<float> harmonic_notes(double seconds, std::uint64_t seed, int sr = kSr) {
  Rng rng(seed);
  std::vector<float> x(static_cast<std::size_t>(seconds * sr), 0.0f);
  const std::size_t note_len = static_cast<std::size_t>(0.25 * sr);
  for (std::size_t start = 0; start < x.size(); start += note_len) {
    const double f0 = 110.0 * std::pow(2.0, static_cast<double>(uniform_index(rng, 36)) / 12.0);
    for (std::size_t i = 0; i < note_len && start + i < x.size(); ++i) {
      const double t = static_cast<double>(i) / sr;
      double v = 0;
      for (int h = 1; h <= 5; ++h) v += std::sin(2 * kPi * f0 * h * t) / h;
      x[start + i] = static_cast<float>(0.3 * v * std::exp(-4.0 * t));
    }
  }
  return x;
}

}  // namespace nnr::test
