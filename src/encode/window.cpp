#include "nnr/encode/window.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnr/core/error.hpp"

namespace nnr::encode {

WindowMode parse_window_mode(const std::string& text, const std::string& key) {
  if (text == "center") return WindowMode::center;
  if (text == "mean") return WindowMode::mean;
  throw_config("encode: unknown window mode (" + key + "=" + text + "); valid: center, mean");
}

std::string to_string(WindowMode mode) { return mode == WindowMode::center ? "center" : "mean"; }

std::vector<Window> make_windows(const std::vector<float>& clip, std::size_t length, WindowMode mode) {
  NNR_ASSERT(length > 0);
  const std::size_t n = clip.size();
  std::vector<Window> out;
  if (mode == WindowMode::center || n <= length) {
    Window w;
    w.samples.assign(length, 0.0f);
    if (n >= length) {
      const std::size_t start = (n - length) / 2;
      std::copy(clip.begin() + static_cast<std::ptrdiff_t>(start),
                clip.begin() + static_cast<std::ptrdiff_t>(start + length), w.samples.begin());
    } else {
      std::copy(clip.begin(), clip.end(), w.samples.begin());
    }
    out.push_back(std::move(w));
    return out;
  }
  const std::size_t count = (n + length - 1) / length;
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t begin = k * length, end = std::min(n, begin + length);
    Window w;
    w.samples.assign(length, 0.0f);
    std::copy(clip.begin() + static_cast<std::ptrdiff_t>(begin), clip.begin() + static_cast<std::ptrdiff_t>(end),
              w.samples.begin());
    w.weight = static_cast<double>(end - begin) / static_cast<double>(length);
    out.push_back(std::move(w));
  }
  return out;
}

void weighted_mean(const float* rows, const std::vector<double>& weights, std::size_t dim, float* out) {
  for (std::size_t j = 0; j < dim; ++j) {
    double sum = 0.0, total = 0.0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
      const float v = rows[k * dim + j];
      if (std::isnan(v)) continue;
      sum += weights[k] * static_cast<double>(v);
      total += weights[k];
    }
    out[j] = total > 0.0 ? static_cast<float>(sum / total) : std::numeric_limits<float>::quiet_NaN();
  }
}

}  // namespace nnr::encode
