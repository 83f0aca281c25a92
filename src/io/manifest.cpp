#include "nnr/io/manifest.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include <spdlog/spdlog.h>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"

namespace nnr::io {
namespace {
// "PS_[-12]" -> "-12" (manifests written before the magnitude_text column).
std::string legacy_magnitude_text(const ManifestRow& r) {
  if (r.is_original()) return "0";
  const auto a = r.setting.find('['), b = r.setting.rfind(']');
  if (a != std::string::npos && b != std::string::npos && b > a + 1) return r.setting.substr(a + 1, b - a - 1);
  return format_number(r.magnitude);
}
}  // namespace

const std::vector<std::string>& manifest_columns() {
  static const std::vector<std::string> cols = {
      "clip_id", "split",  "transform", "magnitude", "setting",        "path",    "source",
      "seed",    "status", "error",     "n_samples", "lufs_in",        "lufs_out", "true_peak_dbtp",
      "gain_db", "snr_db", "duration_ratio", "pitch_cents", "mp3_lag", "vocals_path",
      "magnitude_text", "pitch_spread_cents", "achieved"};
  return cols;
}

void write_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows) {
  CsvWriter w(manifest_columns());
  for (const auto& r : rows) {
    w.add_row({r.clip_id, r.split, r.transform, format_number(r.magnitude), r.setting, r.path,
               r.source, std::to_string(r.seed), r.status, r.error, std::to_string(r.n_samples),
               format_number(r.lufs_in), format_number(r.lufs_out), format_number(r.true_peak_dbtp),
               format_number(r.gain_db), format_number(r.snr_db), format_number(r.duration_ratio),
               format_number(r.pitch_cents), format_number(r.mp3_lag), r.vocals_path, r.magnitude_text,
               format_number(r.pitch_spread_cents), format_number(r.achieved)});
  }
  w.write(path);
}

std::vector<ManifestRow> read_manifest(const std::filesystem::path& path) {
  const CsvTable t = read_csv(path);
  std::vector<std::size_t> idx;
  // magnitude_text is the newest column: a manifest written before it gets it from the setting id.
  // pitch_spread_cents and achieved came after it; older manifests read NaN there.
  const bool has_text = t.has_column("magnitude_text"), has_spread = t.has_column("pitch_spread_cents"),
             has_achieved = t.has_column("achieved");
  for (const auto& c : manifest_columns())
    idx.push_back((c == "magnitude_text" && !has_text) || (c == "pitch_spread_cents" && !has_spread) ||
                          (c == "achieved" && !has_achieved)
                      ? 0
                      : t.column(c));
  std::vector<ManifestRow> rows;
  rows.reserve(t.rows.size());
  std::size_t line = 1;
  for (const auto& f : t.rows) {
    ++line;
    auto num = [&](std::size_t k) {
      const std::string& s = f[idx[k]];
      if (s == "nan" || s.empty()) return std::numeric_limits<double>::quiet_NaN();
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end != '\0')
        throw_input("manifest: bad number '" + s + "' in column " + manifest_columns()[k] + " at line " +
                    std::to_string(line) + " (" + path.string() + ")");
      return v;
    };
    ManifestRow r;
    r.clip_id = f[idx[0]];
    r.split = f[idx[1]];
    r.transform = f[idx[2]];
    r.magnitude = num(3);
    r.setting = f[idx[4]];
    r.path = f[idx[5]];
    r.source = f[idx[6]];
    r.seed = std::strtoull(f[idx[7]].c_str(), nullptr, 10);
    r.status = f[idx[8]];
    r.error = f[idx[9]];
    {  // a count: NaN or empty (a hand-made row) is 0, and anything that is not a count is an error
      const double n = num(10);
      if (!std::isnan(n) && !(n >= 0 && n <= 9.0e15 && n == std::floor(n)))
        throw_input("manifest: bad sample count '" + f[idx[10]] + "' in column n_samples at line " +
                    std::to_string(line) + " (" + path.string() + "); rerun nnr-transform");
      r.n_samples = std::isnan(n) ? 0 : static_cast<std::int64_t>(n);
    }
    r.lufs_in = num(11);
    r.lufs_out = num(12);
    r.true_peak_dbtp = num(13);
    r.gain_db = num(14);
    r.snr_db = num(15);
    r.duration_ratio = num(16);
    r.pitch_cents = num(17);
    r.mp3_lag = num(18);
    r.vocals_path = f[idx[19]];
    r.pitch_spread_cents = has_spread ? num(21) : std::numeric_limits<double>::quiet_NaN();
    r.achieved = has_achieved ? num(22) : std::numeric_limits<double>::quiet_NaN();
    r.magnitude_text = has_text && !f[idx[20]].empty() ? f[idx[20]] : legacy_magnitude_text(r);
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {
struct Seal {
  std::size_t rows = 0, bytes = 0;
  std::string hash;
};

Seal seal_of(const std::filesystem::path& path, std::size_t rows) {
  const std::string text = read_file(path);
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64: enough to tell an edit, not a signature
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return {rows, text.size(), hex};
}
}  // namespace

std::filesystem::path manifest_seal_path(const std::filesystem::path& manifest) {
  return std::filesystem::path(manifest.string() + ".sum");
}

void seal_manifest(const std::filesystem::path& path) {
  const Seal s = seal_of(path, read_csv(path).rows.size());
  write_json(manifest_seal_path(path), nlohmann::json{{"rows", s.rows}, {"bytes", s.bytes}, {"fnv1a64", s.hash}});
}

void write_run_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows) {
  write_manifest(path, rows);
  seal_manifest(path);
}

std::vector<ManifestRow> read_run_manifest(const std::filesystem::path& path) {
  auto rows = read_manifest(path);
  const auto seal_path = manifest_seal_path(path);
  std::error_code ec;
  if (!std::filesystem::exists(seal_path, ec)) {
    spdlog::warn("manifest: {} has no seal ({}), so a cut or edited manifest cannot be detected; rerun "
                 "nnr-transform on the run to add one",
                 path.string(), seal_path.filename().string());
    return rows;
  }
  std::size_t want_rows = 0, want_bytes = 0;
  std::string want_hash;
  try {
    const auto j = load_json(seal_path);
    want_rows = j.at("rows").get<std::size_t>();
    want_bytes = j.at("bytes").get<std::size_t>();
    want_hash = j.at("fnv1a64").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    throw_input("manifest: the seal " + seal_path.string() + " is unreadable; rerun nnr-transform on the run to rewrite it");
  }
  const Seal got = seal_of(path, rows.size());
  if (got.rows != want_rows)
    throw_input("manifest: " + path.string() + " has " + std::to_string(got.rows) + " rows but nnr-transform wrote " +
                std::to_string(want_rows) + " (" + seal_path.filename().string() +
                "): it was cut or edited; rerun nnr-transform on the run to rewrite it (finished clips are kept)");
  if (got.bytes != want_bytes || got.hash != want_hash)
    throw_input("manifest: " + path.string() + " differs from what nnr-transform wrote (" +
                seal_path.filename().string() + "): it was edited; rerun nnr-transform on the run to rewrite it "
                "(finished clips are kept); select clips with nnr-evaluate --clips-matching instead of editing");
  return rows;
}

}  // namespace nnr::io
