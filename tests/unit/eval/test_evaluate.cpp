// nnr::eval::run_evaluate on a tiny synthetic run directory with an injected backend (fake MFCC and
// distances), so the stage logic is tested independently of the features and distance modules.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/eval/evaluate.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "support/signals.hpp"

namespace fs = std::filesystem;
using nnr::eval::Backend;

namespace {

std::atomic<int> g_sequence_calls{0};

// "MFCC": per 0.1 s frame, [rms, mean |diff|] -> T x 2.
nnr::MatrixF fake_mfcc(const std::vector<float>& x) {
  const std::size_t hop = 2205, t = std::max<std::size_t>(1, x.size() / hop);
  nnr::MatrixF m(t, 2);
  for (std::size_t f = 0; f < t; ++f) {
    double e = 0, d = 0;
    for (std::size_t i = f * hop; i < std::min(x.size(), (f + 1) * hop); ++i) {
      e += x[i] * x[i];
      if (i) d += std::abs(x[i] - x[i - 1]);
    }
    m(f, 0) = static_cast<float>(std::sqrt(e / hop));
    m(f, 1) = static_cast<float>(d / hop);
  }
  return m;
}

std::vector<float> mean_row(const nnr::MatrixF& m) {
  std::vector<float> v(m.cols, 0.0f);
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.cols; ++j) v[j] += m(i, j) / static_cast<float>(m.rows);
  return v;
}

nnr::MatrixD euclid(const nnr::MatrixF& q, const nnr::MatrixF& r) {
  nnr::MatrixD d(q.rows, r.rows);
  for (std::size_t i = 0; i < q.rows; ++i)
    for (std::size_t j = 0; j < r.rows; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < q.cols; ++k) s += (q(i, k) - r(j, k)) * (q(i, k) - r(j, k));
      d(i, j) = std::sqrt(s);
    }
  return d;
}

Backend fake_backend() {
  Backend b;
  b.mfcc = fake_mfcc;
  b.check_sequence_distance = [](const nnr::eval::DistanceSpec& d) {
    if (d.name != "meanvec") nnr::throw_config("unknown distance " + d.name);
  };
  b.sequence_distances = [](const std::vector<nnr::MatrixF>& q, const std::vector<nnr::MatrixF>& r,
                            const nnr::eval::DistanceSpec&, int) {
    ++g_sequence_calls;
    nnr::MatrixF qm(q.size(), 2), rm(r.size(), 2);
    for (std::size_t i = 0; i < q.size(); ++i) {
      const auto v = mean_row(q[i]);
      qm(i, 0) = v[0]; qm(i, 1) = v[1];
    }
    for (std::size_t i = 0; i < r.size(); ++i) {
      const auto v = mean_row(r[i]);
      rm(i, 0) = v[0]; rm(i, 1) = v[1];
    }
    return euclid(qm, rm);
  };
  b.vector_distances = [](const nnr::MatrixF& q, const nnr::MatrixF& r, const std::string&, int) { return euclid(q, r); };
  return b;
}

