// The demo corpus builder: plans every clip from the seed, renders them (fluidsynth + Festival) and
// writes the fixed layout described in include/nnr/corpus/corpus.hpp. The steps are numbered in
// build_corpus; 2-3 are in jobs.cpp, 7 in provenance.cpp.
#include "nnr/corpus/corpus.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/corpus/music.hpp"
#include "nnr/corpus/synth.hpp"
#include "nnr/corpus/vocals.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/corpus/music_packages.hpp"
#include "nnr/transform/measure.hpp"
#include "command.hpp"
#include "steps.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

using namespace detail;
constexpr const char* kCrowdDir = "/usr/share/games/etw/crowd";

void write_labels_and_logs(const std::vector<Job>& jobs, const std::vector<Written>& written, const fs::path& out) {
  const auto& leads = lead_instruments();
  io::CsvWriter at_labels({"clip_id", "path", "split", "tags"});
  io::CsvWriter test_labels({"clip_id", "instrument", "tags"});
  std::map<std::string, int> tag_count;
  for (const auto& t : tag_vocabulary()) tag_count[t] = 0;
  for (const Job& j : jobs) {
    const auto tags = song_tags(j.spec);
    if (j.task == "at") {
      at_labels.add_row({j.id, "audio/" + j.id + ".flac", j.split, join(tags, ";")});
      for (const auto& t : tags) ++tag_count[t];
    } else if (j.task == "test") {
      test_labels.add_row({j.id, leads[static_cast<std::size_t>(j.spec.lead)].code, join(tags, ";")});
    }
  }
  at_labels.write(out / "at/labels.csv");
  test_labels.write(out / "test/labels.csv");
  io::CsvWriter tags_csv({"tag", "count"});
  for (const auto& t : tag_vocabulary()) tags_csv.add_row({t, std::to_string(tag_count[t])});
  tags_csv.write(out / "at/tags.csv");

  io::CsvWriter log({"file", "task", "song_id", "seed", "lead_class", "lead_program", "chord_program", "bass",
                     "drums", "bpm", "key_root", "mode", "register", "density", "vocal_line", "vocal_engine",
                     "offset_s", "duration_s", "lead_rms", "rest_rms", "vocals_rms", "tags"});
  for (const auto& w : written)
    for (const auto& r : w.log_rows) log.add_row(r);
  log.write(out / "render_log.csv");
}

struct Noise {
  std::size_t samples = 0;
  std::vector<fs::path> files;  ///< the recordings used, in order
};

Noise write_noise(const CorpusSize& size, const fs::path& out) {
  std::vector<fs::path> crowd;
  for (const auto& e : fs::directory_iterator(kCrowdDir))
    if (e.path().extension() == ".wav") crowd.push_back(e.path());
  std::sort(crowd.begin(), crowd.end());
  if (crowd.empty()) throw_io(std::string("corpus: no crowd*.wav in ") + kCrowdDir + "; apt-get install etw-data");
  std::vector<float> noise;
  std::vector<fs::path> noise_used;
  const auto noise_max = static_cast<std::size_t>(size.noise_max_s * kSr);
  for (const auto& f : crowd) {
    if (noise.size() >= noise_max) break;
    const auto x = audio::decode_audio(f, kSr);
    noise.insert(noise.end(), x.begin(), x.end());
    noise_used.push_back(f);
  }
  noise.resize(std::min(noise.size(), noise_max));
  audio::write_audio(out / "noise/ambience.flac", noise, kSr, audio::SampleFormat::pcm16);
  return {noise.size(), noise_used};
}

struct MusicSplit {
  std::vector<MusicExcerpt> excerpts;
  int ae = 0, test = 0;  ///< excerpts in AE training / in the test set
};

