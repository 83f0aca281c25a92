#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "nnr/core/parallel.hpp"

TEST(ParallelFor, EveryIndexOnceForAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> hits(1000, 0);
    nnr::parallel_for(0, hits.size(), threads, [&](std::size_t i) { hits[i] += 1; }, 7);
    for (int h : hits) ASSERT_EQ(h, 1) << "threads=" << threads;
  }
}

TEST(ParallelFor, RethrowsTheLowestFailingIndexSeen) {
  EXPECT_THROW(nnr::parallel_for(0, 100, 4,
                                 [](std::size_t i) {
                                   if (i == 50) throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
}

TEST(ParallelFor, ResolveThreadsPrefersExplicitValue) { EXPECT_EQ(nnr::resolve_threads(3), 3); }
