// The MFCC-144 baseline (paper section 4.2; original-code-facts "MFCC-144 baseline"): no model, each
// window's vector depends only on that window, so a clip's row is the same alone or in any batch.
#include "members.hpp"
#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/features/features.hpp"

namespace nnr::encode::detail {

namespace {

constexpr std::size_t kMfccDim = 144;

class MfccEncoder final : public Encoder {
 public:
  explicit MfccEncoder(const EncoderSettings& s) : threads_(s.threads) {
    info_.name = "mfcc";
    info_.dim = kMfccDim;
    info_.window_samples = 2 * static_cast<std::size_t>(audio::kSampleRate);  // the networks' 2 s input
    info_.describe = {{"kind", "mfcc144"},
                      {"features", "mean/std of MFCC 1..24, delta, delta-delta; STFT 1024/256, 128 Slaney mels"}};
  }

 private:
  void do_encode(const std::vector<std::vector<float>>& windows, const std::vector<std::vector<float>>&,
                 MatrixF& embeddings, MatrixF&) override {
    parallel_for(0, windows.size(), threads_, [&](std::size_t i) {
      const auto v = features::mfcc144(windows[i]);
      if (v.size() != kMfccDim)
        throw_internal("encode: mfcc144 returned " + std::to_string(v.size()) + " values (expected 144)");
      std::copy(v.begin(), v.end(), embeddings.row(i));
    });
  }
  int threads_;
};

}  // namespace

std::unique_ptr<Encoder> make_mfcc_encoder(const std::string&, const Params&, const EncoderSettings& settings) {
  return std::make_unique<MfccEncoder>(settings);
}

}  // namespace nnr::encode::detail