MusicSplit write_music(const CorpusSize& size, const fs::path& out, const std::vector<MusicTrack>& tracks,
                       std::uint64_t seed, int threads, const std::vector<Job>& jobs) {
  const MusicCut music_cut{size.music_excerpts, size.clip_s, size.music_test_excerpts, size.test_s};
  const std::vector<MusicExcerpt> music = cut_music(out, tracks, split_tracks(tracks, seed), music_cut, threads);
  io::CsvWriter ae_labels({"clip_id", "path", "split"});
  for (const Job& j : jobs)
    if (j.task == "at") ae_labels.add_row({j.id, "../at/audio/" + j.id + ".flac", j.split});
  int music_ae = 0, music_test = 0;
  for (const auto& m : music) {
    if (m.split == "test") {
      ++music_test;
      continue;
    }
    ae_labels.add_row({m.id, m.file.substr(3), m.split});  // relative to ae/
    ++music_ae;
  }
  ae_labels.write(out / "ae/labels.csv");
  return {music, music_ae, music_test};
}

nlohmann::json corpus_meta(const CorpusOptions& opts, const CorpusSize& size, const std::vector<std::string>& music_names,
                           std::size_t n_tracks, const Noise& noise, const MusicSplit& music,
                           const std::vector<SungLine>& pool) {
  nlohmann::json versions = package_versions(music_names);
  const int n_classes = static_cast<int>(lead_instruments().size());
  const int music_ae = music.ae, music_test = music.test;
  nlohmann::json counts = {{"at", size.at_clips},
                           {"ir", size.ir_songs_per_class * size.ir_excerpts * n_classes},
                           {"ir_songs", size.ir_songs_per_class * n_classes},
                           {"vs_train", size.vs_train},
                           {"vs_test", size.vs_test},
                           {"test", size.test_clips},
                           {"vocal_lines", size.vocal_lines},
                           {"ae", size.at_clips + music_ae},
                           {"music_ae", music_ae},
                           {"music_test", music_test},
                           {"music_tracks", n_tracks},
                           {"tags", tag_vocabulary().size()},
                           {"noise_seconds", static_cast<double>(noise.samples) / kSr}};
  std::vector<std::string> engines;
  for (const auto& s : pool) engines.push_back(s.engine);
  nlohmann::json meta = {{"size", size.name},
                         {"seed", opts.seed},
                         {"soundfont", opts.soundfont.string()},
                         {"music_packages", music_names},
                         {"sample_rate", kSr},
                         {"clip_seconds", size.clip_s},
                         {"test_seconds", size.test_s},
                         {"vs_seconds", size.vs_s},
                         {"vocal_engines", engines},
                         {"counts", counts},
                         {"package_versions", versions}};
  return meta;
}

}  // namespace

CorpusSize corpus_size(const std::string& name) {
  CorpusSize s;
  s.name = name;
  if (name == "tiny") {
    s.at_clips = 33;
    s.ir_songs_per_class = 2;
    s.ir_excerpts = 2;
    s.vs_train = 3;
    s.vs_test = 2;
    s.vs_s = 6.0;
    s.test_clips = 22;
    s.vocal_lines = 4;
    s.vocal_test_lines = 1;
    s.noise_max_s = 30.0;
    s.music_excerpts = 1;
    s.music_test_excerpts = 1;
  } else if (name == "demo") {
    // Sized so the paper's networks learn their tasks in the demo's 20 training minutes (issue 16) and the
    // test set has >= 150 clips, >= 50 of them real music from >= 10 tracks.
    s.at_clips = 600;
    s.ir_songs_per_class = 12;
    s.ir_excerpts = 4;
    s.vs_train = 64;
    s.vs_test = 8;
    s.vs_s = 10.0;
    s.test_clips = 110;
    s.vocal_lines = 32;
    s.vocal_test_lines = 8;
    s.noise_max_s = 600.0;
    s.music_excerpts = 8;
    s.music_test_excerpts = 6;
  } else {
    throw_config("corpus: unknown size (size=" + name + "); use tiny or demo");
  }
  return s;
}

