// Vector operations on AVX2 + FMA (8 floats a vector) for the kernel .inl files; included inside an anonymous
// namespace of a TU compiled for this ISA (kernels.hpp).
struct O {
  static constexpr std::size_t W = 8;
  static constexpr std::size_t R = 6;  // 12 accumulators of 16 registers (measured best of 4-8)
  using F = __m256;
  using D = __m256d;
  static F zero() { return _mm256_setzero_ps(); }
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, F x) { _mm256_storeu_ps(p, x); }
  static F broadcast(float v) { return _mm256_set1_ps(v); }
  static F sub(F x, F y) { return _mm256_sub_ps(x, y); }
  static F sub_fma(F x, F y) { return _mm256_fnmadd_ps(y, _mm256_set1_ps(1.0f), x); }
  static F square_add(F t, F s) { return _mm256_fmadd_ps(t, t, s); }
  static F sqrt(F x) { return _mm256_sqrt_ps(x); }
  static D low(F x) { return _mm256_cvtps_pd(_mm256_castps256_ps128(x)); }
  static D high(F x) { return _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)); }
  static D load_d(const double* p) { return _mm256_loadu_pd(p); }
  static void store_d(double* p, D x) { _mm256_storeu_pd(p, x); }
  static D min_d(D x, D y) { return _mm256_min_pd(x, y); }
  static D add_d(D x, D y) { return _mm256_add_pd(x, y); }
  static constexpr std::size_t H = 4;  // doubles per D
  static D half_to_d(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }  // H floats
  static D zero_d() { return _mm256_setzero_pd(); }
  static D broadcast_d(double v) { return _mm256_set1_pd(v); }
  static D sub_d(D x, D y) { return _mm256_sub_pd(x, y); }
  static D max_d(D x, D y) { return _mm256_max_pd(x, y); }
  static double hmin(D x) {
    const __m128d m = _mm_min_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
  }
  static double hmax(D x) {
    const __m128d m = _mm_max_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m)));
  }
  static D square_add_d(D t, D s) { return _mm256_fmadd_pd(t, t, s); }
  static D sqrt_d(D x) { return _mm256_sqrt_pd(x); }
};
