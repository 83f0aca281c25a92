#pragma once
/// Work splitting for clusters: `--shard i/n` takes the i-th of n contiguous, balanced row ranges
/// (0-based, so a Slurm array 0..n-1 maps to SLURM_ARRAY_TASK_ID directly).

#include <cstddef>
#include <string>

namespace nnr {

struct Shard {
  int index = 0;
  int count = 1;
  bool whole() const { return count == 1; }
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "i/n" with 0 <= i < n; throws Error(config) naming the flag otherwise. "" gives 0/1.
Shard parse_shard(const std::string& text, const std::string& flag = "--shard");

struct Range {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

/// Rows [begin, end) of shard s among n rows: the first n % count shards get one extra row.
Range shard_range(std::size_t n, const Shard& s);

}  // namespace nnr
