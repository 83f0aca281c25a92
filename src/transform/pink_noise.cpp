// PN: 1/f ("pink") Gaussian noise mixed at a target SNR. The noise is white Gaussian noise shaped in the
// frequency domain by 1/sqrt(f) (power 1/f, i.e. -3.01 dB per octave), as the original's power-law
// generator with exponent 1; the seed fixes it completely.
#include <complex>
#include <memory>

#include "spectral.hpp"
#include "nnr/core/random.hpp"
#include "nnr/transform/transform.hpp"
#include "params.hpp"

namespace nnr::transform {

std::vector<float> pink_noise(std::size_t n, std::uint64_t seed, double exponent) {
  const std::size_t m = detail::next_pow2(std::max<std::size_t>(n, 2));
  Rng rng(seed);
  std::vector<std::complex<double>> a(m);
  for (auto& v : a) v = standard_normal(rng);
  detail::complex_fft(a, false);
  a[0] = 0.0;  // no DC
  for (std::size_t k = 1; k <= m / 2; ++k) {
    const double g = std::pow(static_cast<double>(k), -exponent / 2.0);
    a[k] *= g;
    if (k != m / 2) a[m - k] *= g;
  }
  detail::complex_fft(a, true);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += a[i].real() * a[i].real();
  const double norm = s > 0 ? 1.0 / std::sqrt(s / static_cast<double>(n)) : 1.0;
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(a[i].real() * norm);
  return out;
}

namespace {

struct PinkNoiseParams {
  double exponent = 1.0;  ///< PSD ~ 1/f^exponent: 1 = pink, 0 = white, 2 = brown
  nlohmann::json to_json() const { return {{"exponent", exponent}}; }
};

class PinkNoise final : public Transform {
 public:
  explicit PinkNoise(const Params& p) : p_{p.number("exponent")} {}
  nlohmann::json params() const override { return p_.to_json(); }
  std::string code() const override { return "PN"; }
  void check_magnitude(double snr) const override { detail::check_range("PN SNR", snr, -60.0, 120.0, "dB"); }
  std::vector<float> apply_to_stem(const std::vector<float>& stem, double, std::uint64_t) const override {
    return stem;
  }

 private:
  TransformResult do_apply(const std::vector<float>& x, double snr, std::uint64_t seed) const override {
    return mix_at_snr(x, pink_noise(x.size(), seed, p_.exponent), snr);
  }
  PinkNoiseParams p_;
};

}  // namespace

std::unique_ptr<Transform> make_pink_noise(const Params& p, int) { return std::make_unique<PinkNoise>(p); }

}  // namespace nnr::transform