// 6 clips (sines of different frequency and level), OG + PN_[20] (a little noise) + PN_[-10] (lots);
// clip c5 failed in PN_[20]. Embeddings: "identity" = mean fake MFCC, "random" = noise.
fs::path make_run(const std::string& name) {
  spdlog::set_level(spdlog::level::warn);
  nnr::Progress::set_enabled(false);
  const fs::path run = fs::path(NNR_BINARY_DIR) / "test_eval_runs" / name;
  fs::remove_all(run);
  fs::create_directories(run);
  std::vector<nnr::io::ManifestRow> rows;
  std::vector<std::vector<float>> og;
  for (int c = 0; c < 6; ++c) og.push_back(nnr::test::sine(200.0 + 150.0 * c, 1.0, 0.1 + 0.12 * c));
  struct S { std::string t, id; double mag, noise; };
  const std::vector<S> settings = {{"OG", "OG", 0, 0}, {"PN", "PN_[20]", 20, 0.003}, {"PN", "PN_[-10]", -10, 0.8}};
  nnr::MatrixF identity(settings.size() * 6, 2), random(settings.size() * 6, 3);
  nnr::Rng rng(5);
  for (auto& v : random.data) v = static_cast<float>(nnr::uniform01(rng));
  std::size_t i = 0;
  for (const auto& s : settings)
    for (int c = 0; c < 6; ++c, ++i) {
      nnr::io::ManifestRow r;
      r.clip_id = "c" + std::to_string(c);
      r.transform = s.t;
      r.magnitude = s.mag;
      r.setting = s.id;
      r.path = "audio/" + s.t + "/" + std::to_string(s.mag) + "/" + r.clip_id + ".wav";
      r.status = (s.id == "PN_[20]" && c == 5) ? "failed" : "ok";
      auto x = og[static_cast<std::size_t>(c)];
      const auto n = nnr::test::white_noise(1.0, s.noise, 100 + static_cast<std::uint64_t>(c));
      for (std::size_t k = 0; k < x.size(); ++k) x[k] += n[k];
      if (r.status == "ok") {
        nnr::audio::write_audio(run / r.path, x);
        const auto v = mean_row(fake_mfcc(nnr::audio::decode_audio(run / r.path)));
        identity(i, 0) = v[0];
        identity(i, 1) = v[1];
      } else {
        identity(i, 0) = identity(i, 1) = NAN;
        for (std::size_t k = 0; k < 3; ++k) random(i, k) = NAN;
      }
      rows.push_back(r);
    }
  nnr::io::write_run_manifest(run / "manifest.csv", rows);
  nnr::io::write_npy(run / "embeddings" / "identity.npy", identity.data, {identity.rows, identity.cols});
  nnr::io::write_npy(run / "embeddings" / "random.npy", random.data, {random.rows, random.cols});
  // AE-like predictions for "identity": per-row value; IR predictions for "random" with labels.
  std::vector<float> ae(rows.size());
  for (std::size_t k = 0; k < ae.size(); ++k) ae[k] = static_cast<float>(k % 6);
  nnr::io::write_npy(run / "predictions" / "identity.npy", ae, {ae.size(), 1});
  nnr::io::write_file_atomic(run / "embeddings" / "identity.json", R"({"task": "ae", "rows": 18})");
  nnr::io::write_file_atomic(run / "predictions" / "identity.classes.json", R"(["mse"])");
  nnr::io::write_file_atomic(run / "embeddings" / "random.json", R"({"task": "ir", "rows": 18})");
  std::vector<float> ir(rows.size() * 2);
  for (std::size_t k = 0; k < rows.size(); ++k) ir[2 * k + (k % 2)] = 1.0f;  // predicts class k % 2
  nnr::io::write_npy(run / "predictions" / "random.npy", ir, {rows.size(), 2});
  nnr::io::write_file_atomic(run / "predictions" / "random.classes.json", R"(["piano", "voice"])");
  nnr::io::write_file_atomic(run / "labels.csv",
                             "clip_id,instrument,tags\nc0,piano,a\nc1,voice,b\nc2,piano,a;b\nc3,voice,\nc4,piano,a\nc5,piano,b\n");
  return run;
}

nnr::eval::EvaluateOptions options(const fs::path& run) {
  nnr::eval::EvaluateOptions o;
  o.run_dir = run;
  o.audio_distances = {{"meanvec", "meanvec", nnr::io::Json::object()}};
  o.latent_distances = {"euclidean"};
  o.bootstrap = 50;
  o.threads = 2;
  return o;
}

std::map<std::string, std::vector<std::string>> index_rows(const nnr::io::CsvTable& t, const std::string& key_cols) {
  std::map<std::string, std::vector<std::string>> out;
  std::vector<std::size_t> cols;
  std::stringstream ss(key_cols);
  std::string c;
  while (std::getline(ss, c, ',')) cols.push_back(t.column(c));
  for (const auto& r : t.rows) {
    std::string k;
    for (auto i : cols) k += r[i] + "|";
    out[k] = r;
  }
  return out;
}

}  // namespace

