// Decoding through libavformat/libavcodec and resampling through libswresample.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "libav.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace nnr::audio {

namespace {

using detail::av_err;
using detail::CodecPtr;
using detail::FormatPtr;
using detail::FramePtr;
using detail::PacketPtr;
using detail::SwrPtr;

/// Converts one frame (or flushes with frame == nullptr) into mono float at the target rate.
void convert(SwrContext* swr, const AVFrame* frame, int in_rate, int out_rate, std::vector<float>& out) {
  const int in_samples = frame ? frame->nb_samples : 0;
  const int max_out =
      static_cast<int>(av_rescale_rnd(swr_get_delay(swr, in_rate) + in_samples, out_rate, in_rate,
                                      AV_ROUND_UP)) + 16;
  const std::size_t old = out.size();
  out.resize(old + static_cast<std::size_t>(max_out));
  uint8_t* dst = reinterpret_cast<uint8_t*>(out.data() + old);
  const int got = swr_convert(swr, &dst, max_out,
                              frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr,
                              in_samples);
  if (got < 0) throw_internal("audio: resampling failed: " + av_err(got));
  out.resize(old + static_cast<std::size_t>(got));
}

}  // namespace

void detail::route_libav_logs() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback([](void* avcl, int level, const char* fmt, va_list vl) {
      if (level > av_log_get_level()) return;
      char line[1024];
      int print_prefix = 1;
      av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
      std::string text(line);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (!text.empty()) spdlog::debug("libav: {}", text);
    });
  });
}

double probe_duration_s(const std::filesystem::path& path) {
  detail::route_libav_logs();
  AVFormatContext* raw_fmt = nullptr;
  if (avformat_open_input(&raw_fmt, path.string().c_str(), nullptr, nullptr) < 0) return std::nan("");
  FormatPtr fmt(raw_fmt);
  if (fmt->duration == AV_NOPTS_VALUE && avformat_find_stream_info(fmt.get(), nullptr) < 0) return std::nan("");
  if (fmt->duration == AV_NOPTS_VALUE || fmt->duration < 0) return std::nan("");
  return static_cast<double>(fmt->duration) / AV_TIME_BASE;
}

std::string decoder_versions() {
  const auto v = [](unsigned x) {
    return std::to_string(x >> 16) + "." + std::to_string((x >> 8) & 0xff) + "." + std::to_string(x & 0xff);
  };
  return "libavcodec " + v(avcodec_version()) + ", libavformat " + v(avformat_version()) + ", libswresample " +
         v(swresample_version());
}

