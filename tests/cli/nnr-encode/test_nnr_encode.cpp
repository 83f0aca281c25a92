// nnr-encode end to end: shapes, NaN rows for failed/undecodable clips, byte-identical shard merge,
// resume, window modes, and the TorchScript contract with the example module.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "support/signals.hpp"

namespace fs = std::filesystem;
using nnr::io::NpyArray;

namespace {

const fs::path kRoot = fs::path(NNR_BINARY_DIR) / "test_tmp" / "cli_nnr_encode";

int run(const std::string& args, const std::string& log = "") {
  const std::string cmd = std::string(NNR_ENCODE_APP) + " " + args + (log.empty() ? " -q" : " 2>" + log);
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// 4 clips (a: 4 s chirp, b: 1.5 s chirp, c: 5 s noise, d: corrupt file) x {OG, PN_[10]} = 8 rows;
/// row 3 (d OG) cannot be decoded and row 7 (d PN) has status "failed": both must be NaN rows.
fs::path make_run(const std::string& name) {
  using namespace nnr::test;
  const fs::path dir = kRoot / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "audio" / "original");
  const std::vector<std::vector<float>> clips = {chirp(200.0, 6000.0, 4.0), chirp(100.0, 4000.0, 1.5),
                                                 white_noise(5.0, 0.1, 7)};
  const std::vector<std::string> ids = {"a", "b", "c", "d"};
  std::vector<nnr::io::ManifestRow> rows;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < ids.size(); ++i) {
      nnr::io::ManifestRow r;
      r.clip_id = ids[i];
      r.transform = pass ? "PN" : "OG";
      r.magnitude = pass ? 10.0 : 0.0;
      r.setting = pass ? "PN_[10]" : "OG";
      r.status = "ok";
      r.path = pass ? "audio/PN/10/" + ids[i] + ".flac" : "audio/original/" + ids[i] + ".wav";
      if (i < clips.size()) {
        auto x = clips[i];
        if (pass) {
          const auto n = white_noise(static_cast<double>(x.size()) / kSr + 0.01, 0.05, 11 + i);
          for (std::size_t k = 0; k < x.size(); ++k) x[k] += n[k];
        }
        nnr::audio::write_audio(dir / r.path, x, kSr,
                                pass ? nnr::audio::SampleFormat::pcm24 : nnr::audio::SampleFormat::float32);
        r.n_samples = static_cast<std::int64_t>(x.size());
      } else if (pass == 0) {
        nnr::io::write_file_atomic(dir / r.path, "this is not audio");
      } else {
        r.status = "failed";
        r.error = "transform failed";
      }
      rows.push_back(r);
    }
  nnr::io::write_manifest(dir / "manifest.csv", rows);
  return dir;
}

NpyArray<float> load(const fs::path& p) { return nnr::io::read_npy<float>(p); }

void expect_nan_rows(const NpyArray<float>& a, const std::vector<std::size_t>& nan_rows) {
  ASSERT_EQ(a.shape.size(), 2u);
  for (std::size_t i = 0; i < a.shape[0]; ++i) {
    const bool want_nan = std::find(nan_rows.begin(), nan_rows.end(), i) != nan_rows.end();
    for (std::size_t j = 0; j < a.shape[1]; ++j)
      ASSERT_EQ(std::isnan(a.data[i * a.shape[1] + j]), want_nan) << "row " << i << " col " << j;
  }
}

/// Writes the example TorchScript module once; empty when Python's torch is not installed.
fs::path example_model(const std::string& input) {
  const fs::path out = kRoot / ("example_" + input + ".pt");
  if (fs::exists(out)) return out;
  fs::create_directories(kRoot);
  const std::string cmd = "/usr/bin/python3 " + std::string(NNR_EXAMPLE_SCRIPT) + " " + out.string() +
                          " --input " + input + " > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return out;
}

std::string read(const fs::path& p) { return nnr::io::read_file(p); }

}  // namespace

TEST(NnrEncodeCli, UnknownEncoderIsAConfigError) {
  const auto dir = make_run("unknown");
  EXPECT_EQ(run("--run " + dir.string() + " --encoder nope"), 2);
  EXPECT_EQ(run("--run " + dir.string() + " --encoder torchscript:" + (dir / "missing.pt").string()), 3);
}