TEST(Evaluate, ConsistencyRowsOnSyntheticRun) {
  const auto run = make_run("basic");
  const auto sum = nnr::eval::run_evaluate(options(run), fake_backend());
  ASSERT_TRUE(sum.merged);
  const auto t = nnr::io::read_csv(run / "results" / "consistency.csv");
  EXPECT_EQ(t.header, nnr::eval::consistency_columns());
  const auto rows = index_rows(t, "encoder,metric,aggregation,setting");
  const auto val = t.column("value"), n = t.column("n");
  // OG vs OG: every clip is its own nearest original.
  EXPECT_EQ(rows.at("audio|C_W|mean|OG|")[val], "1");
  EXPECT_EQ(rows.at("identity|C_W|mean|OG|")[val], "1");
  // Small noise: audio and the identity embedding stay consistent; failed clip c5 is excluded (n = 5).
  EXPECT_EQ(rows.at("audio|C_W|mean|PN_[20]|")[val], "1");
  EXPECT_EQ(rows.at("audio|C_W|mean|PN_[20]|")[n], "5");
  EXPECT_EQ(rows.at("audio|C_W|mean|OG|")[n], "6");
  EXPECT_EQ(rows.at("identity|C_B_acc|mean|PN_[20]|")[val], "1");
  EXPECT_DOUBLE_EQ(std::stod(rows.at("identity|C_B_rho|per_clip|PN_[-10]|")[val]), 1.0);
  EXPECT_DOUBLE_EQ(std::stod(rows.at("identity|C_B_rho|pooled|PN_[-10]|")[val]), 1.0);
  EXPECT_LT(std::stod(rows.at("random|C_B_rho|pooled|PN_[-10]|")[val]), 0.9);
  // Distances on disk: C x C with NaN for the failed row.
  const auto d = nnr::io::read_npy<double>(run / "distances" / "audio" / "meanvec" / "PN" / "20.npy");
  ASSERT_EQ(d.shape, (std::vector<std::size_t>{6, 6}));
  EXPECT_TRUE(std::isnan(d.data[5 * 6 + 0]));
  EXPECT_FALSE(std::isnan(d.data[4 * 6 + 5]));
  EXPECT_TRUE(fs::exists(run / "distances" / "identity" / "euclidean" / "PN" / "-10.npy"));
  EXPECT_TRUE(fs::exists(run / "features" / "mfcc" / "OG" / "0.offsets.npy"));
  EXPECT_TRUE(fs::exists(run / "results" / "summary.md"));
  EXPECT_NE(sum.summary_markdown.find("| audio |"), std::string::npos);
}

TEST(Evaluate, PerClipValuesBreakdownAndPairedComparisons) {
  const auto run = make_run("graded");
  auto o = options(run);
  o.permutations = 2000;
  nnr::eval::run_evaluate(o, fake_backend());
  const auto pc = nnr::io::read_csv(run / "results" / "per_clip.csv");
  EXPECT_EQ(pc.header, nnr::eval::per_clip_columns());
  // The per-clip values average to the consistency rows' values, cell by cell.
  const auto ct = nnr::io::read_csv(run / "results" / "consistency.csv");
  const auto crow = index_rows(ct, "encoder,metric,aggregation,space,distance_audio,distance_latent,setting");
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& r : pc.rows)
    for (const char* m : {"C_W", "own_rank", "margin", "C_B_acc", "C_B_rho"}) {
      const auto& v = r[pc.column(m)];
      if (v.empty() || v == "nan") continue;
      const std::string agg = std::string(m) == "C_B_rho" ? "per_clip" : "mean";
      auto& s = sums[r[pc.column("encoder")] + "|" + m + "|" + agg + "|" + r[pc.column("space")] + "|" +
                     r[pc.column("distance_audio")] + "|" + r[pc.column("distance_latent")] + "|" +
                     r[pc.column("setting")] + "|"];
      s.first += std::stod(v);
      s.second += 1;
    }
  ASSERT_GT(sums.size(), 20u);
  for (const auto& [k, s] : sums)
    EXPECT_NEAR(s.first / s.second, std::stod(crow.at(k)[ct.column("value")]), 1e-12) << k;
  // Breakdown: PN walks down from its weakest SNR (20 dB) to -10 dB; the identity embedding stays above
  // 0.5 there or breaks on the grid, and every row says which.
  const auto bd = nnr::io::read_csv(run / "results" / "breakdown.csv");
  ASSERT_FALSE(bd.rows.empty());
  for (const auto& r : bd.rows) {
    EXPECT_EQ(r[bd.column("transform")], "PN");
    EXPECT_EQ(r[bd.column("direction")], "down");
    EXPECT_EQ(r[bd.column("grid_first")], "20");
    EXPECT_EQ(r[bd.column("grid_last")], "-10");
    const auto& st = r[bd.column("status")];
    EXPECT_TRUE(st == "reached" || st == "not_reached" || st == "before_grid") << st;
    if (st == "reached") {
      const double m = std::stod(r[bd.column("magnitude")]);
      EXPECT_LE(m, 20);
      EXPECT_GE(m, -10);
    }
  }
  // Paired: identity against random on the same clips. The identity embedding ranks its own original
  // first far more often; the difference is positive, its interval excludes 0 (or p is small).
  const auto pr = nnr::io::read_csv(run / "results" / "paired.csv");
  const auto prow = index_rows(pr, "metric,space,distance_latent,transform,encoder_a,encoder_b");
  const auto& mrr = prow.at("MRR|latent|euclidean|all|identity|random|");
  EXPECT_GT(std::stod(mrr[pr.column("difference")]), 0.0);
  EXPECT_GE(std::stod(mrr[pr.column("p_holm")]), std::stod(mrr[pr.column("p_value")]));
  EXPECT_EQ(mrr[pr.column("n")], "6");
}

