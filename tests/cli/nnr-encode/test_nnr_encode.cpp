// nnr-encode end to end: shapes, NaN rows for failed/undecodable clips, byte-identical shard merge,
// resume, window modes, MFCC-144 and the TorchScript contract with the example module.
#include "run_fixture.hpp"

#include "nnr/features/features.hpp"

using namespace encode_cli;


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
  // The shared shard policy (nnr/io/shard_files.hpp): the call that completes the set merges on its own,
  // whatever the order of the shards.
  for (int i : {2, 0}) ASSERT_EQ(run(base + " --batch 3 --shard " + std::to_string(i) + "/3"), 0);
  EXPECT_FALSE(fs::exists(npy));
  ASSERT_EQ(run(base + " --batch 3 --shard 1/3"), 0);
  EXPECT_EQ(read(npy), want_npy);
  EXPECT_EQ(load(dir / "embeddings" / "shards" / "example_audio.shard-1-of-3.npy").shape,
            (std::vector<std::size_t>{3, 32}));
  fs::remove(npy);
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

TEST(NnrEncodeCli, Mfcc144CentreCropShardsAndMean) {
  const auto dir = make_run("mfcc");
  const std::string base = "--run " + dir.string() + " --encoder mfcc --threads 2";
  ASSERT_EQ(run(base), 0);
  const fs::path npy = dir / "embeddings" / "mfcc.npy";
  const auto a = load(npy);
  ASSERT_EQ(a.shape, (std::vector<std::size_t>{8, 144}));
  expect_nan_rows(a, {3, 7});
  // Row 0 is mfcc144 of the centre 2 s of the decoded original, exactly; row 1 (1.5 s) right-zero-padded.
  for (std::size_t r : {0u, 1u}) {
    auto x = nnr::audio::decode_audio(dir / (r == 0 ? "audio/original/a.wav" : "audio/original/b.wav"));
    std::vector<float> crop(44100, 0.0f);
    if (x.size() >= crop.size())
      std::copy_n(x.begin() + static_cast<long>((x.size() - crop.size()) / 2), crop.size(), crop.begin());
    else
      std::copy(x.begin(), x.end(), crop.begin());
    const auto want = nnr::features::mfcc144(crop);
    for (std::size_t j = 0; j < 144; ++j) ASSERT_EQ(a.data[r * 144 + j], want[j]) << r << " " << j;
  }
  // 2 shards + merge: byte-identical.
  const std::string want = read(npy);
  fs::remove(npy);
  ASSERT_EQ(run(base + " --shard 0/2"), 0);
  ASSERT_EQ(run(base + " --shard 1/2"), 0);
  ASSERT_EQ(run(base + " --merge"), 0);
  EXPECT_EQ(read(npy), want);
  // mean: the 1.5 s clip (one window) is unchanged.
  ASSERT_EQ(run(base + " --window mean --name mfcc_mean"), 0);
  const auto m = load(dir / "embeddings" / "mfcc_mean.npy");
  expect_nan_rows(m, {3, 7});
  for (std::size_t j = 0; j < 144; ++j) EXPECT_EQ(m.data[144 + j], a.data[144 + j]);
}

TEST(NnrEncodeCli, TorchScriptSpectrogramWithScaler) {
  const auto model = example_model("spectrogram");
  if (model.empty()) GTEST_SKIP() << "python3-torch not available to write the example model";
  const auto dir = make_run("ts_spec");
  nnr::features::Scaler s;
  s.mean.assign(513, -40.0f);
  s.std.assign(513, 20.0f);
  nnr::features::save_scaler(dir / "scaler.json", s);
  const std::string cfg = (dir / "config.json").string();
  nnr::io::write_json(cfg, {{"encode", {{"encoder", "torchscript:" + model.string()}, {"name", "spec"},
                                        {"torchscript", {{"scaler", (dir / "scaler.json").string()}}}}}});
  ASSERT_EQ(run("--run " + dir.string() + " --config " + cfg + " --batch 4"), 0);
  const auto a = load(dir / "embeddings" / "spec.npy");
  ASSERT_EQ(a.shape, (std::vector<std::size_t>{8, 32}));
  expect_nan_rows(a, {3, 7});
  const auto meta = nnr::io::load_json(dir / "embeddings" / "spec.json");
  EXPECT_EQ(meta.at("encoder_info").at("input_shape"), nnr::io::Json::parse("[4, 1, 173, 513]"));
  // A config typo is a config error naming the valid keys.
  nnr::io::write_json(cfg, {{"encode", {{"torchscript", {{"inputs", "audio"}}}}}});
  EXPECT_EQ(run("--run " + dir.string() + " --config " + cfg + " --encoder torchscript:" + model.string() +
                " --force --batch 4"),
            2);
}

// A clip whose centre 2 s is digital silence is encoded (the row is valid audio) but named: a warning and
// the sidecar's silent_rows, also through a shard merge; --window mean sees the rest of the clip.
TEST(NnrEncodeCli, DigitalSilenceInTheWindowIsReported) {
  const auto dir = make_run("silent_centre");
  auto x = nnr::test::white_noise(5.0, 0.1, 7);
  std::fill(x.begin() + 22050, x.begin() + 22050 * 4, 0.0f);  // 1 s .. 4 s: the centre 2 s and more
  nnr::audio::write_audio(dir / "audio/original/c.wav", x, 22050, nnr::audio::SampleFormat::float32);
  const std::string base = "--run " + dir.string() + " --encoder mfcc --threads 2";
  ASSERT_EQ(run(base), 0);
  auto side = nnr::io::load_json(dir / "embeddings" / "mfcc.json");
  EXPECT_EQ(side.at("silent_rows"), nnr::io::Json::array({2}));
  ASSERT_EQ(run(base + " --shard 0/2 --name mfcc_sharded"), 0);
  ASSERT_EQ(run(base + " --shard 1/2 --name mfcc_sharded"), 0);
  side = nnr::io::load_json(dir / "embeddings" / "mfcc_sharded.json");
  EXPECT_EQ(side.at("silent_rows"), nnr::io::Json::array({2}));
  ASSERT_EQ(run(base + " --window mean --name mfcc_mean"), 0);
  EXPECT_EQ(nnr::io::load_json(dir / "embeddings" / "mfcc_mean.json").at("silent_rows"), nnr::io::Json::array());
}

// A manifest cut at a row boundary parses, but its seal tells: one line, exit 4, nothing written.
TEST(NnrEncodeCli, CutManifestSaysRerunTransform) {
  const auto dir = make_run("cut_manifest");
  std::string text = read(dir / "manifest.csv");
  text.erase(text.rfind('\n', text.size() - 2) + 1);  // drop the last row
  nnr::io::write_file_atomic(dir / "manifest.csv", text);
  const fs::path log = dir / "log.txt";
  EXPECT_EQ(run("--run " + dir.string() + " --encoder mfcc", log.string()), 4);
  const std::string said = read(log);
  EXPECT_NE(said.find("has 7 rows but nnr-transform wrote 8"), std::string::npos) << said;
  EXPECT_NE(said.find("rerun nnr-transform"), std::string::npos) << said;
  EXPECT_FALSE(fs::exists(dir / "embeddings" / "mfcc.npy"));
}
