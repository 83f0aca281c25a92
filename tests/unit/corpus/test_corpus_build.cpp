// Builds a small corpus once and checks labels, audio, mixing and provenance against the render log.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/error.hpp"
#include "nnr/corpus/corpus.hpp"
#include "nnr/corpus/music.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

CorpusSize micro() {
  CorpusSize s = corpus_size("tiny");
  s.name = "micro";
  s.at_clips = 12;
  s.ir_songs_per_class = 1;
  s.ir_excerpts = 2;
  s.vs_train = 1;
  s.vs_test = 1;
  s.test_clips = 11;
  s.vocal_lines = 2;
  s.vocal_test_lines = 1;
  s.noise_max_s = 5.0;
  s.music_excerpts = 2;
  s.music_test_excerpts = 1;
  return s;
}

/// Builds (or reuses, if built by this very test binary) a micro corpus. ctest runs each test in its own
/// process; they share the build through the builder's resume rule (RESOURCE_LOCK serialises them).
fs::path build(const std::string& name, int threads) {
  const fs::path dir = fs::path(NNR_BINARY_DIR) / "test-corpus" / name;
  std::error_code ec;
  const auto exe_time = fs::last_write_time("/proc/self/exe", ec);
  if (!fs::exists(dir / "corpus.json") || ec || fs::last_write_time(dir / "corpus.json") < exe_time)
    fs::remove_all(dir);
  CorpusOptions o;
  o.out_dir = dir;
  o.custom_size = micro();
  o.seed = 7;
  o.threads = threads;
  o.music_packages = {{"frozen-bubble-data", "GPL-2"}};  // 3 tracks: 1 for the test set, 2 for AE
  build_corpus(o);
  return dir;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

double rms(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += double(v) * v;
  return x.empty() ? 0.0 : std::sqrt(s / double(x.size()));
}

class CorpusBuild : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Progress::set_enabled(false);
    spdlog::set_level(spdlog::level::warn);
    dir_ = new fs::path(build("a", 2));
  }
  static void TearDownTestSuite() { delete dir_; }
  static const fs::path& dir() { return *dir_; }
  static fs::path* dir_;
  /// render_log.csv rows by file.
  static std::map<std::string, std::map<std::string, std::string>> log() {
    const auto t = io::read_csv(dir() / "render_log.csv");
    std::map<std::string, std::map<std::string, std::string>> out;
    for (const auto& r : t.rows) {
      auto& m = out[r[t.column("file")]];
      for (std::size_t c = 0; c < t.header.size(); ++c) m[t.header[c]] = r[c];
    }
    return out;
  }
};
fs::path* CorpusBuild::dir_ = nullptr;

TEST_F(CorpusBuild, LayoutAndCountsMatchCorpusJson) {
  const auto meta = io::load_json(dir() / "corpus.json");
  EXPECT_EQ(meta.at("size"), "micro");
  EXPECT_EQ(meta.at("seed"), 7);
  const auto at = io::read_csv(dir() / "at/labels.csv");
  EXPECT_EQ(at.header, (std::vector<std::string>{"clip_id", "path", "split", "tags"}));
  EXPECT_EQ(at.rows.size(), 12u);
  std::map<std::string, int> splits;
  for (const auto& r : at.rows) {
    EXPECT_TRUE(fs::exists(dir() / "at" / r[1])) << r[1];
    EXPECT_TRUE(r[2] == "train" || r[2] == "valid" || r[2] == "test") << r[2];
    ++splits[r[2]];
  }
  EXPECT_EQ(splits.size(), 3u) << "every split has clips";
  for (const auto& li : lead_instruments()) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir() / "ir" / li.code)) {
      const std::string stem = e.path().stem().string();
      EXPECT_NE(stem.rfind("__"), std::string::npos) << stem;
      ++n;
    }
    EXPECT_EQ(n, 2u) << li.code;
  }
  for (const char* track : {"vs/train/train_000", "vs/test/test_000"})
    for (const char* f : {"mixture.flac", "vocals.flac", "accompaniment.flac"})
      EXPECT_TRUE(fs::exists(dir() / track / f)) << track << "/" << f;
  const auto test = io::read_csv(dir() / "test/labels.csv");
  EXPECT_EQ(test.header, (std::vector<std::string>{"clip_id", "instrument", "tags"}));
  EXPECT_EQ(test.rows.size(), 11u);
  for (const auto& r : test.rows) {
    EXPECT_TRUE(fs::exists(dir() / "test" / (r[0] + ".flac")));
    EXPECT_TRUE(fs::exists(dir() / "test/vocals" / (r[0] + ".flac")));
    EXPECT_GE(lead_index(r[1]), 0) << r[1];
  }
  EXPECT_TRUE(fs::exists(dir() / "noise/ambience.flac"));
  EXPECT_FALSE(fs::exists(dir() / ".work"));
  EXPECT_EQ(meta.at("counts").at("music_tracks"), 3);
  EXPECT_EQ(meta.at("counts").at("music_ae"), 4);
  EXPECT_EQ(meta.at("counts").at("music_test"), 1);
  EXPECT_EQ(meta.at("counts").at("ae"), 16);
  EXPECT_EQ(meta.at("music_packages"), nlohmann::json::array({"frozen-bubble-data"}));
  EXPECT_FALSE(meta.at("package_versions").at("frozen-bubble-data").get<std::string>().empty());
}

