// Vector operations on baseline x86-64, SSE2 (4 floats a vector; no FMA: multiply then add) for the kernel .inl files; included inside an anonymous
// namespace of a TU compiled for this ISA (kernels.hpp).
struct O {
  static constexpr std::size_t W = 4;
  static constexpr std::size_t R = 4;  // 8 accumulators of 16 registers
  using F = __m128;
  using D = __m128d;
  static F zero() { return _mm_setzero_ps(); }
  static F load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, F x) { _mm_storeu_ps(p, x); }
  static F broadcast(float v) { return _mm_set1_ps(v); }
  static F sub(F x, F y) { return _mm_sub_ps(x, y); }
  static F sub_fma(F x, F y) { return _mm_sub_ps(x, y); }
  static F square_add(F t, F s) { return _mm_add_ps(s, _mm_mul_ps(t, t)); }
  static F sqrt(F x) { return _mm_sqrt_ps(x); }
  static D low(F x) { return _mm_cvtps_pd(x); }
  static D high(F x) { return _mm_cvtps_pd(_mm_movehl_ps(x, x)); }
  static D load_d(const double* p) { return _mm_loadu_pd(p); }
  static void store_d(double* p, D x) { _mm_storeu_pd(p, x); }
  static D min_d(D x, D y) { return _mm_min_pd(x, y); }
  static D add_d(D x, D y) { return _mm_add_pd(x, y); }
  static constexpr std::size_t H = 2;  // doubles per D
  static D half_to_d(const float* p) {  // H floats
    return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  static D zero_d() { return _mm_setzero_pd(); }
  static D broadcast_d(double v) { return _mm_set1_pd(v); }
  static D sub_d(D x, D y) { return _mm_sub_pd(x, y); }
  static D max_d(D x, D y) { return _mm_max_pd(x, y); }
  static double hmin(D x) { return _mm_cvtsd_f64(_mm_min_sd(x, _mm_unpackhi_pd(x, x))); }
  static double hmax(D x) { return _mm_cvtsd_f64(_mm_max_sd(x, _mm_unpackhi_pd(x, x))); }
  static D square_add_d(D t, D s) { return _mm_add_pd(s, _mm_mul_pd(t, t)); }
  static D sqrt_d(D x) { return _mm_sqrt_pd(x); }
};
