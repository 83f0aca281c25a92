#pragma once
/// Sung vocal lines: Festival's singing mode (`text2wave -mode singing`, voice kal_diphone from
/// festvox-kallpc16k) run as a subprocess; espeak-ng speech on the same words if Festival fails.

#include <filesystem>
#include <string>
#include <vector>

#include "nnr/corpus/music.hpp"

namespace nnr::corpus {

/// Festival SINGING markup for one phrase. Festival quirks handled here: it sings an octave below the
/// written note (we write key + 12) and holds 50/BPM seconds per beat (we write BPM = bpm * 50 / 60).
std::string festival_song_xml(const VocalLine& line);

struct SungLine {
  std::vector<float> samples;  ///< mono, sample_rate, exactly one phrase (kPhraseBars bars) long
  std::string engine;          ///< "festival" or "espeak-ng"
};

/// Renders `line` (working files in `work_dir`, which must exist). Throws Error(internal) if neither
/// Festival nor espeak-ng produces audio, naming the packages to install.
SungLine sing_line(const VocalLine& line, const std::filesystem::path& work_dir, int sample_rate);

}  // namespace nnr::corpus
