#pragma once
// Internal to nnr-evaluate: the cached audio-space MFCC sequences and distance matrices (features/ and
// distances/ of the run), each with a JSON sidecar whose key (clip list, masks, parameters) decides reuse.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "run_dir.hpp"

namespace nnr::eval::detail {

/// Per evaluated clip; an empty matrix = missing.
struct Sequences {
  std::vector<MatrixF> seq;
};

/// MFCC sequences of one setting's clips, from features/mfcc/ or computed (and cached). With `rows` i/n
/// (n > 1) only the clips of that row range, cached as a row block beside the full file; a whole call
/// assembles a complete set of blocks into the full file (byte-identical to computing it whole).
Sequences load_or_compute_mfcc(const Run& run, const Setting& s, const Backend& backend, int threads, bool dry_run,
                               const Shard& rows = {});

/// A distance matrix over all evaluated clips (C x C, NaN where a row/column is unavailable).
struct FullMatrix {
  MatrixD d;
  std::vector<std::uint8_t> row_ok, col_ok;
};

/// The submatrix over the available rows and columns (indices into the evaluated clips).
using ComputeDistances =
    std::function<MatrixD(const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols)>;

/// Loads distances/<space>/<label>/<transform>/<mag>.npy when its sidecar key matches, else assembles a
/// complete set of its row blocks (<mag>.rows-<i>-of-<n>.npy, from nnr-evaluate --rows; removed after), else
/// calls compute(). With `rows` i/n (n > 1) it only makes sure that block exists (computing and writing it)
/// and returns an empty matrix: a row-split call computes no metrics.
FullMatrix load_or_compute_distances(const Run& run, const Setting& s, const std::string& space,
                                     const std::string& label, const std::string& params_key,
                                     const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok,
                                     const ComputeDistances& compute, bool dry_run, bool* computed,
                                     const Shard& rows = {});

}  // namespace nnr::eval::detail
