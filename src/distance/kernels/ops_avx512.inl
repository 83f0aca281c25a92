// Vector operations on AVX-512 (16 floats a vector) for the kernel .inl files; included inside an anonymous
// namespace of a TU compiled for this ISA (kernels.hpp).
struct O {
  static constexpr std::size_t W = 16;
  static constexpr std::size_t R = 8;  // 16 accumulators of 32 registers (measured best of 4-12)
  using F = __m512;
  using D = __m512d;
  static F zero() { return _mm512_setzero_ps(); }
  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, F x) { _mm512_storeu_ps(p, x); }
  static F broadcast(float v) { return _mm512_set1_ps(v); }
  static F sub(F x, F y) { return _mm512_sub_ps(x, y); }
  static F sub_fma(F x, F y) { return _mm512_fnmadd_ps(y, _mm512_set1_ps(1.0f), x); }
  static F square_add(F t, F s) { return _mm512_fmadd_ps(t, t, s); }
  static F sqrt(F x) { return _mm512_sqrt_ps(x); }
  static D low(F x) { return _mm512_cvtps_pd(_mm512_castps512_ps256(x)); }
  static D high(F x) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1)); }
  static D load_d(const double* p) { return _mm512_loadu_pd(p); }
  static void store_d(double* p, D x) { _mm512_storeu_pd(p, x); }
  static D min_d(D x, D y) { return _mm512_min_pd(x, y); }
  static D add_d(D x, D y) { return _mm512_add_pd(x, y); }
  static constexpr std::size_t H = 8;  // doubles per D
  static D half_to_d(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }  // H floats
  static D zero_d() { return _mm512_setzero_pd(); }
  static D broadcast_d(double v) { return _mm512_set1_pd(v); }
  static D sub_d(D x, D y) { return _mm512_sub_pd(x, y); }
  static D max_d(D x, D y) { return _mm512_max_pd(x, y); }
  static double hmin(D x) { return _mm512_reduce_min_pd(x); }
  static double hmax(D x) { return _mm512_reduce_max_pd(x); }
  static D square_add_d(D t, D s) { return _mm512_fmadd_pd(t, t, s); }
  static D sqrt_d(D x) { return _mm512_sqrt_pd(x); }
};
