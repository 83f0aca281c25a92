// Magnitude grids of the paper (original-code-facts.md "Magnitude grids") and user JSON grids.
#include "nnr/transform/grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"
#include "nnr/transform/transform.hpp"

namespace nnr::transform {

std::string magnitude_string(double m) {
  char buf[64];
  if (std::fabs(m) < 1e15 && m == std::round(m))
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(m)));
  else
    std::snprintf(buf, sizeof buf, "%.3f", m);
  std::string s = buf;
  return s == "-0" || s == "-0.000" ? (s == "-0" ? "0" : "0.000") : s;
}

std::string setting_id(const std::string& code, double m) { return code + "_[" + magnitude_string(m) + "]"; }

Setting make_setting(const std::string& code, double m) {
  return Setting{code, m, magnitude_string(m), setting_id(code, m)};
}

namespace {

using List = std::vector<double>;

const List kPsCoarse = {-12, -10, -8, -6, -4, -2, 2, 4, 6, 8, 10, 12};
const List kTsCoarse = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4, 1.5};
const List kSnrCoarse = {-15, -10, -6, -3, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30};
const List kMpCoarse = {8, 16, 24, 32, 40, 48, 64, 80, 96, 112, 128, 160, 192};
const List kPsFine = {-1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1};
const List kTsFine = {0.92, 0.94, 0.96, 0.98, 1.02, 1.04, 1.06, 1.08};
const List kSnrFine = {27.5, 28, 28.5, 29, 29.5};
const List kMpFine = {224, 256, 320};

List sorted_union(const List& a, const List& b) {
  List u = a;
  u.insert(u.end(), b.begin(), b.end());
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  return u;
}

nlohmann::json builtin_json(const std::string& name) {
  using J = nlohmann::json;
  if (name == "coarse") return J{{"PS", kPsCoarse}, {"TS", kTsCoarse}, {"PN", kSnrCoarse}, {"EN", kSnrCoarse}, {"MP", kMpCoarse}};
  if (name == "fine") return J{{"PS", kPsFine}, {"TS", kTsFine}, {"PN", kSnrFine}, {"EN", kSnrFine}, {"MP", kMpFine}};
  if (name == "paper")
    return J{{"PS", sorted_union(kPsCoarse, kPsFine)}, {"TS", sorted_union(kTsCoarse, kTsFine)},
             {"PN", sorted_union(kSnrCoarse, kSnrFine)}, {"EN", sorted_union(kSnrCoarse, kSnrFine)},
             {"MP", sorted_union(kMpCoarse, kMpFine)}};
  if (name == "demo")  // 5-8 magnitudes per family, the paper's smallest to large ones: curves, 33 settings
    return J{{"PS", {-12, -4, -1, -0.25, 0.25, 1, 4, 12}},
             {"TS", {0.5, 0.8, 0.94, 0.98, 1.02, 1.06, 1.2, 1.5}},
             {"PN", {-6, 3, 9, 15, 21, 30}},
             {"EN", {-6, 3, 9, 15, 21, 30}},
             {"MP", {8, 32, 64, 128, 192}}};
  if (name == "tiny")  // smoke runs (NNR_DEMO_SIZE=tiny, CI): a mild and a strong setting per family
    return J{{"PS", {-12, 1}}, {"TS", {0.5, 1.04}}, {"PN", {6, 30}}, {"EN", {6, 30}}, {"MP", {8, 128}}};
  return nullptr;
}

}  // namespace

std::vector<std::string> builtin_grid_names() { return {"coarse", "fine", "paper", "demo", "tiny"}; }

Grid grid_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object())
    throw_config("grid: expected a JSON object like {\"PS\": [-1, 1]} (" + source + ")");
  std::map<std::string, std::vector<double>> by_code;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '_') continue;  // "_comment": notes, as in the configs
    const TransformEntry* info = nullptr;
    try {
      info = &find_transform(it.key());
    } catch (const Error& e) {
      throw_config("grid: " + std::string(e.what()) + " (" + source + ")");
    }
    if (by_code.count(info->code))
      throw_config("grid: transform " + std::string(info->code) + " listed twice (" + source + ")");
    if (!it.value().is_array())
      throw_config("grid: " + it.key() + " must be a list of numbers (" + source + ")");
    auto& list = by_code[info->code];
    for (const auto& v : it.value()) {
      if (!v.is_number() || !std::isfinite(v.get<double>()))
        throw_config("grid: " + it.key() + " holds a non-number (" + v.dump() + ") (" + source + ")");
      list.push_back(v.get<double>());
    }
  }
  Grid g;
  g.name = source;
  std::set<std::string> ids;
  for (const auto& info : transform_registry().entries()) {
    auto f = by_code.find(info.code);
    if (f == by_code.end()) continue;
    for (double m : f->second) {
      Setting s = make_setting(info.code, m);
      if (!ids.insert(s.id).second)
        throw_config("grid: duplicate setting " + s.id + " (" + source + "); magnitudes are rounded to 3 decimals");
      g.settings.push_back(std::move(s));
    }
  }
  return g;
}

nlohmann::json grid_to_json(const Grid& g) {
  nlohmann::ordered_json o;
  for (const auto& info : transform_registry().entries()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& s : g.settings)
      if (s.transform == info.code) list.push_back(s.magnitude);
    if (!list.empty()) o[info.code] = list;
  }
  return nlohmann::json::parse(o.dump());
}

Grid load_grid(const std::string& name_or_file) {
  std::error_code ec;
  const std::filesystem::path p(name_or_file);
  const bool is_file = std::filesystem::is_regular_file(p, ec) || p.extension() == ".json";
  if (!is_file) {
    const auto j = builtin_json(name_or_file);
    if (j.is_null()) {
      std::string names;
      for (const auto& n : builtin_grid_names()) names += (names.empty() ? "" : ", ") + n;
      throw_config("grid: unknown grid '" + name_or_file + "'; valid: " + names + ", or a JSON file");
    }
    Grid g = grid_from_json(j, name_or_file);
    g.name = name_or_file;
    return g;
  }
  return grid_from_json(io::load_json(p), p.string());
}

}  // namespace nnr::transform
