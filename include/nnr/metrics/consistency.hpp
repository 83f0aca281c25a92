#pragma once
/// Distance consistency (paper section 3.1, eqs. 9-12).
///
/// Distance matrices are Q x N (MatrixD): row i is the transformed clip x_τ(i), column j the original x_j.
/// The own original of row i is column own[i] (own[i] = i when `own` is empty, the usual square case).
///
/// δ(i) = 0 iff D(i, own) < D(i, j) for every j ≠ own, STRICTLY: a tie with another original is an error
/// (δ = 1). A NaN anywhere in row i also makes δ(i) = 1 (a distance that cannot be computed is never evidence
/// of consistency); nnr-evaluate never passes NaN rows (failed clips are removed beforehand).
///
/// Spearman ρ uses average ranks for ties (scipy.stats.spearmanr) and is NaN when either side is constant.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/metrics/bootstrap.hpp"

namespace nnr::metrics {

/// The own-original column of every row: `own` checked (size Q, entries < N), or the identity when it is
/// empty (then Q <= N is required). Throws Error(input).
std::vector<std::size_t> own_columns(const std::vector<std::size_t>& own, const MatrixD& d);

/// δ per row (0 or 1). Throws Error(input) if own.size() != Q or an own index is >= N, or N == 0.
std::vector<std::uint8_t> delta(const MatrixD& d, const std::vector<std::size_t>& own = {});

/// C^W = 1 − mean δ (eq. 10); NaN for an empty vector.
double within_consistency(const std::vector<std::uint8_t>& delta);

/// Per clip [δ_audio == δ_latent] (0/1); sizes must match (throws Error(input)).
std::vector<double> agreement(const std::vector<std::uint8_t>& delta_audio,
                              const std::vector<std::uint8_t>& delta_latent);

/// C^B_acc = mean agreement (eq. 12).
double between_accuracy(const std::vector<std::uint8_t>& delta_audio, const std::vector<std::uint8_t>& delta_latent);

/// Average ranks (1-based) of x, ties share the mean of their ranks. NaN values throw Error(input).
std::vector<double> average_ranks(const double* x, std::size_t n);

/// Spearman ρ = Pearson correlation of the average ranks. NaN if n < 2 or a side is constant.
double spearman(const double* x, const double* y, std::size_t n);

/// C^B_ρ "per_clip" (paper eq. 11): for each row i, Spearman between audio row i and latent row i over the
/// OTHER originals (own column excluded). Returns one ρ per clip (NaN where undefined, e.g. N < 3).
/// Matrices must have the same shape. Rows on `threads` (nnr::resolve_threads); values do not depend on it.
std::vector<double> per_clip_spearman(const MatrixD& audio, const MatrixD& latent,
                                      const std::vector<std::size_t>& own = {}, int threads = 1);

/// C^B_ρ "pooled" (the paper's code): all Q x N entries of each matrix (own original included) pooled into
/// one vector per space, one Spearman ρ.
double pooled_spearman(const MatrixD& audio, const MatrixD& latent);

/// The pooled ρ of one (audio, latent) pair of matrices and of its bootstrap resamples over clips (= rows):
/// resample b repeats row i resample_counts(Q, seed, b)[i] times. Both matrices are sorted once (here);
/// a resample is then scored without re-sorting, O(Q·N). Without ties the value of every resample is
/// computed exactly in integer arithmetic (correctly rounded once at the end), so it does not depend on
/// the thread count or on how resamples are batched; with ties, a weighted pass in double.
/// One distance matrix's entries sorted once (the expensive part of a PooledSpearman), to share between
/// every pair it takes part in: an audio matrix meets every encoder's latent matrices, a latent matrix every
/// audio distance. Throws Error(input) for a NaN entry. Cheap to copy (shared, immutable).
class SortedDistances {
 public:
  explicit SortedDistances(const MatrixD& d);
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }

 private:
  friend class PooledSpearman;
  struct Pool;
  std::shared_ptr<const Pool> pool_;
  std::size_t rows_ = 0, cols_ = 0;
};

class PooledSpearman {
 public:
  /// Throws Error(input) for different shapes or a NaN entry.
  PooledSpearman(const MatrixD& audio, const MatrixD& latent);
  /// From matrices sorted beforehand (shapes must match).
  PooledSpearman(const SortedDistances& audio, const SortedDistances& latent);
  ~PooledSpearman();
  PooledSpearman(const PooledSpearman&) = delete;
  PooledSpearman& operator=(const PooledSpearman&) = delete;
  /// The plain pooled ρ (every row once); NaN for an empty matrix or a constant side.
  double value() const;
  /// ρ of resamples 0..B-1 of `seed`, on `threads` (nnr::resolve_threads); memory 4·Q·N·16 bytes a thread.
  std::vector<double> resamples(std::uint64_t seed, std::size_t B, int threads) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Pooled ρ with its bootstrap percentile interval (PooledSpearman with options.resamples, seed, threads).
Estimate bootstrap_pooled_spearman(const MatrixD& audio, const MatrixD& latent, const BootstrapOptions& options);
/// The same from matrices sorted beforehand.
Estimate bootstrap_pooled_spearman(const SortedDistances& audio, const SortedDistances& latent,
                                   const BootstrapOptions& options);

/// The between-space statistics of one (setting, audio distance, latent distance) pair of matrices.
struct BetweenSpace {
  Estimate c_b_acc, c_b_rho_per_clip, c_b_rho_pooled;
};

/// C^B_acc, C^B_ρ per_clip and pooled with bootstrap intervals. Each statistic's bootstrap seed is
/// derive_seed(options.seed, "<statistic name>"), so adding a statistic never changes another's interval.
BetweenSpace between_space(const MatrixD& audio, const MatrixD& latent, const BootstrapOptions& options,
                           const std::vector<std::size_t>& own = {});

/// C^W with interval from one matrix (bootstrap seed derive_seed(options.seed, "C_W")).
Estimate within_space(const MatrixD& d, const BootstrapOptions& options, const std::vector<std::size_t>& own = {});

}  // namespace nnr::metrics
