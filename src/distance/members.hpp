#pragma once
// Factories of the sequence distance family members (src/distance/<member>.cpp), used by builtin.cpp.
#include <memory>
#include <nlohmann/json.hpp>

#include "nnr/distance/distance.hpp"

namespace nnr::distance::detail {
std::unique_ptr<SequenceDistance> make_dtw(const Params& params);
std::unique_ptr<SequenceDistance> make_fastdtw(const Params& params);
std::unique_ptr<SequenceDistance> make_simple(const Params& params);
}  // namespace nnr::distance::detail
