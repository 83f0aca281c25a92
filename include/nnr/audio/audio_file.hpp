#pragma once
/// Audio in and out. nnr works on mono float32 at 22,050 Hz everywhere (the paper's rate).
///
/// decode_audio reads anything FFmpeg reads (wav, flac, mp3, ogg/vorbis/opus, m4a, ...), downmixes to
/// mono (mean of channels) and resamples with libswresample. write_audio writes WAV or FLAC through
/// libsndfile, atomically. Both throw nnr::Error naming the file: io for missing/unreadable files,
/// input for corrupt, empty or non-audio data.

#include <filesystem>
#include <string>
#include <vector>

namespace nnr::audio {

constexpr int kSampleRate = 22050;

/// Decoded mono float samples in [-1, 1] (nominally) at `sample_rate`.
/// Throws Error(input) for a file with no audio stream, undecodable data or zero samples.
std::vector<float> decode_audio(const std::filesystem::path& path, int sample_rate = kSampleRate);

/// Duration in seconds from the container's header (no decoding; estimated by libav for some formats, e.g.
/// VBR MP3 without a Xing header); NaN if the file cannot be opened or does not say. For planning only.
double probe_duration_s(const std::filesystem::path& path);

/// Versions of the libav libraries decode_audio runs on, e.g. "libavcodec 59.37.100, libavformat
/// 59.27.100, libswresample 4.7.100" (decoded samples can change with them).
std::string decoder_versions();

/// Sample format on disk.
enum class SampleFormat {
  float32,  ///< WAV only: exact, no clipping
  pcm24,    ///< WAV or FLAC: values beyond [-1, 1) are clipped by the format (callers must check peak)
  pcm16
};

/// Writes mono audio to .wav or .flac (chosen by extension); atomic (temp file + rename).
/// Throws Error(config) for another extension or float32 FLAC, Error(io) if it cannot write.
void write_audio(const std::filesystem::path& path, const std::vector<float>& samples,
                 int sample_rate = kSampleRate, SampleFormat format = SampleFormat::pcm24);

/// Resamples mono float audio (libswresample, default filter). Returns `in` when rates are equal.
std::vector<float> resample(const std::vector<float>& in, int from_rate, int to_rate);

}  // namespace nnr::audio
