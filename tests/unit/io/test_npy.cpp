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

namespace {
std::string npy_error(const std::string& regression) {
  try {
    nnr::io::read_npy<std::int64_t>(fs::path(NNR_SOURCE_DIR) / "fuzz" / "regressions" / "npy_read" / regression);
  } catch (const nnr::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

// Found by fuzz/npy_read: a float NaN read as int64 was an undefined cast, and shapes whose element or byte
// count overflows size_t passed the length check (then read past the buffer) or threw std::out_of_range.
TEST(Npy, UnrepresentableValuesAndHugeShapesAreInputErrors) {
  EXPECT_NE(npy_error("nan_f4_read_as_int64.npy").find("does not fit <i8"), std::string::npos);
  EXPECT_NE(npy_error("shape_digits_overflow.npy").find("too large"), std::string::npos);
  EXPECT_NE(npy_error("shape_product_overflow.npy").find("truncated data"), std::string::npos);
  EXPECT_NE(npy_error("product_times_item_overflow.npy").find("truncated data"), std::string::npos);
  const fs::path p = fs::temp_directory_path() / "nnr_test_npy" / "big.npy";
  nnr::io::write_npy(p, std::vector<double>{1.0, 3e30}, {2});
  EXPECT_THROW(nnr::io::read_npy<std::int32_t>(p), nnr::Error);
  EXPECT_EQ(nnr::io::read_npy<float>(p).data.size(), 2u);
}
