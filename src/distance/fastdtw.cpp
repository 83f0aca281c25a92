// FastDTW, a line-by-line port of the python `fastdtw` package (slaypni/fastdtw, fastdtw.py) that the
// paper's code called: same coarsening, window expansion, cell order and tie-breaking, in double, so
// that it reproduces the package's paths and values (not just the algorithm of Salvador & Chan).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kPad = 8;  // columns of slack after each transposed row (whole-vector reads)

struct Seq {
  std::size_t n = 0, d = 0;
  std::vector<double> x;   // n x d
  std::vector<double> xt;  // d x (n + kPad): frames in columns, for distances to many frames at once
  const double* row(std::size_t i) const { return x.data() + i * d; }
};

void transpose_frames(Seq& s) {
  const std::size_t stride = s.n + kPad;
  s.xt.assign(s.d * stride, 0.0);
  for (std::size_t i = 0; i < s.n; ++i)
    for (std::size_t k = 0; k < s.d; ++k) s.xt[k * stride + i] = s.x[i * s.d + k];
}

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

// A sequence and its coarsenings, down to the first level shorter than radius + 2 (where the recursion
// of any pair involving it stops at the latest). Built once per sequence, shared by all its pairs.
struct Pyramid {
  std::vector<Seq> levels;
};

Pyramid pyramid(const MatrixF& m, int radius) {
  const std::size_t min_size = static_cast<std::size_t>(radius) + 2;
  Pyramid p;
  p.levels.push_back(to_seq(m));
  while (p.levels.back().n >= min_size) p.levels.push_back(reduce_by_half(p.levels.back()));
  for (Seq& s : p.levels) transpose_frames(s);
  return p;
}

typedef double v8d __attribute__((vector_size(64)));

// Euclidean distances of frame x to frames lo .. lo + n - 1 of y, eight frames at a time (one AVX-512
// vector, two AVX2 or four SSE2 ones: the clone is picked at run time): per frame, squares summed in k
// order, then the square root (correctly rounded), so every clone gives the same bits. out needs n + 7
// slots.
__attribute__((target_clones("avx512f", "avx2", "default"))) void frame_distances(const double* x, const Seq& y,
                                                                                 std::size_t lo, std::size_t n,
                                                                                 double* out) {
  const std::size_t stride = y.n + kPad, d = y.d;
  for (std::size_t c = 0; c < n; c += 8) {
    const double* col = y.xt.data() + lo + c;
    v8d s = {};
    for (std::size_t k = 0; k < d; ++k) {
      v8d v;
      std::memcpy(&v, col + k * stride, sizeof v);
      const v8d t = x[k] - v;
      s += t * t;
    }
    for (std::size_t l = 0; l < 8; ++l) out[c + l] = std::sqrt(s[l]);
  }
}

// One level's window: row r of x may use columns [lo[r], hi[r]] of y (one contiguous run per row, rows in
// order, as the package's windows are).
struct Workspace {
  std::vector<std::size_t> lo, hi, off;
  std::vector<double> D, dt, ext;
  std::vector<std::uint8_t> from;
  std::vector<long> path_min, path_max;  // the path's column span per row (after backtrack)
};

