// The corpus builder's provenance: which Debian package, file and licence every file comes from
// (sources.csv) and the versions of those packages (corpus.json).
#include <map>

#include "command.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "steps.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus::detail {
namespace {

std::string package_version(const std::string& pkg) {
  return command_output("dpkg-query -W -f='${Version}' " + pkg + " 2>/dev/null");
}

std::string package_of(const fs::path& file) {
  const std::string out = command_output("dpkg -S '" + file.string() + "' 2>/dev/null | head -n1");
  const auto colon = out.find(':');
  return colon == std::string::npos ? "unknown" : out.substr(0, colon);
}

std::string license_of(const std::string& pkg) {
  static const std::map<std::string, std::string> k = {
      {"fluid-soundfont-gm", "MIT"},
      {"timgm6mb-soundfont", "GPL-2"},
      {"musescore-general-soundfont-small", "MIT"},
      {"festvox-kallpc16k", "CSTR/Festival free licence (use and redistribution permitted, keep notice)"},
      {"espeak-ng-data", "GPL-3+"},
      {"etw-data", "GPL-2+"}};
  const auto it = k.find(pkg);
  return it != k.end() ? it->second : "see /usr/share/doc/" + pkg + "/copyright";
}

}  // namespace

void write_sources(const fs::path& out, const fs::path& soundfont, const std::vector<Job>& jobs,
                   const std::vector<Written>& written, const std::vector<SungLine>& pool,
                   const std::vector<fs::path>& noise_used, const std::vector<MusicExcerpt>& music) {
  const std::string sf_pkg = package_of(soundfont);
  const std::string voice_dir = "/usr/share/festival/voices/english/kal_diphone";
  io::CsvWriter sources({"file", "package", "path", "license", "notes"});
  for (std::size_t ji = 0; ji < jobs.size(); ++ji)
    for (const auto& f : written[ji].files) {
      const bool is_vocals = f.find("vocals") != std::string::npos;
      if (!is_vocals)
        sources.add_row({f, sf_pkg, soundfont.string(), license_of(sf_pkg),
                         "rendered with libfluidsynth " + fluidsynth_version() + " from seeded MIDI"});
      if (jobs[ji].spec.vocal_line >= 0 && f.find("accompaniment") == std::string::npos) {
        const std::string& engine = pool[static_cast<std::size_t>(jobs[ji].spec.vocal_line)].engine;
        const std::string pkg = engine == "festival" ? "festvox-kallpc16k" : "espeak-ng-data";
        sources.add_row({f, pkg, engine == "festival" ? voice_dir : "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
                         license_of(pkg), engine + " vocal line " + std::to_string(jobs[ji].spec.vocal_line)});
      }
    }
  for (const auto& f : noise_used)
    sources.add_row({"noise/ambience.flac", "etw-data", f.string(), license_of("etw-data"),
                     "football crowd, concatenated; substitute for the paper's freesound pub ambience"});
  for (const auto& m : music)
    sources.add_row({m.file, m.package, m.source, m.license,
                     "real music, " + m.split + " track, excerpt at " + io::format_number(m.offset_s) + " s"});
  sources.write(out / "sources.csv");
}

nlohmann::json package_versions(const std::vector<std::string>& music_packages) {
  nlohmann::json versions;
  for (const char* pkg : {"fluid-soundfont-gm", "timgm6mb-soundfont", "libfluidsynth3", "festival",
                          "festvox-kallpc16k", "espeak-ng", "etw-data", "libsndfile1", "libflac12"})
    versions[pkg] = package_version(pkg);
  for (const auto& name : music_packages) versions[name] = package_version(name);
  versions["fluidsynth_runtime"] = fluidsynth_version();
  versions["libav_runtime"] = audio::decoder_versions();  // decodes the crowd noise and the music
  return versions;
}

}  // namespace nnr::corpus::detail
