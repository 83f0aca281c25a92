#include "nnr/core/shard.hpp"

#include <cstdlib>

#include "nnr/core/error.hpp"

namespace nnr {

Shard parse_shard(const std::string& text, const std::string& flag) {
  if (text.empty()) return {};
  const auto slash = text.find('/');
  auto bad = [&]() -> Shard {
    throw_config("shard: expected i/n with 0 <= i < n, e.g. 0/4 (" + flag + "=" + text + ")");
  };
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return bad();
  char* end = nullptr;
  const long i = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() + slash) return bad();
  const long n = std::strtol(text.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || n < 1 || i < 0 || i >= n) return bad();
  return Shard{static_cast<int>(i), static_cast<int>(n)};
}

Range shard_range(std::size_t n, const Shard& s) {
  const std::size_t count = static_cast<std::size_t>(s.count);
  const std::size_t idx = static_cast<std::size_t>(s.index);
  const std::size_t base = n / count, extra = n % count;
  const std::size_t begin = idx * base + std::min(idx, extra);
  return Range{begin, begin + base + (idx < extra ? 1 : 0)};
}

}  // namespace nnr
