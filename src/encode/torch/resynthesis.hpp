#pragma once
// VS resynthesis (paper section 2.1, original-code-facts "VS U-Net"): estimated vocals = mask * |X| with
// the mixture's phase, i.e. mask * X, back to audio by inverse STFT.
#include <torch/types.h>

namespace nnr::encode::detail {

/// wave [B, L] float -> vocals estimate [B, L] (CPU float). The STFT is the network input's: n_fft 1024,
/// hop 256, periodic Hann, centred with reflect padding, 513 bins, 1 + L/256 frames; iSTFT is overlap-add
/// with window-square normalisation (torch::istft). `mask` [B, 1, frames, bins] covers the centre `frames`
/// frames and the first `bins` bins (as TrainedModel::prepare crops); uncovered STFT cells get mask 0.
/// Throws Error(input) when the mask is larger than the STFT.
torch::Tensor masked_resynthesis(const torch::Tensor& wave, const torch::Tensor& mask);

/// Samples [first, second) of a length-`length` signal that only STFT frames covered by a centred mask of
/// `mask_frames` frames contribute to (hop 256, window 1024): the span where the estimate is fully the
/// network's. The whole signal when the mask covers every frame (the paper-code preset); the centre
/// ~1.45 s of 2 s for the paper preset's 128 frames.
std::pair<int64_t, int64_t> covered_samples(int64_t length, int64_t mask_frames);

}  // namespace nnr::encode::detail
