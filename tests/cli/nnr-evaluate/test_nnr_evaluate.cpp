// End to end: write a small run directory (sine/noise clips as FLAC, manifest with OG + PN_[10], a random
// embedding and an "identity" embedding = MFCC means), run the real nnr-evaluate, check the CSVs.
#include <gtest/gtest.h>

#include <limits>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/features/features.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "support/signals.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kWork = fs::path(NNR_BINARY_DIR) / "test_cli_nnr_evaluate";

int run_app(const std::string& args, const std::string& log) {
  const std::string cmd = std::string(NNR_EVALUATE_APP) + " " + args + " > " + (kWork / (log + ".out")).string() +
                          " 2> " + (kWork / (log + ".err")).string();
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

fs::path make_run(const std::string& name) {
  const fs::path run = kWork / name;
  fs::remove_all(run);
  fs::create_directories(run);
  const int n_clips = 6;
  std::vector<nnr::io::ManifestRow> rows;
  std::vector<std::vector<float>> og;
  for (int c = 0; c < n_clips; ++c) {
    auto x = c % 2 ? nnr::test::harmonic_notes(2.0, 10 + static_cast<std::uint64_t>(c))
                   : nnr::test::sine(220.0 * (c + 1), 2.0, 0.3);
    const auto n = nnr::test::white_noise(2.0, 0.01 * (c + 1), 50 + static_cast<std::uint64_t>(c));
    for (std::size_t k = 0; k < x.size(); ++k) x[k] += n[k];
    og.push_back(x);
  }
  nnr::MatrixF identity(2 * n_clips, 24), random(2 * n_clips, 16);
  nnr::Rng rng(3);
  for (auto& v : random.data) v = static_cast<float>(nnr::standard_normal(rng));
  std::size_t i = 0;
  for (const std::string setting : {"OG", "PN_[10]"})
    for (int c = 0; c < n_clips; ++c, ++i) {
      nnr::io::ManifestRow r;
      r.clip_id = "clip" + std::to_string(c);
      r.transform = setting == "OG" ? "OG" : "PN";
      r.magnitude = setting == "OG" ? 0 : 10;
      r.setting = setting;
      r.path = "audio/" + (setting == "OG" ? std::string("original") : "PN/10") + "/" + r.clip_id + ".flac";
      r.status = "ok";
      auto x = og[static_cast<std::size_t>(c)];
      if (setting != "OG") {  // white noise 10 dB below the clip's RMS
        double e = 0;
        for (float v : x) e += v * v;
        const auto n = nnr::test::white_noise(2.0, std::sqrt(e / x.size()) * std::pow(10.0, -0.5), 900 + c);
        for (std::size_t k = 0; k < x.size(); ++k) x[k] += n[k];
      }
      nnr::audio::write_audio(run / r.path, x);
      const auto m = nnr::features::mfcc_sequence(nnr::audio::decode_audio(run / r.path));
      for (std::size_t t = 0; t < m.rows; ++t)
        for (std::size_t j = 0; j < 24; ++j) identity(i, j) += m(t, j) / static_cast<float>(m.rows);
      rows.push_back(r);
    }
  nnr::io::write_run_manifest(run / "manifest.csv", rows);
  nnr::io::write_npy(run / "embeddings" / "identity.npy", identity.data, {identity.rows, identity.cols});
  nnr::io::write_npy(run / "embeddings" / "random.npy", random.data, {random.rows, random.cols});
  nnr::io::write_file_atomic(run / "config.json",
                             R"({"evaluate": {"audio_distances": ["dtw", {"name": "fastdtw", "radius": 1}],
                                 "latent_distances": ["euclidean", "cosine"], "bootstrap": 50}})");
  return run;
}

std::map<std::string, std::string> values(const fs::path& csv) {
  const auto t = nnr::io::read_csv(csv);
  std::map<std::string, std::string> out;
  for (const auto& r : t.rows)
    out[r[t.column("encoder")] + "|" + r[t.column("metric")] + "|" + r[t.column("distance_audio")] + "|" +
        r[t.column("distance_latent")] + "|" + r[t.column("aggregation")] + "|" + r[t.column("setting")]] =
        r[t.column("value")];
  return out;
}

}  // namespace

TEST(CliNnrEvaluate, EndToEnd) {
  const auto run = make_run("run");
  ASSERT_EQ(run_app("--run " + run.string() + " --config " + (run / "config.json").string() + " --threads 2", "full"), 0)
      << nnr::io::read_file(kWork / "full.err");
  const auto v = values(run / "results" / "consistency.csv");
  EXPECT_EQ(v.at("audio|C_W|fastdtw||mean|OG"), "1");
  EXPECT_EQ(v.at("identity|C_W||euclidean|mean|OG"), "1");
  EXPECT_EQ(v.at("random|C_W||cosine|mean|OG"), "1");
  EXPECT_EQ(v.at("audio|C_W|dtw||mean|OG"), "1");
  // 10 dB white noise keeps these distinct clips recognisable in the audio space.
  EXPECT_GE(std::stod(v.at("audio|C_W|dtw||mean|PN_[10]")), 0.8);
  EXPECT_TRUE(fs::exists(run / "distances" / "audio" / "dtw" / "PN" / "10.npy"));
  EXPECT_TRUE(fs::exists(run / "distances" / "identity" / "cosine" / "OG" / "0.npy"));
  EXPECT_TRUE(fs::exists(run / "features" / "mfcc" / "PN" / "10.npy"));
  EXPECT_NE(nnr::io::read_file(kWork / "full.out").find("| identity |"), std::string::npos);
  EXPECT_EQ(nnr::io::read_file(run / "results" / "summary.md"), nnr::io::read_file(kWork / "full.out"));

  // Sharded (with cached distances removed) gives byte-identical CSVs.
  const auto whole = nnr::io::read_file(run / "results" / "consistency.csv");
  fs::remove_all(run / "results");
  fs::remove_all(run / "distances");
  for (const char* s : {"1/2", "0/2"})
    ASSERT_EQ(run_app("--run " + run.string() + " --config " + (run / "config.json").string() + " --threads 1 --shard " + s,
                      "shard"),
              0)
        << nnr::io::read_file(kWork / "shard.err");
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"), whole);
}

