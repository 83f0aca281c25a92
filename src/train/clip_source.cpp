#include "nnr/train/clip_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"

namespace nnr::train {

namespace {

// Standardises with the training statistics and keeps the first `bins` bins (the model's input).
void standardise(ClipData& c, const features::Scaler& scaler, int bins) {
  scaler.apply(c.x);
  MatrixF y(c.x.rows, static_cast<std::size_t>(bins));
  for (std::size_t t = 0; t < y.rows; ++t) std::memcpy(y.row(t), c.x.row(t), sizeof(float) * y.cols);
  c.x = std::move(y);
}

// MemAvailable in bytes; -1 if unknown.
double mem_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  return -1.0;
}

}  // namespace

CacheMode parse_cache_mode(const std::string& name, const std::string& context) {
  if (name == "auto") return CacheMode::automatic;
  if (name == "memory") return CacheMode::memory;
  if (name == "stream") return CacheMode::stream;
  throw_config(context + ": unknown cache '" + name +
               "'; use auto (memory if it fits), memory (decode every clip once, keep it in RAM) or stream "
               "(decode per batch)");
}

const char* cache_mode_name(CacheMode mode) {
  switch (mode) {
    case CacheMode::automatic: return "auto";
    case CacheMode::memory: return "memory";
    case CacheMode::stream: return "stream";
  }
  return "";
}

CacheMode choose_cache_mode(const DatasetIndex& index, int threads, double available_bytes) {
  std::vector<const ClipRef*> refs;
  for (const auto& c : index.clips)
    if (c.split == "train" || c.split == "valid") refs.push_back(&c);
  if (refs.empty()) return CacheMode::memory;
  const std::size_t k = std::min<std::size_t>(64, refs.size());
  std::vector<double> seconds(k);
  parallel_for(0, k, threads, [&](std::size_t i) {
    seconds[i] = audio::probe_duration_s(refs[i * refs.size() / k]->audio.at(0));
  });
  double sum = 0;
  std::size_t known = 0;
  for (double v : seconds)
    if (std::isfinite(v) && v > 0) sum += v, ++known;
  if (known == 0) return CacheMode::memory;  // nothing to go by; decoding reports broken files itself
  // All bins of a float32 dB spectrogram per second of audio (~177 kB/s): what memory mode holds per clip.
  const double frame_bytes = features::kNetworkBins * 4.0 * audio::kSampleRate / features::kNetworkHop;
  const bool stems = tasks::layout(index.task) == tasks::DataLayout::stem_folders;  // mixture + 3 stems
  const double per_second = stems ? 4.0 * frame_bytes : frame_bytes;
  const double mean_s = sum / static_cast<double>(known);
  const double estimate = mean_s * static_cast<double>(refs.size()) * per_second;
  const double available = available_bytes >= 0 ? available_bytes : mem_available_bytes();
  const CacheMode mode = available > 0 && estimate > 0.5 * available ? CacheMode::stream : CacheMode::memory;
  spdlog::info("train: cache auto -> {}: ~{:.2f} GB of spectrograms for {} clips (mean {:.1f} s, from {} headers), "
               "{} available",
               cache_mode_name(mode), estimate / 1e9, refs.size(), mean_s, known,
               available > 0 ? fmt::format("{:.1f} GB", available / 1e9) : std::string("unknown memory"));
  return mode;
}

ClipSource::ClipSource(const DatasetIndex& index, const std::string& split, CacheMode mode, int min_frames,
                       int bins, int threads, bool keep_audio)
    : index_(&index), mode_(mode), min_frames_(min_frames), bins_(bins), threads_(threads), keep_audio_(keep_audio) {
  if (mode_ == CacheMode::automatic) throw_internal("train: ClipSource needs memory or stream; resolve auto first");
  for (const auto& c : index.clips)
    if (c.split == split) refs_.push_back(&c);
  if (mode_ == CacheMode::memory) cache_ = load_split(index, split, min_frames, bins, threads, keep_audio);
}

ClipData ClipSource::load(std::size_t i) const {
  ClipData c = load_clip(*index_, *refs_.at(i), min_frames_, bins_, keep_audio_);
  if (standardise_) standardise(c, scaler_, bins_);
  return c;
}

features::Scaler ClipSource::compute_scaler() const {
  features::ScalerAccumulator acc;
  if (mode_ == CacheMode::memory) {
    for (const auto& c : cache_) acc.add(c.x);
    return acc.finish();
  }
  // One clip per thread at a time: bounded memory, same order of additions as memory mode.
  const std::size_t chunk = static_cast<std::size_t>(std::max(threads_, 1));
  std::vector<MatrixF> xs;
  Progress progress("nnr-train: training-set statistics (streamed)", refs_.size(), "clips");
  for (std::size_t a = 0; a < refs_.size(); a += chunk) {
    const std::size_t n = std::min(chunk, refs_.size() - a);
    xs.assign(n, MatrixF());
    parallel_for(0, n, threads_, [&](std::size_t k) {
      xs[k] = load_clip(*index_, *refs_[a + k], min_frames_, bins_, /*keep_audio=*/false).x;
    });
    for (const auto& x : xs) acc.add(x);
    progress.tick(n);
  }
  return acc.finish();
}

void ClipSource::set_scaler(const features::Scaler& scaler) {
  scaler_ = scaler;
  standardise_ = true;
  for (auto& c : cache_) standardise(c, scaler_, bins_);
}

FetchedClips ClipSource::fetch(const std::vector<std::size_t>& ids) const {
  FetchedClips f;
  f.clips.resize(ids.size());
  if (mode_ == CacheMode::memory) {
    for (std::size_t k = 0; k < ids.size(); ++k) f.clips[k] = &cache_.at(ids[k]);
    return f;
  }
  f.owned.resize(ids.size());
  parallel_for(0, ids.size(), threads_, [&](std::size_t k) { f.owned[k] = load(ids[k]); });
  for (std::size_t k = 0; k < ids.size(); ++k) f.clips[k] = &f.owned[k];
  return f;
}

}  // namespace nnr::train
