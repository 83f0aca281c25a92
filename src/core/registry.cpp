#include "nnr/core/registry.hpp"

#include <cmath>
#include <sstream>

#include "nnr/core/error.hpp"

namespace nnr {
namespace {

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string range_text(const ParamSpec& p) {
  if (p.type == ParamType::boolean) return "true or false";
  if (p.type == ParamType::string) return p.choices.empty() ? "a string" : join_names(p.choices);
  const bool lo = std::isfinite(p.min), hi = std::isfinite(p.max);
  const std::string unit = p.unit.empty() ? "" : " " + p.unit;
  const std::string kind = p.type == ParamType::integer ? "an integer " : "";
  if (lo && hi) return kind + number_text(p.min) + ".." + number_text(p.max) + unit;
  if (lo) return kind + ">= " + number_text(p.min) + unit;
  if (hi) return kind + "<= " + number_text(p.max) + unit;
  return (p.type == ParamType::integer ? "an integer" : "a number") + unit;
}

[[noreturn]] void bad_value(const ParamSpec& p, const nlohmann::json& v, const std::string& context) {
  throw_config(context + ": bad value (" + p.name + "=" + v.dump() + "); valid: " + range_text(p));
}

nlohmann::json checked(const ParamSpec& p, const nlohmann::json& v, const std::string& context) {
  switch (p.type) {
    case ParamType::boolean:
      if (!v.is_boolean()) bad_value(p, v, context);
      return v;
    case ParamType::string:
      if (!v.is_string()) bad_value(p, v, context);
      if (!p.choices.empty()) {
        const auto s = v.get<std::string>();
        bool ok = false;
        for (const auto& c : p.choices) ok = ok || c == s;
        if (!ok) bad_value(p, v, context);
      }
      return v;
    case ParamType::integer: {
      if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
        bad_value(p, v, context);
      const double x = v.get<double>();
      if (!(x >= p.min && x <= p.max)) bad_value(p, v, context);
      return v.get<long long>();
    }
    case ParamType::number: {
      if (!v.is_number()) bad_value(p, v, context);
      const double x = v.get<double>();
      if (!std::isfinite(x) || !(x >= p.min && x <= p.max)) bad_value(p, v, context);
      return v;
    }
  }
  return v;
}

}  // namespace

ParamSpec int_param(std::string name, std::string description, long long default_value, double min, double max,
                    std::string unit) {
  return {std::move(name), std::move(description), default_value, ParamType::integer, min, max, {}, std::move(unit)};
}
ParamSpec number_param(std::string name, std::string description, double default_value, double min, double max,
                       std::string unit) {
  return {std::move(name), std::move(description), default_value, ParamType::number, min, max, {}, std::move(unit)};
}
ParamSpec string_param(std::string name, std::string description, std::string default_value,
                       std::vector<std::string> choices) {
  ParamSpec p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.default_value = std::move(default_value);
  p.type = ParamType::string;
  p.choices = std::move(choices);
  return p;
}
ParamSpec bool_param(std::string name, std::string description, bool default_value) {
  ParamSpec p;
  p.name = std::move(name);
  p.description = std::move(description);
  p.default_value = default_value;
  p.type = ParamType::boolean;
  return p;
}

Params validate_params(const std::vector<ParamSpec>& specs, const nlohmann::json& given, const std::string& context) {
  if (!given.is_null() && !given.is_object())
    throw_config(context + ": parameters must be a JSON object (value=" + given.dump() + ")");
  std::vector<std::string> valid;
  for (const auto& p : specs) valid.push_back(p.name);
  if (given.is_object())
    for (const auto& [key, value] : given.items()) {
      bool known = false;
      for (const auto& p : specs) known = known || p.name == key;
      if (!known)
        throw_config(context + ": unknown key (key=" + key + "); valid: " + (valid.empty() ? "none" : join_names(valid)));
    }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& p : specs) {
    const bool present = given.is_object() && given.contains(p.name) && !given.at(p.name).is_null();
    out[p.name] = present ? checked(p, given.at(p.name), context) : p.default_value;
  }
  return Params(std::move(out), context);
}

std::string describe_params(const std::vector<ParamSpec>& specs) {
  std::string s;
  for (const auto& p : specs) {
    if (!s.empty()) s += ", ";
    s += p.name + "=" + (p.default_value.is_string() ? p.default_value.get<std::string>() : p.default_value.dump());
    s += " (" + p.description + "; " + range_text(p) + ")";
  }
  return s;
}

const nlohmann::json& Params::at(const std::string& key) const {
  if (!values_.is_object() || !values_.contains(key))
    throw_internal(context_ + ": parameter not declared (key=" + key + ")");
  return values_.at(key);
}
long long Params::integer(const std::string& key) const { return at(key).get<long long>(); }
double Params::number(const std::string& key) const { return at(key).get<double>(); }
bool Params::boolean(const std::string& key) const { return at(key).get<bool>(); }
std::string Params::string(const std::string& key) const { return at(key).get<std::string>(); }

std::string join_names(const std::vector<std::string>& names, const std::string& separator) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : separator) + n;
  return s;
}

namespace detail {

void throw_unknown_member(const std::string& family, const std::string& name, const std::vector<std::string>& valid) {
  throw_config(family + ": unknown " + family + " (name=" + name + "); valid: " + join_names(valid));
}

void throw_duplicate_member(const std::string& family, const std::string& name) {
  throw_config(family + ": a member named " + name + " is already registered; give the new one another name");
}

std::string help_line(const EntryBase& e) {
  std::string s = "  " + e.name;
  if (s.size() < 16) s.resize(16, ' ');
  else s += "  ";
  s += e.description;
  const auto p = describe_params(e.parameters);
  if (!p.empty()) s += "\n                  params: " + p;
  return s + "\n";
}

}  // namespace detail
}  // namespace nnr
