// The whole stage on tiny inputs: manifest, determinism (threads, shards, resume), stems, bad inputs.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "nnr/audio/audio_file.hpp"
#include "nnr/audio/loudness.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/transform/grid.hpp"
#include "nnr/transform/stage.hpp"
#include "support/signals.hpp"

namespace {

namespace fs = std::filesystem;
using namespace nnr;
using namespace nnr::transform;
constexpr int kSr = audio::kSampleRate;

struct Fixture {
  fs::path root, input, noise, grid;
};

/// Three good 1.2 s clips (one with a vocal stem; "twin" equal to "notes" but another id), the bad
/// inputs of the issue, a noise recording and a grid with every transform.
const Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    x.root = fs::temp_directory_path() / ("nnr_test_stage_" + std::to_string(::getpid()));
    fs::remove_all(x.root);
    static fs::path cleanup = x.root;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(cleanup, ec);
    });
    x.input = x.root / "in";
    fs::create_directories(x.input / "vocals");
    const auto notes = test::harmonic_notes(1.2, 1);
    audio::write_audio(x.input / "notes.wav", notes, kSr, audio::SampleFormat::float32);
    audio::write_audio(x.input / "twin.wav", notes, kSr, audio::SampleFormat::float32);
    audio::write_audio(x.input / "chirp.flac", test::chirp(200, 2000, 1.2), kSr);
    audio::write_audio(x.input / "vocals" / "notes.wav", test::sine(660, 1.2, 0.2), kSr);
    audio::write_audio(x.input / "tiny.wav", test::sine(440, 0.01), kSr);            // 10 ms
    audio::write_audio(x.input / "zeros.wav", test::silence(1.0), kSr);              // all zero
    io::write_file_atomic(x.input / "empty.wav", "");                                // 0 bytes
    io::write_file_atomic(x.input / "random.wav", std::string(3000, '\x5a') + "noise");  // not audio
    io::write_file_atomic(x.input / "labels.csv", "clip_id,label\nnotes,a\n");
    x.noise = x.root / "noise.wav";
    audio::write_audio(x.noise, test::white_noise(3.0, 0.1, 4), kSr, audio::SampleFormat::float32);
    x.grid = x.root / "grid.json";
    io::write_file_atomic(x.grid, R"({"PS": [2], "TS": [1.5], "PN": [0], "EN": [10], "MP": [32]})");
    return x;
  }();
  return f;
}

StageOptions options(const fs::path& out, int threads = 1) {
  StageOptions o;
  o.input = fixture().input;
  o.out = out;
  o.grid = fixture().grid.string();
  o.noise_file = fixture().noise.string();
  o.threads = threads;
  o.clip_seconds = 1.0;
  o.seed = 7;
  return o;
}

fs::path fresh(const std::string& name) {
  const fs::path p = fixture().root / name;
  fs::remove_all(p);
  return p;
}

std::string text(const fs::path& p) { return io::read_file(p); }
/// Byte equality without printing binary contents on failure.
bool same(const fs::path& a, const fs::path& b) { return text(a) == text(b); }

/// Run once and share (the suite runs the stage a handful of times, each ~1 s).
const fs::path& reference_run() {
  static fs::path out = [] {
    const fs::path o = fresh("ref");
    run_transform_stage(options(o, 1));
    return o;
  }();
  return out;
}