nlohmann::json build_corpus(const CorpusOptions& opts) {
  const CorpusSize size = opts.custom_size ? *opts.custom_size : corpus_size(opts.size);
  if (size.vocal_test_lines < 1 || size.vocal_lines - size.vocal_test_lines < 1 || size.at_clips < 0 ||
      size.ir_excerpts < 1 || size.clip_s <= 0 || size.test_s <= 0 || size.vs_s <= 0)
    throw_config("corpus: inconsistent corpus size (size=" + size.name +
                 "); need >= 1 training and >= 1 test vocal line, >= 1 IR excerpt, positive durations");
  if (opts.out_dir.empty()) throw_config("corpus: no output directory given; pass OUT_DIR");
  const fs::path out = opts.out_dir;
  const fs::path meta_path = out / "corpus.json";
  std::vector<std::string> music_names;
  for (const auto& p : opts.music_packages) music_names.push_back(p.name);
  if (!opts.force && fs::exists(meta_path)) {
    const auto old = io::load_json(meta_path);
    if (old.value("size", "") == size.name && old.value("seed", std::uint64_t{0}) == opts.seed &&
        old.value("soundfont", "") == opts.soundfont.string() &&
        old.value("music_packages", nlohmann::json::array()) == nlohmann::json(music_names)) {
      spdlog::info("corpus: {} is already complete (size={}, seed={}); nothing to do (--force rebuilds)",
                   out.string(), size.name, opts.seed);
      return old;
    }
  }
  if (!fs::is_directory(kCrowdDir))
    throw_io(std::string("corpus: crowd noise not found (dir=") + kCrowdDir + "); apt-get install etw-data");
  if (!fs::is_regular_file(opts.soundfont))
    throw_io("corpus: soundfont not found (soundfont=" + opts.soundfont.string() +
             "); apt-get install fluid-soundfont-gm or pass --soundfont FILE.sf2");
  // Found before any work, so a missing package fails in a second, not after the renders.
  const std::vector<MusicTrack> tracks = music_tracks(opts.music_packages);
  const int threads = resolve_threads(opts.threads);
  if (fs::is_directory(out) && !fs::is_empty(out) && !fs::exists(meta_path) && !fs::exists(out / ".work"))
    throw_config("corpus: output directory is not empty and holds no corpus (out=" + out.string() +
                 "); choose a new or empty directory");
  fs::create_directories(out);
  fs::remove(meta_path);  // marks the directory incomplete until the end
  for (const char* d : {"at", "ae", "ir", "vs", "test", "noise"}) fs::remove_all(out / d);
  const fs::path work = out / ".work";
  fs::remove_all(work);
  fs::create_directories(work);

  // 1. The vocal pool (Festival subprocesses, in parallel).
  std::vector<VocalLine> lines;
  for (int i = 0; i < size.vocal_lines; ++i)
    lines.push_back(make_vocal_line(i, derive_seed(opts.seed, "vocal-line", std::to_string(i))));
  std::vector<SungLine> pool(lines.size());
  {
    Progress progress("nnr-corpus: vocal lines", lines.size(), "lines");
    parallel_for(0, lines.size(), threads, [&](std::size_t i) {
      pool[i] = sing_line(lines[i], work, kSr);
      progress.tick();
    });
  }
  // 2. Plan every job from the seed. 3. Render and write them.
  const std::vector<Job> jobs = plan_jobs(size, opts.seed, lines);
  const std::vector<Written> written = render_jobs(jobs, pool, opts.soundfont, out, threads);

  // 4. Labels, tag counts, logs.
  write_labels_and_logs(jobs, written, out);

  // 5. Noise: etw-data's football crowd, concatenated (substitute for the paper's freesound pub ambience).
  const Noise noise = write_noise(size, out);

  // 6. Real music: whole tracks to the test set or to AE training; ae/labels.csv = at/ clips + excerpts.
  const MusicSplit music = write_music(size, out, tracks, opts.seed, threads, jobs);

  // 7. Provenance.
  write_sources(out, opts.soundfont, jobs, written, pool, noise.files, music.excerpts);
  fs::remove_all(work);
  const nlohmann::json meta = corpus_meta(opts, size, music_names, tracks.size(), noise, music, pool);
  io::write_json(meta_path, meta);
  return meta;
}

}  // namespace nnr::corpus
