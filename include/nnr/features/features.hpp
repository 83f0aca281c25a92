#pragma once
/// Audio features (paper section 4.1; exact values in reference/original-code-facts.md), all at 22,050 Hz
/// mono float audio. Frame counts follow librosa's centred STFT: frames = 1 + n_samples / hop.
/// Everything is computed in double with nnr's one FFT (features/fft.hpp) and returned as float.
/// Throws Error(input) for empty audio, non-finite samples, or audio too short for reflect padding.
/// All functions are thread-safe.

#include <filesystem>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::features {

/// The network input's STFT (paper 4.1): n_fft 1024, hop 256 -> 513 bins.
constexpr int kNetworkNFft = 1024;
constexpr int kNetworkHop = 256;
constexpr int kNetworkBins = kNetworkNFft / 2 + 1;

/// How the signal is extended by n_fft/2 at both ends before framing (librosa `center=True`).
enum class PadMode { zeros, reflect };

/// |STFT|^2, frames x (n_fft/2 + 1), periodic Hann window (scipy get_window('hann', fftbins=True), as
/// librosa), centred. Power of two n_fft. Result in double.
MatrixD power_spectrogram(const std::vector<float>& audio, int n_fft, int hop, PadMode pad);

/// Slaney-style mel filterbank (librosa.filters.mel, htk=False, norm='slaney'): n_mels x (n_fft/2 + 1).
MatrixD mel_filterbank(double sr, int n_fft, int n_mels, double fmin, double fmax);

/// 10 log10(max(x, amin)) (ref 1), floored at (max over the whole matrix - top_db); in place.
void power_to_db(MatrixD& power, double amin = 1e-10, double top_db = 80.0);

/// Orthonormal DCT-II matrix (scipy.fft.dct norm='ortho'), n_out x n_in: y = C x.
MatrixD dct2_ortho(int n_in, int n_out);

/// Network input (paper 4.1): |STFT| with n_fft 1024, hop 256, periodic Hann, centred with reflect
/// padding (the original code's; PadMode::zeros gives librosa 0.10's default, which the fixture
/// tests/fixtures/librosa/*_stft1024_256_db.npy actually used; only frames 0, 1 and the last two differ);
/// 20 log10(max(|X|, 1e-5)) dB floored at (clip max - 80 dB) per clip. frames x 513, row-major,
/// frames = 1 + n / 256. Reflect padding needs n > 512 samples.
MatrixF network_input_db(const std::vector<float>& audio, PadMode pad = PadMode::reflect);

/// librosa.feature.melspectrogram defaults: n_fft 2048, hop 512, centred with zero padding (librosa
/// 0.10's default pad_mode 'constant'), power 2, 128 Slaney mels 0..sr/2. frames x 128.
MatrixF mel_power(const std::vector<float>& audio);

/// librosa.feature.mfcc defaults: power_to_db(mel_power, ref 1, amin 1e-10, top_db 80), DCT-II ortho,
/// first `n_mfcc` coefficients (c0 included). frames x n_mfcc.
MatrixF mfcc(const std::vector<float>& audio, int n_mfcc = 25);

/// Audio-space MFCC sequence (original-code-facts): mfcc(audio, 25) with c0 dropped -> frames x 24.
MatrixF mfcc_sequence(const std::vector<float>& audio);

/// The 144-d MFCC baseline vector ("MFCC-144"): STFT 1024/256 power (centred, reflect padding as the
/// network input; PadMode::zeros reproduces the librosa 0.10 fixture *_mfcc144.npy), 128 Slaney mels, dB (ref 1, amin 1e-10, top_db 80), DCT-II ortho, coefficients 1..24;
/// D = m[t+1] - m[t], DD = D[t+1] - D[t]; [mean m, std m, mean D, std D, mean DD, std DD] (unbiased std).
/// Computed on the audio as given (the caller crops, e.g. the 2 s centre). Needs >= 4 frames.
std::vector<float> mfcc144(const std::vector<float>& audio, PadMode pad = PadMode::reflect);

/// Per-bin standardisation with training-set statistics: x[t][k] = (x[t][k] - mean[k]) / std[k].
/// A bin whose std is below 1e-8 is only centred (divided by 1).
struct Scaler {
  std::vector<float> mean, std;
  double n_frames = 0;  ///< frames the statistics came from (informational)
  /// Throws Error(input) if x.cols != mean.size().
  void apply(MatrixF& x) const;
};

/// Accumulates per-bin mean and population std (ddof 0, as sklearn's StandardScaler) over the frames of
/// many clips, in double with Welford updates; merge() combines partial accumulators (Chan et al.), so
/// parallel accumulation in a fixed merge order is deterministic.
class ScalerAccumulator {
 public:
  /// Adds every row of x (frames x bins). Throws Error(input) on a bin-count mismatch or non-finite value.
  void add(const MatrixF& x);
  void merge(const ScalerAccumulator& other);
  /// Throws Error(input) if nothing was added.
  Scaler finish() const;
  double count() const { return n_; }

 private:
  double n_ = 0;
  std::vector<double> mean_, m2_;
};

/// JSON {"format": "nnr-scaler-1", "n_frames": N, "mean": [...], "std": [...]}, written atomically.
void save_scaler(const std::filesystem::path& path, const Scaler& s);
/// Throws Error(io) if unreadable, Error(input) if malformed (naming the file).
Scaler load_scaler(const std::filesystem::path& path);

}  // namespace nnr::features
