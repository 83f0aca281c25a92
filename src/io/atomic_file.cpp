#include "nnr/io/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nnr/core/error.hpp"

namespace nnr::io {

namespace fs = std::filesystem;

namespace {
/// This host's name as temp names carry it: letters, digits and '_' only, so the name splits on '-'.
const std::string& host_tag() {
  static const std::string tag = [] {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return std::string("host");
    std::string h(buf);
    for (auto& c : h)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    return h;
  }();
  return tag;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Whether `name` is a temp file of ours no live process can still be writing.
bool is_stale_temp(const fs::path& file, const std::string& name) {
  const auto at = name.rfind(".tmp-");
  if (at == std::string::npos || at == 0) return false;
  std::vector<std::string_view> parts;  // host-pid-n, or pid-n (older names)
  std::string_view rest = std::string_view(name).substr(at + 5);
  for (std::size_t p; (p = rest.find('-')) != std::string_view::npos; rest.remove_prefix(p + 1))
    parts.push_back(rest.substr(0, p));
  parts.push_back(rest);
  if (parts.size() < 2 || parts.size() > 3 || !all_digits(parts.back()) || !all_digits(parts[parts.size() - 2]))
    return false;
  const bool ours = parts.size() == 2 || parts[0] == host_tag();
  if (ours) {
    const long pid = std::strtol(std::string(parts[parts.size() - 2]).c_str(), nullptr, 10);
    if (pid <= 0 || pid == static_cast<long>(::getpid())) return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
  }
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec);
  return !ec && fs::file_time_type::clock::now() - mtime > std::chrono::hours(24);
}
}  // namespace

StaleTemps remove_stale_temps(const fs::path& dir, bool recursive) {
  StaleTemps removed;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return removed;
  auto visit = [&](const fs::directory_entry& e) {
    std::error_code fec;
    if (!e.is_regular_file(fec)) return;
    const std::string name = e.path().filename().string();
    if (!is_stale_temp(e.path(), name)) return;
    const auto size = e.file_size(fec);
    if (fs::remove(e.path(), fec)) {
      ++removed.files;
      removed.bytes += fec ? 0 : size;
    }
  };
  if (recursive) {
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      visit(*it);
  } else {
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) visit(*it);
  }
  return removed;
}

void clean_stage_temps(const std::string& component, const fs::path& top, const std::vector<fs::path>& trees) {
  StaleTemps all;
  auto add = [&](const StaleTemps& s) {
    all.files += s.files;
    all.bytes += s.bytes;
  };
  if (!top.empty()) add(remove_stale_temps(top, false));
  for (const auto& t : trees) add(remove_stale_temps(t, true));
  if (all.files)
    spdlog::info("{}: removed {} temp file{} ({:.1f} MB) that a killed run left", component, all.files,
                 all.files == 1 ? "" : "s", static_cast<double>(all.bytes) / 1e6);
}

fs::path temp_path_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  if (path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec)
      throw_io("io: cannot create directory (" + path.parent_path().string() + "): " + ec.message());
  }
  return fs::path(path.string() + ".tmp-" + host_tag() + "-" + std::to_string(::getpid()) + "-" +
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
