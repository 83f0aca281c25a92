// FastDTW's frame distances (kernels.hpp, FastDtwCostsFn), for a TU that defines the vector operations O
// and, optionally, NNR_NARROW_OPS: a narrower operations struct for the last few columns of a row (a
// FastDTW row's window is only 4-16 columns wide, so whole wide vectors would waste up to 7 of 8 lanes).
// Every width computes each lane with the same operation sequence, so the same bits.
#ifndef NNR_NARROW_OPS
#define NNR_NARROW_OPS O
#endif

// One vector of columns: dimension k goes to partial sum k mod 4 (four chains in flight), summed as
// (s0 + s1) + (s2 + s3), then the correctly rounded square root.
template <class V>
void distance_vector(const double* x, const double* col, std::size_t stride, std::size_t d, double* out) {
  using D = typename V::D;
  D s0 = V::zero_d(), s1 = V::zero_d(), s2 = V::zero_d(), s3 = V::zero_d();
  const auto term = [&](std::size_t k, D s) {
    return V::square_add_d(V::sub_d(V::broadcast_d(x[k]), V::load_d(col + k * stride)), s);
  };
  std::size_t k = 0;
  for (; k + 4 <= d; k += 4) {
    s0 = term(k, s0);
    s1 = term(k + 1, s1);
    s2 = term(k + 2, s2);
    s3 = term(k + 3, s3);
  }
  if (k < d) s0 = term(k++, s0);
  if (k < d) s1 = term(k++, s1);
  if (k < d) s2 = term(k++, s2);
  V::store_d(out, V::sqrt_d(V::add_d(V::add_d(s0, s1), V::add_d(s2, s3))));
}

void fastdtw_costs(const double* x, const double* yt, std::size_t stride, std::size_t d, std::size_t lo,
                   std::size_t n, double* out) {
  using N = NNR_NARROW_OPS;
  std::size_t c = 0;
  for (; c < n && n - c > N::H; c += O::H) distance_vector<O>(x, yt + lo + c, stride, d, out + c);
  for (; c < n; c += N::H) distance_vector<N>(x, yt + lo + c, stride, d, out + c);
}
