// Writing WAV/FLAC through libsndfile.
#include <sndfile.h>

#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::audio {

void write_audio(const std::filesystem::path& path, const std::vector<float>& samples, int sample_rate,
                 SampleFormat format) {
  const std::string ext = path.extension().string();
  int major = 0;
  if (ext == ".wav")
    major = SF_FORMAT_WAV;
  else if (ext == ".flac")
    major = SF_FORMAT_FLAC;
  else
    throw_config("audio: cannot write '" + ext + "' files (" + path.string() + "); use .wav or .flac");
  int sub = format == SampleFormat::float32 ? SF_FORMAT_FLOAT
            : format == SampleFormat::pcm24 ? SF_FORMAT_PCM_24
                                            : SF_FORMAT_PCM_16;
  if (major == SF_FORMAT_FLAC && sub == SF_FORMAT_FLOAT)
    throw_config("audio: FLAC cannot store float samples (" + path.string() + "); use .wav or pcm24");

  io::write_atomic_with(path, [&](const std::filesystem::path& tmp) {
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = 1;
    info.format = major | sub;
    SNDFILE* f = sf_open(tmp.c_str(), SFM_WRITE, &info);
    if (!f) throw_io("audio: cannot open for writing (" + path.string() + "): " + sf_strerror(nullptr));
    // Integer formats: let libsndfile clip rather than wrap around if a caller passes |x| > 1.
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    // Float WAV: no PEAK chunk, which carries a timestamp and would make identical audio differ in bytes.
    sf_command(f, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    const sf_count_t n = static_cast<sf_count_t>(samples.size());
    const sf_count_t written = sf_write_float(f, samples.data(), n);
    const int close_rc = sf_close(f);
    if (written != n || close_rc != 0)
      throw_io("audio: short write (" + path.string() + "); check disk space");
  });
}

}  // namespace nnr::audio
