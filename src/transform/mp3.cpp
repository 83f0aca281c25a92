// MP: MP3 round trip in memory with libavcodec (libmp3lame CBR encoder, mp3float decoder; codec.hpp). Unlike
// the original (ffmpeg CLI to a file and back), the encoder delay and padding are removed: the packets keep
// their AV_PKT_DATA_SKIP_SAMPLES side data and the decoder has pkt_timebase set, so libavcodec discards
// exactly the priming and padding samples and the output aligns with the input at lag 0.
#include <algorithm>
#include <memory>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "codec.hpp"
#include "params.hpp"

namespace nnr::transform {

namespace {

const detail::CodecSpec kSpec{"MP", "libmp3lame", "mp3float"};
constexpr int kBitrates[] = {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320};

std::string valid_bitrates() {
  std::string s;
  for (int b : kBitrates) s += (s.empty() ? "" : ", ") + std::to_string(b);
  return s;
}

struct Mp3Params {
  /// Bit rates above 160 kb/s at <= 24 kHz: "resample" (encode at twice the rate, MPEG-1) or "clamp"
  /// (LAME's silent clamp to 160 kb/s, as the original code got).
  std::string high_bitrate = "resample";
  nlohmann::json to_json() const { return {{"high_bitrate", high_bitrate}}; }
};

class Mp3 final : public Transform {
 public:
  Mp3(const Params& p, int sample_rate) : sr_(sample_rate), p_{p.string("high_bitrate")} {}
  nlohmann::json params() const override { return p_.to_json(); }
  std::string code() const override { return "MP"; }
  void check_magnitude(double kbps) const override {
    for (int b : kBitrates)
      if (kbps == b) return;
    throw_config("transform: MP bit rate not supported by libmp3lame (" + detail::num(kbps) +
                 "); valid kb/s: " + valid_bitrates());
  }

 private:
  TransformResult do_apply(const std::vector<float>& x, double kbps, std::uint64_t) const override {
    // MPEG-2 layer III (sample rates <= 24 kHz) tops out at 160 kb/s, and LAME silently clamps a higher
    // request (the original's 192..320 kb/s were all 160 kb/s). "resample" encodes those at twice the
    // rate (MPEG-1) and converts back, so the requested bit rate is the real one.
    const int k = static_cast<int>(kbps);
    const bool up = p_.high_bitrate == "resample" && k > 160 && sr_ <= 24000;
    const int work_sr = up ? sr_ * 2 : sr_;
    std::vector<float> y = detail::codec_round_trip(kSpec, up ? audio::resample(x, sr_, work_sr) : x, work_sr, k).audio;
    if (up) y = audio::resample(y, work_sr, sr_);
    TransformResult r;
    r.audio = std::move(y);
    r.audio.resize(x.size(), 0.0f);
    r.mp3_lag = static_cast<double>(best_lag(x, r.audio, 2048));
    return r;
  }
  int sr_;
  Mp3Params p_;
};

}  // namespace

std::unique_ptr<Transform> make_mp3(const Params& p, int sample_rate) { return std::make_unique<Mp3>(p, sample_rate); }

}  // namespace nnr::transform
