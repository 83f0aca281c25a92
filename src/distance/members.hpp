#pragma once
// Factories of the sequence distance family members (src/distance/<member>.cpp), used by builtin.cpp.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "nnr/distance/distance.hpp"

namespace nnr::distance::detail {
/// A Q x N matrix whose (q, r) entry is pair(q, r), computed on `threads` in tiles of 8 queries x 32
/// references, so the data a tile reads stays in cache (every member's all-pairs loop).
MatrixD tiled_pairs(std::size_t queries, std::size_t refs, int threads,
                    const std::function<double(std::size_t, std::size_t)>& pair);

std::unique_ptr<SequenceDistance> make_dtw(const Params& params);
std::unique_ptr<SequenceDistance> make_fastdtw(const Params& params);
std::unique_ptr<SequenceDistance> make_simple(const Params& params);
}  // namespace nnr::distance::detail
