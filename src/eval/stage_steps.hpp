#pragma once
// Internal to nnr-evaluate: the two steps run for every setting of the shard.
#include "caches.hpp"
#include "results.hpp"
#include "run_dir.hpp"

namespace nnr::eval::detail {

/// Every consistency row of setting `s` (audio and latent distances, then every metric of the table).
/// The originals' MFCC sequences are loaded once per call into og_cache.
void evaluate_setting(const Run& run, const Setting& og, const Setting& s, const EvaluateOptions& o,
                      const Backend& backend, Sequences& og_cache, Rows& out);

/// Every performance row of setting `s` (encoders with predictions, scored by their task).
void evaluate_performance(const Run& run, const Setting& s, const EvaluateOptions& o, Rows& out);

}  // namespace nnr::eval::detail
