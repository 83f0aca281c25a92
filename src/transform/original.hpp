#pragma once
// A clip's original excerpt as nnr-transform stores it (the seeded crop of its source), for the stage.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "nnr/audio/loudness.hpp"
#include "nnr/transform/stage.hpp"

namespace nnr::transform::detail {

struct Clip {
  std::string id;
  std::filesystem::path path;  ///< file to decode
  std::string source;          ///< as given (manifest column)
  std::filesystem::path vocals;  ///< stem file or empty
};

/// The original excerpt of a clip and its stem with the same crop; `after` / `vocals_after`: the source
/// samples following the crop, as many as the grid's members look ahead.
struct Original {
  std::vector<float> audio, vocals, after, vocals_after;
  audio::Loudness loudness;
};

/// Decodes and crops the clip: a seeded excerpt of o.clip_seconds (0: the whole file) that `lookahead` more
/// samples of the source follow (shortened to leave them where the source is short). Throws Error(input)
/// naming the source when it is too short, silent or holds NaN.
Original load_original(const Clip& c, const StageOptions& o, std::size_t lookahead);

/// The excerpt with the first `lookahead` samples after it appended: what a member that reads ahead gets.
std::vector<float> with_lookahead(const std::vector<float>& clip, const std::vector<float>& after, std::size_t lookahead);

}  // namespace nnr::transform::detail
