// The exact-DTW lane kernel, written once over an ISA's vector operations `O` and included by
// dtw_<isa>.cpp (inside an anonymous namespace). A call runs one query against L = 2 * O::W references,
// one per float lane: two float vectors per frame, four double vectors per DP cell.
//
// Per tile of O::R query frames: the frame costs of the tile against every reference frame in the
// band (each packed reference frame loaded once for the whole tile, 2 x rows independent accumulation
// chains), then the DP over the tile's rows. The DP's serial dependency runs along a row; the four double
// vectors of a cell are four independent chains.
//
// Every lane performs the operation sequence documented in kernels.hpp, so the single-pair dtw() and
// all_pairs (both through this kernel) agree bit for bit, for any grouping of references into calls.

constexpr std::size_t kW = O::W;      // floats per vector
constexpr std::size_t kL = 2 * kW;    // lanes (references) per call
constexpr std::size_t kH = kW / 2;    // doubles per vector
constexpr std::size_t kR = O::R;     // query frames per tile
constexpr double kInf = __builtin_inf();

inline std::size_t smaller(std::size_t x, std::size_t y) { return x < y ? x : y; }

// Frame costs of `rows` query frames (a, row-major, d floats each) against reference frames jlo..jhi.
template <std::size_t Rows>
inline __attribute__((always_inline)) void tile_costs(const float* a, const float* b, std::size_t d,
                                                      std::size_t jlo, std::size_t jhi, float* cost,
                                                      std::size_t stride) {
  for (std::size_t j = jlo; j <= jhi; ++j) {
    const float* bj = b + (j - 1) * d * kL;
    typename O::F s[Rows][2];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) s[r][0] = s[r][1] = O::zero();
    for (std::size_t k = 0; k < d; ++k) {
      const typename O::F x0 = O::load(bj + k * kL), x1 = O::load(bj + k * kL + kW);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < Rows; ++r) {
        const typename O::F ar = O::broadcast(a[r * d + k]);
        const typename O::F t0 = O::sub(x0, ar), t1 = O::sub(x1, ar);
        s[r][0] = O::square_add(t0, s[r][0]);
        s[r][1] = O::square_add(t1, s[r][1]);
      }
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
      O::store(cost + r * stride + j * kL, O::sqrt(s[r][0]));
      O::store(cost + r * stride + j * kL + kW, O::sqrt(s[r][1]));
    }
  }
}

// One DP row: cur[j] = cost[j] + min(prev[j-1], prev[j], cur[j-1]) for j in jlo..jhi, in double.
inline __attribute__((always_inline)) void dp_row(const float* cost, const double* prev, double* cur,
                                                  std::size_t jlo, std::size_t jhi, std::size_t nb) {
  for (std::size_t l = 0; l < kL; ++l) cur[(jlo - 1) * kL + l] = kInf;
  typename O::D left[4], diag[4];
#pragma GCC unroll 4
  for (std::size_t q = 0; q < 4; ++q) {
    left[q] = O::load_d(cur + (jlo - 1) * kL + q * kH);
    diag[q] = O::load_d(prev + (jlo - 1) * kL + q * kH);
  }
  for (std::size_t j = jlo; j <= jhi; ++j) {
    const typename O::F c0 = O::load(cost + j * kL), c1 = O::load(cost + j * kL + kW);
    const typename O::D c[4] = {O::low(c0), O::high(c0), O::low(c1), O::high(c1)};
#pragma GCC unroll 4
    for (std::size_t q = 0; q < 4; ++q) {
      const typename O::D up = O::load_d(prev + j * kL + q * kH);
      const typename O::D r = O::add_d(O::min_d(O::min_d(diag[q], up), left[q]), c[q]);
      O::store_d(cur + j * kL + q * kH, r);
      left[q] = r;
      diag[q] = up;
    }
  }
  if (jhi < nb)
    for (std::size_t l = 0; l < kL; ++l) cur[(jhi + 1) * kL + l] = kInf;
}

