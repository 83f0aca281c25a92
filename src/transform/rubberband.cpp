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

RubberBandParams RubberBandParams::from_params(const Params& p) {
  RubberBandParams r;
  r.engine = parse_engine(p.string("engine"), p.context()) ? "R3" : "R2";
  r.transients = p.string("transients");
  return r;
}

int RubberBandParams::options() const {
  using RB = RubberBand::RubberBandStretcher;
  const int t = transients == "mixed"    ? RB::OptionTransientsMixed
                : transients == "smooth" ? RB::OptionTransientsSmooth
                                         : RB::OptionTransientsCrisp;
  return (engine == "R3" ? RB::OptionEngineFiner : RB::OptionEngineFaster) | t;
}

std::vector<float> rubberband_offline(const std::vector<float>& x, int sample_rate, double time_ratio,
                                      double pitch_scale, const RubberBandParams& params) {
  using RB = RubberBand::RubberBandStretcher;
  // Default options as the original (rubberband CLI defaults), single-threaded: our pool parallelises
  // over clips, and threading inside would make timing noisy without changing results.
  const RB::Options opts = RB::OptionProcessOffline | RB::OptionThreadingNever | params.options();
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