namespace {

/// An open input and its audio stream's decoder.
struct Decoder {
  FormatPtr fmt;
  CodecPtr dec;
  int stream_index = -1;
};

/// Opens `name`'s best audio stream; Error(input) naming the file for anything unreadable.
Decoder open_decoder(const std::string& name) {
  detail::route_libav_logs();
  AVFormatContext* raw_fmt = nullptr;
  if (int rc = avformat_open_input(&raw_fmt, name.c_str(), nullptr, nullptr); rc < 0)
    throw_input("audio: not a readable audio file (" + name + "): " + av_err(rc));
  Decoder d;
  d.fmt.reset(raw_fmt);
  FormatPtr& fmt = d.fmt;
  if (int rc = avformat_find_stream_info(fmt.get(), nullptr); rc < 0)
    throw_input("audio: cannot read stream info (" + name + "): " + av_err(rc));
  const AVCodec* codec = nullptr;
  d.stream_index = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (d.stream_index < 0 || !codec)
    throw_input("audio: no audio stream (" + name + "); is it an audio file?");
  AVStream* stream = fmt->streams[d.stream_index];

  d.dec.reset(avcodec_alloc_context3(codec));
  CodecPtr& dec = d.dec;
  if (!dec) throw_internal("audio: out of memory opening decoder (" + name + ")");
  if (int rc = avcodec_parameters_to_context(dec.get(), stream->codecpar); rc < 0)
    throw_input("audio: bad codec parameters (" + name + "): " + av_err(rc));
  dec->pkt_timebase = stream->time_base;
  if (int rc = avcodec_open2(dec.get(), codec, nullptr); rc < 0)
    throw_input("audio: cannot open decoder " + std::string(codec->name) + " (" + name + "): " + av_err(rc));
  if (dec->sample_rate <= 0 || dec->ch_layout.nb_channels <= 0)
    throw_input("audio: stream has no sample rate or channels (" + name + ")");

  return d;
}

/// What a decoded frame holds; the resampler is built for the first frame's and every later frame must match.
struct FrameFormat {
  int channels = 0, sample_rate = 0, sample_format = -1;
  bool operator==(const FrameFormat& o) const {
    return channels == o.channels && sample_rate == o.sample_rate && sample_format == o.sample_format;
  }
};

FrameFormat format_of(const AVFrame* frame) {
  return {frame->ch_layout.nb_channels, frame->sample_rate, frame->format};
}

/// A resampler from `frame`'s format to mono float at `sample_rate`. Built from the decoded frame, not the
/// codec context: a container's header can disagree with what its decoder then produces.
SwrPtr mono_resampler(const AVFrame* frame, int sample_rate, const std::string& name) {
  if (frame->ch_layout.nb_channels <= 0 || frame->sample_rate <= 0 || frame->format < 0)
    throw_input("audio: a decoded frame has no channels, sample rate or sample format (" + name +
                "); the file is corrupt, export it again");
  // Beyond these a header is corrupt, not high-resolution: resampling 8.93 MHz to 22,050 Hz asks swresample
  // for gigabytes of filter (found by fuzz/audio_decode).
  constexpr int kMinRate = 1000, kMaxRate = 768000;
  if (frame->sample_rate < kMinRate || frame->sample_rate > kMaxRate)
    throw_input("audio: implausible sample rate " + std::to_string(frame->sample_rate) + " Hz (" + name +
                "); nnr reads 1,000-768,000 Hz, so the header is corrupt: export the file again");
  // Downmix to mono as the mean of the channels: an explicit matrix, since swresample's default
  // downmix follows broadcast conventions (e.g. -3 dB centre) rather than a plain mean.
  SwrContext* raw_swr = swr_alloc();
  SwrPtr swr(raw_swr);
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  AVChannelLayout in_layout{};  // zeroed: av_channel_layout_copy frees the destination first
  if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
    av_channel_layout_default(&in_layout, frame->ch_layout.nb_channels);
  else
    av_channel_layout_copy(&in_layout, &frame->ch_layout);
  av_opt_set_chlayout(swr.get(), "in_chlayout", &in_layout, 0);
  av_opt_set_chlayout(swr.get(), "out_chlayout", &mono, 0);
  av_opt_set_int(swr.get(), "in_sample_rate", frame->sample_rate, 0);
  av_opt_set_int(swr.get(), "out_sample_rate", sample_rate, 0);
  av_opt_set_sample_fmt(swr.get(), "in_sample_fmt", static_cast<AVSampleFormat>(frame->format), 0);
  av_opt_set_sample_fmt(swr.get(), "out_sample_fmt", AV_SAMPLE_FMT_FLT, 0);
  const int channels = in_layout.nb_channels;
  std::vector<double> matrix(static_cast<std::size_t>(channels), 1.0 / channels);
  swr_set_matrix(swr.get(), matrix.data(), channels);
  av_channel_layout_uninit(&in_layout);
  if (int rc = swr_init(swr.get()); rc < 0)
    throw_internal("audio: cannot set up resampler (" + name + "): " + av_err(rc));

  return swr;
}

/// A WAV file's length as its header states it (data chunk size / byte rate), or -1 when the header
/// cannot say (no RIFF/WAVE, no fmt or data chunk, the 0xFFFFFFFF "unknown size" of streamed WAVs).
/// libav's wav demuxer trims its duration to the file size, so the header is read here.
double wav_header_seconds(const std::string& name) {
  std::ifstream f(name, std::ios::binary);
  char riff[12];
  if (!f.read(riff, 12) || std::memcmp(riff, "RIFF", 4) != 0 || std::memcmp(riff + 8, "WAVE", 4) != 0) return -1;
  std::uint32_t byte_rate = 0;
  for (int chunks = 0; chunks < 64; ++chunks) {
    char head[8];
    if (!f.read(head, 8)) return -1;
    std::uint32_t size = 0;
    std::memcpy(&size, head + 4, 4);  // little-endian, as x86-64
    if (std::memcmp(head, "fmt ", 4) == 0) {
      char fmt[16];
      if (size < 16 || !f.read(fmt, 16)) return -1;
      std::memcpy(&byte_rate, fmt + 8, 4);
      f.seekg(static_cast<std::streamoff>(size - 16 + (size & 1)), std::ios::cur);
    } else if (std::memcmp(head, "data", 4) == 0) {
      if (byte_rate == 0 || size == 0xFFFFFFFFu) return -1;
      return static_cast<double>(size) / byte_rate;
    } else {
      f.seekg(static_cast<std::streamoff>(size + (size & 1)), std::ios::cur);
    }
  }
  return -1;
}

/// WAV and FLAC headers state the length exactly (data chunk size, STREAMINFO total samples): a file that
/// decodes shorter than its header by more than 10 ms and 1 % was cut (a copy or a download that stopped).
/// That is an error, never a short clip passed on as ok. Other formats' header lengths are estimates
/// (MP3 without a Xing frame, Ogg), so they are not checked.
void check_not_truncated(const AVFormatContext* fmt, const AVStream* stream, std::size_t decoded, int sample_rate,
                         const std::string& name) {
  const std::string format = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
  double declared = -1;
  if (format == "wav") declared = wav_header_seconds(name);
  else if (format == "flac" && stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
    declared = static_cast<double>(stream->duration) * av_q2d(stream->time_base);
  if (declared <= 0) return;
  const double got = static_cast<double>(decoded) / sample_rate;
  if (declared - got > std::max(0.01, 0.01 * declared)) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "its header promises %.2f s but only %.2f s decode", declared, got);
    throw_input("audio: truncated file (" + name + "): " + msg + "; copy or export it again");
  }
}

}  // namespace

