// FastDTW, a line-by-line port of the python `fastdtw` package (slaypni/fastdtw, fastdtw.py) that the
// paper's code called: same coarsening, window expansion, cell order and tie-breaking, in double, so
// that it reproduces the package's paths and values (not just the algorithm of Salvador & Chan).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "kernels/kernels.hpp"
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

// One level's window: row r of x may use columns [lo[r], hi[r]] of y (one contiguous run per row, rows in
// order, as the package's windows are); the level's cells row after row, from off[r].
struct Workspace {
  std::vector<std::size_t> lo, hi, off;
  std::vector<double> D, dt, ext;        // D and the frame distances dt per cell; ext: row 0's boundary D(0, .)
  std::vector<long> path_min, path_max;  // the path's column span per row (after backtrack)
  bool in_window(std::size_t r, std::size_t c) const { return c >= lo[r] && c <= hi[r]; }
};

// D over the package's 1-based indices: D[0, 0] = 0, the rest of row and column 0 and every cell outside the
// window infinite.
double cell_value(const Workspace& w, std::size_t i, std::size_t j) {
  if (i == 0 || j == 0) return i == 0 && j == 0 ? 0.0 : kInf;
  return w.in_window(i - 1, j - 1) ? w.D[w.off[i - 1] + (j - 1) - w.lo[i - 1]] : kInf;
}

// One row of the recurrence: row[t] = min(row[t-1] + dt[t], u[t]), u[t] = min(up + dt[t], diag + dt[t]),
// row[-1] = inf. The chain through row[t-1] is the one serial dependency; rounding is monotone, so
// min(a, b) + c == min(a + c, b + c) exactly, and four cells unroll into
//   row[t0 + s] = min(P_s, Q_s), P_s = row[t0 - 1] + dt[t0] + ... + dt[t0 + s]  (left to right),
//   Q_s = min(Q_(s-1) + dt[t0 + s], u[t0 + s]), Q_0 = u[t0],
// the same bits as cell by cell. Only the adds of P stay on the chain (one min per four cells); the Q of
// different blocks are independent of each other.
void dp_row(const double* ext, const double* dt, std::size_t n, double* row) {
  double left = kInf;
  std::size_t t = 0;
  const auto u = [&](std::size_t c) { return std::min(ext[c + 1] + dt[c], ext[c] + dt[c]); };
  for (; t + 4 <= n; t += 4) {
    const double q0 = u(t), q1 = std::min(q0 + dt[t + 1], u(t + 1)), q2 = std::min(q1 + dt[t + 2], u(t + 2)),
                 q3 = std::min(q2 + dt[t + 3], u(t + 3));
    const double p0 = left + dt[t], p1 = p0 + dt[t + 1], p2 = p1 + dt[t + 2], p3 = p2 + dt[t + 3];
    row[t] = std::min(p0, q0);
    row[t + 1] = std::min(p1, q1);
    row[t + 2] = std::min(p2, q2);
    row[t + 3] = left = std::min(p3, q3);
  }
  for (; t < n; ++t) row[t] = left = std::min(left + dt[t], u(t));
}

