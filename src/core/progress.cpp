#include "nnr/core/progress.hpp"

#include <cstdio>

namespace nnr {

namespace {
std::atomic<bool> g_enabled{true};

std::string format_seconds(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}
}  // namespace

void Progress::set_enabled(bool on) { g_enabled = on; }

Progress::Progress(std::string label, std::size_t total, std::string unit, double interval_s)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() {
  if (!finished_) finish();
}

void Progress::tick(std::size_t n) {
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() < interval_s_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (std::chrono::duration<double>(now - last_).count() < interval_s_) return;
  last_ = now;
  print(false);
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  print(true);
}

void Progress::print(bool final_line) {
  if (!g_enabled || total_ == 0) return;
  const std::size_t done = done_.load();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  const double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
  if (final_line) {
    std::fprintf(stderr, "%s: %zu/%zu %s done in %s (%.1f %s/s)\n", label_.c_str(), done, total_,
                 unit_.c_str(), format_seconds(elapsed).c_str(), rate, unit_.c_str());
  } else {
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1;
    std::fprintf(stderr, "%s: %zu/%zu %s (%.1f%%), %.1f %s/s, ETA %s\n", label_.c_str(), done,
                 total_, unit_.c_str(), pct, rate, unit_.c_str(), format_seconds(eta).c_str());
  }
  std::fflush(stderr);
}

PhaseTimes::Scope::Scope(PhaseTimes& times, std::string phase)
    : times_(times), phase_(std::move(phase)), start_(std::chrono::steady_clock::now()) {}

PhaseTimes::Scope::~Scope() {
  times_.add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
}

void PhaseTimes::add(const std::string& phase, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, s] : phases_)
    if (name == phase) {
      s += seconds;
      return;
    }
  phases_.emplace_back(phase, seconds);
}

double PhaseTimes::total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  double t = 0;
  for (const auto& p : phases_) t += p.second;
  return t;
}

std::string PhaseTimes::summary() const {
  const double all = total();
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [name, s] : phases_) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%s %.1f s (%.0f%%)", out.empty() ? "" : ", ", name.c_str(), s,
                  all > 0 ? 100.0 * s / all : 0.0);
    out += buf;
  }
  return out;
}

}  // namespace nnr
