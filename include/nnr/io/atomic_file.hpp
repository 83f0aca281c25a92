#pragma once
/// Atomic file output: write to "<path>.tmp-<pid>-<n>" in the same directory, fsync, then rename over
/// <path>. A killed process leaves either the old file or the new one, never half of one; stale temp
/// files are ignored by readers and overwritten by the next run.

#include <filesystem>
#include <functional>
#include <string_view>

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

/// Reads a whole file; throws Error(io) naming the file if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace nnr::io
