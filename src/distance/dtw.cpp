// Exact DTW. The hot kernel runs one query against kLanes references of equal length at once, one
// reference per SIMD lane, so the DP's serial dependency along a row is spread across lanes and every
// lane performs exactly the scalar operation sequence (float frame cost, double accumulation): the
// single-pair dtw() (one lane) and all_pairs (eight lanes) give bit-identical values.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

constexpr std::size_t kLanes = 8;
constexpr double kInf = std::numeric_limits<double>::infinity();

// D rows hold (nb + 1) * L doubles; b is packed [j][k][lane]. w: band half-width (>= |na - nb|).
template <std::size_t L>
inline __attribute__((always_inline)) void dtw_kernel(const float* a, std::size_t na, const float* b,
                                                      std::size_t nb, std::size_t d, std::size_t w,
                                                      double* prev, double* cur, double* out) {
  for (std::size_t x = 0; x < (nb + 1) * L; ++x) prev[x] = kInf;
  for (std::size_t l = 0; l < L; ++l) prev[l] = 0.0;
  for (std::size_t i = 1; i <= na; ++i) {
    const std::size_t jlo = i > w ? i - w : 1;
    const std::size_t jhi = std::min(nb, i + w);
    for (std::size_t l = 0; l < L; ++l) cur[(jlo - 1) * L + l] = kInf;
    const float* ai = a + (i - 1) * d;
    for (std::size_t j = jlo; j <= jhi; ++j) {
      const float* bj = b + (j - 1) * d * L;
      float acc[L];
      for (std::size_t l = 0; l < L; ++l) acc[l] = 0.0f;
      for (std::size_t k = 0; k < d; ++k) {
        const float av = ai[k];
        for (std::size_t l = 0; l < L; ++l) {
          const float diff = av - bj[k * L + l];
          acc[l] += diff * diff;
        }
      }
      const double* pd = prev + (j - 1) * L;
      const double* pu = prev + j * L;
      const double* cl = cur + (j - 1) * L;
      double* co = cur + j * L;
      for (std::size_t l = 0; l < L; ++l) {
        double m = pd[l];
        m = pu[l] < m ? pu[l] : m;
        m = cl[l] < m ? cl[l] : m;
        co[l] = m + static_cast<double>(std::sqrt(acc[l]));
      }
    }
    if (jhi < nb)
      for (std::size_t l = 0; l < L; ++l) cur[(jhi + 1) * L + l] = kInf;
    std::swap(prev, cur);
  }
  for (std::size_t l = 0; l < L; ++l) out[l] = prev[nb * L + l];
}

typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

