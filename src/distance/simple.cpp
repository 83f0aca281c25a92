// SiMPle join profile (Silva et al. 2018) as the original code used it: no z-normalisation, squared
// Euclidean distance of whole m-frame windows. Window sums slide along diagonals of the frame-pair cost
// matrix: S(i, j) = S(i-1, j-1) + C(i+m-1, j+m-1) - C(i-1, j-1), each diagonal restarting from a direct
// sum at row 0 or column 0, all in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

// C (na x nb) of squared frame distances; b transposed so the inner loop runs over j.
__attribute__((target_clones("avx2", "default"))) void pair_costs(const float* a, std::size_t na,
                                                                  const double* bt, std::size_t nb,
                                                                  std::size_t d, double* c) {
  for (std::size_t i = 0; i < na; ++i) {
    double* ci = c + i * nb;
    for (std::size_t j = 0; j < nb; ++j) ci[j] = 0.0;
    for (std::size_t k = 0; k < d; ++k) {
      const double av = a[i * d + k];
      const double* bk = bt + k * nb;
      for (std::size_t j = 0; j < nb; ++j) {
        const double diff = av - bk[j];
        ci[j] += diff * diff;
      }
    }
  }
}

std::vector<double> profile_impl(const MatrixF& a, const MatrixF& b, int m_int) {
  const std::size_t m = static_cast<std::size_t>(m_int), na = a.rows, nb = b.rows, d = a.cols;
  if (na < m || nb < m)
    throw_input("distance: sequence shorter than the SiMPle window (frames=" + std::to_string(std::min(na, nb)) +
                ", m=" + std::to_string(m) + "); use a smaller m or longer clips");
  std::vector<double> bt(d * nb);
  for (std::size_t j = 0; j < nb; ++j)
    for (std::size_t k = 0; k < d; ++k) bt[k * nb + j] = b(j, k);
  std::vector<double> c(na * nb);
  pair_costs(a.data.data(), na, bt.data(), nb, d, c.data());
  const std::size_t pa = na - m + 1, pb = nb - m + 1;
  std::vector<double> prev(pb), cur(pb), profile(pa);
  for (std::size_t i = 0; i < pa; ++i) {
    for (std::size_t j = 0; j < pb; ++j) {
      if (i == 0 || j == 0) {
        double s = 0;
        for (std::size_t t = 0; t < m; ++t) s += c[(i + t) * nb + j + t];
        cur[j] = s;
      } else {
        cur[j] = prev[j - 1] + c[(i + m - 1) * nb + j + m - 1] - c[(i - 1) * nb + j - 1];
      }
    }
    profile[i] = *std::min_element(cur.begin(), cur.end());
    std::swap(prev, cur);
  }
  return profile;
}

double median_of(std::vector<double> v) {
  const std::size_t n = v.size(), h = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(h), v.end());
  const double upper = v[h];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<long>(h));
  return (lower + upper) / 2;
}

class Simple final : public SequenceDistance {
 public:
  explicit Simple(int m) : m_(m) {}
  std::string name() const override { return "simple"; }
  nlohmann::json params() const override { return {{"m", m_}}; }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override { return median_of(profile_impl(a, b, m_)); }

 private:
  int m_;
};

void check_m(int m) {
  if (m < 1) throw_config("distance: SiMPle window must be >= 1 frame (m=" + std::to_string(m) + ")");
}

}  // namespace

std::vector<double> simple_profile(const MatrixF& a, const MatrixF& b, int m) {
  check_m(m);
  detail::check_sequence(a, "a");
  detail::check_sequence(b, "b", a.cols);
  return profile_impl(a, b, m);
}

double simple_distance(const MatrixF& a, const MatrixF& b, int m) {
  check_m(m);
  return Simple(m)(a, b);
}

std::unique_ptr<SequenceDistance> detail::make_simple(const nlohmann::json& params) {
  return std::make_unique<Simple>(int_param(params, "m", 50, 1, "distance simple"));
}

}  // namespace nnr::distance
