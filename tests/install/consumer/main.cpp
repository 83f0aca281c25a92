// Uses the installed library: MFCC sequences of two tones, their exact DTW and the 144-d baseline vector.
// Prints "dtw=<value> mfcc_frames=<n> mfcc144=<d>" and exits 0 when the numbers are sane.
#include <cmath>
#include <cstdio>
#include <vector>

#include <nnr/distance/distance.hpp>
#include <nnr/features/features.hpp>

int main() {
  const int sr = 22050;
  std::vector<float> a(sr), b(sr);
  for (int i = 0; i < sr; ++i) {
    a[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 440.0 * i / sr));
    b[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 660.0 * i / sr));
  }
  const nnr::MatrixF ma = nnr::features::mfcc_sequence(a), mb = nnr::features::mfcc_sequence(b);
  const double same = nnr::distance::dtw(ma, ma), other = nnr::distance::dtw(ma, mb);
  const auto v = nnr::features::mfcc144(a);
  std::printf("dtw=%.6f mfcc_frames=%zu mfcc144=%zu\n", other, ma.rows, v.size());
  return same == 0.0 && other > 0.0 && ma.rows == 44 && ma.cols == 24 && v.size() == 144 ? 0 : 1;
}
