#include "rubberband.hpp"

#include <rubberband/RubberBandStretcher.h>

#include <algorithm>

#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"
#include "params.hpp"

namespace nnr::transform::detail {

namespace {
constexpr std::size_t kBlock = 1024;
}  // namespace

RubberBandSettings parse_rubberband(const nlohmann::json& params, const std::string& context) {
  using RB = RubberBand::RubberBandStretcher;
  io::check_keys(params, {"engine", "transients"}, context);
  RubberBandSettings s;
  s.finer = parse_engine(io::get_or<std::string>(params, "engine", "R2", context), context);
  const auto t = io::get_or<std::string>(params, "transients", "crisp", context);
  if (t == "crisp")
    s.transients = RB::OptionTransientsCrisp;
  else if (t == "mixed")
    s.transients = RB::OptionTransientsMixed;
  else if (t == "smooth")
    s.transients = RB::OptionTransientsSmooth;
  else
    throw_config("transform: unknown transients mode (" + context + ".transients=" + t +
                 "); valid: crisp, mixed, smooth");
  return s;
}

std::vector<float> rubberband_offline(const std::vector<float>& x, int sample_rate, double time_ratio,
                                      double pitch_scale, const RubberBandSettings& settings) {
  using RB = RubberBand::RubberBandStretcher;
  // Default options as the original (rubberband CLI defaults), single-threaded: our pool parallelises
  // over clips, and threading inside would make timing noisy without changing results.
  const RB::Options opts = RB::OptionProcessOffline | RB::OptionThreadingNever |
                           (settings.finer ? RB::OptionEngineFiner : RB::OptionEngineFaster) | settings.transients;
  RB rb(static_cast<std::size_t>(sample_rate), 1, opts, time_ratio, pitch_scale);
  rb.setExpectedInputDuration(x.size());
  rb.setMaxProcessSize(kBlock);
  const std::size_t n = x.size();
  for (std::size_t off = 0; off < n; off += kBlock) {
    const std::size_t len = std::min(kBlock, n - off);
    const float* p = x.data() + off;
    rb.study(&p, len, off + len >= n);
  }
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(static_cast<double>(n) * time_ratio) + 4096);
  std::vector<float> buf;
  auto drain = [&]() {
    while (true) {
      const int avail = rb.available();
      if (avail <= 0) return;
      buf.resize(static_cast<std::size_t>(avail));
      float* q = buf.data();
      const std::size_t got = rb.retrieve(&q, static_cast<std::size_t>(avail));
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(got));
      if (got == 0) return;
    }
  };
  for (std::size_t off = 0; off < n; off += kBlock) {
    const std::size_t len = std::min(kBlock, n - off);
    const float* p = x.data() + off;
    rb.process(&p, len, off + len >= n);
    drain();
  }
  drain();  // after the final block, available() turns -1 once everything has been retrieved
  return out;
}

}  // namespace nnr::transform::detail
