#include "nnr/io/shard_files.hpp"

#include <algorithm>
#include <cstdio>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::io {
namespace fs = std::filesystem;

fs::path shard_path(const fs::path& output, const Shard& s) {
  const std::string stem = output.stem().string(), ext = output.extension().string();
  return output.parent_path() / "shards" /
         (stem + ".shard-" + std::to_string(s.index) + "-of-" + std::to_string(s.count) + ext);
}

std::set<int> part_counts(const fs::path& dir, const std::string& prefix, const std::string& suffix) {
  std::set<int> counts;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return counts;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    int i = 0, n = 0, used = 0;
    if (std::sscanf(middle.c_str(), "%d-of-%d%n", &i, &n, &used) == 2 && used == static_cast<int>(middle.size()) &&
        n > 0 && i >= 0 && i < n)
      counts.insert(n);
  }
  return counts;
}

std::set<int> shard_counts(const fs::path& output) {
  return part_counts(output.parent_path() / "shards", output.stem().string() + ".shard-", output.extension().string());
}

std::vector<fs::path> missing_shards(const fs::path& output, int count) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (int i = 0; i < count; ++i) {
    const fs::path p = shard_path(output, Shard{i, count});
    if (!fs::is_regular_file(p, ec)) missing.push_back(p);
  }
  return missing;
}

int pick_shard_count(const fs::path& output, int requested, const std::string& component) {
  if (requested > 0) return requested;
  const auto counts = shard_counts(output);
  if (counts.empty())
    throw_io(component + ": nothing to merge (" + shard_path(output, Shard{0, 0}).parent_path().string() + "/" +
             output.stem().string() + ".shard-<i>-of-<n>" + output.extension().string() +
             "); run with --shard i/n first");
  if (counts.size() > 1)
    throw_input(component + ": shards of several counts found for " + output.string() +
                "; pass --shard 0/<n> with --merge to choose n, or remove the stale ones");
  return *counts.begin();
}

std::string merge_csv_shards(const fs::path& output, int count, const std::string& component) {
  const auto missing = missing_shards(output, count);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m.filename().string();
    throw_io(component + ": cannot merge, shard results missing (dir=" + missing.front().parent_path().string() +
             ", missing=" + list + "); run those shards first");
  }
  std::string text;
  for (int i = 0; i < count; ++i) {
    std::string part = read_file(shard_path(output, Shard{i, count}));
    if (i > 0) part = part.substr(std::min(part.size(), part.find('\n') + 1));  // the header once
    text += part;
  }
  return text;
}

}  // namespace nnr::io