TEST_F(CorpusBuild, AeTrainsOnTheRendersAndRealMusicFromTracksNeverInTheTestSet) {
  const auto ae = io::read_csv(dir() / "ae/labels.csv");
  EXPECT_EQ(ae.header, (std::vector<std::string>{"clip_id", "path", "split"}));
  const auto at = io::read_csv(dir() / "at/labels.csv");
  std::set<std::string> ae_ids, at_ids, ae_tracks;
  for (const auto& r : at.rows) at_ids.insert(r[0]);
  const auto src = io::read_csv(dir() / "sources.csv");
  std::map<std::string, std::string> source_of;
  for (const auto& r : src.rows) source_of[r[0]] = r[2];
  std::size_t music = 0;
  for (const auto& r : ae.rows) {
    ae_ids.insert(r[0]);
    EXPECT_TRUE(fs::exists(dir() / "ae" / r[1])) << r[1];
    if (r[0].rfind("music_frozen-bubble-data_", 0) == 0) {
      ++music;
      EXPECT_EQ(r[1], "audio/" + r[0] + ".flac");
      EXPECT_EQ(r[2], "train");  // 3 tracks: too few for a valid track
      const std::string track = source_of.at("ae/" + r[1]);
      EXPECT_EQ(fs::path(track).parent_path(), "/usr/share/games/frozen-bubble/snd");
      ae_tracks.insert(track);
    } else {
      EXPECT_TRUE(at_ids.count(r[0])) << r[0];
      EXPECT_EQ(r[1], "../at/audio/" + r[0] + ".flac");
    }
  }
  EXPECT_EQ(music, 4u);
  EXPECT_EQ(ae_tracks.size(), 2u);
  for (const auto& id : at_ids) EXPECT_TRUE(ae_ids.count(id)) << id;
  // The test set's real music: one excerpt of the third track, unlabelled, with no vocal stem.
  std::vector<fs::path> test_music;
  for (const auto& e : fs::directory_iterator(dir() / "test"))
    if (e.path().filename().string().rfind("music_", 0) == 0) test_music.push_back(e.path());
  ASSERT_EQ(test_music.size(), 1u);
  const std::string rel = "test/" + test_music[0].filename().string();
  EXPECT_FALSE(ae_tracks.count(source_of.at(rel))) << "test music comes from a track AE never trains on";
  const auto labels = io::read_csv(dir() / "test/labels.csv");
  for (const auto& r : labels.rows) EXPECT_NE(r[0], test_music[0].stem().string());
  EXPECT_FALSE(fs::exists(dir() / "test/vocals" / test_music[0].filename()));
}