TEST(Stage, ManifestOrderStatusesAndMeasurements) {
  const auto rows = io::read_manifest(reference_run() / "manifest.csv");
  // 7 inputs (labels.csv and vocals/ skipped) x (OG + 5 settings).
  ASSERT_EQ(rows.size(), 7u * 6u);
  EXPECT_EQ(rows[0].clip_id, "chirp");
  EXPECT_EQ(rows[0].setting, "OG");
  EXPECT_EQ(rows[7].setting, "PS_[2]");
  EXPECT_EQ(rows[14].setting, "TS_[1.500]");
  EXPECT_EQ(rows[41].setting, "MP_[32]");
  for (const auto& r : rows) {
    const bool bad = r.clip_id == "tiny" || r.clip_id == "zeros" || r.clip_id == "empty" || r.clip_id == "random";
    EXPECT_EQ(r.status, bad ? "failed" : "ok") << r.clip_id << " " << r.setting << " " << r.error;
    if (bad) {
      EXPECT_FALSE(r.error.empty());
      continue;
    }
    // Loudness matched within 0.1 LU, re-measured from the file on disk.
    const auto y = audio::decode_audio(reference_run() / r.path);
    EXPECT_EQ(static_cast<std::int64_t>(y.size()), r.n_samples);
    EXPECT_NEAR(audio::measure_loudness(y).lufs, r.lufs_in, 0.1) << r.setting;
    EXPECT_NEAR(r.lufs_out, r.lufs_in, 0.1);
    EXPECT_TRUE(std::isfinite(r.gain_db) && std::isfinite(r.true_peak_dbtp));
    if (r.transform == "PN" || r.transform == "EN") {
      EXPECT_NEAR(r.snr_db, r.magnitude, 0.1);
    }
    if (r.transform == "TS") {
      EXPECT_NEAR(r.duration_ratio, 1 / 1.5, 0.01);
    }
    if (r.transform == "MP") {
      EXPECT_EQ(r.mp3_lag, 0.0);
    }
    if (r.transform == "PS" && r.clip_id != "chirp") {
      EXPECT_NEAR(r.pitch_cents, 200.0, 30.0);
    }
    if (r.transform == "OG") {
      EXPECT_EQ(r.path, "audio/original/" + r.clip_id + ".wav");
    }
  }
  auto find = [&](const std::string& clip) {
    for (const auto& r : rows)
      if (r.clip_id == clip && r.setting == "OG") return r;
    return io::ManifestRow{};
  };
  EXPECT_NE(find("tiny").error.find("too short"), std::string::npos);
  EXPECT_NE(find("zeros").error.find("silent"), std::string::npos);
  EXPECT_NE(find("empty").error.find("0 bytes"), std::string::npos);
  EXPECT_NE(find("random").error.find("random.wav"), std::string::npos);
  EXPECT_EQ(text(reference_run() / "labels.csv"), text(fixture().input / "labels.csv"));
  EXPECT_TRUE(fs::exists(reference_run() / "config.json"));
}

TEST(Stage, DifferentClipGetsDifferentNoiseSameSeedSameBytes) {
  // Two clips with identical audio but different ids, whole files (no crop): different seeds, so
  // different noise; the same run again gives the same bytes.
  const fs::path in = fresh("twins_in");
  fs::create_directories(in);
  const auto notes = test::harmonic_notes(1.0, 1);
  audio::write_audio(in / "a.wav", notes, kSr, audio::SampleFormat::float32);
  audio::write_audio(in / "b.wav", notes, kSr, audio::SampleFormat::float32);
  const fs::path grid = fixture().root / "twins_grid.json";
  io::write_file_atomic(grid, R"({"PN": [0], "EN": [0]})");
  for (const char* name : {"twins1", "twins2"}) {
    auto o = options(fresh(name));
    o.input = in;
    o.grid = grid.string();
    o.clip_seconds = 0;
    run_transform_stage(o);
  }
  const fs::path a = fixture().root / "twins1", b = fixture().root / "twins2";
  EXPECT_TRUE(same(a / "audio/original/a.wav", a / "audio/original/b.wav"));
  EXPECT_FALSE(same(a / "audio/PN/0/a.wav", a / "audio/PN/0/b.wav"));
  EXPECT_FALSE(same(a / "audio/EN/0/a.wav", a / "audio/EN/0/b.wav"));
  for (const char* p : {"manifest.csv", "audio/PN/0/a.wav", "audio/EN/0/b.wav"}) EXPECT_TRUE(same(a / p, b / p)) << p;
}

