#pragma once
// The one place nnr's model/train code reaches the features module: the network input (dB STFT) and the
// standardisation statistics (nnr/features/features.hpp).

#include "nnr/features/features.hpp"

namespace nnr::model::detail {

constexpr int kNFft = 1024;
constexpr int kHop = 256;
constexpr int kStftBins = kNFft / 2 + 1;

/// frames x 513 dB, floored at max - 80 dB per clip; n_fft 1024, hop 256, centred (reflect).
inline MatrixF network_input_db(const std::vector<float>& audio) { return features::network_input_db(audio); }
using features::load_scaler;
using features::save_scaler;
using features::Scaler;
using features::ScalerAccumulator;

}  // namespace nnr::model::detail
