#pragma once
/// Deterministic randomness. Every random item (a transformed clip, a crop, a bootstrap resample) gets
/// its own seed derived from stable names, never from processing order, so shards, thread counts and
/// resumed runs cannot change results. We use mt19937_64 with our own float and normal conversions:
/// std::uniform_real_distribution / std::normal_distribution differ between standard libraries.

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace nnr {

/// FNV-1a 64 of the bytes, stable across platforms and runs.
inline std::uint64_t stable_hash(std::string_view bytes, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

/// splitmix64 finaliser: spreads nearby inputs over all 64 bits.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// Seed of one item: derive_seed(run_seed, "clip-007", "PS", "-12"). Parts are joined with a separator
/// byte so ("ab","c") and ("a","bc") differ.
template <typename... Parts>
std::uint64_t derive_seed(std::uint64_t run_seed, const Parts&... parts) {
  std::uint64_t h = mix64(run_seed);
  ((h = stable_hash(std::string_view(parts), h), h = stable_hash(std::string_view("\x1f", 1), h)), ...);
  return mix64(h);
}

using Rng = std::mt19937_64;

/// Uniform in [0, 1) with 53 random bits.
inline double uniform01(Rng& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

/// Standard normal by Box-Muller (both values of a pair are not cached: simpler, still deterministic).
inline double standard_normal(Rng& rng) {
  double u1 = uniform01(rng);
  while (u1 <= 0.0) u1 = uniform01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// Uniform integer in [0, n) without modulo bias worth caring about for n << 2^64.
inline std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  // The product is at most n (rounding up at the top end); n maps to 0, as `% n` did, without a division
  // (the bootstrap draws a million of these per interval).
  const auto i = static_cast<std::uint64_t>(uniform01(rng) * static_cast<double>(n));
  return i < n ? i : 0;
}

}  // namespace nnr