TEST_F(CorpusBuild, TagsComeFromTheVocabularyAndCountsAreRight) {
  const auto& vocab = tag_vocabulary();
  const std::set<std::string> v(vocab.begin(), vocab.end());
  EXPECT_EQ(v.size(), vocab.size());
  EXPECT_GE(vocab.size(), 24u);
  std::map<std::string, int> count;
  const auto at = io::read_csv(dir() / "at/labels.csv");
  for (const auto& r : at.rows)
    for (const auto& t : split(r[3], ';')) {
      EXPECT_TRUE(v.count(t)) << t;
      ++count[t];
    }
  const auto tags = io::read_csv(dir() / "at/tags.csv");
  ASSERT_EQ(tags.rows.size(), vocab.size());
  for (std::size_t i = 0; i < vocab.size(); ++i) {
    EXPECT_EQ(tags.rows[i][0], vocab[i]);
    EXPECT_EQ(std::stoi(tags.rows[i][1]), count[vocab[i]]) << vocab[i];
  }
  const auto test = io::read_csv(dir() / "test/labels.csv");
  for (const auto& r : test.rows) {
    const auto t = split(r[2], ';');
    for (const auto& x : t) EXPECT_TRUE(v.count(x)) << x;
    EXPECT_NE(std::find(t.begin(), t.end(), "vocals"), t.end()) << "every test clip has a sung line";
  }
}

TEST_F(CorpusBuild, LabelsMatchWhatWasRendered) {
  const auto lg = log();
  auto check_program = [&](const std::string& file, const std::string& cls) {
    ASSERT_TRUE(lg.count(file)) << file;
    const auto& row = lg.at(file);
    EXPECT_EQ(row.at("lead_class"), cls) << file;
    const auto& progs = lead_instruments()[static_cast<std::size_t>(lead_index(cls))].programs;
    EXPECT_NE(std::find(progs.begin(), progs.end(), std::stoi(row.at("lead_program"))), progs.end()) << file;
  };
  const auto at = io::read_csv(dir() / "at/labels.csv");
  for (const auto& r : at.rows) {
    const std::string file = "at/" + r[1];
    const auto& row = lg.at(file);
    const auto tags = split(r[3], ';');
    const auto has = [&](const std::string& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); };
    const auto& li = lead_instruments()[static_cast<std::size_t>(lead_index(row.at("lead_class")))];
    check_program(file, li.code);
    EXPECT_TRUE(has(li.tag)) << file;
    EXPECT_EQ(has("drums"), row.at("drums") == "1") << file;
    EXPECT_EQ(has("bass"), row.at("bass") == "1") << file;
    EXPECT_EQ(has("vocals"), row.at("vocal_line") != "-1") << file;
    EXPECT_TRUE(has(row.at("mode"))) << file;
    EXPECT_TRUE(has(tempo_class(std::stod(row.at("bpm"))))) << file;
  }
  for (const auto& li : lead_instruments())
    for (const auto& e : fs::directory_iterator(dir() / "ir" / li.code)) {
      const std::string file = std::string("ir/") + li.code + "/" + e.path().filename().string();
      check_program(file, li.code);
      // Predominant: the lead stem is clearly louder than the rest of the accompaniment.
      const auto& row = lg.at(file);
      EXPECT_GT(std::stod(row.at("lead_rms")), 2.0 * std::stod(row.at("rest_rms"))) << file;
    }
  const auto test = io::read_csv(dir() / "test/labels.csv");
  for (const auto& r : test.rows) {
    const std::string file = "test/" + r[0] + ".flac";
    check_program(file, r[1]);
    const auto& row = lg.at(file);
    EXPECT_GT(std::stod(row.at("lead_rms")), 1.5 * std::stod(row.at("rest_rms"))) << file;
    EXPECT_GT(std::stod(row.at("vocals_rms")), 0.0) << file;
  }
}

