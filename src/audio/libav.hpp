#pragma once
// Internal: owning handles for libav objects and libav error text, shared by the decoder
// (src/audio/decode.cpp) and the MP3 round trip (src/transform/mp3.cpp).
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
}

namespace nnr::audio::detail {

struct FormatCloser {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecFreer {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct SwrFreer {
  void operator()(SwrContext* p) const { swr_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;

/// Routes libav's own log lines ("[mp3 @ 0x...] Failed to read frame size") to spdlog at debug level,
/// so the user sees nnr's one-line error instead of both (nnr-* -v shows them). Idempotent, thread-safe;
/// every entry point that opens a libav object calls it.
void route_libav_logs();

/// libav's message for an error code.
inline std::string av_err(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

}  // namespace nnr::audio::detail