/// The audio example module on a fresh run directory; returns the common flags ("" to skip).
std::string audio_setup(const std::string& name, fs::path& dir) {
  const auto model = example_model("audio");
  if (model.empty()) return "";
  dir = make_run(name);
  const std::string cfg = (dir / "config.json").string();
  nnr::io::write_json(cfg, {{"encode", {{"torchscript", {{"input", "audio"}, {"seconds", 2.0}}}}}});
  return "--run " + dir.string() + " --config " + cfg + " --encoder torchscript:" + model.string() + " --threads 2";
}

TEST(NnrEncodeCli, TorchScriptAudioShapesNanRowsAndResume) {
  fs::path dir;
  const auto base = audio_setup("ts_audio", dir);
  if (base.empty()) GTEST_SKIP() << "python3-torch not available to write the example model";
  ASSERT_EQ(run(base), 0);
  const auto a = load(dir / "embeddings" / "example_audio.npy");
  ASSERT_EQ(a.shape, (std::vector<std::size_t>{8, 32}));
  expect_nan_rows(a, {3, 7});
  const auto meta = nnr::io::load_json(dir / "embeddings" / "example_audio.json");
  EXPECT_EQ(meta.at("nan_rows"), nnr::io::Json::parse("[3, 7]"));
  EXPECT_EQ(meta.at("window"), "center");
  EXPECT_EQ(meta.at("dim"), 32);
  EXPECT_FALSE(fs::exists(dir / "predictions" / "example_audio.npy"));

  // Resume: a complete output is skipped.
  const auto log = (dir / "resume.log").string();
  ASSERT_EQ(run(base, log), 0);
  EXPECT_NE(read(log).find("skipping"), std::string::npos);
}

TEST(NnrEncodeCli, ShardsMergeByteIdentical) {
  fs::path dir;
  const auto base = audio_setup("ts_shards", dir);
  if (base.empty()) GTEST_SKIP() << "python3-torch not available to write the example model";
  ASSERT_EQ(run(base + " --batch 3"), 0);
  const fs::path npy = dir / "embeddings" / "example_audio.npy", side = dir / "embeddings" / "example_audio.json";
  const std::string want_npy = read(npy), want_side = read(side);
  fs::remove(npy);
  fs::remove(side);
  // 8 rows in 3 shards (3, 3, 2), batch 3: the batches fall differently than in the unsharded run.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(run(base + " --batch 3 --shard " + std::to_string(i) + "/3"), 0);
  EXPECT_EQ(load(dir / "embeddings" / "shards" / "example_audio.1-of-3.npy").shape,
            (std::vector<std::size_t>{3, 32}));
  ASSERT_EQ(run(base + " --merge"), 0);
  EXPECT_EQ(read(npy), want_npy);
  EXPECT_EQ(read(side), want_side);
}

TEST(NnrEncodeCli, BatchSizeAndMeanWindow) {
  fs::path dir;
  const auto base = audio_setup("ts_window", dir);
  if (base.empty()) GTEST_SKIP() << "python3-torch not available to write the example model";
  ASSERT_EQ(run(base + " --batch 4 --name b4"), 0);
  ASSERT_EQ(run(base + " --batch 1 --name b1"), 0);
  const auto a = load(dir / "embeddings" / "b4.npy"), b1 = load(dir / "embeddings" / "b1.npy");
  ASSERT_EQ(a.shape, b1.shape);
  for (std::size_t k = 0; k < a.data.size(); ++k) {
    if (!std::isnan(a.data[k])) {
      EXPECT_NEAR(b1.data[k], a.data[k], 1e-5f) << k;
    }
  }

  // mean window mode: same shape, the long clips (a: 4 s, c: 5 s) change, the short one (b) does not.
  ASSERT_EQ(run(base + " --window mean --name mean"), 0);
  const auto m = load(dir / "embeddings" / "mean.npy");
  ASSERT_EQ(m.shape, a.shape);
  expect_nan_rows(m, {3, 7});
  EXPECT_EQ(nnr::io::load_json(dir / "embeddings" / "mean.json").at("window"), "mean");
  auto row_diff = [&](std::size_t r) {
    double d = 0;
    for (std::size_t j = 0; j < 32; ++j) d += std::abs(m.data[r * 32 + j] - a.data[r * 32 + j]);
    return d;
  };
  EXPECT_GT(row_diff(0), 1e-6);
  EXPECT_GT(row_diff(2), 1e-6);
  EXPECT_LT(row_diff(1), 1e-5);
}
