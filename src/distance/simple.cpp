// SiMPle join profile (Silva et al. 2018) as the original code used it: no z-normalisation, squared
// Euclidean distance of whole m-frame windows. Window sums slide along diagonals of the frame-pair cost
// matrix: S(i, j) = S(i-1, j-1) + C(i+m-1, j+m-1) - C(i-1, j-1), each diagonal restarting from a direct
// sum at row 0 or column 0.
//
// Fast path (both sequences up to ~2 M frame pairs): C in float by the ISA kernel (kernels/simple_*.cpp),
// whose relative error is bounded, (2d + 3) 2^-24; the windows slide in double. What is reported is then
// recomputed in double from the frames: a profile row is the exact minimum over the windows the bound
// cannot rule out, and the distance (the profile's median) recomputes only the rows whose bounds overlap
// the median's. Values agree with the naive join to ~1e-15 and do not depend on the ISA. Longer
// sequences: all in double (profile_double).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/kernels.hpp"
#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
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

std::vector<double> profile_double(const MatrixF& a, const MatrixF& b, int m_int) {
  const std::size_t m = static_cast<std::size_t>(m_int), na = a.rows, nb = b.rows, d = a.cols;
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

void check_length(const MatrixF& a, const MatrixF& b, int m_int) {
  const std::size_t m = static_cast<std::size_t>(m_int), na = a.rows, nb = b.rows;
  if (na < m || nb < m)
    throw_input("distance: sequence shorter than the SiMPle window (frames=" + std::to_string(std::min(na, nb)) +
                ", m=" + std::to_string(m) + "); use a smaller m or longer clips");
}

// ---- fast path ----

// Approximate window sums S~ (pa x pb) from float costs, with the bound that relates them to the exact S:
// |S~ - S| <= rel * S + drift.
struct Windows {
  std::size_t pa = 0, pb = 0, stride = 0;
  std::vector<double> s, row_min;  // s: pa x stride
  double rel = 0, drift = 0;
};

bool fits_fast_path(std::size_t na, std::size_t nb) { return na * nb <= (std::size_t{1} << 21); }

// b transposed for the cost kernel: d x nbp floats, zero beyond column nb. Made once per reference.
struct Transposed {
  std::size_t nb = 0, nbp = 0, ncols = 0;  // ncols: columns the kernel computes (nb rounded up)
  std::vector<float> bt;
};

Transposed transpose(const MatrixF& b, const kernels::SimpleCostsKernel& kernel) {
  Transposed t;
  t.nb = b.rows;
  t.ncols = (b.rows + kernel.columns - 1) / kernel.columns * kernel.columns;
  t.nbp = t.ncols + kernel.columns;  // one more vector: whole-vector window reads past nb stay inside
  const std::size_t d = b.cols;
  t.bt.assign(d * t.nbp, 0.0f);
  for (std::size_t j = 0; j < b.rows; ++j)
    for (std::size_t k = 0; k < d; ++k) t.bt[k * t.nbp + j] = b(j, k);
  return t;
}

void approximate_windows(const MatrixF& a, const Transposed& b, std::size_t m,
                         const kernels::SimpleCostsKernel& kernel, Windows& w) {
  const std::size_t na = a.rows, d = a.cols, v = kernel.doubles;
  thread_local std::vector<float> c;
  c.resize(na * b.nbp);
  kernel.run(a.data.data(), na, b.bt.data(), b.nbp, b.ncols, d, c.data());
  for (std::size_t i = 0; i < na; ++i)  // the extra vector of columns: zero costs (read, never used)
    std::fill(c.begin() + static_cast<long>(i * b.nbp + b.ncols), c.begin() + static_cast<long>((i + 1) * b.nbp), 0.0f);
  w.pa = na - m + 1;
  w.pb = b.nb - m + 1;
  w.stride = (w.pb + 2 * v - 1) / v * v;
  w.s.resize(w.pa * w.stride);
  w.row_min.resize(w.pa);
  double smax = 0;
  kernel.windows(c.data(), na, b.nb, b.nbp, m, w.stride, w.s.data(), w.row_min.data(), &smax);
  constexpr double u32 = 0x1p-24, u64 = 0x1p-53;
  w.rel = (2.0 * static_cast<double>(d) + 3.0) * u32;  // float differences, squares, k sums (FMA or not)
  w.drift = 4.0 * static_cast<double>(na + m) * u64 * smax;  // rounding of the sliding updates in double
}

// The exact window sum (double, from the frames). Partial sums: dimension k goes to lane k mod 4 of
// accumulator (k / 4) mod 8, frames in order; a fixed order, so the value does not depend on the ISA.
double exact_window(const MatrixF& a, const MatrixF& b, std::size_t i, std::size_t j, std::size_t m) {
  const std::size_t d = a.cols, d4 = d / 4 * 4;
  v4d acc[8] = {};
  double tail = 0;
  for (std::size_t t = 0; t < m; ++t) {
    const float* x = a.row(i + t);
    const float* y = b.row(j + t);
    for (std::size_t k = 0; k < d4; k += 4) {
      const v4d diff = v4d{x[k], x[k + 1], x[k + 2], x[k + 3]} - v4d{y[k], y[k + 1], y[k + 2], y[k + 3]};
      acc[(k / 4) & 7] += diff * diff;
    }
    for (std::size_t k = d4; k < d; ++k) {
      const double diff = static_cast<double>(x[k]) - static_cast<double>(y[k]);
      tail += diff * diff;
    }
  }
  v4d s = acc[0];
  for (std::size_t q = 1; q < 8; ++q) s += acc[q];
  return ((s[0] + s[1]) + (s[2] + s[3])) + tail;
}

// Exact profile row i: the minimum over the windows whose approximate sum the bound cannot rule out.
double exact_row(const MatrixF& a, const MatrixF& b, std::size_t m, const Windows& w, std::size_t i) {
  const double limit = (w.row_min[i] * (1 + w.rel) + 2 * w.drift) / (1 - w.rel);
  const double* row = w.s.data() + i * w.stride;
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < w.pb; ++j)
    if (row[j] <= limit) best = std::min(best, exact_window(a, b, i, j, m));
  return best;
}

