#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "support/signals.hpp"

namespace fs = std::filesystem;
using nnr::audio::decode_audio;
using nnr::audio::write_audio;

namespace {
fs::path tmp(const std::string& name) {
  const auto d = fs::temp_directory_path() / "nnr_test_audio";
  fs::create_directories(d);
  return d / name;
}

std::string error_of(const fs::path& p) {
  try {
    decode_audio(p);
  } catch (const nnr::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(AudioFile, WavAndFlacRoundTrip) {
  const auto x = nnr::test::sine(440.0, 1.0, 0.5);
  for (const char* name : {"a.wav", "a.flac"}) {
    write_audio(tmp(name), x);
    const auto y = decode_audio(tmp(name));
    ASSERT_EQ(y.size(), x.size()) << name;
    double max_err = 0;
    for (std::size_t i = 0; i < x.size(); ++i) max_err = std::max(max_err, double(std::fabs(x[i] - y[i])));
    EXPECT_LT(max_err, 1e-5) << name;  // 24-bit quantisation
  }
}

TEST(AudioFile, ResamplesTo22050) {
  const auto x = nnr::test::sine(1000.0, 1.0, 0.5, 44100);
  write_audio(tmp("b44.wav"), x, 44100, nnr::audio::SampleFormat::float32);
  const auto y = decode_audio(tmp("b44.wav"));
  EXPECT_NEAR(static_cast<double>(y.size()), 22050.0, 2.0);
}

TEST(AudioFile, BadInputsNameTheFile) {
  EXPECT_NE(error_of(tmp("does_not_exist.wav")).find("does_not_exist.wav"), std::string::npos);
  { std::ofstream(tmp("empty.wav")); }
  EXPECT_NE(error_of(tmp("empty.wav")).find("empty.wav"), std::string::npos);
  {
    std::ofstream f(tmp("random.wav"), std::ios::binary);
    nnr::Rng rng(1);
    for (int i = 0; i < 5000; ++i) f.put(static_cast<char>(rng() & 0xff));
  }
  EXPECT_NE(error_of(tmp("random.wav")).find("random.wav"), std::string::npos);
}

// A WAV or FLAC whose header promises more than decodes was cut: an error naming the file (issue 15),
// never a shorter clip passed on as ok.
TEST(AudioFile, TruncatedWavAndFlacAreErrors) {
  const auto x = nnr::test::sine(440.0, 4.0, 0.5);
  for (const char* name : {"full.wav", "full.flac"}) {
    write_audio(tmp(name), x, 22050, nnr::audio::SampleFormat::pcm16);
    EXPECT_EQ(decode_audio(tmp(name)).size(), x.size()) << name;  // an intact file passes the check
    const std::string bytes = nnr::io::read_file(tmp(name));
    const std::string cut = std::string("cut_") + name;
    nnr::io::write_file_atomic(tmp(cut), bytes.substr(0, bytes.size() / 4));
    testing::internal::CaptureStderr();
    const std::string e = error_of(tmp(cut));
    const std::string libav_lines = testing::internal::GetCapturedStderr();
    EXPECT_EQ(libav_lines.find(" @ 0x"), std::string::npos) << "libav printed its own line: " << libav_lines;
    EXPECT_NE(e.find("truncated"), std::string::npos) << name << ": " << e;
    EXPECT_NE(e.find(cut), std::string::npos) << e;
  }
}

// A float WAV holding a NaN is an error naming the file (not a training sample reported without its file).
TEST(AudioFile, NonFiniteSampleNamesTheFile) {
  write_audio(tmp("nan.wav"), nnr::test::sine(440.0, 0.5, 0.5), 22050, nnr::audio::SampleFormat::float32);
  std::string bytes = nnr::io::read_file(tmp("nan.wav"));
  const unsigned char nan_le[4] = {0x00, 0x00, 0xc0, 0x7f};  // quiet NaN, little-endian float
  bytes.replace(bytes.size() - 400, 4, reinterpret_cast<const char*>(nan_le), 4);
  nnr::io::write_file_atomic(tmp("nan.wav"), bytes);
  const std::string e = error_of(tmp("nan.wav"));
  EXPECT_NE(e.find("non-finite sample"), std::string::npos) << e;
  EXPECT_NE(e.find("nan.wav"), std::string::npos) << e;
}

// Found by fuzz/audio_decode (an MP3 whose frames change channel count after the first): swresample was set
// up from the header and read past the frame (SEGV). Now it is set up from the first frame, and a change
// mid-file is a clear error.
TEST(AudioFile, FormatChangeMidStreamIsAnErrorNotACrash) {
  const fs::path p = fs::path(NNR_SOURCE_DIR) / "fuzz" / "regressions" / "audio_decode" / "format_changes_mid_stream.bin";
  const std::string e = error_of(p);
  EXPECT_NE(e.find("changes format mid-file (" + p.string() + "): 2 ch at 44100 Hz becomes 1 ch"), std::string::npos)
      << e;
}

// Found by fuzz/audio_decode: a WAV header claiming 8,934,946 Hz made swresample allocate gigabytes (and
// take over 10 s under ASan) before failing as an "internal" error; it is the file's fault, said at once.
TEST(AudioFile, ImplausibleSampleRateIsAnInputError) {
  const fs::path p = fs::path(NNR_SOURCE_DIR) / "fuzz" / "regressions" / "audio_decode" / "sample_rate_8934946.wav";
  try {
    decode_audio(p);
    FAIL() << "decoded";
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::input) << e.what();
    EXPECT_NE(std::string(e.what()).find("implausible sample rate 8934946 Hz"), std::string::npos) << e.what();
  }
}
