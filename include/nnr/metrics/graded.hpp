#pragma once
/// Graded neighbourhood measures, beyond the paper's yes/no δ (issue 12). Same matrices as consistency.hpp:
/// Q x N, row i a transformed clip, column j an original, own[i] the column of row i's own original
/// (own[i] = i when `own` is empty). Every function returns one value per row, for a bootstrap over clips.
///
/// Ties and NaN count against the own original, as in δ: rank(i) = 1 + #{j != own : !(D(i,own) < D(i,j))},
/// so rank(i) == 1 exactly when δ(i) == 0, recall@1 equals C^W clip by clip, and a NaN own distance ranks
/// last (N).

#include <cstddef>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::metrics {

/// The rank of the own original among all N originals (1 = nearest; ties and NaN pessimistic, see above).
std::vector<double> own_rank(const MatrixD& d, const std::vector<std::size_t>& own = {});

/// 1 if rank <= k else 0, from own_rank's values.
std::vector<double> recall_at(const std::vector<double>& ranks, std::size_t k);

/// 1 / rank, from own_rank's values.
std::vector<double> reciprocal_rank(const std::vector<double>& ranks);

/// (d_other - d_own) / (d_other + d_own), d_other the nearest OTHER original: in [-1, 1], > 0 exactly when
/// δ = 0, scale-free (distances are >= 0). 0 when both are 0; NaN for a NaN in the row or N < 2.
std::vector<double> normalised_margin(const MatrixD& d, const std::vector<std::size_t>& own = {});

/// Trustworthiness of each row's k latent neighbours in the audio space, the per-row terms of
/// sklearn.manifold.trustworthiness(X=audio (metric="precomputed"), X_embedded=latent, n_neighbors=k):
/// the point set is the row's candidates, the N - 1 OTHER originals (own column excluded as sklearn excludes
/// the point itself), r(i, j) the rank of j in row i of `high`, and
///   t(i) = 1 - 2 / (k (2N - 3k - 1)) * sum over the k nearest j in `low` of max(0, r(i, j) - k).
/// The mean of t over rows is sklearn's value when the matrices are square and own = identity. Ties in
/// ranks and neighbours are broken by column index (stable). NaN for every row when k >= N / 2 (sklearn
/// refuses such k) or a row holds NaN. Continuity is the same with the spaces swapped.
std::vector<double> trustworthiness(const MatrixD& high, const MatrixD& low, std::size_t k,
                                    const std::vector<std::size_t>& own = {}, int threads = 1);

}  // namespace nnr::metrics