TEST(Evaluate, PerformanceRows) {
  const auto run = make_run("perf");
  nnr::eval::run_evaluate(options(run), fake_backend());
  const auto t = nnr::io::read_csv(run / "results" / "performance.csv");
  EXPECT_EQ(t.header, nnr::eval::performance_columns());
  const auto rows = index_rows(t, "task,encoder,metric,setting");
  const auto val = t.column("value"), n = t.column("n");
  // AE: values k % 6 = 0..5 per clip -> mean 2.5; PN_[20] lacks clip 5 -> mean of 0..4 = 2.
  EXPECT_EQ(rows.at("ae|identity|mse|OG|")[val], "2.5");
  EXPECT_EQ(rows.at("ae|identity|mse|PN_[20]|")[val], "2");
  EXPECT_EQ(rows.at("ae|identity|mse|PN_[20]|")[n], "5");
  // IR: OG rows 0..5 predict k % 2 = piano, voice, piano, voice, piano, voice; truth piano, voice, piano,
  // voice, piano, piano -> 5/6.
  EXPECT_DOUBLE_EQ(std::stod(rows.at("ir|random|accuracy|OG|")[val]), 5.0 / 6.0);
}

TEST(Evaluate, ShardsMergeByteIdenticalAndResume) {
  const auto run = make_run("shards");
  auto o = options(run);
  nnr::eval::run_evaluate(o, fake_backend());
  const auto whole_c = nnr::io::read_file(run / "results" / "consistency.csv");
  const auto whole_p = nnr::io::read_file(run / "results" / "performance.csv");
  std::map<std::string, std::string> whole_x;  // the tables built across settings
  for (const char* f : {"per_clip.csv", "breakdown.csv", "paired.csv"}) whole_x[f] = nnr::io::read_file(run / "results" / f);
  // Resume: every distance matrix is on disk, nothing is recomputed.
  g_sequence_calls = 0;
  nnr::eval::run_evaluate(o, fake_backend());
  EXPECT_EQ(g_sequence_calls.load(), 0);
  fs::remove_all(run / "results");
  fs::remove_all(run / "distances");
  o.threads = 1;
  for (int i : {1, 0}) {
    o.shard = nnr::Shard{i, 2};
    const auto s = nnr::eval::run_evaluate(o, fake_backend());
    EXPECT_EQ(s.merged, i == 0);  // the last shard to finish merges
  }
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"), whole_c);
  EXPECT_EQ(nnr::io::read_file(run / "results" / "performance.csv"), whole_p);
  for (const auto& [f, text] : whole_x) EXPECT_EQ(nnr::io::read_file(run / "results" / f), text) << f;
  fs::remove(run / "results" / "consistency.csv");
  nnr::eval::EvaluateOptions m;
  m.run_dir = run;
  m.merge = true;
  nnr::eval::run_evaluate(m, fake_backend());
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"), whole_c);
  // Shards from before per_clip.csv existed still merge, with empty cross-setting tables.
  for (const auto& f : fs::directory_iterator(run / "results" / "shards"))
    if (f.path().filename().string().rfind("per_clip", 0) == 0) fs::remove(f.path());
  nnr::eval::run_evaluate(m, fake_backend());
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"), whole_c);
  EXPECT_EQ(nnr::io::read_csv(run / "results" / "breakdown.csv").rows.size(), 0u);
}

