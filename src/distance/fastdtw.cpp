// FastDTW, a line-by-line port of the python `fastdtw` package (slaypni/fastdtw, fastdtw.py) that the
// paper's code called: same coarsening, window expansion, cell order and tie-breaking, in double, so
// that it reproduces the package's paths and values (not just the algorithm of Salvador & Chan).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Seq {
  std::size_t n = 0, d = 0;
  std::vector<double> x;  // n x d
  const double* row(std::size_t i) const { return x.data() + i * d; }
};

Seq to_seq(const MatrixF& m) {
  Seq s;
  s.n = m.rows;
  s.d = m.cols;
  s.x.assign(m.data.begin(), m.data.end());
  return s;
}

// __reduce_by_half: (x[i] + x[i+1]) / 2 for even i; an odd last frame is dropped.
Seq reduce_by_half(const Seq& s) {
  Seq r;
  r.n = s.n / 2;
  r.d = s.d;
  r.x.resize(r.n * r.d);
  for (std::size_t i = 0; i < r.n; ++i)
    for (std::size_t k = 0; k < s.d; ++k) r.x[i * s.d + k] = (s.row(2 * i)[k] + s.row(2 * i + 1)[k]) / 2;
  return r;
}

double frame_dist(const double* a, const double* b, std::size_t d) {
  double s = 0;
  for (std::size_t k = 0; k < d; ++k) {
    const double diff = a[k] - b[k];
    s += diff * diff;
  }
  return std::sqrt(s);
}

// Window: for each row of x, the inclusive column range [lo, hi] of y (the package's windows are one
// contiguous run per row, rows in order).
struct Window {
  std::vector<std::size_t> lo, hi;
};

struct Result {
  double cost = 0;
  std::vector<std::pair<std::size_t, std::size_t>> path;
};

// __dtw: D[i, j] over 1-based indices, D[0, 0] = 0, cells outside the window are infinite; candidates in
// the package's order (up, left, diagonal), the first minimum wins.
Result windowed_dtw(const Seq& x, const Seq& y, const Window& w) {
  const std::size_t nx = x.n;
  std::vector<std::size_t> off(nx + 1, 0);
  for (std::size_t r = 0; r < nx; ++r) off[r + 1] = off[r] + (w.hi[r] - w.lo[r] + 1);
  std::vector<double> D(off[nx]);
  std::vector<std::uint8_t> from(off[nx]);
  auto get = [&](std::size_t i, std::size_t j) -> double {  // 1-based
    if (i == 0) return j == 0 ? 0.0 : kInf;
    if (j == 0) return kInf;
    const std::size_t r = i - 1, c = j - 1;
    if (c < w.lo[r] || c > w.hi[r]) return kInf;
    return D[off[r] + c - w.lo[r]];
  };
  for (std::size_t r = 0; r < nx; ++r) {
    for (std::size_t c = w.lo[r]; c <= w.hi[r]; ++c) {
      const std::size_t i = r + 1, j = c + 1;
      const double dt = frame_dist(x.row(r), y.row(c), x.d);
      double best = get(i - 1, j) + dt;
      std::uint8_t choice = 0;
      const double left = get(i, j - 1) + dt;
      if (left < best) {
        best = left;
        choice = 1;
      }
      const double diag = get(i - 1, j - 1) + dt;
      if (diag < best) {
        best = diag;
        choice = 2;
      }
      D[off[r] + c - w.lo[r]] = best;
      from[off[r] + c - w.lo[r]] = choice;
    }
  }
  Result res;
  res.cost = get(nx, y.n);
  std::size_t i = nx, j = y.n;
  while (!(i == 0 && j == 0)) {
    if (i == 0 || j == 0 || j - 1 < w.lo[i - 1] || j - 1 > w.hi[i - 1] || !std::isfinite(get(i, j)))
      throw_input("distance: fastdtw window does not connect the start and end cells (lengths=" +
                  std::to_string(nx) + "," + std::to_string(y.n) +
                  "); the python package fails here too; use radius >= 1");
    res.path.emplace_back(i - 1, j - 1);
    const std::uint8_t c = from[off[i - 1] + (j - 1) - w.lo[i - 1]];
    if (c == 0) {
      --i;
    } else if (c == 1) {
      --j;
    } else {
      --i;
      --j;
    }
  }
  std::reverse(res.path.begin(), res.path.end());
  return res;
}

