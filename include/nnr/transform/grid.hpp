#pragma once
/// Magnitude grids: which (transform, magnitude) settings a run produces. Built-in grids are the paper's
/// (original-code-facts.md): "coarse", "fine", "paper" (their sorted union, Figure 3) and a small "demo";
/// configs/grids/<name>.json hold the same values as files. A user grid is a JSON object
///   {"PS": [-12, -1, 0.5], "TS": [0.5, 1.5], "PN": [6], "EN": [6], "MP": [8, 128]}
/// with transform codes (or registry names such as "pitch_shift") as keys and lists of numbers.
/// Settings are ordered by the registry (PS, TS, PN, EN, MP), magnitudes as listed. The original (OG,
/// magnitude 0) is implicit and always first.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnr::transform {

struct Setting {
  std::string transform;      ///< code: "PS"
  double magnitude = 0.0;
  std::string magnitude_str;  ///< "-12", "0.300": directory name and seed part
  std::string id;             ///< "PS_[-12]"
};

struct Grid {
  std::string name;               ///< built-in name or file path
  std::vector<Setting> settings;  ///< without OG
};

/// Integers as integers ("-12", "8"), anything else with 3 decimals ("0.300", "27.500").
std::string magnitude_string(double magnitude);
/// "PS_[-12]".
std::string setting_id(const std::string& code, double magnitude);
Setting make_setting(const std::string& code, double magnitude);

/// Parses a grid object; throws Error(config) naming `source` for an unknown transform (listing the
/// valid ones), a non-list, a non-finite number or a duplicate id.
Grid grid_from_json(const nlohmann::json& j, const std::string& source);
/// {"PS": [...], ...} in registry order.
nlohmann::json grid_to_json(const Grid& g);

/// Names of the built-in grids: coarse, fine, paper, demo.
std::vector<std::string> builtin_grid_names();
/// A built-in grid by name, or a JSON file when `name_or_file` names an existing file or ends in .json.
/// Throws Error(config) for an unknown name (listing the valid ones) and for bad JSON (naming the file).
Grid load_grid(const std::string& name_or_file);

}  // namespace nnr::transform
