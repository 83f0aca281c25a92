#pragma once
// A lossy codec round trip in memory through libavcodec, shared by the codec members (MP, AC, OP, VB).
#include <string>
#include <vector>

namespace nnr::transform::detail {

struct CodecSpec {
  std::string code;     ///< the member's code, for messages ("AC")
  std::string encoder;  ///< libavcodec encoder name ("aac", "libopus", "libvorbis", "libmp3lame")
  std::string decoder;  ///< decoder name; empty = the encoder's codec id's default decoder
};

struct RoundTrip {
  std::vector<float> audio;  ///< exactly x.size() samples, aligned with x at lag 0
  long delay = 0;            ///< samples of codec delay removed from the decoded stream
};

/// Encodes mono `x` (at `sr` Hz, a rate the encoder takes) at `kbps` and decodes it back. Packets keep their
/// skip-samples side data and the decoder has its pkt_timebase, so libavcodec discards what priming it
/// knows of (MP3: all of it); the delay left is measured by cross-correlation with x (within the encoder's
/// initial_padding + 4096 samples) and removed. A last partial frame is zero-padded for encoders that need
/// whole frames. Throws Error(internal) naming the member when libavcodec lacks the codec or fails.
RoundTrip codec_round_trip(const CodecSpec& spec, const std::vector<float>& x, int sr, int kbps);

/// The bit rate (b/s) the encoder really uses when asked for `kbps` at `sr` Hz mono, after opening it
/// (encoders clamp out-of-range requests), or -1 when it refuses to open.
long long codec_effective_bitrate(const CodecSpec& spec, int sr, int kbps);

}  // namespace nnr::transform::detail