TEST(Stage, VocalStemsFollowTheTransform) {
  const auto rows = io::read_manifest(reference_run() / "manifest.csv");
  for (const auto& r : rows) {
    if (r.clip_id != "notes") {
      EXPECT_EQ(r.vocals_path, "");
      continue;
    }
    ASSERT_FALSE(r.vocals_path.empty()) << r.setting;
    const auto v = audio::decode_audio(reference_run() / r.vocals_path);
    EXPECT_EQ(static_cast<std::int64_t>(v.size()), r.n_samples);
    if (r.transform == "PN" || r.transform == "OG") {
      // Noise transforms: the stem gets no noise, only the same gain.
      const auto orig = audio::decode_audio(reference_run() / "stems/vocals/original/notes.wav");
      const double g = std::pow(10.0, r.gain_db / 20.0);
      for (std::size_t i = 0; i < v.size(); i += 97) EXPECT_NEAR(v[i], orig[i] * g, 1e-5);
    }
  }
  EXPECT_TRUE(fs::exists(reference_run() / "stems/vocals/original/notes.wav"));
}

TEST(Stage, IdenticalForAnyThreadCount) {
  const fs::path out = fresh("threads3");
  run_transform_stage(options(out, 3));
  EXPECT_EQ(text(out / "manifest.csv"), text(reference_run() / "manifest.csv"));
  for (const char* p : {"audio/PS/2/notes.wav", "audio/TS/1.500/chirp.wav", "audio/PN/0/twin.wav",
                        "audio/EN/10/notes.wav", "audio/MP/32/chirp.wav", "stems/vocals/PS/2/notes.wav"})
    EXPECT_TRUE(same(out / p, reference_run() / p)) << p;
}

TEST(Stage, ResumeAfterDeletingOutputsIsIdentical) {
  const fs::path out = fresh("resume");
  fs::copy(reference_run(), out, fs::copy_options::recursive);
  fs::remove(out / "manifest.csv");
  fs::remove(out / "audio/PS/2/notes.wav");          // audio gone: redone
  fs::remove(out / "items/TS/1.500/chirp.csv");      // record gone: redone
  fs::remove(out / "stems/vocals/MP/32/notes.wav");  // stem gone: redone
  // The temp files a killed run left (its process is gone) are removed; a live process's, a file that is
  // not ours and another host's fresh one stay.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string host = [] {
    const std::string t = io::temp_path_for(fs::temp_directory_path() / "x").filename().string();
    const auto a = t.find(".tmp-") + 5;
    return t.substr(a, t.find('-', a) - a);
  }();
  auto touch = [](const fs::path& p) { io::write_file_atomic(p, std::string(1000, 'x')); };
  const std::string d = std::to_string(dead), me = std::to_string(getpid());
  const std::vector<fs::path> stale = {out / ("audio/PS/2/notes.wav.tmp-" + host + "-" + d + "-0"),
                                       out / ("items/TS/1.500/chirp.csv.tmp-" + d + "-7"),  // the older names
                                       out / ("manifest.csv.tmp-" + host + "-" + d + "-3")};
  const std::vector<fs::path> kept = {out / ("audio/PS/2/chirp.wav.tmp-" + host + "-" + me + "-99"),
                                      out / ("audio/PS/2/chirp.wav.tmp-othernode-" + d + "-0"),
                                      out / "audio/PS/2/notes.wav.tmp-mine", out / ("embeddings/x.npy.tmp-" + d + "-0")};
  for (const auto& p : stale) touch(p);
  for (const auto& p : kept) touch(p);
  const auto s = run_transform_stage(options(out, 2));
  EXPECT_EQ(s.skipped + 3 + 24, s.items);  // the 24 failed items of the 4 bad inputs are retried
  EXPECT_EQ(text(out / "manifest.csv"), text(reference_run() / "manifest.csv"));
  EXPECT_TRUE(same(out / "audio/PS/2/notes.wav", reference_run() / "audio/PS/2/notes.wav"));
  for (const auto& p : stale) EXPECT_FALSE(fs::exists(p)) << p;
  for (const auto& p : kept) EXPECT_TRUE(fs::exists(p)) << p;  // embeddings/ is nnr-encode's tree
  // Another host's temp untouched for a day is removed.
  fs::last_write_time(kept[1], fs::file_time_type::clock::now() - std::chrono::hours(25));
  EXPECT_EQ(io::remove_stale_temps(out / "audio", true).files, 1u);
  EXPECT_FALSE(fs::exists(kept[1]));
}