// The unbanded case, costs and DP fused per column: for reference frame j, the frame costs of the tile's
// Rows query frames (k loop), then the DP down that column (row r's up and diag come from row r - 1).
// The DP's dependencies run down a column and along a row, never into the next column's k loop, so the
// out-of-order core overlaps the DP with the next column's arithmetic. `row` holds the DP row above the
// tile on entry and the tile's last row on return; `left` (Rows x kL doubles) is scratch.
template <std::size_t Rows>
inline __attribute__((always_inline)) void fused_tile(const float* a, const float* b, std::size_t nb,
                                                      std::size_t d, double* row, double* left) {
  typename O::D carry[4];  // row[j - 1] before it was overwritten: the diag of the tile's first row
#pragma GCC unroll 4
  for (std::size_t q = 0; q < 4; ++q) carry[q] = O::load_d(row + q * kH);
  for (std::size_t l = 0; l < kL; ++l) row[l] = kInf;  // D(i, 0) = inf for i >= 1
  for (std::size_t x = 0; x < Rows * kL; ++x) left[x] = kInf;
  for (std::size_t j = 1; j <= nb; ++j) {
    const float* bj = b + (j - 1) * d * kL;
    typename O::F s[Rows][2];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) s[r][0] = s[r][1] = O::zero();
    for (std::size_t k = 0; k < d; ++k) {
      const typename O::F x0 = O::load(bj + k * kL), x1 = O::load(bj + k * kL + kW);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < Rows; ++r) {
        const typename O::F ar = O::broadcast(a[r * d + k]);
        const typename O::F t0 = O::sub(x0, ar), t1 = O::sub(x1, ar);
        s[r][0] = O::square_add(t0, s[r][0]);
        s[r][1] = O::square_add(t1, s[r][1]);
      }
    }
    typename O::D up[4], diag[4];
#pragma GCC unroll 4
    for (std::size_t q = 0; q < 4; ++q) {
      up[q] = O::load_d(row + j * kL + q * kH);
      diag[q] = carry[q];
      carry[q] = up[q];
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
      const typename O::F c0 = O::sqrt(s[r][0]), c1 = O::sqrt(s[r][1]);
      const typename O::D c[4] = {O::low(c0), O::high(c0), O::low(c1), O::high(c1)};
#pragma GCC unroll 4
      for (std::size_t q = 0; q < 4; ++q) {
        double* lp = left + r * kL + q * kH;
        const typename O::D lv = O::load_d(lp);
        const typename O::D v = O::add_d(O::min_d(O::min_d(diag[q], up[q]), lv), c[q]);
        O::store_d(lp, v);
        diag[q] = lv;  // (r, j - 1) is the next row's diag
        up[q] = v;     // (r, j) is the next row's up
      }
    }
#pragma GCC unroll 4
    for (std::size_t q = 0; q < 4; ++q) O::store_d(row + j * kL + q * kH, up[q]);
  }
}

// The last na % kR rows as one tile of that many rows (a pass per row would cost ~3x per cell).
template <std::size_t Rows = kR - 1>
inline void remainder_tile(std::size_t rows, const float* a, const float* b, std::size_t nb, std::size_t d,
                           double* row, double* left) {
  if constexpr (Rows > 0) {
    if (rows == Rows) return fused_tile<Rows>(a, b, nb, d, row, left);
    remainder_tile<Rows - 1>(rows, a, b, nb, d, row, left);
  }
}

void dtw_lanes(const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t d, std::size_t w,
               void* work, double* out) {
  double* prev = static_cast<double*>(work);
  double* cur = prev + (nb + 1) * kL;
  float* cost = reinterpret_cast<float*>(cur + (nb + 1) * kL);
  const std::size_t stride = (nb + 1) * kL;
  for (std::size_t x = 0; x < (nb + 1) * kL; ++x) prev[x] = kInf;
  for (std::size_t l = 0; l < kL; ++l) prev[l] = 0.0;
  if (w + 1 >= na && w + 1 >= nb) {  // no band: every row spans 1..nb
    std::size_t i0 = 1;
    double* left = reinterpret_cast<double*>(cost);  // kR x kL doubles fit in the cost buffer
    for (; i0 + kR <= na + 1; i0 += kR) fused_tile<kR>(a + (i0 - 1) * d, b, nb, d, prev, left);
    if (i0 <= na) remainder_tile(na - i0 + 1, a + (i0 - 1) * d, b, nb, d, prev, left);
    for (std::size_t l = 0; l < kL; ++l) out[l] = prev[nb * kL + l];
    return;
  }
  for (std::size_t i0 = 1; i0 <= na; i0 += kR) {
    const std::size_t rows = smaller(kR, na - i0 + 1);
    const std::size_t jlo = i0 > w ? i0 - w : 1;             // band of the tile's first row
    const std::size_t jhi = smaller(nb, i0 + rows - 1 + w);  // ... and of its last
    const float* at = a + (i0 - 1) * d;
    if (rows == kR)
      tile_costs<kR>(at, b, d, jlo, jhi, cost, stride);
    else
      for (std::size_t r = 0; r < rows; ++r) tile_costs<1>(at + r * d, b, d, jlo, jhi, cost + r * stride, stride);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t i = i0 + r;
      dp_row(cost + r * stride, prev, cur, i > w ? i - w : 1, smaller(nb, i + w), nb);
      double* t = prev;
      prev = cur;
      cur = t;
    }
  }
  for (std::size_t l = 0; l < kL; ++l) out[l] = prev[nb * kL + l];
}