// --rows i/n splits each audio matrix by rows across calls; the call without --rows assembles the blocks into
// the same bytes (features, distances, results) as an unsplit run, and removes them. An incomplete set is an
// io error naming the missing block and the command that makes it.
TEST(CliNnrEvaluate, RowBlocksAssembleToTheUnsplitRun) {
  const auto whole_run = make_run("rows_whole"), run = make_run("rows_split");
  const std::string cfg = " --threads 2 --config " + (whole_run / "config.json").string();
  ASSERT_EQ(run_app("--run " + whole_run.string() + cfg, "rows_whole"), 0) << nnr::io::read_file(kWork / "rows_whole.err");
  for (const char* r : {"0/4", "2/4", "3/4"})
    ASSERT_EQ(run_app("--run " + run.string() + cfg + " --rows " + r, "rows"), 0) << nnr::io::read_file(kWork / "rows.err");
  EXPECT_FALSE(fs::exists(run / "results" / "consistency.csv"));  // a row block call computes no metrics
  EXPECT_TRUE(fs::exists(run / "distances" / "audio" / "dtw" / "PN" / "10.rows-2-of-4.npy"));
  EXPECT_EQ(run_app("--run " + run.string() + cfg, "rows_incomplete"), 3);
  const auto err = nnr::io::read_file(kWork / "rows_incomplete.err");
  EXPECT_NE(err.find("missing (rows 1/4 of 4); run nnr-evaluate --rows i/4"), std::string::npos) << err;
  ASSERT_EQ(run_app("--run " + run.string() + cfg + " --rows 1/4", "rows"), 0) << nnr::io::read_file(kWork / "rows.err");
  ASSERT_EQ(run_app("--run " + run.string() + cfg, "rows_merge"), 0) << nnr::io::read_file(kWork / "rows_merge.err");
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"),
            nnr::io::read_file(whole_run / "results" / "consistency.csv"));
  std::size_t compared = 0;
  for (const auto& e : fs::recursive_directory_iterator(whole_run)) {
    const auto rel = fs::relative(e.path(), whole_run).string();
    if (!e.is_regular_file() || (rel.rfind("distances", 0) != 0 && rel.rfind("features", 0) != 0)) continue;
    ASSERT_TRUE(fs::exists(run / rel)) << rel;
    EXPECT_EQ(nnr::io::read_file(run / rel), nnr::io::read_file(e.path())) << rel;
    ++compared;
  }
  EXPECT_GE(compared, 20u);
  for (const auto& e : fs::recursive_directory_iterator(run))
    EXPECT_EQ(e.path().filename().string().find(".rows-"), std::string::npos) << e.path();
  EXPECT_EQ(run_app("--run " + run.string() + " --rows 4/4", "rows_bad"), 2);
  EXPECT_NE(nnr::io::read_file(kWork / "rows_bad.err").find("--rows=4/4"), std::string::npos);
  EXPECT_EQ(run_app("--run " + run.string() + " --rows 1/4 --merge", "rows_merge_flag"), 2);
  EXPECT_NE(nnr::io::read_file(kWork / "rows_merge_flag.err").find("--rows and --merge exclude each other"),
            std::string::npos);
}

TEST(CliNnrEvaluate, ClearErrors) {
  fs::create_directories(kWork / "empty");
  EXPECT_EQ(run_app("--run " + (kWork / "empty").string(), "nomanifest"), 3);
  EXPECT_NE(nnr::io::read_file(kWork / "nomanifest.err").find("manifest.csv"), std::string::npos);
}

// All-NaN embeddings (an encoder that failed on every clip): the run goes on with one warning per cell and
// no rows for that encoder, instead of "delta needs at least one original (N=0)".
TEST(CliNnrEvaluate, AllNanEmbeddingsWarnAndTheRunGoesOn) {
  const auto run = make_run("nan");
  std::vector<float> nan(12 * 8, std::numeric_limits<float>::quiet_NaN());
  nnr::io::write_npy(run / "embeddings" / "broken.npy", nan, {12, 8});
  ASSERT_EQ(run_app("--run " + run.string() + " --config " + (run / "config.json").string() +
                        " --threads 2 --audio-distances dtw",
                    "nan"),
            0)
      << nnr::io::read_file(kWork / "nan.err");
  const auto v = values(run / "results" / "consistency.csv");
  EXPECT_EQ(v.at("identity|C_W||euclidean|mean|OG"), "1");
  for (const auto& [key, value] : v) EXPECT_NE(key.rfind("broken|", 0), 0u) << key;
  const std::string log = nnr::io::read_file(kWork / "nan.err") + nnr::io::read_file(kWork / "nan.out");
  EXPECT_NE(log.find("broken latent"), std::string::npos) << log;
  EXPECT_EQ(log.find("N=0"), std::string::npos) << log;
}