std::vector<double> profile_fast(const MatrixF& a, const MatrixF& b, std::size_t m) {
  const kernels::SimpleCostsKernel kernel = kernels::simple_costs_kernel();
  thread_local Windows w;
  approximate_windows(a, transpose(b, kernel), m, kernel, w);
  std::vector<double> p(w.pa);
  for (std::size_t i = 0; i < w.pa; ++i) p[i] = exact_row(a, b, m, w, i);
  return p;
}

// The median of the exact profile (numpy.median), recomputing only rows that can reach the middle: with
// bounds lo_i <= P_i <= hi_i, the k-th order statistic lies in [k-th of lo, k-th of hi]; rows entirely
// below or above that range keep their side, the others are recomputed and ranked exactly.
double median_fast(const MatrixF& a, const MatrixF& b, const Transposed& bt, std::size_t m,
                   const kernels::SimpleCostsKernel& kernel) {
  thread_local Windows w;
  approximate_windows(a, bt, m, kernel, w);
  const std::size_t n = w.pa, k1 = (n - 1) / 2, k2 = n / 2;
  std::vector<double> lo(n), hi(n);
  for (std::size_t i = 0; i < n; ++i) {
    lo[i] = (w.row_min[i] - w.drift) / (1 + w.rel);
    hi[i] = (w.row_min[i] + w.drift) / (1 - w.rel);
  }
  std::vector<double> t = lo;
  std::nth_element(t.begin(), t.begin() + static_cast<long>(k1), t.end());
  const double L = t[k1];
  t = hi;
  std::nth_element(t.begin(), t.begin() + static_cast<long>(k2), t.end());
  const double H = t[k2];
  std::size_t below = 0;
  std::vector<double> exact;
  for (std::size_t i = 0; i < n; ++i) {
    if (hi[i] < L)
      ++below;
    else if (lo[i] <= H)
      exact.push_back(exact_row(a, b, m, w, i));
  }
  std::sort(exact.begin(), exact.end());
  NNR_ASSERT(below <= k1 && k2 - below < exact.size());
  return (exact[k1 - below] + exact[k2 - below]) / 2;
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

  // The references transposed once for the whole block of rows (not once per pair).
  MatrixD rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, int threads,
                  Range rows) const override {
    const kernels::SimpleCostsKernel kernel = kernels::simple_costs_kernel();
    std::vector<Transposed> bts(refs.size());
    parallel_for(0, refs.size(), threads, [&](std::size_t n) { bts[n] = transpose(refs[n], kernel); });
    return detail::tiled_pairs(rows.size(), refs.size(), threads, [&](std::size_t q, std::size_t r) {
      return distance(queries[rows.begin + q], refs[r], bts[r], kernel);
    });
  }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override {
    const kernels::SimpleCostsKernel kernel = kernels::simple_costs_kernel();
    return distance(a, b, transpose(b, kernel), kernel);
  }

 private:
  double distance(const MatrixF& a, const MatrixF& b, const Transposed& bt,
                  const kernels::SimpleCostsKernel& kernel) const {
    check_length(a, b, m_);
    const auto m = static_cast<std::size_t>(m_);
    return fits_fast_path(a.rows, b.rows) ? median_fast(a, b, bt, m, kernel) : median_of(profile_double(a, b, m_));
  }

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
  check_length(a, b, m);
  return fits_fast_path(a.rows, b.rows) ? profile_fast(a, b, static_cast<std::size_t>(m)) : profile_double(a, b, m);
}

double simple_distance(const MatrixF& a, const MatrixF& b, int m) {
  check_m(m);
  return Simple(m)(a, b);
}

std::unique_ptr<SequenceDistance> detail::make_simple(const Params& params) {
  return std::make_unique<Simple>(static_cast<int>(params.integer("m")));
}

}  // namespace nnr::distance
