#include "nnr/io/json.hpp"

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::io {

Json load_json(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw_config("json: cannot parse (" + path.string() + "): " + e.what());
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond double, e.g. 1e999
    throw_config("json: a number is out of range (" + path.string() + "): " + e.what() +
                 "; write finite numbers");
  }
}

void write_json(const std::filesystem::path& path, const Json& j) {
  write_file_atomic(path, j.dump(2) + "\n");
}

void check_keys(const Json& j, const std::vector<std::string>& allowed, const std::string& context) {
  if (!j.is_object()) throw_config(context + ": expected a JSON object, got " + j.dump());
  for (const auto& [key, value] : j.items()) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string valid;
      for (const auto& a : allowed) valid += (valid.empty() ? "" : ", ") + a;
      throw_config(context + ": unknown key '" + key + "' (valid keys: " + valid + ")");
    }
  }
}

void throw_config_type(const std::string& key, const std::string& value) {
  throw_config("config: wrong type for " + key + " (value " + value + ")");
}

}  // namespace nnr::io
