#pragma once
// The one seam between training and the task metrics (nnr/metrics/task_metrics.hpp): validation
// metrics of the per-epoch log.

#include "nnr/metrics/task_metrics.hpp"

namespace nnr::train::detail {

using metrics::accuracy;
using metrics::clipwise_auc;
/// BSSEval v4 SDR, 1 s windows and hops, median over frames (museval).
inline double sdr(const std::vector<float>& ref, const std::vector<float>& est, int sr) {
  return metrics::sdr_bsseval_v4(ref, est, sr);
}

}  // namespace nnr::train::detail
