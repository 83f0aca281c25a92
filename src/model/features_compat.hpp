#pragma once
// The one place nnr's model/train code reaches the features module: the network input (dB STFT) and the
// standardisation statistics. Kept behind this header so the train module has a single seam to the
// features API (nnr/features/*.hpp).

#include <filesystem>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::model::detail {

constexpr int kNFft = 1024;
constexpr int kHop = 256;
constexpr int kStftBins = kNFft / 2 + 1;

/// frames x 513 dB (10 log10 |X|^2, floored at max - 80 dB per clip); n_fft 1024, hop 256, centred.
MatrixF network_input_db(const std::vector<float>& audio);

/// Per-bin standardisation statistics over the training set.
struct Scaler {
  std::vector<float> mean, std;
  /// x[t][f] = (x[t][f] - mean[f]) / std[f] for the first x.cols bins.
  void apply(MatrixF& x) const;
};

class ScalerAccumulator {
 public:
  void add(const MatrixF& x);
  Scaler finish() const;

 private:
  std::vector<double> sum_, sum2_;
  double n_ = 0;
};

void save_scaler(const std::filesystem::path& path, const Scaler& s);
Scaler load_scaler(const std::filesystem::path& path);

}  // namespace nnr::model::detail
