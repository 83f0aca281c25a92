#pragma once
// Internal helpers shared by transform members: parameter parsing and range checks.
#include <cmath>
#include <sstream>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"

namespace nnr::transform::detail {

inline std::string num(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// Throws Error(config) unless lo <= v <= hi.
inline void check_range(const std::string& what, double v, double lo, double hi, const std::string& unit) {
  if (!(v >= lo && v <= hi))
    throw_config("transform: " + what + " out of range (" + num(v) + "); valid " + num(lo) + ".." + num(hi) +
                 (unit.empty() ? "" : " " + unit));
}

/// "R2" -> false, "R3" -> true; throws Error(config) otherwise.
inline bool parse_engine(const std::string& e, const std::string& context) {
  if (e == "R2" || e == "r2" || e == "faster") return false;
  if (e == "R3" || e == "r3" || e == "finer") return true;
  throw_config("transform: unknown Rubber Band engine (" + context + ".engine=" + e + "); valid: R2, R3");
}

}  // namespace nnr::transform::detail
