#include "nnr/core/version.hpp"

#include <ebur128.h>
#include <sndfile.h>

#include <rubberband/RubberBandStretcher.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
}

#ifndef NNR_VERSION
#define NNR_VERSION "0.0.0"
#endif

namespace nnr {
namespace detail {
extern const char* const kGitCommit;  // build/src/generated/git_commit.cpp, written at build time
}  // namespace detail

namespace {
std::string av_version(unsigned v) {
  return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." +
         std::to_string(v & 0xff);
}
}  // namespace

nlohmann::json library_versions() {
  int major = 0, minor = 0, patch = 0;
  ebur128_get_version(&major, &minor, &patch);
  nlohmann::json v;
  v["nnr"] = NNR_VERSION;
  v["git_commit"] = detail::kGitCommit;
  v["ffmpeg"] = {{"version", av_version_info()},
                 {"libavcodec", av_version(avcodec_version())},
                 {"libavformat", av_version(avformat_version())},
                 {"libswresample", av_version(swresample_version())},
                 {"mp3_encoder", avcodec_find_encoder_by_name("libmp3lame") ? "libmp3lame" : "missing"}};
  v["rubberband"] = RUBBERBAND_VERSION;
  v["libebur128"] = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  v["libsndfile"] = sf_version_string();
  return v;
}

}  // namespace nnr