std::vector<float> decode_audio(const std::filesystem::path& path, int sample_rate) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw_io("audio: file not found (" + name + "); check the path");
  if (std::filesystem::is_directory(path, ec))
    throw_io("audio: expected a file, got a directory (" + name + ")");
  if (std::filesystem::file_size(path, ec) == 0)
    throw_input("audio: empty file, 0 bytes (" + name + "); re-export or remove it");

  Decoder d = open_decoder(name);
  CodecPtr& dec = d.dec;
  FormatPtr& fmt = d.fmt;
  const int stream_index = d.stream_index;
  SwrPtr swr;  // built at the first frame
  FrameFormat swr_format;

  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  std::vector<float> out;
  int decode_errors = 0, frames = 0;
  auto drain = [&]() {
    while (true) {
      const int rc = avcodec_receive_frame(dec.get(), frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      if (rc < 0) {
        ++decode_errors;
        return;
      }
      ++frames;
      if (!swr) {
        swr = mono_resampler(frame.get(), sample_rate, name);
        swr_format = format_of(frame.get());
      } else if (!(format_of(frame.get()) == swr_format)) {  // swresample would read past the frame
        char msg[160];
        std::snprintf(msg, sizeof msg, "%d ch at %d Hz becomes %d ch at %d Hz (sample format %d -> %d)",
                      swr_format.channels, swr_format.sample_rate, frame->ch_layout.nb_channels,
                      frame->sample_rate, swr_format.sample_format, frame->format);
        throw_input("audio: the stream changes format mid-file (" + name + "): " + msg +
                    "; convert it to one format first, e.g. ffmpeg -i IN -ac 1 OUT.wav");
      }
      convert(swr.get(), frame.get(), swr_format.sample_rate, sample_rate, out);
      av_frame_unref(frame.get());
    }
  };
  while (true) {
    const int rc = av_read_frame(fmt.get(), packet.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      ++decode_errors;
      break;  // truncated file: keep what decoded
    }
    if (packet->stream_index == stream_index) {
      if (avcodec_send_packet(dec.get(), packet.get()) < 0) ++decode_errors;
      drain();
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(dec.get(), nullptr);
  drain();
  if (swr) convert(swr.get(), nullptr, swr_format.sample_rate, sample_rate, out);  // flush the resampler

  if (out.empty())
    throw_input("audio: no decodable audio (" + name + ")" +
                (decode_errors ? ", the data is corrupt" : "") + "; re-export or remove it");
  check_not_truncated(fmt.get(), fmt->streams[stream_index], out.size(), sample_rate, name);
  for (std::size_t i = 0; i < out.size(); ++i)  // float WAVs can hold NaN/inf; every stage would choke later
    if (!std::isfinite(out[i]))
      throw_input("audio: non-finite sample (" + name + ", sample " + std::to_string(i) + " at " +
                  std::to_string(static_cast<double>(i) / sample_rate).substr(0, 6) +
                  " s); the file is corrupt or was written with NaN/inf, export it again");
  return out;
}

std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate) {
  if (from_rate == to_rate || in.empty()) return in;
  SwrPtr swr(swr_alloc());
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  av_opt_set_chlayout(swr.get(), "in_chlayout", &mono, 0);
  av_opt_set_chlayout(swr.get(), "out_chlayout", &mono, 0);
  av_opt_set_int(swr.get(), "in_sample_rate", from_rate, 0);
  av_opt_set_int(swr.get(), "out_sample_rate", to_rate, 0);
  av_opt_set_sample_fmt(swr.get(), "in_sample_fmt", AV_SAMPLE_FMT_FLT, 0);
  av_opt_set_sample_fmt(swr.get(), "out_sample_fmt", AV_SAMPLE_FMT_FLT, 0);
  if (int rc = swr_init(swr.get()); rc < 0) throw_internal("audio: cannot set up resampler: " + av_err(rc));
  FramePtr frame(av_frame_alloc());
  frame->nb_samples = static_cast<int>(in.size());
  frame->extended_data = frame->data;
  frame->data[0] = reinterpret_cast<uint8_t*>(const_cast<float*>(in.data()));
  std::vector<float> out;
  convert(swr.get(), frame.get(), from_rate, to_rate, out);
  frame->data[0] = nullptr;
  convert(swr.get(), nullptr, from_rate, to_rate, out);
  return out;
}

}  // namespace nnr::audio
