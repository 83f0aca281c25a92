#include "nnr/io/manifest.hpp"

#include <cstdlib>
#include <limits>

#include "nnr/core/error.hpp"
#include "nnr/io/csv.hpp"

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
      "magnitude_text"};
  return cols;
}

void write_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows) {
  CsvWriter w(manifest_columns());
  for (const auto& r : rows) {
    w.add_row({r.clip_id, r.split, r.transform, format_number(r.magnitude), r.setting, r.path,
               r.source, std::to_string(r.seed), r.status, r.error, std::to_string(r.n_samples),
               format_number(r.lufs_in), format_number(r.lufs_out), format_number(r.true_peak_dbtp),
               format_number(r.gain_db), format_number(r.snr_db), format_number(r.duration_ratio),
               format_number(r.pitch_cents), format_number(r.mp3_lag), r.vocals_path, r.magnitude_text});
  }
  w.write(path);
}

std::vector<ManifestRow> read_manifest(const std::filesystem::path& path) {
  const CsvTable t = read_csv(path);
  std::vector<std::size_t> idx;
  // magnitude_text is the newest column: a manifest written before it gets it from the setting id.
  const bool has_text = t.has_column("magnitude_text");
  for (const auto& c : manifest_columns()) idx.push_back(c == "magnitude_text" && !has_text ? 0 : t.column(c));
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
    r.n_samples = static_cast<std::int64_t>(num(10));
    r.lufs_in = num(11);
    r.lufs_out = num(12);
    r.true_peak_dbtp = num(13);
    r.gain_db = num(14);
    r.snr_db = num(15);
    r.duration_ratio = num(16);
    r.pitch_cents = num(17);
    r.mp3_lag = num(18);
    r.vocals_path = f[idx[19]];
    r.magnitude_text = has_text && !f[idx[20]].empty() ? f[idx[20]] : legacy_magnitude_text(r);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace nnr::io