// __dtw on the window: D[i, j] over 1-based indices, D[0, 0] = 0, cells outside the window infinite;
// candidates in the package's order (up, left, diagonal), each + dt, the first minimum wins. With
// `trace`, backtracks the path into path_min / path_max (the package's path, row spans only).
double windowed_dtw(const Seq& x, const Seq& y, Workspace& w, bool trace) {
  const std::size_t nx = x.n;
  w.off.resize(nx + 1);
  w.off[0] = 0;
  for (std::size_t r = 0; r < nx; ++r) w.off[r + 1] = w.off[r] + (w.hi[r] - w.lo[r] + 1);
  w.D.resize(w.off[nx]);
  w.from.resize(w.off[nx]);
  double* D = w.D.data();
  for (std::size_t r = 0; r < nx; ++r) {
    const std::size_t lo = w.lo[r], hi = w.hi[r], n = hi - lo + 1, base = w.off[r];
    if (w.dt.size() < n + 8) w.dt.resize(n + 8);
    frame_distances(x.row(r), y, lo, n, w.dt.data());
    // ext[t] = D(r, lo + t) of the row above in 1-based columns (D(0, 0) = 0): up of column c is
    // ext[c - lo + 1], diag ext[c - lo]. The row above covers ext[a..b]; infinite outside.
    if (w.ext.size() < n + 1) w.ext.resize(n + 1);
    double* ext = w.ext.data();
    if (r == 0) {
      std::fill(ext, ext + n + 1, kInf);
      if (lo == 0) ext[0] = 0.0;
    } else {
      const long plo = static_cast<long>(w.lo[r - 1]), phi = static_cast<long>(w.hi[r - 1]), l = static_cast<long>(lo);
      const long a = std::max({plo + 1 - l, 1 - l, 0L}), b = std::min(phi + 1 - l, static_cast<long>(n));
      const double* above = D + w.off[r - 1];
      if (a > b) {
        std::fill(ext, ext + n + 1, kInf);
      } else {
        std::fill(ext, ext + a, kInf);
        std::copy(above + (l + a - 1 - plo), above + (l + b - plo), ext + a);
        std::fill(ext + b + 1, ext + n + 1, kInf);
      }
    }
    // The value is min(up, left, diag) + dt whatever the order; only the choice (the path) needs the
    // package's order. So min(up, diag) + dt, then the one serial dependency, left.
    const double* dt = w.dt.data();
    double left = kInf;
    double* row = D + base;
    if (!trace) {
      for (std::size_t t = 0; t < n; ++t) {
        const double ud = std::min(ext[t + 1] + dt[t], ext[t] + dt[t]);
        row[t] = left = std::min(left + dt[t], ud);
      }
      continue;
    }
    // With the path wanted, also the package's choice, up, left, diagonal: the first candidate equal to the
    // minimum.
    std::uint8_t* from = w.from.data() + base;
    for (std::size_t t = 0; t < n; ++t) {
      const double up = ext[t + 1] + dt[t], lf = left + dt[t];
      const double m = std::min(lf, std::min(up, ext[t] + dt[t]));
      row[t] = left = m;
      from[t] = up == m ? 0 : (lf == m ? 1 : 2);
    }
  }
  const double cost = (y.n - 1 >= w.lo[nx - 1] && y.n - 1 <= w.hi[nx - 1]) ? D[w.off[nx - 1] + y.n - 1 - w.lo[nx - 1]]
                                                                            : kInf;
  const auto broken = [&] {
    throw_input("distance: fastdtw window does not connect the start and end cells (lengths=" + std::to_string(nx) +
                "," + std::to_string(y.n) + "); the python package fails here too; use radius >= 1");
  };
  if (!std::isfinite(cost)) broken();
  if (!trace) return cost;
  w.path_min.assign(nx, std::numeric_limits<long>::max());
  w.path_max.assign(nx, -1);
  std::size_t i = nx, j = y.n;  // 1-based
  while (!(i == 0 && j == 0)) {
    if (i == 0 || j == 0 || j - 1 < w.lo[i - 1] || j - 1 > w.hi[i - 1]) broken();
    const std::size_t r = i - 1, c = j - 1, cell = w.off[r] + c - w.lo[r];
    if (!std::isfinite(D[cell])) broken();
    w.path_min[r] = std::min(w.path_min[r], static_cast<long>(c));
    w.path_max[r] = std::max(w.path_max[r], static_cast<long>(c));
    const std::uint8_t ch = w.from[cell];
    if (ch == 0) {
      --i;
    } else if (ch == 1) {
      --j;
    } else {
      --i;
      --j;
    }
  }
  return cost;
}

void full_window(std::size_t nx, std::size_t ny, Workspace& w) {
  w.lo.assign(nx, 0);
  w.hi.assign(nx, ny - 1);
}

