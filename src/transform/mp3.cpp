// MP: MP3 round trip in memory with libavcodec (libmp3lame CBR encoder, mp3float decoder). Unlike the
// original (ffmpeg CLI to a file and back), the encoder delay and padding are removed: the packets keep
// their AV_PKT_DATA_SKIP_SAMPLES side data and the decoder has pkt_timebase set, so libavcodec discards
// exactly the priming and padding samples and the output aligns with the input at lag 0.
#include <algorithm>
#include <memory>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"
#include "../audio/libav.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
}

namespace nnr::transform {

namespace {

using audio::detail::av_err;
using audio::detail::CodecPtr;
using audio::detail::FramePtr;
using audio::detail::PacketPtr;

constexpr int kBitrates[] = {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 192, 224, 256, 320};

std::string valid_bitrates() {
  std::string s;
  for (int b : kBitrates) s += (s.empty() ? "" : ", ") + std::to_string(b);
  return s;
}

/// Encodes and decodes `x` at `sr` Hz and `kbps`; returns the decoded samples and their rate.
std::vector<float> round_trip(const std::vector<float>& x, int sr, int kbps, int& out_rate) {
  audio::detail::route_libav_logs();
  const AVCodec* enc = avcodec_find_encoder_by_name("libmp3lame");
  if (!enc) throw_internal("transform MP: FFmpeg has no libmp3lame encoder; install libavcodec with LAME");
  const AVCodec* dec = avcodec_find_decoder_by_name("mp3float");
  if (!dec) dec = avcodec_find_decoder(AV_CODEC_ID_MP3);
  if (!dec) throw_internal("transform MP: FFmpeg has no MP3 decoder");

  CodecPtr ec(avcodec_alloc_context3(enc));
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  av_channel_layout_copy(&ec->ch_layout, &mono);
  ec->sample_rate = sr;
  ec->sample_fmt = AV_SAMPLE_FMT_FLTP;
  ec->bit_rate = static_cast<int64_t>(kbps) * 1000;
  ec->time_base = AVRational{1, sr};
  if (int rc = avcodec_open2(ec.get(), enc, nullptr); rc < 0)
    throw_internal("transform MP: cannot open libmp3lame at " + std::to_string(kbps) + " kb/s: " + av_err(rc));

  CodecPtr dc(avcodec_alloc_context3(dec));
  av_channel_layout_copy(&dc->ch_layout, &mono);
  dc->sample_rate = sr;
  dc->pkt_timebase = AVRational{1, sr};  // needed for the decoder to honour skip-samples side data
  if (int rc = avcodec_open2(dc.get(), dec, nullptr); rc < 0)
    throw_internal("transform MP: cannot open the MP3 decoder: " + av_err(rc));

  FramePtr frame(av_frame_alloc());
  FramePtr dframe(av_frame_alloc());
  PacketPtr pkt(av_packet_alloc());
  std::vector<float> out;
  out.reserve(x.size() + 4096);
  out_rate = sr;

  auto drain_decoder = [&]() {
    while (true) {
      const int rc = avcodec_receive_frame(dc.get(), dframe.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      if (rc < 0) throw_internal("transform MP: decoding failed: " + av_err(rc));
      out_rate = dframe->sample_rate;
      const auto* p = reinterpret_cast<const float*>(dframe->extended_data[0]);
      if (dframe->format != AV_SAMPLE_FMT_FLTP && dframe->format != AV_SAMPLE_FMT_FLT)
        throw_internal("transform MP: unexpected decoder sample format");
      out.insert(out.end(), p, p + dframe->nb_samples);
      av_frame_unref(dframe.get());
    }
  };
  auto drain_encoder = [&]() {
    while (true) {
      const int rc = avcodec_receive_packet(ec.get(), pkt.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      if (rc < 0) throw_internal("transform MP: encoding failed: " + av_err(rc));
      // The packet goes to the decoder as is, side data included (skip samples / discard padding).
      if (int s = avcodec_send_packet(dc.get(), pkt.get()); s < 0 && s != AVERROR(EAGAIN))
        throw_internal("transform MP: decoder rejected a packet: " + av_err(s));
      av_packet_unref(pkt.get());
      drain_decoder();
    }
  };

  const int fs = ec->frame_size > 0 ? ec->frame_size : 1152;
  for (std::size_t off = 0; off < x.size(); off += static_cast<std::size_t>(fs)) {
    const int len = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(fs), x.size() - off));
    frame->nb_samples = len;
    frame->format = AV_SAMPLE_FMT_FLTP;
    frame->sample_rate = sr;
    av_channel_layout_copy(&frame->ch_layout, &mono);
    if (int rc = av_frame_get_buffer(frame.get(), 0); rc < 0)
      throw_internal("transform MP: out of memory: " + av_err(rc));
    std::copy(x.begin() + static_cast<long>(off), x.begin() + static_cast<long>(off) + len,
              reinterpret_cast<float*>(frame->data[0]));
    frame->pts = static_cast<int64_t>(off);
    if (int rc = avcodec_send_frame(ec.get(), frame.get()); rc < 0)
      throw_internal("transform MP: encoder rejected a frame: " + av_err(rc));
    av_frame_unref(frame.get());
    drain_encoder();
  }
  avcodec_send_frame(ec.get(), nullptr);
  drain_encoder();
  avcodec_send_packet(dc.get(), nullptr);
  drain_decoder();
  return out;
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
    int out_rate = work_sr;
    std::vector<float> y = round_trip(up ? audio::resample(x, sr_, work_sr) : x, work_sr, k, out_rate);
    // Without resampling the decoder returns exactly the input length (priming and padding discarded);
    // anything else is a libavcodec behaviour change we want to hear about, not paper over.
    if (!up && out_rate == sr_ && y.size() != x.size())
      throw_internal("transform MP: decoded " + std::to_string(y.size()) + " samples for " +
                     std::to_string(x.size()) + " encoded at " + std::to_string(k) + " kb/s");
    if (out_rate != sr_) y = audio::resample(y, out_rate, sr_);
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
