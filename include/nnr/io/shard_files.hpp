#pragma once
/// One shard / merge / resume mechanism for every stage that splits its work with `--shard i/n`.
///
/// Naming: shard i of n of an output `dir/<stem><ext>` is `dir/shards/<stem>.shard-<i>-of-<n><ext>`
/// (for example results/shards/consistency.shard-0-of-4.csv, embeddings/shards/at.shard-1-of-2.npy).
/// Policy, the same in every stage: a shard writes its own file atomically; the call that finds all n
/// shard files present merges them into the full output (so the last array task merges, whichever it is),
/// and `--merge` only merges. Merged outputs are byte-identical to an unsharded run.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "nnr/core/shard.hpp"

namespace nnr::io {

/// dir/shards/<stem>.shard-<i>-of-<n><ext> for the full output `output`.
std::filesystem::path shard_path(const std::filesystem::path& output, const Shard& shard);

/// The counts n of the files `dir/<prefix><i>-of-<n><suffix>` present (0 <= i < n; the shards below, and
/// nnr-evaluate's row blocks `<magnitude>.rows-<i>-of-<n>.json`).
std::set<int> part_counts(const std::filesystem::path& dir, const std::string& prefix, const std::string& suffix);

/// The shard counts n for which at least one shard file of `output` exists.
std::set<int> shard_counts(const std::filesystem::path& output);

/// Shard files of `output` for count n that are not there yet.
std::vector<std::filesystem::path> missing_shards(const std::filesystem::path& output, int count);

/// The one count whose shards exist; `requested` > 0 picks it. Throws Error(io) when none exists and
/// Error(input) when several counts are present and none was requested (`component` names the stage).
int pick_shard_count(const std::filesystem::path& output, int requested, const std::string& component);

/// Concatenates the CSV shards of `output` (header once, shard order) and returns the text. Throws
/// Error(io) listing the missing shard files and the command that makes them (`component`, `rerun_hint`).
std::string merge_csv_shards(const std::filesystem::path& output, int count, const std::string& component);

}  // namespace nnr::io