// __dtw on the window: candidates in the package's order (up, left, diagonal), each + dt, the first minimum
// wins. With `trace`, backtracks the path into path_min / path_max (the package's path, row spans only).
double windowed_dtw(const Seq& x, const Seq& y, Workspace& w, bool trace) {
  static const kernels::FastDtwCostsKernel costs = kernels::fastdtw_costs_kernel();
  const std::size_t nx = x.n;
  // Row r's cells at D[off[r] ..], after one infinite slot (column lo[r] - 1) and followed by infinite
  // slots up to the next row's last column: so the next row reads the one above in place, column c at
  // off[r] + c - lo[r] for every c in [lo[r + 1] - 1, hi[r + 1]] (lo never decreases), with no per-row copy.
  w.off.resize(nx + 1);
  std::size_t end = 0;  // one past the last slot of the row laid out last
  for (std::size_t r = 0; r < nx; ++r) {
    const std::size_t pad = r + 1 < nx && w.hi[r + 1] > w.hi[r] ? w.hi[r + 1] - w.hi[r] : 0;
    w.off[r] = end + 1;
    end = w.off[r] + (w.hi[r] - w.lo[r] + 1) + pad;
  }
  w.off[nx] = end + 1;
  if (w.D.size() < end) w.D.resize(end);
  // The recurrence writes the cells; the slots around them are set here.
  for (std::size_t r = 0; r < nx; ++r) {
    double* const slot = w.D.data() + w.off[r];
    slot[-1] = kInf;
    std::fill(slot + (w.hi[r] - w.lo[r] + 1), w.D.data() + w.off[r + 1] - 1, kInf);
  }
  if (w.dt.size() < end + 8) w.dt.resize(end + 8);
  double* D = w.D.data();
  if (w.ext.size() < w.hi[0] - w.lo[0] + 2) w.ext.resize(w.hi[0] - w.lo[0] + 2);
  for (std::size_t r = 0; r < nx; ++r) {
    const std::size_t lo = w.lo[r], hi = w.hi[r], n = hi - lo + 1, base = w.off[r];
    // Writes n + 7 values: the slack lands on padding or the next row's cells, which its own call overwrites.
    costs.run(x.row(r), y.xt.data(), y.n + kPad, y.d, lo, n, w.dt.data() + base);
    // ext[t] = D(r, lo + t) of the row above in 1-based columns: up of column c is ext[c - lo + 1], diag
    // ext[c - lo]. Row 0's is D(0, .): 0 at column 0, infinite elsewhere.
    const double* ext;
    if (r == 0) {
      std::fill(w.ext.begin(), w.ext.begin() + static_cast<long>(n + 1), kInf);
      if (lo == 0) w.ext[0] = 0.0;
      ext = w.ext.data();
    } else {
      ext = D + w.off[r - 1] + (lo - w.lo[r - 1]) - 1;
    }
    // The value is min(up, left, diag) + dt whatever the order; only the choice (the path) needs the
    // package's order, and the backtrack recomputes it on the path's cells alone.
    dp_row(ext, w.dt.data() + base, n, D + base);
  }
  const double cost = w.in_window(nx - 1, y.n - 1) ? D[w.off[nx - 1] + y.n - 1 - w.lo[nx - 1]] : kInf;
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
    if (i == 0 || j == 0 || !w.in_window(i - 1, j - 1)) broken();
    const std::size_t r = i - 1, c = j - 1, cell = w.off[r] + c - w.lo[r];
    const double m = D[cell], dt = w.dt[cell];
    if (!std::isfinite(m)) broken();
    w.path_min[r] = std::min(w.path_min[r], static_cast<long>(c));
    w.path_max[r] = std::max(w.path_max[r], static_cast<long>(c));
    // The same sums as the forward pass, so the same bits: the first candidate equal to the minimum.
    if (cell_value(w, i - 1, j) + dt == m) {
      --i;
    } else if (cell_value(w, i, j - 1) + dt == m) {
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
  const std::vector<long>&minj = w.path_min, &maxj = w.path_max;
  w.lo.resize(nx);
  w.hi.resize(nx);
  long start_j = 0, lo = 0, hi = -1, span_of = -1;
  for (std::size_t i = 0; i < nx; ++i) {
    const long p = static_cast<long>(i / 2);
    if (p != span_of) {  // fine rows 2p and 2p + 1 share their coarse span
      span_of = p;
      lo = std::numeric_limits<long>::max();
      hi = std::numeric_limits<long>::min();
      for (long q = std::max(0L, p - r); q <= std::min(static_cast<long>(coarse_rows) - 1, p + r); ++q) {
        lo = std::min(lo, minj[static_cast<std::size_t>(q)] - r);
        hi = std::max(hi, maxj[static_cast<std::size_t>(q)] + r);
      }
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
