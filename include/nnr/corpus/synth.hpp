#pragma once
/// General MIDI rendering with libfluidsynth: note lists in, one mono stem per MIDI channel out.
///
/// Reverb and chorus are off, so the stems are dry and sum exactly to the mix; every render starts
/// from a full synth reset, so a render depends only on its own notes and programs (not on what was
/// rendered before). Output is mono float at the requested rate (the mean of fluidsynth's L and R).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nnr::corpus {

/// One note. Times are in seconds from the start of the render.
struct Note {
  double start_s = 0.0;
  double dur_s = 0.0;
  int channel = 0;  ///< 0..15; channel 9 is GM percussion
  int key = 60;     ///< MIDI key 0..127
  int velocity = 100;
};

/// GM program per channel for one render; -1 leaves a channel unused. Channel 9 always uses the
/// percussion bank (program 0 = standard kit).
struct ChannelPrograms {
  int program[16] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
};

/// A loaded soundfont and a fluidsynth instance. Not thread-safe: use one Synth per thread.
class Synth {
 public:
  /// Loads `soundfont` (.sf2). Throws Error(io) if missing, Error(input) if fluidsynth rejects it.
  explicit Synth(const std::filesystem::path& soundfont, int sample_rate);
  ~Synth();
  Synth(const Synth&) = delete;
  Synth& operator=(const Synth&) = delete;

  /// Renders `notes` for `n_samples` samples. Returns 16 stems (mono, n_samples each); stems of
  /// channels with no notes are all zeros. Notes on a channel whose program is -1 throw
  /// Error(internal) (a bug in the caller).
  std::vector<std::vector<float>> render(const std::vector<Note>& notes, const ChannelPrograms& programs,
                                         std::size_t n_samples);

  int sample_rate() const { return sample_rate_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int sample_rate_;
};

/// libfluidsynth's version string, e.g. "2.3.1".
std::string fluidsynth_version();

}  // namespace nnr::corpus
