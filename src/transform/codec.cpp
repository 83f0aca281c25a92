// The lossy codec round trip (codec.hpp): libavcodec encoder -> packets -> decoder, in memory.
#include "codec.hpp"

#include <algorithm>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/transform/measure.hpp"
#include "../audio/libav.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
}

namespace nnr::transform::detail {

namespace {

using audio::detail::av_err;
using audio::detail::CodecPtr;
using audio::detail::FramePtr;
using audio::detail::PacketPtr;

const AVCodec* find_encoder(const CodecSpec& s) {
  audio::detail::route_libav_logs();
  const AVCodec* enc = avcodec_find_encoder_by_name(s.encoder.c_str());
  if (!enc) throw_internal("transform " + s.code + ": FFmpeg has no " + s.encoder + " encoder; install a libavcodec with it");
  return enc;
}

// The encoder's first sample format among planar float, interleaved float (the same for mono).
AVSampleFormat float_format(const AVCodec* enc) {
  if (!enc->sample_fmts) return AV_SAMPLE_FMT_FLTP;
  for (const AVSampleFormat* f = enc->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
    if (*f == AV_SAMPLE_FMT_FLTP || *f == AV_SAMPLE_FMT_FLT) return *f;
  return AV_SAMPLE_FMT_NONE;
}

CodecPtr open_encoder(const CodecSpec& s, const AVCodec* enc, int sr, int kbps, int* rc_out) {
  CodecPtr ec(avcodec_alloc_context3(enc));
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  av_channel_layout_copy(&ec->ch_layout, &mono);
  ec->sample_rate = sr;
  ec->sample_fmt = float_format(enc);
  if (ec->sample_fmt == AV_SAMPLE_FMT_NONE)
    throw_internal("transform " + s.code + ": the " + s.encoder + " encoder takes no float samples");
  ec->bit_rate = static_cast<int64_t>(kbps) * 1000;
  ec->time_base = AVRational{1, sr};
  *rc_out = avcodec_open2(ec.get(), enc, nullptr);
  return ec;
}

}  // namespace

long long codec_effective_bitrate(const CodecSpec& s, int sr, int kbps) {
  int rc = 0;
  CodecPtr ec = open_encoder(s, find_encoder(s), sr, kbps, &rc);
  return rc < 0 ? -1 : static_cast<long long>(ec->bit_rate);
}

RoundTrip codec_round_trip(const CodecSpec& s, const std::vector<float>& x, int sr, int kbps) {
  const AVCodec* enc = find_encoder(s);
  int rc = 0;
  CodecPtr ec = open_encoder(s, enc, sr, kbps, &rc);
  if (rc < 0)
    throw_internal("transform " + s.code + ": cannot open " + s.encoder + " at " + std::to_string(kbps) +
                   " kb/s, " + std::to_string(sr) + " Hz: " + av_err(rc));
  const AVCodec* dec = s.decoder.empty() ? avcodec_find_decoder(enc->id) : avcodec_find_decoder_by_name(s.decoder.c_str());
  if (!dec) throw_internal("transform " + s.code + ": FFmpeg has no decoder for " + s.encoder);
  CodecPtr dc(avcodec_alloc_context3(dec));
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  av_channel_layout_copy(&dc->ch_layout, &mono);
  dc->sample_rate = sr;
  dc->pkt_timebase = AVRational{1, sr};  // needed for the decoder to honour skip-samples side data
  if (ec->extradata_size > 0) {  // Vorbis and Opus headers, AAC's AudioSpecificConfig
    dc->extradata = static_cast<uint8_t*>(av_mallocz(static_cast<std::size_t>(ec->extradata_size) + AV_INPUT_BUFFER_PADDING_SIZE));
    std::copy(ec->extradata, ec->extradata + ec->extradata_size, dc->extradata);
    dc->extradata_size = ec->extradata_size;
  }
  if (int r = avcodec_open2(dc.get(), dec, nullptr); r < 0)
    throw_internal("transform " + s.code + ": cannot open the decoder: " + av_err(r));

  FramePtr frame(av_frame_alloc()), dframe(av_frame_alloc());
  PacketPtr pkt(av_packet_alloc());
  std::vector<float> out;
  out.reserve(x.size() + 8192);
  const auto drain_decoder = [&] {
    while (true) {
      const int r = avcodec_receive_frame(dc.get(), dframe.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) throw_internal("transform " + s.code + ": decoding failed: " + av_err(r));
      if (dframe->format != AV_SAMPLE_FMT_FLTP && dframe->format != AV_SAMPLE_FMT_FLT)
        throw_internal("transform " + s.code + ": unexpected decoder sample format");
      if (dframe->sample_rate != sr) throw_internal("transform " + s.code + ": the decoder changed the sample rate");
      const auto* p = reinterpret_cast<const float*>(dframe->extended_data[0]);
      out.insert(out.end(), p, p + dframe->nb_samples);
      av_frame_unref(dframe.get());
    }
  };
  const auto drain_encoder = [&] {
    while (true) {
      const int r = avcodec_receive_packet(ec.get(), pkt.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) throw_internal("transform " + s.code + ": encoding failed: " + av_err(r));
      if (int d = avcodec_send_packet(dc.get(), pkt.get()); d < 0 && d != AVERROR(EAGAIN))
        throw_internal("transform " + s.code + ": decoder rejected a packet: " + av_err(d));
      av_packet_unref(pkt.get());
      drain_decoder();
    }
  };
  const bool variable = enc->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE;
  const bool small_last = enc->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
  const std::size_t fs = ec->frame_size > 0 && !variable ? static_cast<std::size_t>(ec->frame_size) : 1024;
  for (std::size_t off = 0; off < x.size(); off += fs) {
    const std::size_t len = std::min(fs, x.size() - off);
    const std::size_t n = len < fs && !variable && !small_last ? fs : len;  // whole frames where required
    frame->nb_samples = static_cast<int>(n);
    frame->format = ec->sample_fmt;
    frame->sample_rate = sr;
    av_channel_layout_copy(&frame->ch_layout, &mono);
    if (int r = av_frame_get_buffer(frame.get(), 0); r < 0) throw_internal("transform " + s.code + ": out of memory");
    auto* dst = reinterpret_cast<float*>(frame->data[0]);
    std::copy(x.begin() + static_cast<long>(off), x.begin() + static_cast<long>(off + len), dst);
    std::fill(dst + len, dst + n, 0.0f);
    frame->pts = static_cast<int64_t>(off);
    if (int r = avcodec_send_frame(ec.get(), frame.get()); r < 0)
      throw_internal("transform " + s.code + ": encoder rejected a frame: " + av_err(r));
    av_frame_unref(frame.get());
    drain_encoder();
  }
  avcodec_send_frame(ec.get(), nullptr);
  drain_encoder();
  avcodec_send_packet(dc.get(), nullptr);
  drain_decoder();
  // The delay still in the output: what the decoder did not skip of the encoder's priming. Metadata alone
  // cannot say (Vorbis's depends on whether its first block is short or long), so it is measured: the
  // cross-correlation peak within the priming plus 4096 samples.
  // A lag is only taken when it correlates clearly better than none: at low bit rates the peak of a codec
  // that is already aligned (Opus, whose decoder skips its pre-skip) wanders by a few samples.
  const long reach = std::max(0, ec->initial_padding) + 4096;
  const auto correlation = [&](long lag) {
    double c = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const long j = static_cast<long>(i) + lag;
      if (j >= 0 && j < static_cast<long>(out.size())) c += static_cast<double>(x[i]) * out[static_cast<std::size_t>(j)];
    }
    return c;
  };
  long delay = best_lag(x, out, reach);
  if (delay != 0 && correlation(delay) < 1.2 * correlation(0)) delay = 0;
  std::vector<float> y(x.size(), 0.0f);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const long j = static_cast<long>(i) + delay;
    if (j >= 0 && j < static_cast<long>(out.size())) y[i] = out[static_cast<std::size_t>(j)];
  }
  return {std::move(y), delay};
}

}  // namespace nnr::transform::detail
