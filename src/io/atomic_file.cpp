#include "nnr/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nnr/core/error.hpp"

namespace nnr::io {

namespace fs = std::filesystem;

fs::path temp_path_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      throw_io("io: cannot create directory (" + path.parent_path().string() + "): " + ec.message());
  }
  return fs::path(path.string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++));
}

void commit_temp(const fs::path& tmp, const fs::path& path) {
  // fsync so that a crash after rename cannot expose an empty file.
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::error_code ec;
    fs::remove(tmp, ec);
    throw_io("io: cannot move finished file into place (" + path.string() + "): " + why);
  }
}

void write_atomic_with(const fs::path& path, const std::function<void(const fs::path&)>& writer) {
  const fs::path tmp = temp_path_for(path);
  try {
    writer(tmp);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  commit_temp(tmp, path);
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  write_atomic_with(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) throw_io("io: cannot write file (" + path.string() + "); check space and permissions");
  });
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io("io: cannot open file (" + path.string() + "); check that it exists");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace nnr::io
