// The shared shard naming, discovery and CSV merge (nnr/io/shard_files.hpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/shard_files.hpp"

namespace fs = std::filesystem;

TEST(ShardFiles, NamingDiscoveryAndMerge) {
  const fs::path dir = fs::temp_directory_path() / "nnr_test_shard_files";
  fs::remove_all(dir);
  const fs::path out = dir / "results" / "consistency.csv";
  EXPECT_EQ(nnr::io::shard_path(out, nnr::Shard{1, 3}), dir / "results" / "shards" / "consistency.shard-1-of-3.csv");
  EXPECT_TRUE(nnr::io::shard_counts(out).empty());
  EXPECT_THROW(nnr::io::pick_shard_count(out, 0, "test"), nnr::Error);
  nnr::io::write_file_atomic(nnr::io::shard_path(out, nnr::Shard{2, 3}), "a,b\n5,6\n");
  nnr::io::write_file_atomic(nnr::io::shard_path(out, nnr::Shard{0, 3}), "a,b\n1,2\n");
  // Names of other outputs and malformed names are not shards of this output.
  nnr::io::write_file_atomic(dir / "results" / "shards" / "performance.shard-0-of-2.csv", "x\n");
  nnr::io::write_file_atomic(dir / "results" / "shards" / "consistency.shard-0-of-2.csv.tmp-1", "x\n");
  EXPECT_EQ(nnr::io::shard_counts(out), (std::set<int>{3}));
  EXPECT_EQ(nnr::io::pick_shard_count(out, 0, "test"), 3);
  ASSERT_EQ(nnr::io::missing_shards(out, 3).size(), 1u);
  try {
    nnr::io::merge_csv_shards(out, 3, "nnr-evaluate");
    FAIL();
  } catch (const nnr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing=consistency.shard-1-of-3.csv"), std::string::npos) << e.what();
  }
  nnr::io::write_file_atomic(nnr::io::shard_path(out, nnr::Shard{1, 3}), "a,b\n3,4\n");
  EXPECT_EQ(nnr::io::merge_csv_shards(out, 3, "test"), "a,b\n1,2\n3,4\n5,6\n");
  nnr::io::write_file_atomic(nnr::io::shard_path(out, nnr::Shard{0, 2}), "a,b\n");
  EXPECT_THROW(nnr::io::pick_shard_count(out, 0, "test"), nnr::Error);  // two counts present
  EXPECT_EQ(nnr::io::pick_shard_count(out, 3, "test"), 3);
  fs::remove_all(dir);
}
