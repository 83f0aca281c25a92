#pragma once
/// Atomic file output: write to "<path>.tmp-<host>-<pid>-<n>" in the same directory, fsync, then rename
/// over <path>. A killed process leaves either the old file or the new one, never half of one; the temp
/// files it leaves are ignored by readers and removed by the next run of the same stage
/// (remove_stale_temps).

#include <filesystem>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nnr::io {

/// A fresh temp path beside `path` (same filesystem, so rename is atomic). Creates parent dirs.
std::filesystem::path temp_path_for(const std::filesystem::path& path);

/// Renames `tmp` over `path` (fsyncing the file first); throws Error(io) naming `path`.
void commit_temp(const std::filesystem::path& tmp, const std::filesystem::path& path);

/// Writes `content` to `path` atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// Calls writer(tmp) to produce the file at a temp path, then commits it; removes the temp on throw.
void write_atomic_with(const std::filesystem::path& path,
                       const std::function<void(const std::filesystem::path& tmp)>& writer);

/// What remove_stale_temps removed.
struct StaleTemps {
  std::size_t files = 0;
  std::uintmax_t bytes = 0;
};

/// Removes the temp files that killed runs left in `dir` (and below it if `recursive`): only names of
/// temp_path_for's pattern, and only those no live process may still be writing: this host's, whose
/// process is gone; another host's (a cluster node sharing the file system), untouched for 24 hours.
/// Names of the older "<path>.tmp-<pid>-<n>" pattern count as this host's. Never throws.
StaleTemps remove_stale_temps(const std::filesystem::path& dir, bool recursive);

/// remove_stale_temps over a stage's output directories (recursive), the run directory's own files
/// (`top`, not recursive; empty = none), with one info line naming what was removed.
void clean_stage_temps(const std::string& component, const std::filesystem::path& top,
                       const std::vector<std::filesystem::path>& trees);

/// Reads a whole file; throws Error(io) naming the file if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace nnr::io