Window full_window(std::size_t nx, std::size_t ny) {
  Window w;
  w.lo.assign(nx, 0);
  w.hi.assign(nx, ny - 1);
  return w;
}

// __expand_window. The coarse path is monotone and connected, so the radius-expanded set of a coarse row
// p is one interval [min j - r, max j + r] over the path cells in rows p-r..p+r; doubling gives the fine
// rows 2p, 2p+1 the interval [2 lo, 2 hi + 1]; the package's scan then keeps, per row, the run starting at
// or after the previous row's first column.
Window expand_window(const std::vector<std::pair<std::size_t, std::size_t>>& path, std::size_t nx,
                     std::size_t ny, int radius) {
  const long r = radius;
  const std::size_t coarse_rows = path.back().first + 1;
  std::vector<long> minj(coarse_rows, std::numeric_limits<long>::max()), maxj(coarse_rows, -1);
  for (const auto& [i, j] : path) {
    minj[i] = std::min(minj[i], static_cast<long>(j));
    maxj[i] = std::max(maxj[i], static_cast<long>(j));
  }
  Window w;
  w.lo.resize(nx);
  w.hi.resize(nx);
  long start_j = 0;
  for (std::size_t i = 0; i < nx; ++i) {
    const long p = static_cast<long>(i / 2);
    long lo = std::numeric_limits<long>::max(), hi = std::numeric_limits<long>::min();
    for (long q = std::max(0L, p - r); q <= std::min(static_cast<long>(coarse_rows) - 1, p + r); ++q) {
      lo = std::min(lo, minj[static_cast<std::size_t>(q)] - r);
      hi = std::max(hi, maxj[static_cast<std::size_t>(q)] + r);
    }
    const long first = std::max(2 * lo, start_j);
    const long last = std::min(2 * hi + 1, static_cast<long>(ny) - 1);
    if (lo > hi || first > last)
      throw_input("distance: fastdtw window has an empty row (row=" + std::to_string(i) +
                  ", radius=" + std::to_string(radius) + "); the python package fails here too; use radius >= 1");
    w.lo[i] = static_cast<std::size_t>(first);
    w.hi[i] = static_cast<std::size_t>(last);
    start_j = first;
  }
  return w;
}

Result fastdtw_rec(const Seq& x, const Seq& y, int radius) {
  const std::size_t min_size = static_cast<std::size_t>(radius) + 2;
  if (x.n < min_size || y.n < min_size) return windowed_dtw(x, y, full_window(x.n, y.n));
  const Result coarse = fastdtw_rec(reduce_by_half(x), reduce_by_half(y), radius);
  return windowed_dtw(x, y, expand_window(coarse.path, x.n, y.n, radius));
}

class FastDtw final : public SequenceDistance {
 public:
  explicit FastDtw(int radius) : radius_(radius) {}
  std::string name() const override { return "fastdtw"; }
  nlohmann::json params() const override { return {{"radius", radius_}}; }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override {
    return fastdtw_rec(to_seq(a), to_seq(b), radius_).cost;
  }

 private:
  int radius_;
};

}  // namespace

double fastdtw(const MatrixF& a, const MatrixF& b, int radius) {
  if (radius < 0) throw_config("distance: fastdtw radius must be >= 0 (radius=" + std::to_string(radius) + ")");
  return FastDtw(radius)(a, b);
}

double dtw_reference(const MatrixF& a, const MatrixF& b) {
  detail::check_sequence(a, "a");
  detail::check_sequence(b, "b", a.cols);
  const Seq x = to_seq(a), y = to_seq(b);
  return windowed_dtw(x, y, full_window(x.n, y.n)).cost;
}

std::unique_ptr<SequenceDistance> detail::make_fastdtw(const Params& params) {
  return std::make_unique<FastDtw>(static_cast<int>(params.integer("radius")));
}

}  // namespace nnr::distance