TEST(Evaluate, ClearErrors) {
  const auto run = make_run("errors");
  auto o = options(run);
  o.run_dir = run / "nope";
  try {
    nnr::eval::run_evaluate(o, fake_backend());
    FAIL();
  } catch (const nnr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.csv"), std::string::npos);
  }
  o.run_dir = run;
  std::vector<float> bad(5 * 2, 0.0f);
  nnr::io::write_npy(run / "embeddings" / "short.npy", bad, {5, 2});
  try {
    nnr::eval::run_evaluate(o, fake_backend());
    FAIL();
  } catch (const nnr::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("short.npy"), std::string::npos) << m;
    EXPECT_NE(m.find("rows=5"), std::string::npos) << m;
    EXPECT_NE(m.find("manifest rows=18"), std::string::npos) << m;
  }
  fs::remove(run / "embeddings" / "short.npy");
  o.nan_embeddings_error = true;  // identity has NaN only on the failed row: fine
  EXPECT_NO_THROW(nnr::eval::run_evaluate(o, fake_backend()));
  o.audio_distances = {{"nope", "nope", nnr::io::Json::object()}};
  EXPECT_THROW(nnr::eval::run_evaluate(o, fake_backend()), nnr::Error);
}

TEST(Evaluate, DryRunWritesNothing) {
  const auto run = make_run("dry");
  auto o = options(run);
  o.dry_run = true;
  g_sequence_calls = 0;
  const auto sum = nnr::eval::run_evaluate(o, fake_backend());
  EXPECT_EQ(sum.settings, 3u);
  EXPECT_FALSE(sum.merged);
  EXPECT_EQ(g_sequence_calls.load(), 0);
  EXPECT_FALSE(fs::exists(run / "results"));
  EXPECT_FALSE(fs::exists(run / "distances"));
  EXPECT_FALSE(fs::exists(run / "features"));
}

TEST(Evaluate, ClipSubset) {
  const auto run = make_run("subset");
  auto o = options(run);
  o.clips = {"c1", "c3", "c4"};
  nnr::eval::run_evaluate(o, fake_backend());
  const auto t = nnr::io::read_csv(run / "results" / "consistency.csv");
  for (const auto& r : t.rows) {
    // Trustworthiness and continuity need k < N / 2 (k = 5): undefined on 3 clips, so over no clip.
    const auto& m = r[t.column("metric")];
    EXPECT_EQ(r[t.column("n")], m == "trustworthiness" || m == "continuity" ? "0" : "3") << m;
  }
  const auto d = nnr::io::read_npy<double>(run / "distances" / "audio" / "meanvec" / "OG" / "0.npy");
  EXPECT_EQ(d.shape, (std::vector<std::size_t>{3, 3}));
  o.clips = {"nope"};
  EXPECT_THROW(nnr::eval::run_evaluate(o, fake_backend()), nnr::Error);
}

TEST(Evaluate, ConfigSection) {
  nnr::eval::EvaluateOptions o;
  const auto j = nnr::io::Json::parse(
      R"({"audio_distances": ["dtw", {"name": "fastdtw", "radius": 1}], "latent_distances": ["cosine"],
          "bootstrap": 10, "seed": 3, "nan_embeddings": "error"})");
  nnr::eval::apply_evaluate_config(j, o, "cfg: evaluate");
  ASSERT_EQ(o.audio_distances.size(), 2u);
  EXPECT_EQ(o.audio_distances[1].label, "fastdtw");
  EXPECT_EQ(o.audio_distances[1].params.at("radius"), 1);
  EXPECT_EQ(o.bootstrap, 10);
  EXPECT_TRUE(o.nan_embeddings_error);
  EXPECT_THROW(nnr::eval::apply_evaluate_config(nnr::io::Json::parse(R"({"bootsrap": 1})"), o, "cfg"), nnr::Error);
  EXPECT_THROW(nnr::eval::apply_evaluate_config(nnr::io::Json::parse(R"({"latent_distances": ["l1"]})"), o, "cfg"),
               nnr::Error);
  // Found by fuzz/config_json: a non-string label escaped as nlohmann's type_error ("unexpected failure").
  try {
    nnr::eval::apply_evaluate_config(
        nnr::io::Json::parse(R"({"audio_distances": [{"name": "fastdtw", "label": 1}]})"), o, "cfg: evaluate");
    ADD_FAILURE() << "accepted a numeric label";
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("cfg: evaluate.audio_distances[].label"), std::string::npos) << e.what();
  }
}

