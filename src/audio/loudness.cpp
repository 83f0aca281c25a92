// EBU R128 loudness through libebur128.
#include "nnr/audio/loudness.hpp"

#include <ebur128.h>

#include <cmath>
#include <memory>

#include "nnr/core/error.hpp"

namespace nnr::audio {

namespace {
struct StateFreer {
  void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};
}  // namespace

Loudness measure_loudness(const float* samples, std::size_t n, int sample_rate) {
  Loudness r;
  for (std::size_t i = 0; i < n; ++i) r.sample_peak = std::max(r.sample_peak, std::fabs(double(samples[i])));
  if (n == 0) return r;
  std::unique_ptr<ebur128_state, StateFreer> st(
      ebur128_init(1, static_cast<unsigned long>(sample_rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK));
  if (!st) throw_internal("loudness: libebur128 init failed (sample_rate=" + std::to_string(sample_rate) + ")");
  // Feed in chunks: libebur128 keeps no copy, and chunking keeps its internal buffers small.
  constexpr std::size_t kChunk = 1 << 15;
  for (std::size_t off = 0; off < n; off += kChunk) {
    const std::size_t len = std::min(kChunk, n - off);
    if (ebur128_add_frames_float(st.get(), samples + off, len) != EBUR128_SUCCESS)
      throw_internal("loudness: libebur128 add_frames failed");
  }
  double lufs = 0.0, tp = 0.0;
  if (ebur128_loudness_global(st.get(), &lufs) != EBUR128_SUCCESS)
    throw_internal("loudness: libebur128 loudness_global failed");
  if (ebur128_true_peak(st.get(), 0, &tp) != EBUR128_SUCCESS)
    throw_internal("loudness: libebur128 true_peak failed");
  if (std::isfinite(lufs)) {
    r.lufs = lufs;
    r.silent = false;
  }
  // True peak is at least the sample peak (libebur128's oversampler can undershoot on a lone sample).
  tp = std::max(tp, r.sample_peak);
  r.true_peak_dbtp = tp > 0.0 ? 20.0 * std::log10(tp) : kFloorDb;
  return r;
}

void apply_gain_db(std::vector<float>& x, double gain_db) {
  if (gain_db == 0.0) return;
  const double g = std::pow(10.0, gain_db / 20.0);
  for (auto& v : x) v = static_cast<float>(v * g);
}

GainMatch match_loudness(std::vector<float>& x, double target_lufs, bool target_silent, int sample_rate,
                         double tolerance_lu) {
  GainMatch m;
  m.out = measure_loudness(x, sample_rate);
  if (m.out.silent || target_silent || !std::isfinite(target_lufs)) return m;
  // Gating may admit or drop blocks as the level changes, so re-measure and correct.
  const std::vector<float> orig = x;
  for (int round = 0; round < 4; ++round) {
    const double err = target_lufs - m.out.lufs;
    if (std::fabs(err) <= tolerance_lu) break;
    m.gain_db += err;
    x = orig;
    apply_gain_db(x, m.gain_db);
    m.out = measure_loudness(x, sample_rate);
    if (m.out.silent) break;
  }
  m.matched = !m.out.silent && std::fabs(target_lufs - m.out.lufs) <= std::max(tolerance_lu, 0.1);
  return m;
}

}  // namespace nnr::audio
