// AC, OP, VB: AAC (libavcodec's native encoder), Opus (libopus, at 48 kHz: the clip is resampled there and
// back) and Vorbis (libvorbis) round trips in memory at a bit rate in kb/s, as MP is for MP3: the encoder's
// priming removed, exact length, aligned at lag 0. A bit rate is valid when the encoder opens with it at
// the rate it works at and keeps it (no silent clamp). The manifest's `achieved` is the codec delay that was
// measured and removed (samples at the rate the codec ran at: AAC 1024; Opus 0 (its decoder skips the
// pre-skip) but up to 7 at 8 kb/s on some clips; Vorbis 0 or 256 by its first block); the output is aligned with the input at lag 0 (tested).
#include <map>
#include <memory>
#include <mutex>

#include "codec.hpp"
#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

class CodecRoundTrip final : public Transform {
 public:
  CodecRoundTrip(detail::CodecSpec spec, int work_rate, int sample_rate)
      : spec_(std::move(spec)), work_sr_(work_rate), sr_(sample_rate) {}
  std::string code() const override { return spec_.code; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  void check_magnitude(double kbps) const override {
    detail::check_range(spec_.code + " bit rate", kbps, 1.0, 1000.0, "kb/s");
    if (kbps != std::floor(kbps)) throw_config("transform: " + spec_.code + " bit rate must be whole kb/s (" + detail::num(kbps) + ")");
    const int k = static_cast<int>(kbps);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = accepted_.find(k);
    if (it == accepted_.end()) it = accepted_.emplace(k, detail::codec_effective_bitrate(spec_, work_sr_, k)).first;
    if (it->second != static_cast<long long>(k) * 1000)
      throw_config("transform: " + spec_.code + " bit rate " + std::to_string(k) + " kb/s is not one " + spec_.encoder +
                   " takes at " + std::to_string(work_sr_) + " Hz mono (" +
                   (it->second < 0 ? std::string("it refuses it") : "it would use " + std::to_string(it->second / 1000) + " kb/s") +
                   "); pick another bit rate");
  }

 private:
  TransformResult do_apply(const std::vector<float>& x, double kbps, std::uint64_t) const override {
    const bool resample = work_sr_ != sr_;
    detail::RoundTrip rt = detail::codec_round_trip(spec_, resample ? audio::resample(x, sr_, work_sr_) : x, work_sr_,
                                                    static_cast<int>(kbps));
    TransformResult r;
    r.audio = resample ? audio::resample(rt.audio, work_sr_, sr_) : std::move(rt.audio);
    r.audio.resize(x.size(), 0.0f);
    r.achieved = static_cast<double>(rt.delay);
    return r;
  }
  detail::CodecSpec spec_;
  int work_sr_, sr_;
  mutable std::mutex mutex_;
  mutable std::map<int, long long> accepted_;
};

}  // namespace

std::unique_ptr<Transform> make_aac(const Params&, int sr) {
  return std::make_unique<CodecRoundTrip>(detail::CodecSpec{"AC", "aac", ""}, sr, sr);
}
std::unique_ptr<Transform> make_opus(const Params&, int sr) {
  return std::make_unique<CodecRoundTrip>(detail::CodecSpec{"OP", "libopus", "opus"}, 48000, sr);
}
std::unique_ptr<Transform> make_vorbis(const Params&, int sr) {
  return std::make_unique<CodecRoundTrip>(detail::CodecSpec{"VB", "libvorbis", "vorbis"}, sr, sr);
}

}  // namespace nnr::transform
