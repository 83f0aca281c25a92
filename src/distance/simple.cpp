// SiMPle join profile (Silva et al. 2018) as the original code used it: no z-normalisation, squared
// Euclidean distance of whole m-frame windows. Window sums slide along diagonals of the frame-pair cost
// matrix: S(i, j) = S(i-1, j-1) + C(i+m-1, j+m-1) - C(i-1, j-1), each diagonal restarting from a direct
// sum at row 0 or column 0, all in double.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

typedef double v4d __attribute__((vector_size(32)));

// Rows of C (na x nb) of squared frame distances; b is transposed (d x nb). Sixteen columns at a time
// accumulate in registers over k (one store per value: no store-to-load traffic on the output row).
__attribute__((target_clones("avx2", "default"))) void pair_costs(const float* a, std::size_t na,
                                                                  const double* bt, std::size_t nb,
                                                                  std::size_t d, double* c) {
  for (std::size_t i = 0; i < na; ++i) {
    double* ci = c + i * nb;
    const float* ai = a + i * d;
    std::size_t j = 0;
    for (; j + 16 <= nb; j += 16) {
      v4d s0 = {}, s1 = {}, s2 = {}, s3 = {};
      for (std::size_t k = 0; k < d; ++k) {
        const double av = ai[k];
        const double* bk = bt + k * nb + j;
        v4d d0, d1, d2, d3;
        std::memcpy(&d0, bk, sizeof d0);
        std::memcpy(&d1, bk + 4, sizeof d1);
        std::memcpy(&d2, bk + 8, sizeof d2);
        std::memcpy(&d3, bk + 12, sizeof d3);
        d0 = av - d0;
        d1 = av - d1;
        d2 = av - d2;
        d3 = av - d3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      std::memcpy(ci + j, &s0, sizeof s0);
      std::memcpy(ci + j + 4, &s1, sizeof s1);
      std::memcpy(ci + j + 8, &s2, sizeof s2);
      std::memcpy(ci + j + 12, &s3, sizeof s3);
    }
    for (; j < nb; ++j) {
      double acc = 0;
      for (std::size_t k = 0; k < d; ++k) {
        const double diff = static_cast<double>(ai[k]) - bt[k * nb + j];
        acc += diff * diff;
      }
      ci[j] = acc;
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
  // Frame-pair costs: the whole matrix in one pass when it is small (fastest up to a few MB), else only
  // the m + 1 rows a profile row needs (i - 1 .. i + m - 1) in a ring, so long sequences stay in cache.
  // The arithmetic is the same either way.
  const bool whole = na * nb <= (std::size_t{1} << 19);
  const std::size_t ring = whole ? na : m + 1;
  std::vector<double> c(ring * nb);
  auto crow = [&](std::size_t r) { return c.data() + (r % ring) * nb; };
  if (whole)
    pair_costs(a.data.data(), na, bt.data(), nb, d, c.data());
  else
    for (std::size_t r = 0; r + 1 < m; ++r) pair_costs(a.row(r), 1, bt.data(), nb, d, crow(r));
  const std::size_t pa = na - m + 1, pb = nb - m + 1;
  std::vector<double> prev(pb), cur(pb), profile(pa);
  for (std::size_t i = 0; i < pa; ++i) {
    if (!whole) pair_costs(a.row(i + m - 1), 1, bt.data(), nb, d, crow(i + m - 1));
    const double* add = crow(i + m - 1) + (m - 1);
    const double* sub = i > 0 ? crow(i - 1) : nullptr;
    if (i == 0) {  // first row: direct window sums
      std::fill(cur.begin(), cur.end(), 0.0);
      for (std::size_t t = 0; t < m; ++t) {
        const double* ct = crow(t) + t;
        for (std::size_t j = 0; j < pb; ++j) cur[j] += ct[j];
      }
    } else {
      double s0 = 0;  // first column: direct window sum (slot arithmetic without a division per frame)
      std::size_t slot = i % ring;
      for (std::size_t t = 0; t < m; ++t) {
        s0 += c[slot * nb + t];
        if (++slot == ring) slot = 0;
      }
      cur[0] = s0;
      for (std::size_t j = 1; j < pb; ++j) cur[j] = prev[j - 1] + add[j] - sub[j - 1];
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

std::unique_ptr<SequenceDistance> detail::make_simple(const Params& params) {
  return std::make_unique<Simple>(static_cast<int>(params.integer("m")));
}

}  // namespace nnr::distance