TEST(Evaluate, SubsetGoesToItsOwnDirectoryAndLeavesTheRunAlone) {
  const auto run = make_run("subset_dir");  // not ClipSubset's: ctest -j runs the two side by side
  nnr::eval::run_evaluate(options(run), fake_backend());
  const auto whole = nnr::io::read_file(run / "results" / "consistency.csv");
  const auto whole_d = nnr::io::read_file(run / "distances" / "audio" / "meanvec" / "PN" / "20.npy");
  auto o = options(run);
  o.subset = "first-four";
  o.clip_pattern = "^c[0-3]$";
  const auto sum = nnr::eval::run_evaluate(o, fake_backend());
  ASSERT_TRUE(sum.merged);
  const fs::path sub = run / "subsets" / "first-four";
  EXPECT_EQ(sum.consistency_csv, sub / "results" / "consistency.csv");
  const auto t = nnr::io::read_csv(sub / "results" / "consistency.csv");
  const auto rows = index_rows(t, "encoder,metric,aggregation,setting");
  EXPECT_EQ(rows.at("audio|C_W|mean|OG|")[t.column("n")], "4");
  const auto d = nnr::io::read_npy<double>(sub / "distances" / "audio" / "meanvec" / "PN" / "20.npy");
  EXPECT_EQ(d.shape, (std::vector<std::size_t>{4, 4}));
  EXPECT_TRUE(fs::exists(sub / "features" / "mfcc" / "OG" / "0.offsets.npy"));
  // IR accuracy over the subset's 4 labelled clips only.
  const auto p = nnr::io::read_csv(sub / "results" / "performance.csv");
  bool saw_ir = false;
  for (const auto& r : p.rows)
    if (r[p.column("task")] == "ir") {
      EXPECT_EQ(r[p.column("n")], "4") << r[p.column("setting")];  // c5 (failed in PN_[20]) is outside
      saw_ir = true;
    }
  EXPECT_TRUE(saw_ir);
  // The whole run's results and caches are untouched.
  EXPECT_EQ(nnr::io::read_file(run / "results" / "consistency.csv"), whole);
  EXPECT_EQ(nnr::io::read_file(run / "distances" / "audio" / "meanvec" / "PN" / "20.npy"), whole_d);
  // A subset whose clips have no labels gets no IR rows at all (not rows of n = 0).
  nnr::io::write_file_atomic(run / "other_labels.csv", "clip_id,instrument,tags\nc5,piano,a\n");
  o.labels = run / "other_labels.csv";
  o.subset = "unlabelled";
  nnr::eval::run_evaluate(o, fake_backend());
  const auto q = nnr::io::read_csv(run / "subsets" / "unlabelled" / "results" / "performance.csv");
  ASSERT_FALSE(q.rows.empty());
  for (const auto& r : q.rows) {
    EXPECT_NE(r[q.column("task")], "ir");
    EXPECT_NE(r[q.column("n")], "0");
  }
  o.labels.clear();
  // Bad names and patterns are config errors before any work.
  o.subset = "../escape";
  EXPECT_THROW(nnr::eval::output_dir(o), nnr::Error);
  o.subset = "ok";
  o.clip_pattern = "([";
  try {
    nnr::eval::run_evaluate(o, fake_backend());
    FAIL();
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::config);
  }
  o.clip_pattern = "^nomatch$";
  EXPECT_THROW(nnr::eval::run_evaluate(o, fake_backend()), nnr::Error);
}