// The eight-lane kernel in GCC vector extensions (one ymm op under AVX2, two xmm ops on baseline x86-64).
// Per row: frame costs for blocks of four columns (four independent accumulation chains), then the DP
// pass. Each lane performs the operation sequence of dtw_kernel<1>: float sub, mul, add in k order,
// sqrtf, widening to double, min(diag, up, left), add.
inline __attribute__((always_inline)) void dtw8_body(const float* a, std::size_t na, const float* b,
                                                     std::size_t nb, std::size_t d, std::size_t w,
                                                     double* prev, double* cur, float* cost, double* out) {
  constexpr std::size_t L = kLanes;
  for (std::size_t x = 0; x < (nb + 1) * L; ++x) prev[x] = kInf;
  for (std::size_t l = 0; l < L; ++l) prev[l] = 0.0;
  for (std::size_t i = 1; i <= na; ++i) {
    const std::size_t jlo = i > w ? i - w : 1;
    const std::size_t jhi = std::min(nb, i + w);
    const float* ai = a + (i - 1) * d;
    std::size_t j = jlo;
    for (; j + 3 <= jhi; j += 4) {
      const float* b0 = b + (j - 1) * d * L;
      v8f s0 = {}, s1 = {}, s2 = {}, s3 = {};
      for (std::size_t k = 0; k < d; ++k) {
        const float av = ai[k];
        v8f d0, d1, d2, d3;
        std::memcpy(&d0, b0 + k * L, sizeof d0);
        std::memcpy(&d1, b0 + (d + k) * L, sizeof d1);
        std::memcpy(&d2, b0 + (2 * d + k) * L, sizeof d2);
        std::memcpy(&d3, b0 + (3 * d + k) * L, sizeof d3);
        d0 = av - d0;
        d1 = av - d1;
        d2 = av - d2;
        d3 = av - d3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      for (std::size_t l = 0; l < L; ++l) {
        s0[l] = __builtin_sqrtf(s0[l]);
        s1[l] = __builtin_sqrtf(s1[l]);
        s2[l] = __builtin_sqrtf(s2[l]);
        s3[l] = __builtin_sqrtf(s3[l]);
      }
      std::memcpy(cost + (j + 0) * L, &s0, sizeof s0);
      std::memcpy(cost + (j + 1) * L, &s1, sizeof s1);
      std::memcpy(cost + (j + 2) * L, &s2, sizeof s2);
      std::memcpy(cost + (j + 3) * L, &s3, sizeof s3);
    }
    for (; j <= jhi; ++j) {
      const float* b0 = b + (j - 1) * d * L;
      v8f s0 = {};
      for (std::size_t k = 0; k < d; ++k) {
        v8f d0;
        std::memcpy(&d0, b0 + k * L, sizeof d0);
        d0 = ai[k] - d0;
        s0 += d0 * d0;
      }
      for (std::size_t l = 0; l < L; ++l) s0[l] = __builtin_sqrtf(s0[l]);
      std::memcpy(cost + j * L, &s0, sizeof s0);
    }
    for (std::size_t l = 0; l < L; ++l) cur[(jlo - 1) * L + l] = kInf;
    for (j = jlo; j <= jhi; ++j) {
      for (std::size_t h = 0; h < L; h += 4) {
        v4f c4;
        v4d pd, pu, cl;
        std::memcpy(&c4, cost + j * L + h, sizeof c4);
        std::memcpy(&pd, prev + (j - 1) * L + h, sizeof pd);
        std::memcpy(&pu, prev + j * L + h, sizeof pu);
        std::memcpy(&cl, cur + (j - 1) * L + h, sizeof cl);
        v4d m = pd;
        m = pu < m ? pu : m;
        m = cl < m ? cl : m;
        const v4d r = m + __builtin_convertvector(c4, v4d);
        std::memcpy(cur + j * L + h, &r, sizeof r);
      }
    }
    if (jhi < nb)
      for (std::size_t l = 0; l < L; ++l) cur[(jhi + 1) * L + l] = kInf;
    std::swap(prev, cur);
  }
  for (std::size_t l = 0; l < L; ++l) out[l] = prev[nb * L + l];
}

__attribute__((target("avx2"))) void dtw8_avx2(const float* a, std::size_t na, const float* b, std::size_t nb,
                                               std::size_t d, std::size_t w, double* prev, double* cur,
                                               float* cost, double* out) {
  dtw8_body(a, na, b, nb, d, w, prev, cur, cost, out);
}

void dtw8_base(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d, std::size_t w,
               double* prev, double* cur, float* cost, double* out) {
  dtw8_body(a, na, b, nb, d, w, prev, cur, cost, out);
}

using Dtw8 = void (*)(const float*, std::size_t, const float*, std::size_t, std::size_t, std::size_t, double*,
                      double*, float*, double*);
// $NNR_DTW_BASELINE=1 forces the baseline kernel (tests check both give identical values).
Dtw8 pick_dtw8() {
  const char* force = std::getenv("NNR_DTW_BASELINE");
  if (force && *force == '1') return &dtw8_base;
  return __builtin_cpu_supports("avx2") ? &dtw8_avx2 : &dtw8_base;
}

void dtw_lanes1(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d,
                std::size_t w, double* prev, double* cur, double* out) {
  dtw_kernel<1>(a, na, b, nb, d, w, prev, cur, out);
}

std::size_t band_width(std::size_t na, std::size_t nb, int band) {
  const std::size_t diff = na > nb ? na - nb : nb - na;
  if (band < 0) return std::max(na, nb);
  return std::max(static_cast<std::size_t>(band), diff);
}

class Dtw final : public SequenceDistance {
 public:
  explicit Dtw(int band) : band_(band) {}
  std::string name() const override { return "dtw"; }
  nlohmann::json params() const override { return {{"band", band_}}; }

  MatrixD rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, int threads,
                  Range rows) const override {
    MatrixD out(rows.size(), refs.size());
    if (rows.size() == 0 || refs.empty()) return out;
    const std::size_t d = refs[0].cols;
    // Groups of up to kLanes references of equal length, packed [j][k][lane]; a short group repeats
    // its first reference in the spare lanes (their results are discarded).
    std::vector<std::size_t> order(refs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return refs[x].rows < refs[y].rows; });
    struct Group {
      std::vector<std::size_t> idx;
      std::size_t nb = 0;
      std::vector<float> packed;
    };
    std::vector<Group> groups;
    for (std::size_t p = 0; p < order.size();) {
      Group g;
      g.nb = refs[order[p]].rows;
      while (p < order.size() && g.idx.size() < kLanes && refs[order[p]].rows == g.nb) g.idx.push_back(order[p++]);
      g.packed.resize(g.nb * d * kLanes);
      for (std::size_t l = 0; l < kLanes; ++l) {
        const MatrixF& r = refs[g.idx[l < g.idx.size() ? l : 0]];
        for (std::size_t j = 0; j < g.nb; ++j)
          for (std::size_t k = 0; k < d; ++k) g.packed[(j * d + k) * kLanes + l] = r(j, k);
      }
      groups.push_back(std::move(g));
    }
    // Tasks: (group, block of queries); a group's packed data stays in cache across its block.
    constexpr std::size_t kQueryBlock = 16;
    const Dtw8 kernel = pick_dtw8();
    const std::size_t blocks = (rows.size() + kQueryBlock - 1) / kQueryBlock;
    parallel_for(0, groups.size() * blocks, threads, [&](std::size_t task) {
      const Group& g = groups[task / blocks];
      const std::size_t q0 = rows.begin + (task % blocks) * kQueryBlock;
      const std::size_t q1 = std::min(rows.end, q0 + kQueryBlock);
      std::vector<double> prev((g.nb + 1) * kLanes), cur((g.nb + 1) * kLanes);
      std::vector<float> cost((g.nb + 1) * kLanes);
      double res[kLanes];
      for (std::size_t q = q0; q < q1; ++q) {
        const MatrixF& a = queries[q];
        kernel(a.data.data(), a.rows, g.packed.data(), g.nb, d, band_width(a.rows, g.nb, band_), prev.data(),
               cur.data(), cost.data(), res);
        for (std::size_t l = 0; l < g.idx.size(); ++l) out(q - rows.begin, g.idx[l]) = res[l];
      }
    });
    return out;
  }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override {
    std::vector<double> prev(b.rows + 1), cur(b.rows + 1);
    double res = 0;
    dtw_lanes1(a.data.data(), a.rows, b.data.data(), b.rows, a.cols, band_width(a.rows, b.rows, band_),
               prev.data(), cur.data(), &res);
    return res;
  }

 private:
  int band_;
};

}  // namespace

double dtw(const MatrixF& a, const MatrixF& b, int band) {
  if (band < -1) throw_config("distance: dtw band must be >= -1 (band=" + std::to_string(band) + ")");
  return Dtw(band)(a, b);
}

std::unique_ptr<SequenceDistance> detail::make_dtw(const Params& params) {
  return std::make_unique<Dtw>(static_cast<int>(params.integer("band")));
}

}  // namespace nnr::distance
