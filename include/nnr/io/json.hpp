#pragma once
/// JSON config helpers: load with a message naming the file and line, and strict key checking
/// (a typo in a config key is an error listing the valid keys, never silently ignored).

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nnr::io {

using Json = nlohmann::json;

/// Throws Error(io) if missing, Error(config) with the parser's position if malformed.
Json load_json(const std::filesystem::path& path);

/// Pretty-printed, atomic.
void write_json(const std::filesystem::path& path, const Json& j);

/// Throws Error(config) if `j` (an object) has a key not in `allowed`; `context` names the section,
/// e.g. "config.json: transform.pitch_shift".
void check_keys(const Json& j, const std::vector<std::string>& allowed, const std::string& context);

[[noreturn]] void throw_config_type(const std::string& key, const std::string& value);

/// j[key] as T if present, else `fallback`; wrong type throws Error(config) naming context.key.
template <typename T>
T get_or(const Json& j, const std::string& key, const T& fallback, const std::string& context) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw_config_type(context + "." + key, j.at(key).dump());
  }
  return fallback;
}


}  // namespace nnr::io
