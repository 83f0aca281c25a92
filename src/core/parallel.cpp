#include "nnr/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nnr {

namespace {
int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  try {
    return std::max(0, std::stoi(v));
  } catch (...) {
    return 0;
  }
}
}  // namespace

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  if (int n = env_int("NNR_THREADS"); n > 0) return n;
  if (int n = env_int("SLURM_CPUS_PER_TASK"); n > 0) return n;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t begin, std::size_t end, int threads,
                  const std::function<void(std::size_t)>& body, std::size_t grain) {
  if (end <= begin) return;
  grain = std::max<std::size_t>(1, grain);
  const std::size_t n = end - begin;
  const int workers = static_cast<int>(std::min<std::size_t>(
      static_cast<std::size_t>(resolve_threads(threads)), (n + grain - 1) / grain));
  if (workers <= 1) {
    for (std::size_t i = begin; i < end; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{begin};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  std::size_t first_error_index = std::numeric_limits<std::size_t>::max();
  std::atomic<bool> stop{false};
  auto work = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t start = next.fetch_add(grain);
      if (start >= end) break;
      const std::size_t stop_at = std::min(end, start + grain);
      for (std::size_t i = start; i < stop_at; ++i) {
        try {
          body(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (i < first_error_index) {
            first_error_index = i;
            first_error = std::current_exception();
          }
          stop = true;
          break;
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers - 1));
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace nnr
