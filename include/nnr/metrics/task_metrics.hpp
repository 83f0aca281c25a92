#pragma once
/// Task-specific performance metrics (paper section 4, "performance per employed learning task"):
/// AE reconstruction MSE, AT clip-wise ROC AUC (AUC^C), IR accuracy, VS SDR as museval's BSSEval v4.
/// All functions are pure and thread-safe. Empty or undefined inputs give NaN (documented per function);
/// mismatched sizes throw Error(input).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::metrics {

/// Mean squared error (1/n) Σ (a_i − b_i)², accumulated in double. n == 0 gives NaN.
double mse(const float* a, const float* b, std::size_t n);

/// ROC AUC of one binary problem by the Mann–Whitney statistic with average ranks for tied scores
/// (identical to sklearn.metrics.roc_auc_score): (R₊ − P(P+1)/2) / (P·N), R₊ = sum of the positives'
/// ranks. `labels` nonzero = positive. NaN when all labels are equal (AUC undefined). NaN scores throw.
double roc_auc(const float* scores, const std::uint8_t* labels, std::size_t n);

/// Per-clip AUC: for each row i of `scores` (clips x tags), roc_auc over the tags of that clip.
/// NaN for clips whose labels are all positive or all negative. If `drop_empty_tags`, tag columns with
/// no positive in any clip are removed first (what the paper's code did before sklearn). Shapes must match.
std::vector<double> clip_aucs(const MatrixF& scores, const Matrix<std::uint8_t>& labels,
                              bool drop_empty_tags = false);

/// AUC^C: mean of clip_aucs over the clips where it is defined. Clips that do not have both a positive and
/// a negative tag are SKIPPED (sklearn's average='samples' would raise on them instead). NaN if no clip
/// qualifies.
double clipwise_auc(const MatrixF& scores, const Matrix<std::uint8_t>& labels, bool drop_empty_tags = false);

/// Fraction of i with predicted[i] == truth[i]. Sizes must match; empty gives NaN.
double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth);

/// Index of the largest value in each row (first one on ties): class predictions from N x C scores.
std::vector<int> argmax_rows(const MatrixF& scores);

/// Framewise BSSEval v4 decomposition of one mono estimate against one mono reference, exactly as
/// museval.evaluate(mode="v4") computes it (museval/metrics.py: bss_eval with framewise_filters=False,
/// bsseval_sources_version=False, i.e. the bss_eval_images criteria):
///  - the estimate is zero-padded or truncated to the reference length (museval's padding=True);
///  - one distortion filter c of `filters_len` taps (delays 0..L−1) is fitted on the WHOLE signals by least
///    squares: (G + eps·I) c = D, G the L×L Toeplitz autocorrelation of the reference, D the cross-correlation
///    of delayed references with the estimate (eps = 2^-52 as numpy's); solved in double by Eigen LDLT;
///  - frames are [t·hop, t·hop + window) for t < floor((N − window + hop)/hop) (one frame of the whole
///    signal if window ≥ N); inside a frame, s = reference frame, ŝ = estimate frame, s_f = c * s (full
///    convolution, length window + L − 1), all zero-padded to that length;
///  - SDR = 10 log10(‖s‖² / ‖ŝ − s‖²)         (images version: the filter does NOT enter SDR, so a scaled or
///                                              delayed copy is penalised; SDR is the frame's SNR),
///    ISR = 10 log10(‖s‖² / ‖s_f − s‖²), SAR = 10 log10(‖s_f‖² / ‖ŝ − s_f‖²); with one source e_interf = 0,
///    SIR = +inf, and SAR equals the bss_eval_sources SDR (‖s_target‖² / ‖e_interf + e_artif‖², the
///    filter-tolerant SDR); it is reported as `sdr_sources`.
///  - a zero denominator gives +inf (museval's _safe_db); frames whose reference or estimate is all zeros
///    are NaN (museval sets them NaN).
struct BssEvalFrames {
  std::vector<double> sdr, isr, sar;  ///< one value per frame (dB)
  const std::vector<double>& sdr_sources() const { return sar; }
  std::size_t window = 0, hop = 0;    ///< samples
};

struct BssEvalOptions {
  double window_s = 1.0;   ///< frame length (s); museval default for MUSDB is 1 s
  double hop_s = 1.0;      ///< frame hop (s)
  int filters_len = 512;   ///< distortion filter taps (museval default)
  bool decompose = true;   ///< false: only SDR (no filter needed; much cheaper)
};

/// Throws Error(input) if sizes are empty or sr/window/hop are not positive. An all-zero reference gives
/// all-NaN frames (museval raises instead).
BssEvalFrames bss_eval_v4(const std::vector<float>& reference, const std::vector<float>& estimate, int sr,
                          const BssEvalOptions& options = {});

/// Per-frame SDR (dB) as museval v4 (see bss_eval_v4), NaN for silent frames.
std::vector<double> sdr_bsseval_v4_frames(const std::vector<float>& reference,
                                          const std::vector<float>& estimate, int sr,
                                          double window_s = 1.0, double hop_s = 1.0);

/// SDR of a single mono source as museval's BSSEval v4 reports it for a track: the median over frames,
/// skipping NaN (silent) frames; NaN if every frame is silent.
double sdr_bsseval_v4(const std::vector<float>& reference, const std::vector<float>& estimate, int sr,
                      double window_s = 1.0, double hop_s = 1.0);

/// Median of the non-NaN values (mean of the two middle ones for an even count, as numpy); NaN if none.
double nan_median(std::vector<double> values);

}  // namespace nnr::metrics