TEST_F(CorpusBuild, EveryClipDecodesHasTheRightLengthAndIsNotSilent) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir())) {
    if (e.path().extension() != ".flac") continue;
    const auto rel = fs::relative(e.path(), dir()).string();
    const auto x = audio::decode_audio(e.path());
    const bool music = e.path().filename().string().rfind("music_", 0) == 0;
    const double expect_s = rel.rfind("test/", 0) == 0 ? 4.0 : rel.rfind("vs/", 0) == 0 ? 6.0
                            : rel.rfind("noise/", 0) == 0 ? 5.0 : 3.0;
    EXPECT_EQ(x.size(), static_cast<std::size_t>(std::llround(expect_s * 22050))) << rel;
    EXPECT_GT(rms(x), 1e-3) << rel;
    const float pk = *std::max_element(x.begin(), x.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
    if (rel.rfind("noise/", 0) != 0 && !music) {
      EXPECT_LE(std::fabs(pk), 0.81f) << rel;  // renders are scaled to peak at 0.8; real music keeps its level
    }
    ++n;
  }
  EXPECT_EQ(n, 12u + 22u + 6u + 22u + 1u + 5u);
}

TEST_F(CorpusBuild, MixtureIsAccompanimentPlusVocalsAfterFlac) {
  for (const char* track : {"vs/train/train_000", "vs/test/test_000"}) {
    const auto m = audio::decode_audio(dir() / track / "mixture.flac");
    const auto a = audio::decode_audio(dir() / track / "accompaniment.flac");
    const auto v = audio::decode_audio(dir() / track / "vocals.flac");
    ASSERT_EQ(m.size(), a.size());
    ASSERT_EQ(m.size(), v.size());
    double worst = 0;
    for (std::size_t i = 0; i < m.size(); ++i) worst = std::max(worst, std::fabs(double(m[i]) - a[i] - v[i]));
    EXPECT_LE(worst, 2.0 / 32768.0) << track;  // stems share one scale on the 16-bit grid: exact in practice
    EXPECT_GT(rms(v), 0.01) << track;
    EXPECT_GT(rms(a), 0.01) << track;
  }
}

TEST_F(CorpusBuild, SourcesListEveryFileWithPackageAndLicense) {
  const auto src = io::read_csv(dir() / "sources.csv");
  EXPECT_EQ(src.header, (std::vector<std::string>{"file", "package", "path", "license", "notes"}));
  std::set<std::string> files;
  for (const auto& r : src.rows) {
    files.insert(r[0]);
    EXPECT_FALSE(r[1].empty());
    EXPECT_FALSE(r[3].empty());
    if (r[1] == "frozen-bubble-data") {
      EXPECT_EQ(r[3], "GPL-2");
      EXPECT_TRUE(fs::exists(r[2])) << r[2];
    }
  }
  for (const auto& e : fs::recursive_directory_iterator(dir()))
    if (e.path().extension() == ".flac") {
      EXPECT_TRUE(files.count(fs::relative(e.path(), dir()).string())) << e.path();
    }
}

TEST_F(CorpusBuild, SecondRunIsANoOpAndBadOptionsThrow) {
  CorpusOptions o;
  o.out_dir = dir();
  o.custom_size = micro();
  o.seed = 7;
  o.music_packages = {{"frozen-bubble-data", "GPL-2"}};
  const auto before = fs::last_write_time(dir() / "corpus.json");
  build_corpus(o);
  EXPECT_EQ(fs::last_write_time(dir() / "corpus.json"), before);
  CorpusOptions bad;
  bad.out_dir = dir() / "x";
  bad.size = "huge";
  EXPECT_THROW(build_corpus(bad), Error);
  CorpusOptions occupied;
  occupied.out_dir = fs::path(NNR_BINARY_DIR) / "test-corpus" / "occupied";
  fs::create_directories(occupied.out_dir);
  io::write_file_atomic(occupied.out_dir / "keep.txt", "user data");
  try {
    build_corpus(occupied);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
  }
  EXPECT_TRUE(fs::exists(occupied.out_dir / "keep.txt"));
}

TEST_F(CorpusBuild, DeterministicForAnyThreadCount) {
  const fs::path other = build("b", 1);
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir())) {
    if (!e.is_regular_file()) continue;
    const auto rel = fs::relative(e.path(), dir());
    ASSERT_TRUE(fs::exists(other / rel)) << rel;
    EXPECT_EQ(io::read_file(e.path()), io::read_file(other / rel)) << rel;
    ++n;
  }
  EXPECT_GT(n, 60u);
}

}  // namespace
}  // namespace nnr::corpus
