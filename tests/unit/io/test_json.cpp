// load_json: every bad file is one Error(config) line naming the file.
#include <gtest/gtest.h>

#include <filesystem>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/json.hpp"

namespace fs = std::filesystem;

TEST(Json, NumberOverflowIsAConfigErrorNamingTheFile) {
  const fs::path p = fs::temp_directory_path() / "nnr_test_json_overflow.json";
  nnr::io::write_file_atomic(p, "{\"PN\": [1e999]}\n");
  try {
    nnr::io::load_json(p);
    FAIL();
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
  }
}
