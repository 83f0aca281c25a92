#pragma once
/// manifest.csv: the contract between stages. One row per clip version (each original "OG" and each
/// transformed clip). Row order is canonical and fixed by nnr-transform: originals first (sorted by
/// clip_id), then settings in grid order, clips sorted within each; embeddings/<encoder>.npy rows align
/// with it. Measured columns are NaN where they do not apply (e.g. snr_db for a pitch shift).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnr::io {

/// The transform code of an original clip's row (and of its setting id).
inline constexpr const char* kOriginal = "OG";
/// Row status values.
inline constexpr const char* kStatusOk = "ok";
inline constexpr const char* kStatusFailed = "failed";
inline constexpr const char* kStatusPending = "pending";

struct ManifestRow {
  std::string clip_id;       ///< stable id of the original clip (file stem, made unique)
  std::string split = "test";
  std::string transform;     ///< "OG", "PN", "EN", "TS", "PS", "MP"
  double magnitude = 0.0;    ///< SNR dB, tempo ratio, semitones, kb/s; 0 for OG
  std::string setting;       ///< readable id: "OG", "PS_[-12]", "TS_[0.300]"
  std::string path;          ///< audio file relative to the run directory
  std::string source;        ///< the input file the original came from
  std::uint64_t seed = 0;    ///< derive_seed(run seed, clip_id, transform, magnitude)
  std::string status;        ///< "ok", "failed" or "pending"
  std::string error;         ///< one-line reason when failed
  std::int64_t n_samples = 0;
  double lufs_in = 0.0;      ///< integrated loudness of the original (LUFS)
  double lufs_out = 0.0;     ///< integrated loudness of the stored clip (LUFS)
  double true_peak_dbtp = 0.0;
  double gain_db = 0.0;      ///< gain applied for loudness matching
  double snr_db = 0.0;       ///< measured SNR (PN, EN)
  double duration_ratio = 0.0;  ///< output length / input length
  double pitch_cents = 0.0;  ///< estimated pitch change where measurable (PS, TS)
  double pitch_spread_cents = 0.0;  ///< s.d. of that change over 372 ms frames: a warble shows here
  double mp3_lag = 0.0;      ///< residual lag of the MP3 round trip (samples)
  double achieved = 0.0;     ///< the transform's own measurement of what it did (its table's `achieved`)
  std::string vocals_path;   ///< isolated vocal stem given the same transform (VS reference), or ""
  std::string magnitude_text;  ///< the magnitude as the grid wrote it ("-12", "0.300"): the directory name
                               ///< under audio/<transform>/ and in features/ and distances/; "0" for OG
  bool is_original() const { return transform == kOriginal; }
  bool ok() const { return status == kStatusOk; }
};

/// Column names, in file order.
const std::vector<std::string>& manifest_columns();

void write_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows);
/// Throws Error(io) if missing, Error(input) naming the file and line if malformed.
std::vector<ManifestRow> read_manifest(const std::filesystem::path& path);

/// The run's manifest.csv is sealed: nnr-transform writes "<path>.sum" beside it ({"rows": N, "bytes": B,
/// "fnv1a64": "..."}), so that encode and evaluate can tell a manifest cut at a row boundary or edited
/// from the one transform wrote (a CSV cut there still parses).
std::filesystem::path manifest_seal_path(const std::filesystem::path& manifest);
/// write_manifest, then the seal.
void write_run_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows);
/// Seals an existing manifest file (after a shard merge wrote it).
void seal_manifest(const std::filesystem::path& path);
/// read_manifest, checked against the seal: Error(input) "... was cut or edited ...; rerun nnr-transform"
/// on a mismatch. A manifest without a seal (written before seals, or by hand) is read with a warning.
std::vector<ManifestRow> read_run_manifest(const std::filesystem::path& path);

}  // namespace nnr::io
