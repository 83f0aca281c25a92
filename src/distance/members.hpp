#pragma once
// Factories of the sequence distance family members (src/distance/<member>.cpp), used by builtin.cpp.
#include <memory>
#include <nlohmann/json.hpp>

#include "nnr/distance/distance.hpp"

namespace nnr::distance::detail {
std::unique_ptr<SequenceDistance> make_dtw(const nlohmann::json& params);
std::unique_ptr<SequenceDistance> make_fastdtw(const nlohmann::json& params);
std::unique_ptr<SequenceDistance> make_simple(const nlohmann::json& params);
/// Reads an integer parameter >= min_value (Error(config) naming context.key otherwise).
int int_param(const nlohmann::json& params, const std::string& key, int fallback, int min_value,
              const std::string& context);
}  // namespace nnr::distance::detail
