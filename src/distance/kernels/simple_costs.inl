// SiMPle's frame-pair costs in float, written once over an ISA's vector operations `O` and included by
// simple_<isa>.cpp (inside an anonymous namespace): C(i, j) = sum_k (a_ik - b_jk)^2 for all i, j, with
// consecutive j in the lanes. A tile is O::R query frames x 2 vectors of columns (2 x O::R independent
// accumulation chains, each bt vector loaded once per tile). The caller bounds the float error and
// recomputes what it reports in double (simple.cpp).

constexpr std::size_t kW = O::W;  // floats per vector
constexpr std::size_t kR = O::R;

template <std::size_t Rows>
inline __attribute__((always_inline)) void cost_rows(const float* a, const float* bt, std::size_t nbp,
                                                     std::size_t ncols, std::size_t d, float* c) {
  std::size_t j = 0;
  for (; j + 2 * kW <= ncols; j += 2 * kW) {
    typename O::F s[Rows][2];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) s[r][0] = s[r][1] = O::zero();
    for (std::size_t k = 0; k < d; ++k) {
      const typename O::F x0 = O::load(bt + k * nbp + j), x1 = O::load(bt + k * nbp + j + kW);
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
      O::store(c + r * nbp + j, s[r][0]);
      O::store(c + r * nbp + j + kW, s[r][1]);
    }
  }
  if (j < ncols) {  // one vector of columns left
    typename O::F s[Rows];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) s[r] = O::zero();
    for (std::size_t k = 0; k < d; ++k) {
      const typename O::F x0 = O::load(bt + k * nbp + j);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < Rows; ++r) {
        const typename O::F t0 = O::sub(x0, O::broadcast(a[r * d + k]));
        s[r] = O::square_add(t0, s[r]);
      }
    }
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) O::store(c + r * nbp + j, s[r]);
  }
}

template <std::size_t Rows = kR - 1>
inline void remainder_rows(std::size_t rows, const float* a, const float* bt, std::size_t nbp,
                           std::size_t ncols, std::size_t d, float* c) {
  if constexpr (Rows > 0) {
    if (rows == Rows) return cost_rows<Rows>(a, bt, nbp, ncols, d, c);
    remainder_rows<Rows - 1>(rows, a, bt, nbp, ncols, d, c);
  }
}

// a: na x d row-major; bt: d x nbp; columns [0, ncols) of c (na x nbp), ncols a multiple of kW.
void simple_costs(const float* a, std::size_t na, const float* bt, std::size_t nbp, std::size_t ncols,
                  std::size_t d, float* c) {
  std::size_t i = 0;
  for (; i + kR <= na; i += kR) cost_rows<kR>(a + i * d, bt, nbp, ncols, d, c + i * nbp);
  if (i < na) remainder_rows(na - i, a + i * d, bt, nbp, ncols, d, c + i * nbp);
}

// Approximate window sums from the float costs, in double (four-byte costs widened): row 0 and column 0
// summed directly, then S(i, j) = (S(i-1, j-1) + C(i+m-1, j+m-1)) - C(i-1, j-1). s: pa x spb
// (spb >= pb rounded up to O::H); c needs nb + O::H - 1 readable columns. Writes each row's minimum and
// the overall maximum.
void simple_windows(const float* c, std::size_t na, std::size_t nb, std::size_t nbp, std::size_t m,
                    std::size_t spb, double* s, double* row_min, double* smax) {
  constexpr std::size_t kH = O::H;
  const std::size_t pa = na - m + 1, pb = nb - m + 1;
  const std::size_t full = pb / kH * kH;  // whole vectors of valid windows; the rest in scalar below
  typename O::D vmax = O::zero_d();
  double hi = 0;
  for (std::size_t i = 0; i < pa; ++i) {
    double* cur = s + i * spb;
    typename O::D vmin = O::broadcast_d(__builtin_inf());
    if (i == 0) {
      for (std::size_t j = 0; j < pb; j += kH) {
        typename O::D acc = O::zero_d();
        for (std::size_t t = 0; t < m; ++t) acc = O::add_d(acc, O::half_to_d(c + t * nbp + t + j));
        O::store_d(cur + j, acc);
        if (j < full) {
          vmin = O::min_d(vmin, acc);
          vmax = O::max_d(vmax, acc);
        }
      }
    } else {
      double s0 = 0;
      for (std::size_t t = 0; t < m; ++t) s0 += static_cast<double>(c[(i + t) * nbp + t]);
      const double* prev = cur - spb;
      const float* add = c + (i + m - 1) * nbp + (m - 1);
      const float* sub = c + (i - 1) * nbp;
      // Vector k covers columns 1 + k H ..; column 0 is the direct sum. Valid lanes: j < pb.
      std::size_t j = 1;
      for (; j + kH <= pb; j += kH) {
        const typename O::D v = O::sub_d(O::add_d(O::load_d(prev + j - 1), O::half_to_d(add + j)),
                                         O::half_to_d(sub + j - 1));
        O::store_d(cur + j, v);
        vmin = O::min_d(vmin, v);
        vmax = O::max_d(vmax, v);
      }
      for (; j < pb; ++j) cur[j] = prev[j - 1] + static_cast<double>(add[j]) - static_cast<double>(sub[j - 1]);
      cur[0] = s0;
    }
    double lo = O::hmin(vmin);
    for (std::size_t j = (i == 0 ? full : (pb - 1) / kH * kH + 1); j < pb; ++j) {
      lo = cur[j] < lo ? cur[j] : lo;
      hi = cur[j] > hi ? cur[j] : hi;
    }
    if (i > 0) {
      lo = cur[0] < lo ? cur[0] : lo;
      hi = cur[0] > hi ? cur[0] : hi;
    }
    row_min[i] = lo;
  }
  const double vhi = O::hmax(vmax);
  *smax = vhi > hi ? vhi : hi;
}
