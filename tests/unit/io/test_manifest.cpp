#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/manifest.hpp"

TEST(Manifest, RoundTripsAllColumns) {
  nnr::io::ManifestRow r;
  r.clip_id = "clip,1";
  r.transform = "PS";
  r.magnitude = -0.25;
  r.setting = "PS_[-0.250]";
  r.path = "audio/PS/-0.250/clip,1.flac";
  r.seed = 18446744073709551615ull;
  r.status = "ok";
  r.n_samples = 88200;
  r.lufs_in = -23.5;
  r.snr_db = std::nan("");
  const auto p = std::filesystem::temp_directory_path() / "nnr_test_manifest" / "manifest.csv";
  nnr::io::write_manifest(p, {r, r});
  const auto back = nnr::io::read_manifest(p);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].clip_id, r.clip_id);
  EXPECT_EQ(back[0].seed, r.seed);
  EXPECT_EQ(back[0].magnitude, r.magnitude);
  EXPECT_EQ(back[0].n_samples, 88200);
  EXPECT_TRUE(std::isnan(back[0].snr_db));
}

// A manifest cut at a row boundary still parses; the seal nnr-transform writes beside it tells.
TEST(Manifest, SealDetectsACutOrEditedManifest) {
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / "nnr_test_manifest_seal";
  fs::remove_all(dir);
  const auto p = dir / "manifest.csv";
  std::vector<nnr::io::ManifestRow> rows(3);
  for (int i = 0; i < 3; ++i) rows[i].clip_id = "c" + std::to_string(i), rows[i].transform = "OG", rows[i].status = "ok";
  nnr::io::write_run_manifest(p, rows);
  EXPECT_TRUE(fs::exists(nnr::io::manifest_seal_path(p)));
  EXPECT_EQ(nnr::io::read_run_manifest(p).size(), 3u);
  const std::string text = nnr::io::read_file(p);
  auto expect_error = [&](const std::string& content, const std::string& says) {
    nnr::io::write_file_atomic(p, content);
    try {
      nnr::io::read_run_manifest(p);
      ADD_FAILURE() << "accepted: " << says;
    } catch (const nnr::Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(says), std::string::npos) << what;
      EXPECT_NE(what.find("rerun nnr-transform"), std::string::npos) << what;
      EXPECT_NE(what.find(p.string()), std::string::npos) << what;
    }
  };
  // Cut after the second data row (a row boundary).
  std::size_t cut = 0;
  for (int lines = 0; lines < 3; ++lines) cut = text.find('\n', cut) + 1;
  expect_error(text.substr(0, cut), "has 2 rows but nnr-transform wrote 3");
  std::string edited = text;
  edited[edited.find("c1")] = 'x';
  expect_error(edited, "was edited");
  // Back to what transform wrote: accepted again. Without a seal (older runs): read, with a warning.
  nnr::io::write_file_atomic(p, text);
  EXPECT_EQ(nnr::io::read_run_manifest(p).size(), 3u);
  fs::remove(nnr::io::manifest_seal_path(p));
  EXPECT_EQ(nnr::io::read_run_manifest(p).size(), 3u);
}

// Found by fuzz/csv_manifest: n_samples "nan" was cast to int64 (undefined). A hand-made row's NaN or empty
// count reads 0; a count that is not one (1e300, -5, 2.5) is an error naming the line.
TEST(Manifest, SampleCountMustBeACount) {
  nnr::io::ManifestRow r;
  r.clip_id = "c";
  r.transform = "OG";
  r.setting = "OG";
  r.path = "audio/original/c.wav";
  r.status = "ok";
  r.n_samples = 1234;
  const auto p = std::filesystem::temp_directory_path() / "nnr_test_manifest" / "count.csv";
  nnr::io::write_manifest(p, {r});
  const std::string good = nnr::io::read_file(p);
  auto with_count = [&](const std::string& count) {
    std::string text = good;
    text.replace(text.find(",1234,"), 6, "," + count + ",");
    nnr::io::write_file_atomic(p, text);
  };
  with_count("nan");
  EXPECT_EQ(nnr::io::read_manifest(p).at(0).n_samples, 0);
  for (const std::string bad : {"1e300", "-5", "2.5"}) {
    with_count(bad);
    try {
      nnr::io::read_manifest(p);
      ADD_FAILURE() << bad;
    } catch (const nnr::Error& e) {
      EXPECT_NE(std::string(e.what()).find("n_samples at line 2"), std::string::npos) << e.what();
    }
  }
  const auto regression =
      std::filesystem::path(NNR_SOURCE_DIR) / "fuzz" / "regressions" / "csv_manifest" / "nan_n_samples.csv";
  EXPECT_NO_THROW(nnr::io::read_manifest(regression));
}
