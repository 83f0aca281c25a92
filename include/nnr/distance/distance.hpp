#pragma once
/// Audio-space and latent-space distances (paper section 3.2; original-code-facts "Distances").
///
/// Sequences are MatrixF frames x dims (e.g. MFCC T x 24). Every sequence function throws Error(input) for
/// an empty sequence, non-finite values, or mismatched dims (and SiMPle for sequences shorter than m).
/// Results are deterministic: all-pairs values do not depend on the thread count or shard split, and
/// all_pairs with "dtw" returns bit-identical values to dtw() on the same pair.

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/registry.hpp"
#include "nnr/core/shard.hpp"

namespace nnr::distance {

/// Exact DTW: accumulated path cost (not normalised) with Euclidean frame cost,
/// D(i,j) = ||a_i - b_j|| + min(D(i-1,j), D(i,j-1), D(i-1,j-1)), D(0,0) = 0. `band` >= 0 restricts cells to
/// a Sakoe-Chiba band |i - j| <= max(band, |n_a - n_b|) (widened so the end cell stays reachable); -1 = no
/// band. Symmetric.
///
/// Exactness contract (kernels picked at run time, nnr::simd_level()): frame costs in float (differences,
/// squares summed in dimension order with fused multiply-add on AVX2/AVX-512, multiply-then-add on baseline
/// x86-64; sqrtf), accumulation in double. Against the definition in double: relative error <= 1e-6 (tested
/// on random and fixture sequences at every level; measured <= 2e-8 on the demo's MFCC sequences).
/// AVX2 and AVX-512 give the same bits; baseline may differ from them within that bound. Values do not
/// depend on the thread count or the shard.
double dtw(const MatrixF& a, const MatrixF& b, int band = -1);

/// FastDTW (Salvador & Chan 2007) exactly as the python `fastdtw` package (slaypni/fastdtw) that the paper
/// used: below radius + 2 frames full DTW; else coarsen both by averaging frame pairs, recurse, project
/// the path expanded by `radius` to the finer level, and run DTW inside that window. Double precision,
/// same tie-breaking as the package (up, left, diagonal), so it reproduces its path and value. Always
/// >= exact DTW; equal when the window covers the matrix. radius >= 0 (radius 0 with an odd length
/// leaves an empty window row, which crashes the package; nnr throws Error(input)).
double fastdtw(const MatrixF& a, const MatrixF& b, int radius = 1);

/// The same DP as fastdtw on the full matrix, in double (the reference for tests and for fastdtw's
/// never-below-DTW property).
double dtw_reference(const MatrixF& a, const MatrixF& b);

/// SiMPle join profile as the original code used it: for each length-m window of `a` (n_a - m + 1 of
/// them), the minimum over windows of `b` of sum over m frames x dims of squared differences (no
/// z-normalisation, no square root). O(n_a n_b d): float frame costs with a proven error bound choose the
/// windows, whose sums are then recomputed in double from the frames, so the values agree with the naive
/// join to ~1e-15 relative and are the same on every instruction set (docs/features-and-distances.md).
/// Throws Error(input) if either sequence has fewer than m frames.
std::vector<double> simple_profile(const MatrixF& a, const MatrixF& b, int m = 50);

/// Median of simple_profile (numpy.median: mean of the two middle values for an even length).
/// Asymmetric: simple_distance(a, b) != simple_distance(b, a) in general.
double simple_distance(const MatrixF& a, const MatrixF& b, int m = 50);

/// Latent-space vector distances in double (scipy cdist 'euclidean' and 'cosine' = 1 - x.y/(|x||y|)).
/// cosine throws Error(input) for a zero vector.
double euclidean(const float* x, const float* y, std::size_t d);
double cosine(const float* x, const float* y, std::size_t d);

/// A sequence distance family member, made by name through make_sequence_distance. Thread-safe (const).
class SequenceDistance {
 public:
  virtual ~SequenceDistance() = default;
  /// Registry name: "dtw", "fastdtw" or "simple".
  virtual std::string name() const = 0;
  /// Parameters as JSON, e.g. {"radius": 1}; make_sequence_distance(name(), params()) rebuilds it.
  virtual nlohmann::json params() const = 0;
  /// Validates both sequences (non-empty, finite, same dims), then computes d(a, b).
  double operator()(const MatrixF& a, const MatrixF& b) const;
  /// Rows [rows.begin, rows.end) of the all-pairs matrix (inputs already validated), rows.size() x N.
  /// The default computes each pair with compute(); members may override with a batched kernel.
  virtual MatrixD rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs,
                          int threads, Range rows) const;

 protected:
  virtual double compute(const MatrixF& a, const MatrixF& b) const = 0;
};

/// One line of the sequence distance table (src/distance/builtin.cpp). `make` gets validated params.
struct SequenceDistanceEntry : EntryBase {
  std::unique_ptr<SequenceDistance> (*make)(const Params& params);
  std::string label;  ///< figure label: "DTW"
};
/// The sequence distance family, in registry order: dtw (band), fastdtw (radius), simple (m).
const Registry<SequenceDistanceEntry>& sequence_distance_registry();

/// Builds a member by name. Throws Error(config) for an unknown name (listing the valid ones), an unknown
/// key (listing the valid keys) or a bad value (naming its range).
std::unique_ptr<SequenceDistance> make_sequence_distance(const std::string& name,
                                                         const nlohmann::json& params = {});
/// Registered sequence distance names, in registry order.
std::vector<std::string> sequence_distance_names();

/// Q x N matrix of d(queries[q], refs[n]), restricted to the shard's rows: returns shard_range(Q, shard)
/// rows (row r is query shard_range.begin + r); rows outside the shard are not computed. Multithreaded
/// (threads as nnr::resolve_threads); values identical for any threads / shard split.
/// Throws Error(input) naming the offending query/ref index for an invalid sequence.
MatrixD all_pairs(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs,
                  const SequenceDistance& d, int threads, const Shard& shard = {});

/// A latent-space vector distance: a plain kernel on two rows of d floats (double result).
using VectorKernel = double (*)(const float* x, const float* y, std::size_t d);

/// One line of the vector distance table (src/distance/builtin.cpp).
struct VectorDistanceEntry : EntryBase {
  VectorKernel kernel;
  std::string label;  ///< figure label: "Euclidean"
};
/// The vector distance family: euclidean, cosine.
const Registry<VectorDistanceEntry>& vector_distance_registry();

/// Q x N vector distances between rows of `queries` and rows of `refs` with the member `name`
/// (Error(config) listing the valid names otherwise). Throws Error(input) on a dims mismatch or non-finite value.
MatrixD all_pairs_vectors(const MatrixF& queries, const MatrixF& refs, const std::string& name, int threads);

/// Vector distance names, in registry order: {"euclidean", "cosine"}.
std::vector<std::string> vector_distance_names();

namespace detail {
/// Throws Error(input) if `s` is empty, has non-finite values, or dims != `dims` (when dims > 0).
void check_sequence(const MatrixF& s, const std::string& what, std::size_t dims = 0);
}  // namespace detail

}  // namespace nnr::distance
