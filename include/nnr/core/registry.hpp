#pragma once
/// One registry shape for every family (transform, sequence distance, vector distance, encoder, metric,
/// task): an entry is {name, description, parameters, make}, plus whatever traits the family adds.
///
/// Each parameter is declared once (name, description, default, type, range or choices). Validation is
/// generic: an unknown key lists the valid ones, a wrong type or out-of-range value names the key and the
/// range. Stages read the tables for their config keys, apps for their --help lists and the figures for
/// their labels, so no stage names a member.
///
/// A new member of a family is one new file (its implementation and `make`) plus one line in the family's
/// table (src/<family>/builtin.cpp).

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnr {

enum class ParamType { integer, number, boolean, string };

/// One declared parameter of a family member.
struct ParamSpec {
  std::string name;
  std::string description;
  nlohmann::json default_value;  ///< also fixes the printed form in --help
  ParamType type = ParamType::number;
  double min = -std::numeric_limits<double>::infinity();  ///< numbers: inclusive range
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  ///< strings: the accepted values (empty = any string)
  std::string unit;                  ///< for messages and --help ("semitones", "frames")
};

/// Shorthands for table lines.
ParamSpec int_param(std::string name, std::string description, long long default_value, double min = 0,
                    double max = std::numeric_limits<double>::infinity(), std::string unit = "");
ParamSpec number_param(std::string name, std::string description, double default_value,
                       double min = -std::numeric_limits<double>::infinity(),
                       double max = std::numeric_limits<double>::infinity(), std::string unit = "");
ParamSpec string_param(std::string name, std::string description, std::string default_value,
                       std::vector<std::string> choices = {});
ParamSpec bool_param(std::string name, std::string description, bool default_value);

/// A member's validated parameters: every declared key present (defaults filled in), nothing else.
class Params {
 public:
  Params() = default;
  Params(nlohmann::json values, std::string context) : values_(std::move(values)), context_(std::move(context)) {}
  long long integer(const std::string& key) const;
  double number(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::string string(const std::string& key) const;
  /// The resolved object; make(params.json()) rebuilds the same member. Recorded in sidecars and config.json.
  const nlohmann::json& json() const { return values_; }
  const std::string& context() const { return context_; }

 private:
  const nlohmann::json& at(const std::string& key) const;
  nlohmann::json values_ = nlohmann::json::object();
  std::string context_;
};

/// Validates `given` (an object, or null for all defaults) against `specs` and fills in the defaults.
/// Throws Error(config) "<context>: unknown key (key=x); valid: a, b" / "... out of range (key=v); valid lo..hi".
Params validate_params(const std::vector<ParamSpec>& specs, const nlohmann::json& given, const std::string& context);

/// "radius=1 (FastDTW window radius, >= 0 frames)" per parameter, comma-separated; "" when none.
std::string describe_params(const std::vector<ParamSpec>& specs);

/// The common part of every entry. Families derive their entry type from it and add `make` and traits.
struct EntryBase {
  std::string name;         ///< config key, snake_case
  std::string description;  ///< one line for --help and figure captions
  std::vector<ParamSpec> parameters;
};

/// Shared by every Registry<E>: the unknown-name error and one --help line.
namespace detail {
[[noreturn]] void throw_unknown_member(const std::string& family, const std::string& name,
                                       const std::vector<std::string>& valid);
[[noreturn]] void throw_duplicate_member(const std::string& family, const std::string& name);
std::string help_line(const EntryBase& e);
}  // namespace detail

/// A family's table. `E` derives from EntryBase.
template <class E>
class Registry {
 public:
  Registry(std::string family, std::vector<E> entries) : family_(std::move(family)), entries_(std::move(entries)) {}

  const std::string& family() const { return family_; }
  const std::vector<E>& entries() const { return entries_; }

  /// nullptr when unknown.
  const E* try_find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  /// Throws Error(config) "<family>: unknown <family> (name=x); valid: a, b, c".
  const E& find(const std::string& name) const {
    if (const E* e = try_find(name)) return *e;
    detail::throw_unknown_member(family_, name, names());
  }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& e : entries_) n.push_back(e.name);
    return n;
  }
  /// Validated parameters of member `name` (Error(config) for an unknown member or key).
  Params params(const std::string& name, const nlohmann::json& given) const {
    return validate_params(find(name).parameters, given, family_ + " " + name);
  }
  /// Appends a member (a table extended by another library, e.g. nnr::torch's encoders); Error(config) on a
  /// duplicate name. Not thread-safe: call it before the table is read concurrently.
  void add(E entry) {
    if (try_find(entry.name)) detail::throw_duplicate_member(family_, entry.name);
    entries_.push_back(std::move(entry));
  }
  /// Lines for --help: "  name  description [params]".
  std::string help() const {
    std::string s;
    for (const auto& e : entries_) s += detail::help_line(e);
    return s;
  }

 private:
  std::string family_;
  std::vector<E> entries_;
};


/// "a, b, c".
std::string join_names(const std::vector<std::string>& names, const std::string& separator = ", ");

}  // namespace nnr
