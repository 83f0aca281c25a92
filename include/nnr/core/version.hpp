#pragma once
/// Versions of nnr and of the libraries whose behaviour shapes results, for config.json.

#include <nlohmann/json.hpp>

namespace nnr {

/// {"nnr": "0.1.0", "git_commit": ..., "ffmpeg": {...}, "rubberband": ..., "libebur128": ..., "sndfile": ...}
/// LibTorch's version is added by nnr::torch code (libnnr core does not link it).
nlohmann::json library_versions();

}  // namespace nnr
