#pragma once
/// Progress on stderr for long loops: "nnr-transform: 120/960 clips (12.5%), 3.1 clips/s, ETA 4m31s".
/// Thread-safe; prints at most every `interval_s` seconds (and at the end) so logs stay readable
/// when stderr is a file, as on Slurm.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nnr {

class Progress {
 public:
  Progress(std::string label, std::size_t total, std::string unit = "items", double interval_s = 2.0);
  ~Progress();
  /// Adds `n` finished items; may print.
  void tick(std::size_t n = 1);
  /// Prints the final line (also done by the destructor if not called).
  void finish();
  /// Silences all progress output in this process (tests, --quiet).
  static void set_enabled(bool on);

 private:
  void print(bool final_line);
  std::string label_, unit_;
  std::size_t total_;
  double interval_s_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_, last_;
  bool finished_ = false;
};

/// Wall time per named phase, summed over calls, for the "where the time went" line of a long stage.
/// Thread-safe; phases are listed in the order first seen.
class PhaseTimes {
 public:
  /// Adds the time from construction to destruction to `phase`.
  class Scope {
   public:
    Scope(PhaseTimes& times, std::string phase);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    PhaseTimes& times_;
    std::string phase_;
    std::chrono::steady_clock::time_point start_;
  };
  void add(const std::string& phase, double seconds);
  Scope scope(std::string phase) { return Scope(*this, std::move(phase)); }
  /// "mfcc 12.3 s (10%), audio/dtw 40.1 s (33%), ..."; "" when nothing was timed.
  std::string summary() const;
  double total() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, double>> phases_;
};

}  // namespace nnr
