// The demo corpus builder: plans every clip from the seed, renders them (fluidsynth + Festival) and
// writes the fixed layout described in include/nnr/corpus/corpus.hpp.
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

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

constexpr int kSr = audio::kSampleRate;
constexpr const char* kCrowdDir = "/usr/share/games/etw/crowd";

using detail::command_output;
using detail::numbered;
using transform::rms;

float peak(const std::vector<float>& x) {
  float p = 0.0f;
  for (float v : x) p = std::max(p, std::fabs(v));
  return p;
}

/// Clips are 16-bit FLAC, like IRMAS and MUSDB18 (and half the size of 24-bit).
constexpr audio::SampleFormat kFormat = audio::SampleFormat::pcm16;
constexpr double kLsb = 1.0 / 32768.0;

/// Rounds to the 16-bit grid libsndfile writes (k / 2^15), so sums of stems stay exact on disk.
void quantise(std::vector<float>& x) {
  for (float& v : x) v = static_cast<float>(std::nearbyint(static_cast<double>(v) / kLsb) * kLsb);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

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

/// One excerpt, as separately mixable parts (all the same length).
struct Parts {
  std::vector<float> lead, rest, vocals;
};

/// Renders `spec` from 0 to offset+dur and cuts [offset, offset+dur). Vocals (if any) start at every
/// phrase.
Parts render_parts(Synth& synth, const SongSpec& spec, const std::vector<SungLine>& pool, double offset_s,
                   double dur_s) {
  const auto n = static_cast<std::size_t>(std::llround(dur_s * kSr));
  const auto start = static_cast<std::size_t>(std::llround(offset_s * kSr));
  const auto stems = synth.render(song_notes(spec, offset_s + dur_s), song_programs(spec), start + n);
  Parts p;
  p.lead.assign(stems[kLeadChannel].begin() + static_cast<std::ptrdiff_t>(start), stems[kLeadChannel].end());
  p.rest.assign(n, 0.0f);
  for (int ch : {kChordChannel, kBassChannel, kDrumChannel})
    for (std::size_t i = 0; i < n; ++i) p.rest[i] += stems[static_cast<std::size_t>(ch)][start + i];
  p.vocals.assign(n, 0.0f);
  if (spec.vocal_line >= 0) {
    const auto& v = pool.at(static_cast<std::size_t>(spec.vocal_line)).samples;
    for (std::size_t i = 0; i < n; ++i) p.vocals[i] = v[(start + i) % v.size()];
  }
  return p;
}

struct Mixed {
  std::vector<float> mixture, accompaniment, vocals;
  double lead_rms = 0, rest_rms = 0, vocals_rms = 0;
};

/// Mixes parts: lead `lead_db` above the rest (RMS), vocals `vocal_db` above the instruments, then
/// scales everything so the mixture peaks at 0.8 and quantises the stems to the 16-bit grid;
/// mixture = accompaniment + vocals exactly.
Mixed mix(Parts p, double lead_db, double vocal_db, const std::string& what) {
  const double lr = rms(p.lead), rr = rms(p.rest);
  const double lead_gain = (lr > 1e-9 && rr > 1e-9) ? rr * std::pow(10.0, lead_db / 20.0) / lr : 1.0;
  Mixed m;
  m.accompaniment.resize(p.lead.size());
  for (std::size_t i = 0; i < p.lead.size(); ++i)
    m.accompaniment[i] = static_cast<float>(lead_gain * p.lead[i]) + p.rest[i];
  const double ar = rms(m.accompaniment), vr = rms(p.vocals);
  const double vocal_gain = (vr > 1e-9 && ar > 1e-9) ? ar * std::pow(10.0, vocal_db / 20.0) / vr : 0.0;
  m.vocals.resize(p.vocals.size());
  for (std::size_t i = 0; i < p.vocals.size(); ++i) m.vocals[i] = static_cast<float>(vocal_gain * p.vocals[i]);
  std::vector<float> sum(m.vocals.size());
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = m.accompaniment[i] + m.vocals[i];
  const float pk = peak(sum);
  if (!(pk > 1e-6f)) throw_internal("corpus: rendered clip is silent (" + what + "); report this as a bug");
  const float g = 0.8f / pk;
  for (float& v : m.accompaniment) v *= g;
  for (float& v : m.vocals) v *= g;
  quantise(m.accompaniment);
  quantise(m.vocals);
  m.mixture.resize(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) m.mixture[i] = m.accompaniment[i] + m.vocals[i];
  m.lead_rms = lead_gain * lr * g;
  m.rest_rms = rr * g;
  m.vocals_rms = rms(m.vocals);
  return m;
}

/// A unit of work: one song rendered into one or more files.
struct Job {
  std::string task;  // at | ir | vs | test
  std::string id;    // clip, song or track id
  std::string split; // at: train|valid|test; vs: train|test
  SongSpec spec;
  std::vector<double> offsets;  // excerpt starts
  double dur_s = 3.0;
  double lead_db = 0.0, vocal_db = 0.0;
};

struct Written {
  std::vector<std::vector<std::string>> log_rows;  // render_log.csv rows
  std::vector<std::string> files;                  // relative paths of the rendered files
};

/// Thread-safe pool of synths (one soundfont load per thread that renders).
class SynthPool {
 public:
  explicit SynthPool(fs::path sf) : sf_(std::move(sf)) {}
  std::unique_ptr<Synth> take() {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<Synth>(sf_, kSr);
  }
  void give(std::unique_ptr<Synth> s) {
    std::lock_guard<std::mutex> lock(m_);
    free_.push_back(std::move(s));
  }

 private:
  fs::path sf_;
  std::mutex m_;
  std::vector<std::unique_ptr<Synth>> free_;
};

/// 80/10/10 by clip index (every 10th clip is valid, the next test), so even the tiny corpus has clips in
/// every split; lead instruments cycle with period 11, so each split sees every class.
std::string split_of(int index) { return index % 10 == 8 ? "valid" : index % 10 == 9 ? "test" : "train"; }

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
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
    s.at_clips = 264;
    s.ir_songs_per_class = 6;
    s.ir_excerpts = 4;
    s.vs_train = 24;
    s.vs_test = 8;
    s.vs_s = 8.0;
    s.test_clips = 88;
    s.vocal_lines = 16;
    s.vocal_test_lines = 4;
    s.noise_max_s = 600.0;
    s.music_excerpts = 8;
    s.music_test_excerpts = 4;
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
  const int n_train_lines = size.vocal_lines - size.vocal_test_lines;

  // 2. Plan every job from the seed.
  std::vector<Job> jobs;
  const auto& leads = lead_instruments();
  const int n_classes = static_cast<int>(leads.size());
  for (int i = 0; i < size.at_clips; ++i) {
    Job j;
    j.task = "at";
    j.id = numbered("at_%05d", i);
    j.split = split_of(i);
    Rng rng(derive_seed(opts.seed, "at", j.id));
    SongConstraints c;
    c.lead = i % n_classes;
    if (i % 4 == 3) c.vocal = &lines[static_cast<std::size_t>((i / 4) % n_train_lines)];
    j.spec = make_song(rng(), c);
    j.offsets = {uniform01(rng) * bar_seconds(j.spec.bpm)};
    j.dur_s = size.clip_s;
    j.lead_db = 6.0 * uniform01(rng);
    j.vocal_db = 3.0 * uniform01(rng);
    jobs.push_back(j);
  }
  for (int c = 0; c < n_classes; ++c)
    for (int k = 0; k < size.ir_songs_per_class; ++k) {
      Job j;
      j.task = "ir";
      j.id = std::string(leads[static_cast<std::size_t>(c)].code) + numbered("_song%03d", k);
      Rng rng(derive_seed(opts.seed, "ir", j.id));
      SongConstraints sc;
      sc.lead = c;
      j.spec = make_song(rng(), sc);
      for (int e = 0; e < size.ir_excerpts; ++e) j.offsets.push_back(0.25 + e * (size.clip_s + 0.5));
      j.dur_s = size.clip_s;
      j.lead_db = 8.0 + 4.0 * uniform01(rng);
      jobs.push_back(j);
    }
  for (int split = 0; split < 2; ++split) {
    const int n = split == 0 ? size.vs_train : size.vs_test;
    for (int k = 0; k < n; ++k) {
      Job j;
      j.task = "vs";
      j.split = split == 0 ? "train" : "test";
      j.id = numbered(split == 0 ? "train_%03d" : "test_%03d", k);
      Rng rng(derive_seed(opts.seed, "vs", j.id));
      SongConstraints sc;
      const int line = split == 0 ? k % n_train_lines : n_train_lines + k % size.vocal_test_lines;
      sc.vocal = &lines[static_cast<std::size_t>(line)];
      j.spec = make_song(rng(), sc);
      j.offsets = {0.0};
      j.dur_s = size.vs_s;
      j.lead_db = -3.0 + 6.0 * uniform01(rng);
      j.vocal_db = 4.0 * uniform01(rng);
      jobs.push_back(j);
    }
  }
  for (int t = 0; t < size.test_clips; ++t) {
    Job j;
    j.task = "test";
    j.id = numbered("test_%04d", t);
    Rng rng(derive_seed(opts.seed, "test", j.id));
    SongConstraints sc;
    sc.lead = t % n_classes;
    sc.vocal = &lines[static_cast<std::size_t>(n_train_lines + (t / n_classes) % size.vocal_test_lines)];
    j.spec = make_song(rng(), sc);
    const double phrase = kPhraseBars * bar_seconds(j.spec.bpm);
    j.offsets = {uniform01(rng) * std::max(0.0, phrase - size.test_s)};
    j.dur_s = size.test_s;
    j.lead_db = 6.0 + 4.0 * uniform01(rng);
    j.vocal_db = 3.0 * uniform01(rng);
    jobs.push_back(j);
  }

  // 3. Render and write (order-independent: each job writes only its own files and slot).
  std::vector<Written> written(jobs.size());
  SynthPool synths(opts.soundfont);
  {
    Progress progress("nnr-corpus: songs", jobs.size(), "songs");
    parallel_for(0, jobs.size(), threads, [&](std::size_t ji) {
      const Job& j = jobs[ji];
      auto synth = synths.take();
      Written& w = written[ji];
      // One render per job covering every excerpt (same song = same performance).
      const double end = j.offsets.back() + j.dur_s;
      const Parts whole = render_parts(*synth, j.spec, pool, 0.0, end);
      synths.give(std::move(synth));
      for (std::size_t e = 0; e < j.offsets.size(); ++e) {
        const auto a = static_cast<std::size_t>(std::llround(j.offsets[e] * kSr));
        const auto n = static_cast<std::size_t>(std::llround(j.dur_s * kSr));
        Parts p;
        p.lead.assign(whole.lead.begin() + static_cast<std::ptrdiff_t>(a), whole.lead.begin() + static_cast<std::ptrdiff_t>(a + n));
        p.rest.assign(whole.rest.begin() + static_cast<std::ptrdiff_t>(a), whole.rest.begin() + static_cast<std::ptrdiff_t>(a + n));
        p.vocals.assign(whole.vocals.begin() + static_cast<std::ptrdiff_t>(a), whole.vocals.begin() + static_cast<std::ptrdiff_t>(a + n));
        std::string file;
        if (j.task == "at") file = "at/audio/" + j.id + ".flac";
        else if (j.task == "ir") file = std::string("ir/") + leads[static_cast<std::size_t>(j.spec.lead)].code + "/" + j.id + "__" + std::to_string(e + 1) + ".flac";
        else if (j.task == "vs") file = "vs/" + j.split + "/" + j.id + "/mixture.flac";
        else file = "test/" + j.id + ".flac";
        const Mixed m = mix(std::move(p), j.lead_db, j.vocal_db, file);
        audio::write_audio(out / file, m.mixture, kSr, kFormat);
        w.files.push_back(file);
        if (j.task == "vs") {
          const std::string dir = "vs/" + j.split + "/" + j.id + "/";
          audio::write_audio(out / (dir + "vocals.flac"), m.vocals, kSr, kFormat);
          audio::write_audio(out / (dir + "accompaniment.flac"), m.accompaniment, kSr, kFormat);
          w.files.push_back(dir + "vocals.flac");
          w.files.push_back(dir + "accompaniment.flac");
        } else if (j.task == "test") {
          audio::write_audio(out / ("test/vocals/" + j.id + ".flac"), m.vocals, kSr, kFormat);
          w.files.push_back("test/vocals/" + j.id + ".flac");
        }
        const SongSpec& s = j.spec;
        const auto progs = song_programs(s);
        w.log_rows.push_back({file, j.task, j.id, hex(s.seed), leads[static_cast<std::size_t>(s.lead)].code,
                              std::to_string(s.lead_program), std::to_string(progs.program[kChordChannel]),
                              s.bass ? "1" : "0", s.drums ? "1" : "0", io::format_number(s.bpm),
                              std::to_string(s.key_root), s.minor ? "minor" : "major",
                              s.high_register ? "high" : "low", s.dense ? "dense" : "sparse",
                              std::to_string(s.vocal_line),
                              s.vocal_line >= 0 ? pool[static_cast<std::size_t>(s.vocal_line)].engine : "",
                              io::format_number(j.offsets[e]), io::format_number(j.dur_s),
                              io::format_number(m.lead_rms), io::format_number(m.rest_rms),
                              io::format_number(m.vocals_rms), join(song_tags(s), ";")});
      }
      progress.tick();
    });
  }

  // 4. Labels, tag counts, logs.
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

  // 5. Noise: etw-data's football crowd, concatenated (substitute for the paper's freesound pub ambience).
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

  // 6. Real music: whole tracks to the test set or to AE training; ae/labels.csv = at/ clips + excerpts.
  const MusicCut music_cut{size.music_excerpts, size.clip_s, size.music_test_excerpts, size.test_s};
  const std::vector<MusicExcerpt> music = cut_music(out, tracks, split_tracks(tracks, opts.seed), music_cut, threads);
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

  // 7. Provenance.
  const std::string sf_pkg = package_of(opts.soundfont);
  const std::string voice_dir = "/usr/share/festival/voices/english/kal_diphone";
  io::CsvWriter sources({"file", "package", "path", "license", "notes"});
  for (std::size_t ji = 0; ji < jobs.size(); ++ji)
    for (const auto& f : written[ji].files) {
      const bool is_vocals = f.find("vocals") != std::string::npos;
      if (!is_vocals)
        sources.add_row({f, sf_pkg, opts.soundfont.string(), license_of(sf_pkg),
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

  fs::remove_all(work);
  nlohmann::json versions;
  for (const char* pkg : {"fluid-soundfont-gm", "timgm6mb-soundfont", "libfluidsynth3", "festival",
                          "festvox-kallpc16k", "espeak-ng", "etw-data", "libsndfile1", "libflac12"})
    versions[pkg] = package_version(pkg);
  for (const auto& name : music_names) versions[name] = package_version(name);
  versions["fluidsynth_runtime"] = fluidsynth_version();
  versions["libav_runtime"] = audio::decoder_versions();  // decodes the crowd noise and the music
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
                           {"music_tracks", tracks.size()},
                           {"tags", tag_vocabulary().size()},
                           {"noise_seconds", static_cast<double>(noise.size()) / kSr}};
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
  io::write_json(meta_path, meta);
  return meta;
}

}  // namespace nnr::corpus
