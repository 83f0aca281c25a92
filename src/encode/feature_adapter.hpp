#pragma once
// The few feature computations the encoders need, behind one seam so that the encoders depend on the
// features module's API in one place.
#include <filesystem>
#include <memory>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::encode::detail {

/// 144-d MFCC baseline of `audio` (already cropped by the caller).
std::vector<float> mfcc144(const std::vector<float>& audio);

/// The network input: frames x 513 dB (n_fft 1024, hop 256, centred), floored at max - 80 dB per clip.
MatrixF network_input_db(const std::vector<float>& audio);

/// Per-bin standardisation loaded from an nnr scaler.json; apply() works in place on frames x bins.
class Standardiser {
 public:
  explicit Standardiser(const std::filesystem::path& scaler_json);
  ~Standardiser();
  void apply(MatrixF& db) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnr::encode::detail
