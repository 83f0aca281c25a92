// Fuzz target: audio decoding from bytes (any container and codec FFmpeg probes, plus nnr's own WAV header
// reading for the truncation check), through decode_audio as nnr-transform calls it.
#include <cmath>

#include "fuzz_input.hpp"
#include "nnr/audio/audio_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnr::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static nnr::fuzz::InputFile file("clip");
  const auto& path = file.write(data, size);
  nnr::fuzz::nnr_errors_only([&] {
    const auto samples = nnr::audio::decode_audio(path);
    for (float s : samples) NNR_ASSERT(std::isfinite(s));  // decode_audio promises finite samples
  });
  return 0;
}
