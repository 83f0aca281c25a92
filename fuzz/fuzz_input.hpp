#pragma once
/// Shared by the fuzz targets. nnr's readers take paths, so each input goes through a real file as a
/// user's would (one per process, rewritten for every input, removed at exit).
///
/// The contract a target checks: bad bytes give an nnr::Error (one clear line and an exit code); anything
/// else escaping -- std::out_of_range from a number parse, a json exception, a crash, a sanitizer report --
/// is a bug, since a user would see "unexpected failure" or a stack.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "nnr/core/error.hpp"

namespace nnr::fuzz {

class InputFile {
 public:
  explicit InputFile(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("nnr-fuzz-" + std::to_string(::getpid()))),
        path_(dir_ / name) {
    std::filesystem::create_directories(dir_);
  }
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path_;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path dir_, path_;
};

/// Runs `f`; an nnr::Error is the expected answer to bad input and is swallowed.
template <typename F>
void nnr_errors_only(F&& f) {
  try {
    f();
  } catch (const nnr::Error&) {
  }
}

/// Warnings about bad input are the point of the inputs; printing millions of them is not.
inline void quiet_logs() { spdlog::set_level(spdlog::level::off); }

}  // namespace nnr::fuzz
