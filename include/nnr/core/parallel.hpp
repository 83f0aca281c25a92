#pragma once
/// Parallel loops whose results do not depend on the thread count: each index writes only its own
/// output slot, and reductions are done afterwards in index order by the caller.

#include <cstddef>
#include <functional>

namespace nnr {

/// Threads to use: `requested` if > 0, else $NNR_THREADS, $SLURM_CPUS_PER_TASK, then the core count.
int resolve_threads(int requested);

/// Calls body(i) for i in [begin, end) on `threads` threads (dynamic scheduling, chunks of `grain`).
/// The first exception thrown (lowest index among those seen) is rethrown after all threads stop.
void parallel_for(std::size_t begin, std::size_t end, int threads,
                  const std::function<void(std::size_t)>& body, std::size_t grain = 1);

}  // namespace nnr