TEST(Stage, ShardsMergeToTheUnshardedManifest) {
  const fs::path out = fresh("shards");
  for (int i : {2, 0, 1}) {
    auto o = options(out, 1);
    o.shard = std::to_string(i) + "/3";
    const auto s = run_transform_stage(o);
    EXPECT_EQ(s.manifest_written, i == 1);  // the last shard to finish merges
  }
  EXPECT_EQ(text(out / "manifest.csv"), text(reference_run() / "manifest.csv"));
  fs::remove(out / "manifest.csv");
  merge_shard_manifests(out);
  EXPECT_EQ(text(out / "manifest.csv"), text(reference_run() / "manifest.csv"));
  // The merged manifest is sealed like the unsharded one, so encode and evaluate accept it.
  EXPECT_EQ(text(io::manifest_seal_path(out / "manifest.csv")), text(io::manifest_seal_path(reference_run() / "manifest.csv")));
  EXPECT_NO_THROW(io::read_run_manifest(out / "manifest.csv"));
}

TEST(Stage, FlacKeepsLoudClipsUnclipped) {
  // A near-full-scale clip plus loud noise, loudness-matched: peaks beyond 1 must survive.
  const fs::path in = fresh("loud_in");
  fs::create_directories(in);
  audio::write_audio(in / "loud.wav", test::sine(997, 1.0, 0.999), kSr, audio::SampleFormat::float32);
  const fs::path out = fresh("loud_out");
  auto o = options(out);
  o.input = in;
  o.format = "flac";
  const fs::path grid = fixture().root / "loud_grid.json";
  io::write_file_atomic(grid, R"({"PN": [-10]})");
  o.grid = grid.string();
  run_transform_stage(o);
  const auto rows = io::read_manifest(out / "manifest.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].path, "audio/original/loud.flac");  // fits pcm24
  EXPECT_EQ(rows[1].path, "audio/PN/-10/loud.wav");     // would clip in FLAC: float WAV
  EXPECT_GT(rows[1].true_peak_dbtp, 0.0);
  const auto y = audio::decode_audio(out / rows[1].path);
  float peak = 0;
  for (float v : y) peak = std::max(peak, std::fabs(v));
  EXPECT_GT(peak, 1.0f);
  EXPECT_NEAR(audio::measure_loudness(y).lufs, rows[1].lufs_in, 0.1);
}

TEST(Stage, CsvInputAndMissingFile) {
  const fs::path csv = fixture().root / "list.csv";
  io::write_file_atomic(csv, "path,clip_id\nin/notes.wav,n1\nin/does_not_exist.wav,gone\n");
  const fs::path out = fresh("csv");
  auto o = options(out);
  o.input = csv;
  o.grid = fixture().root / "pn_grid.json";
  io::write_file_atomic(o.grid, R"({"PN": [6]})");
  const auto s = run_transform_stage(o);
  EXPECT_EQ(s.ok, 2u);
  EXPECT_EQ(s.failed, 2u);
  const auto rows = io::read_manifest(out / "manifest.csv");
  EXPECT_EQ(rows[0].clip_id, "gone");
  EXPECT_NE(rows[0].error.find("not found"), std::string::npos);
  EXPECT_EQ(rows[1].clip_id, "n1");
}

TEST(Stage, DryRunWritesNothing) {
  const fs::path out = fresh("dry");
  auto o = options(out);
  o.dry_run = true;
  const auto s = run_transform_stage(o);
  EXPECT_EQ(s.items, 42u);
  EXPECT_FALSE(fs::exists(out));
}

TEST(Stage, ConfigErrors) {
  auto o = options(fresh("cfg"));
  o.grid = "nonsense";
  EXPECT_THROW(run_transform_stage(o), Error);
  o = options(fresh("cfg"));
  o.noise_file.clear();  // EN in the grid without a noise recording
  EXPECT_THROW(run_transform_stage(o), Error);
  o = options(fresh("cfg"));
  o.format = "mp3";
  EXPECT_THROW(run_transform_stage(o), Error);
  StageOptions c;
  EXPECT_THROW(apply_stage_config({{"gird", "demo"}}, c), Error);
  apply_stage_config({{"grid", "demo"}, {"pitch_shift", {{"engine", "R3"}}}}, c);
  EXPECT_EQ(c.grid, "demo");
  // A run directory keeps its configuration.
  const fs::path out = fresh("cfg2");
  auto a = options(out);
  a.grid = (fixture().root / "pn_grid.json").string();
  io::write_file_atomic(a.grid, R"({"PN": [6]})");
  a.input = fixture().root / "loud_in";
  fs::create_directories(a.input);
  audio::write_audio(a.input / "loud.wav", test::sine(997, 1.0, 0.5), kSr);
  run_transform_stage(a);
  a.seed = 8;
  EXPECT_THROW(run_transform_stage(a), Error);
}

TEST(Grid, IdsAndBuiltins) {
  EXPECT_EQ(setting_id("PS", -12), "PS_[-12]");
  EXPECT_EQ(setting_id("TS", 0.3), "TS_[0.300]");
  EXPECT_EQ(setting_id("PN", 27.5), "PN_[27.500]");
  EXPECT_EQ(setting_id("MP", 8), "MP_[8]");
  EXPECT_EQ(load_grid("coarse").settings.size(), 12u + 12u + 14u + 14u + 13u);
  EXPECT_EQ(load_grid("fine").settings.size(), 8u + 8u + 5u + 5u + 3u);
  const auto paper = load_grid("paper");
  EXPECT_EQ(paper.settings.size(), 20u + 20u + 19u + 19u + 16u);
  EXPECT_EQ(paper.settings.front().id, "PS_[-12]");
  EXPECT_EQ(paper.settings.back().id, "MP_[320]");
  EXPECT_EQ(load_grid("demo").settings.size(), 8u + 8u + 6u + 6u + 5u);
  EXPECT_EQ(load_grid("tiny").settings.size(), 10u);
  // configs/grids/*.json hold exactly the built-in grids.
  for (const auto& name : builtin_grid_names()) {
    const auto file = load_grid(std::string(NNR_SOURCE_DIR) + "/configs/grids/" + name + ".json");
    const auto builtin = load_grid(name);
    ASSERT_EQ(file.settings.size(), builtin.settings.size()) << name;
    for (std::size_t i = 0; i < file.settings.size(); ++i) EXPECT_EQ(file.settings[i].id, builtin.settings[i].id);
  }
}

TEST(Grid, BadGrids) {
  const fs::path dir = fixture().root;
  io::write_file_atomic(dir / "bad1.json", R"({"PS": [1], "XX": [2]})");
  io::write_file_atomic(dir / "bad2.json", R"({"PS": [1,)");
  io::write_file_atomic(dir / "bad3.json", R"({"PS": [1, 1.0]})");
  io::write_file_atomic(dir / "bad4.json", R"({"PS": "1"})");
  try {
    load_grid((dir / "bad1.json").string());
    FAIL();
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("XX"), std::string::npos);
    EXPECT_NE(m.find("PS (pitch_shift)"), std::string::npos);  // lists the valid names
    EXPECT_NE(m.find("bad1.json"), std::string::npos);
  }
  try {
    load_grid((dir / "bad2.json").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad2.json"), std::string::npos);
  }
  EXPECT_THROW(load_grid((dir / "bad3.json").string()), Error);
  EXPECT_THROW(load_grid((dir / "bad4.json").string()), Error);
  EXPECT_THROW(load_grid((dir / "missing.json").string()), Error);
}

}  // namespace
