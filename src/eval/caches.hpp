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

/// MFCC sequences of one setting's clips, from features/mfcc/ or computed (and cached).
Sequences load_or_compute_mfcc(const Run& run, const Setting& s, const Backend& backend, int threads, bool dry_run);

/// A distance matrix over all evaluated clips (C x C, NaN where a row/column is unavailable).
struct FullMatrix {
  MatrixD d;
  std::vector<std::uint8_t> row_ok, col_ok;
};

/// The submatrix over the available rows and columns (indices into the evaluated clips).
using ComputeDistances =
    std::function<MatrixD(const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols)>;

/// Loads distances/<space>/<label>/<transform>/<mag>.npy when its sidecar key matches, else calls compute().
FullMatrix load_or_compute_distances(const Run& run, const Setting& s, const std::string& space,
                                     const std::string& label, const std::string& params_key,
                                     const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok,
                                     const ComputeDistances& compute, bool dry_run, bool* computed);

}  // namespace nnr::eval::detail
