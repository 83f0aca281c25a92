// Festival singing (subprocess) with an espeak-ng fallback.
#include "nnr/corpus/vocals.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::corpus {
namespace {

std::string note_name(int key) {
  static const char* const kNames[12] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
  return std::string(kNames[key % 12]) + std::to_string(key / 12 - 1);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Runs a shell command; true on exit status 0.
bool run(const std::string& cmd) {
  spdlog::debug("corpus: running {}", cmd);
  return std::system(cmd.c_str()) == 0;
}

}  // namespace

std::string festival_song_xml(const VocalLine& line) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\"?>\n"
    << "<!DOCTYPE SINGING PUBLIC \"-//SINGING//DTD SINGING mark up//EN\" \"Singing.v0_1.dtd\" []>\n"
    << "<SINGING BPM=\"" << line.bpm * 50.0 / 60.0 << "\">\n";
  double beat = 0.0;
  for (const auto& n : line.notes) {
    if (n.start_beat > beat + 1e-9) x << "<REST BEATS=\"" << n.start_beat - beat << "\"></REST>\n";
    x << "<DURATION BEATS=\"" << n.beats << "\"><PITCH NOTE=\"" << note_name(n.key + 12) << "\">" << n.word
      << "</PITCH></DURATION>\n";
    beat = n.start_beat + n.beats;
  }
  x << "</SINGING>\n";
  return x.str();
}

SungLine sing_line(const VocalLine& line, const std::filesystem::path& work_dir, int sample_rate) {
  const std::string stem = "line_" + std::to_string(line.index);
  const auto xml = work_dir / (stem + ".xml");
  const auto wav = work_dir / (stem + ".wav");
  const auto log = work_dir / (stem + ".log");
  io::write_file_atomic(xml, festival_song_xml(line));
  SungLine out;
  std::filesystem::remove(wav);
  if (run("text2wave -mode singing -eval '(voice_kal_diphone)' " + shell_quote(xml.string()) + " -o " +
          shell_quote(wav.string()) + " >" + shell_quote(log.string()) + " 2>&1") &&
      std::filesystem::exists(wav)) {
    out.engine = "festival";
  } else {
    spdlog::warn("corpus: Festival singing failed for vocal line {} (see {}); falling back to espeak-ng speech",
                 line.index, log.string());
    std::string words;
    for (const auto& n : line.notes) words += n.word + " ";
    std::filesystem::remove(wav);
    if (!run("espeak-ng -s 120 -w " + shell_quote(wav.string()) + " " + shell_quote(words) + " >>" +
             shell_quote(log.string()) + " 2>&1") ||
        !std::filesystem::exists(wav))
      throw_internal("corpus: neither Festival nor espeak-ng could render vocal line " +
                     std::to_string(line.index) + " (log=" + log.string() +
                     "); install festival festvox-kallpc16k (or espeak-ng)");
    out.engine = "espeak-ng";
  }
  out.samples = audio::decode_audio(wav, sample_rate);
  const auto phrase = static_cast<std::size_t>(std::llround(kPhraseBars * bar_seconds(line.bpm) * sample_rate));
  spdlog::debug("corpus: vocal line {} ({}): {:.2f} s rendered for a {:.2f} s phrase", line.index, out.engine,
                static_cast<double>(out.samples.size()) / sample_rate, static_cast<double>(phrase) / sample_rate);
  out.samples.resize(phrase, 0.0f);
  // Short fade-out so a cut word does not click at the phrase end.
  const std::size_t fade = std::min<std::size_t>(phrase, static_cast<std::size_t>(sample_rate / 50));
  for (std::size_t i = 0; i < fade; ++i)
    out.samples[phrase - 1 - i] *= static_cast<float>(i) / static_cast<float>(fade);
  return out;
}

}  // namespace nnr::corpus
