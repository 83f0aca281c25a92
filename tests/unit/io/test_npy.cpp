#include <gtest/gtest.h>

#include <filesystem>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/npy.hpp"

namespace fs = std::filesystem;

TEST(Npy, RoundTripsShapeAndValues) {
  const fs::path p = fs::temp_directory_path() / "nnr_test_npy" / "a.npy";
  const std::vector<float> data = {1.f, -2.5f, 3.f, 4.f, 5.f, 6.f};
  nnr::io::write_npy(p, data, {2, 3});
  const auto back = nnr::io::read_npy<float>(p);
  EXPECT_EQ(back.shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(back.data, data);
  const auto as_double = nnr::io::read_npy<double>(p);
  EXPECT_DOUBLE_EQ(as_double.data[1], -2.5);
}

TEST(Npy, ReadsNumpyFixtures) {
  const auto a = nnr::io::read_npy<float>(fs::path(NNR_FIXTURES_DIR) / "librosa" / "two_tone_mfcc25.npy");
  EXPECT_EQ(a.shape, (std::vector<std::size_t>{25, 173}));
  EXPECT_EQ(a.data.size(), 25u * 173u);
}

TEST(Npy, RejectsGarbageNamingTheFile) {
  const fs::path p = fs::temp_directory_path() / "nnr_test_npy" / "bad.npy";
  nnr::io::write_file_atomic(p, "not numpy at all");
  try {
    nnr::io::read_npy<float>(p);
    FAIL();
  } catch (const nnr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos);
  }
  EXPECT_THROW(nnr::io::read_npy<float>(p.parent_path() / "missing.npy"), nnr::Error);
}
