#include <gtest/gtest.h>

#include "nnr/core/error.hpp"
#include "nnr/core/shard.hpp"

TEST(Shard, ParsesAndRejects) {
  const auto s = nnr::parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_TRUE(nnr::parse_shard("").whole());
  for (const char* bad : {"5/5", "-1/3", "1", "a/b", "1/0", "1/3x", "/3"})
    EXPECT_THROW(nnr::parse_shard(bad), nnr::Error) << bad;
}

TEST(Shard, RangesTileTheRowsWithoutGaps) {
  for (std::size_t n : {0u, 1u, 7u, 100u, 1001u}) {
    for (int count : {1, 2, 3, 8}) {
      std::size_t expected_begin = 0;
      for (int i = 0; i < count; ++i) {
        const auto r = nnr::shard_range(n, nnr::Shard{i, count});
        EXPECT_EQ(r.begin, expected_begin);
        EXPECT_LE(r.size(), n / count + 1);
        expected_begin = r.end;
      }
      EXPECT_EQ(expected_begin, n);
    }
  }
}