// __expand_window from the coarse path's row spans. The coarse path is monotone and connected, so the
// radius-expanded set of a coarse row p is one interval [min j - r, max j + r] over the path cells in rows
// p-r..p+r; doubling gives the fine rows 2p, 2p+1 the interval [2 lo, 2 hi + 1]; the package's scan then
// keeps, per row, the run starting at or after the previous row's first column.
void expand_window(std::size_t coarse_rows, std::size_t nx, std::size_t ny, int radius, Workspace& w) {
  const long r = radius;
  const std::vector<long> minj = w.path_min, maxj = w.path_max;
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
    // lo > hi: no coarse row in reach (radius 0 at a path gap); test it before doubling LONG_MAX.
    const long first = lo > hi ? 0 : std::max(2 * lo, start_j);
    const long last = lo > hi ? -1 : std::min(2 * hi + 1, static_cast<long>(ny) - 1);
    if (first > last)
      throw_input("distance: fastdtw window has an empty row (row=" + std::to_string(i) +
                  ", radius=" + std::to_string(radius) + "); the python package fails here too; use radius >= 1");
    w.lo[i] = static_cast<std::size_t>(first);
    w.hi[i] = static_cast<std::size_t>(last);
    start_j = first;
  }
}

// The package's recursion, bottom-up: full DTW at the first level where either sequence is shorter than
// radius + 2, then each finer level inside the window its coarser path expands to.
double fastdtw_pyramids(const Pyramid& px, const Pyramid& py, int radius) {
  const std::size_t min_size = static_cast<std::size_t>(radius) + 2;
  std::size_t level = 0;
  while (px.levels[level].n >= min_size && py.levels[level].n >= min_size) ++level;
  thread_local Workspace w;
  full_window(px.levels[level].n, py.levels[level].n, w);
  double cost = windowed_dtw(px.levels[level], py.levels[level], w, level > 0);
  while (level > 0) {
    --level;
    expand_window(px.levels[level + 1].n, px.levels[level].n, py.levels[level].n, radius, w);
    cost = windowed_dtw(px.levels[level], py.levels[level], w, level > 0);
  }
  return cost;
}

class FastDtw final : public SequenceDistance {
 public:
  explicit FastDtw(int radius) : radius_(radius) {}
  std::string name() const override { return "fastdtw"; }
  nlohmann::json params() const override { return {{"radius", radius_}}; }

  // Every sequence's coarsenings made once for the block, not once per pair; a query keeps only its frames,
  // a reference only its transposed frames (what windowed_dtw reads); the tiles keep the pyramids they
  // touch in cache (a row of 1,000 references is ~65 MB of them).
  MatrixD rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, int threads,
                  Range rows) const override {
    std::vector<Pyramid> pq(rows.size()), pr(refs.size());
    parallel_for(0, rows.size() + refs.size(), threads, [&](std::size_t k) {
      if (k < rows.size()) {
        pq[k] = pyramid(queries[rows.begin + k], radius_);
        for (Seq& l : pq[k].levels) std::vector<double>().swap(l.xt);
      } else {
        Pyramid& p = pr[k - rows.size()];
        p = pyramid(refs[k - rows.size()], radius_);
        for (Seq& l : p.levels) std::vector<double>().swap(l.x);
      }
    });
    return detail::tiled_pairs(rows.size(), refs.size(), threads,
                               [&](std::size_t q, std::size_t r) { return fastdtw_pyramids(pq[q], pr[r], radius_); });
  }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override {
    return fastdtw_pyramids(pyramid(a, radius_), pyramid(b, radius_), radius_);
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
  const Seq x = to_seq(a);
  Seq y = to_seq(b);
  transpose_frames(y);
  Workspace w;
  full_window(x.n, y.n, w);
  return windowed_dtw(x, y, w, false);
}

std::unique_ptr<SequenceDistance> detail::make_fastdtw(const Params& params) {
  return std::make_unique<FastDtw>(static_cast<int>(params.integer("radius")));
}

}  // namespace nnr::distance
