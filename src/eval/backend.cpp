// The default audio-space primitives: the features module's MFCC and the distance module's all-pairs
// matrices. Kept in one file so tests can inject their own Backend.
#include "nnr/distance/distance.hpp"
#include "nnr/eval/evaluate.hpp"
#include "nnr/features/features.hpp"

namespace nnr::eval {

Backend default_backend() {
  Backend b;
  b.mfcc = [](const std::vector<float>& audio) { return features::mfcc_sequence(audio); };
  b.check_sequence_distance = [](const DistanceSpec& d) { (void)distance::make_sequence_distance(d.name, d.params); };
  b.sequence_distances = [](const std::vector<MatrixF>& q, const std::vector<MatrixF>& r, const DistanceSpec& d,
                            int threads) {
    const auto dist = distance::make_sequence_distance(d.name, d.params);
    return distance::all_pairs(q, r, *dist, threads, Shard{});
  };
  b.vector_distances = [](const MatrixF& q, const MatrixF& r, const std::string& d, int threads) {
    return distance::all_pairs_vectors(q, r, d, threads);
  };
  return b;
}

}  // namespace nnr::eval
