#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

constexpr double kInf = std::numeric_limits<double>::infinity();

const Registry<SequenceDistanceEntry>& sequence_distance_registry() {
  // The sequence distance family (audio space): one line per member.
  static const Registry<SequenceDistanceEntry> table{
      "sequence distance",
      {
          {{"dtw", "exact DTW, Euclidean frame cost, accumulated path cost",
            {int_param("band", "Sakoe-Chiba band half-width, -1 = none", -1, -1, kInf, "frames")}},
           &detail::make_dtw, "DTW"},
          {{"fastdtw", "FastDTW as the python fastdtw package",
            {int_param("radius", "window radius around the projected path", 1, 0, kInf, "frames")}},
           &detail::make_fastdtw, "FastDTW"},
          {{"simple", "SiMPle join profile median (asymmetric)",
            {int_param("m", "subsequence length", 50, 1, kInf, "frames")}},
           &detail::make_simple, "SiMPle"},
      }};
  return table;
}

const Registry<VectorDistanceEntry>& vector_distance_registry() {
  // The vector distance family (latent space): one line per member.
  static const Registry<VectorDistanceEntry> table{
      "vector distance",
      {
          {{"euclidean", "Euclidean distance (scipy cdist 'euclidean')", {}}, &euclidean, "Euclidean"},
          {{"cosine", "cosine distance 1 - x.y/(|x||y|) (scipy cdist 'cosine')", {}}, &cosine, "cosine"},
      }};
  return table;
}

void detail::check_sequence(const MatrixF& s, const std::string& what, std::size_t dims) {
  if (s.empty() || s.data.size() != s.rows * s.cols)
    throw_input("distance: empty sequence (" + what + " frames=" + std::to_string(s.rows) + "); every clip needs frames");
  if (dims > 0 && s.cols != dims)
    throw_input("distance: sequence dims differ (" + what + " dims=" + std::to_string(s.cols) +
                ", expected " + std::to_string(dims) + "); use the same features for both");
  for (std::size_t i = 0; i < s.data.size(); ++i)
    if (!std::isfinite(s.data[i]))
      throw_input("distance: non-finite value in sequence (" + what + " frame=" + std::to_string(i / s.cols) +
                  "); recompute its features");
}

double SequenceDistance::operator()(const MatrixF& a, const MatrixF& b) const {
  detail::check_sequence(a, "a");
  detail::check_sequence(b, "b", a.cols);
  return compute(a, b);
}

MatrixD detail::tiled_pairs(std::size_t queries, std::size_t refs, int threads,
                            const std::function<double(std::size_t, std::size_t)>& pair) {
  MatrixD out(queries, refs);
  constexpr std::size_t kTileQ = 8, kTileR = 32;
  const std::size_t tq = (queries + kTileQ - 1) / kTileQ, tr = (refs + kTileR - 1) / kTileR;
  parallel_for(0, tq * tr, threads, [&](std::size_t t) {
    const std::size_t q0 = (t / tr) * kTileQ, r0 = (t % tr) * kTileR;
    for (std::size_t r = r0; r < std::min(refs, r0 + kTileR); ++r)
      for (std::size_t q = q0; q < std::min(queries, q0 + kTileQ); ++q) out(q, r) = pair(q, r);
  });
  return out;
}

MatrixD SequenceDistance::rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs,
                                  int threads, Range rows) const {
  return detail::tiled_pairs(rows.size(), refs.size(), threads,
                             [&](std::size_t q, std::size_t r) { return compute(queries[rows.begin + q], refs[r]); });
}

std::vector<std::string> sequence_distance_names() { return sequence_distance_registry().names(); }
std::vector<std::string> vector_distance_names() { return vector_distance_registry().names(); }

std::unique_ptr<SequenceDistance> make_sequence_distance(const std::string& name, const nlohmann::json& params) {
  const auto& registry = sequence_distance_registry();
  return registry.find(name).make(registry.params(name, params));
}

MatrixD all_pairs(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, const SequenceDistance& d,
                  int threads, const Shard& shard) {
  const Range rows = shard_range(queries.size(), shard);
  const std::size_t dims = refs.empty() ? (queries.empty() ? 0 : queries[0].cols) : refs[0].cols;
  for (std::size_t n = 0; n < refs.size(); ++n) detail::check_sequence(refs[n], "ref " + std::to_string(n), dims);
  for (std::size_t q = rows.begin; q < rows.end; ++q)
    detail::check_sequence(queries[q], "query " + std::to_string(q), dims);
  return d.rows_of(queries, refs, threads, rows);
}

}  // namespace nnr::distance
