// The original excerpt of a clip (original.hpp).
#include "original.hpp"

#include <cmath>
#include <cstdio>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"

namespace nnr::transform::detail {

namespace {

constexpr int kSr = audio::kSampleRate;

std::vector<float> crop(const std::vector<float>& x, std::size_t offset, std::size_t len) {
  std::vector<float> y(len, 0.0f);
  for (std::size_t i = 0; i < len && offset + i < x.size(); ++i) y[i] = x[offset + i];
  return y;
}

}  // namespace

Original load_original(const Clip& c, const StageOptions& o, std::size_t lookahead) {
  Original org;
  std::vector<float> x = audio::decode_audio(c.path, kSr);
  const double secs = static_cast<double>(x.size()) / kSr;
  if (secs < o.min_seconds) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "too short (%.3f s < %.3f s minimum)", secs, o.min_seconds);
    throw_input(std::string("nnr-transform: ") + buf + " (" + c.source + ")");
  }
  // With members that read ahead (CO), every excerpt leaves room for `lookahead` samples of its source after
  // it: a source shorter than the excerpt plus that gets a shorter excerpt (the whole run's choice, so the
  // originals of a run with CO can be shorter than clip_seconds).
  const std::size_t usable = x.size() > lookahead ? x.size() - lookahead : 0;
  if (lookahead > 0 && static_cast<double>(usable) / kSr < o.min_seconds) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "too short for the grid's crop offsets (%.3f s, of which %.3f s must follow the excerpt)",
                  secs, static_cast<double>(lookahead) / kSr);
    throw_input(std::string("nnr-transform: ") + buf + " (" + c.source + ")");
  }
  std::size_t offset = 0, len = usable;
  const auto want = static_cast<std::size_t>(std::llround(o.clip_seconds * kSr));
  if (o.clip_seconds > 0 && usable > want) {
    Rng rng(derive_seed(o.seed, c.id, "crop"));
    offset = uniform_index(rng, usable - want + 1);
    len = want;
  }
  org.audio = crop(x, offset, len);
  for (float v : org.audio)
    if (!std::isfinite(v)) throw_input("nnr-transform: audio holds NaN/inf samples (" + c.source + ")");
  org.loudness = audio::measure_loudness(org.audio, kSr);
  if (org.loudness.silent)
    throw_input("nnr-transform: silent input, loudness below -70 LUFS (" + c.source +
                "); nothing to loudness-match");
  org.after = crop(x, offset + len, lookahead);
  if (!c.vocals.empty()) {
    const std::vector<float> v = audio::decode_audio(c.vocals, kSr);
    org.vocals = crop(v, offset, len);
    org.vocals_after = crop(v, offset + len, lookahead);
  }
  return org;
}

std::vector<float> with_lookahead(const std::vector<float>& clip, const std::vector<float>& after, std::size_t lookahead) {
  std::vector<float> x(clip);
  x.insert(x.end(), after.begin(), after.begin() + static_cast<long>(std::min(lookahead, after.size())));
  x.resize(clip.size() + lookahead, 0.0f);
  return x;
}

}  // namespace nnr::transform::detail
