// The default audio-space primitives: the features module's MFCC and the distance module's all-pairs
// matrices. Kept in one file so tests can inject their own Backend.
#include "nnr/core/error.hpp"
#include "nnr/eval/evaluate.hpp"

// NNR_EVAL_HAVE_DISTANCE is set by src/eval/CMakeLists.txt while the distance module is not yet on every
// branch (a compile definition, not __has_include, so ccache cannot serve a stale object).
#include "nnr/features/features.hpp"
#ifdef NNR_EVAL_HAVE_DISTANCE
#include "nnr/distance/distance.hpp"
#endif

namespace nnr::eval {

Backend default_backend() {
  Backend b;
  b.mfcc = [](const std::vector<float>& audio) { return features::mfcc_sequence(audio); };
#ifdef NNR_EVAL_HAVE_DISTANCE
  b.check_sequence_distance = [](const DistanceSpec& d) { (void)distance::make_sequence_distance(d.name, d.params); };
  b.sequence_distances = [](const std::vector<MatrixF>& q, const std::vector<MatrixF>& r, const DistanceSpec& d,
                            int threads) {
    const auto dist = distance::make_sequence_distance(d.name, d.params);
    return distance::all_pairs(q, r, *dist, threads, Shard{});
  };
  b.vector_distances = [](const MatrixF& q, const MatrixF& r, const std::string& d, int threads) {
    return distance::all_pairs_vectors(q, r, d, threads);
  };
#else
  b.check_sequence_distance = [](const DistanceSpec&) {
    throw_internal("nnr-evaluate: built without the distance module (nnr/distance/distance.hpp)");
  };
  b.sequence_distances = [](const std::vector<MatrixF>&, const std::vector<MatrixF>&, const DistanceSpec&,
                            int) -> MatrixD { throw_internal("nnr-evaluate: built without the distance module"); };
  b.vector_distances = [](const MatrixF&, const MatrixF&, const std::string&, int) -> MatrixD {
    throw_internal("nnr-evaluate: built without the distance module");
  };
#endif
  return b;
}

}  // namespace nnr::eval
