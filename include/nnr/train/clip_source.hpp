#pragma once
/// The clips of one split, as the training loop sees them: all decoded up front ("memory": fastest, but
/// every spectrogram stays in RAM, ~176 kB per second of audio) or decoded when a batch needs them
/// ("stream": memory bounded by a batch; what MSD-sized data needs). Both modes hand out the same clips,
/// standardised the same way, so a run trains bit-identically in either.

#include <cstddef>
#include <string>
#include <vector>

#include "nnr/features/features.hpp"
#include "nnr/train/dataset.hpp"

namespace nnr::train {

/// automatic: memory when the estimated cache fits comfortably in RAM, else stream (choose_cache_mode).
enum class CacheMode { automatic, memory, stream };

/// "auto", "memory" or "stream"; throws Error(config) otherwise (`context` names the config key).
CacheMode parse_cache_mode(const std::string& name, const std::string& context);
const char* cache_mode_name(CacheMode mode);

/// What "auto" picks: probes the header durations of up to 64 training/validation clips spread over the
/// index, extrapolates the in-memory size (513 bins x 4 B x 86 frames/s = 177 kB per second of audio; VS
/// 4 such arrays) and returns memory if it is at most half of `available_bytes`, else stream. Logs the
/// estimate. `available_bytes` < 0 = MemAvailable from /proc/meminfo (memory if unknown). Both modes
/// train to the same bits, so the choice affects only memory and speed.
CacheMode choose_cache_mode(const DatasetIndex& index, int threads, double available_bytes = -1.0);

/// Clips handed out by ClipSource::fetch: views into the cache (memory) or decoded just now (stream).
struct FetchedClips {
  std::vector<ClipData> owned;            ///< stream mode: the decoded clips
  std::vector<const ClipData*> clips;     ///< one per requested id, in request order
};

class ClipSource {
 public:
  /// The clips of `split` in index order. Memory mode decodes them all now (on `threads` threads).
  ClipSource(const DatasetIndex& index, const std::string& split, CacheMode mode, int min_frames, int bins,
             int threads, bool keep_audio = false);

  std::size_t size() const { return refs_.size(); }
  CacheMode mode() const { return mode_; }

  /// Mean and std per bin over every frame of every clip, added in index order (stream mode decodes the
  /// whole split once, a few clips at a time), so both modes give the same bits.
  features::Scaler compute_scaler() const;

  /// From now on clips are standardised with `scaler` and cut to the model's bins (memory: done now).
  void set_scaler(const features::Scaler& scaler);

  /// The clips `ids` (indices into this split). Stream mode decodes them in parallel; each call is
  /// independent, so fetches may run ahead of the training step on another thread.
  FetchedClips fetch(const std::vector<std::size_t>& ids) const;

 private:
  ClipData load(std::size_t i) const;

  const DatasetIndex* index_;
  std::vector<const ClipRef*> refs_;
  CacheMode mode_;
  int min_frames_, bins_, threads_;
  bool keep_audio_;
  bool standardise_ = false;
  features::Scaler scaler_;
  std::vector<ClipData> cache_;  ///< memory mode
};

}  // namespace nnr::train
