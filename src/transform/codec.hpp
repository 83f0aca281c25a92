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

/// Encodes mono `x` (at `sr` Hz, a rate the encoder takes) at `kbps` and decodes it back. Returns exactly
/// x.size() samples at lag 0: the encoder's priming (initial_padding) is dropped unless the decoder already
/// discarded it (packets keep their skip-samples side data and the decoder has its pkt_timebase), and a
/// last partial frame is zero-padded for encoders that need whole frames. Throws Error(internal) naming
/// the member when libavcodec lacks the codec or fails.
std::vector<float> codec_round_trip(const CodecSpec& spec, const std::vector<float>& x, int sr, int kbps);

/// The bit rate (b/s) the encoder really uses when asked for `kbps` at `sr` Hz mono, after opening it
/// (encoders clamp out-of-range requests), or -1 when it refuses to open.
long long codec_effective_bitrate(const CodecSpec& spec, int sr, int kbps);

}  // namespace nnr::transform::detail
