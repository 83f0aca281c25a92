#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

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
