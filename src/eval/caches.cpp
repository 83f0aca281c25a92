#include "caches.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/npy.hpp"

namespace nnr::eval::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t clips_hash(const Run& run) {
  std::uint64_t h = stable_hash("nnr-clips-1");
  for (const auto& c : run.clips) h = stable_hash(c + "\x1f", h);
  return h;
}

std::uint64_t mask_hash(std::uint64_t h, const std::vector<std::uint8_t>& m) {
  std::string s(m.begin(), m.end());
  for (char& c : s) c = c ? '1' : '0';
  return stable_hash(s, h);
}

bool meta_matches(const fs::path& meta, const std::string& key) {
  if (!fs::exists(meta)) return false;
  try {
    const auto j = io::load_json(meta);
    return j.value("key", std::string()) == key;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

Sequences load_or_compute_mfcc(const Run& run, const Setting& s, const Backend& backend, int threads, bool dry_run) {
  const fs::path base = run.out / "features" / "mfcc" / s.transform / s.magnitude_path;
  const fs::path npy = base.string() + ".npy", offsets = base.string() + ".offsets.npy", meta = base.string() + ".json";
  std::vector<std::uint8_t> wanted(run.clips.size(), 0);
  for (std::size_t k = 0; k < run.clips.size(); ++k)
    wanted[k] = run.ok(s, k);
  std::uint64_t h = mask_hash(clips_hash(run), wanted);
  for (std::size_t k = 0; k < run.clips.size(); ++k)
    if (wanted[k]) h = stable_hash(run.manifest[static_cast<std::size_t>(s.row[k])].path + "\x1f", h);
  const std::string key = "mfcc-seq-1:" + hex(h);
  Sequences out;
  out.seq.resize(run.clips.size());
  if (meta_matches(meta, key) && fs::exists(npy) && fs::exists(offsets)) {
    const auto frames = io::read_npy<float>(npy);
    const auto off = io::read_npy<std::int64_t>(offsets);
    const std::size_t dim = frames.shape.size() == 2 ? frames.shape[1] : 0;
    if (off.data.size() == run.clips.size() + 1 && dim > 0) {
      for (std::size_t k = 0; k < run.clips.size(); ++k) {
        const auto a = static_cast<std::size_t>(off.data[k]), b = static_cast<std::size_t>(off.data[k + 1]);
        if (b <= a) continue;
        MatrixF m(b - a, dim);
        std::copy(frames.data.begin() + static_cast<std::ptrdiff_t>(a * dim),
                  frames.data.begin() + static_cast<std::ptrdiff_t>(b * dim), m.data.begin());
        out.seq[k] = std::move(m);
      }
      return out;
    }
  }
  if (dry_run) {
    spdlog::info("{}: would compute MFCC sequences for {} ({} clips)", kComponent, s.id,
                 std::count(wanted.begin(), wanted.end(), 1));
    return out;
  }
  std::vector<std::string> errors(run.clips.size());
  parallel_for(0, run.clips.size(), resolve_threads(threads), [&](std::size_t k) {
    if (!wanted[k]) return;
    const auto& row = run.manifest[static_cast<std::size_t>(s.row[k])];
    try {
      out.seq[k] = backend.mfcc(audio::decode_audio(run.dir / row.path));
    } catch (const Error& e) {
      errors[k] = e.what();
    }
  });
  for (std::size_t k = 0; k < errors.size(); ++k)
    if (!errors[k].empty()) spdlog::warn("{}: clip {} of {} excluded: {}", kComponent, run.clips[k], s.id, errors[k]);
  std::size_t dim = 0, total = 0;
  for (const auto& m : out.seq)
    if (!m.empty()) {
      dim = m.cols;
      total += m.rows;
    }
  std::vector<float> frames;
  frames.reserve(total * dim);
  std::vector<std::int64_t> off(1, 0);
  for (const auto& m : out.seq) {
    if (!m.empty()) frames.insert(frames.end(), m.data.begin(), m.data.end());
    off.push_back(off.back() + static_cast<std::int64_t>(m.empty() ? 0 : m.rows));
  }
  io::write_npy(npy, frames, {total, dim == 0 ? 24 : dim});
  io::write_npy(offsets, off, {off.size()});
  io::Json j;
  j["key"] = key;
  j["setting"] = s.id;
  j["clips"] = run.clips.size();
  j["format"] = "frames (sum T) x D float32; clip k = rows offsets[k]..offsets[k+1]; empty = missing";
  io::write_json(meta, j);
  return out;
}

FullMatrix load_or_compute_distances(const Run& run, const Setting& s, const std::string& space,
                                     const std::string& label, const std::string& params_key,
                                     const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok,
                                     const ComputeDistances& compute, bool dry_run, bool* computed) {
  const fs::path base = run.out / "distances" / space / label / s.transform / s.magnitude_path;
  const fs::path npy = base.string() + ".npy", meta = base.string() + ".json";
  const std::string key = "dist-1:" + hex(mask_hash(mask_hash(stable_hash(params_key, clips_hash(run)), row_ok), col_ok));
  const std::size_t c = run.clips.size();
  FullMatrix f;
  f.row_ok = row_ok;
  f.col_ok = col_ok;
  *computed = false;
  if (meta_matches(meta, key) && fs::exists(npy)) {
    auto a = io::read_npy<double>(npy);
    if (a.shape.size() == 2 && a.shape[0] == c && a.shape[1] == c) {
      f.d.rows = f.d.cols = c;
      f.d.data = std::move(a.data);
      return f;
    }
  }
  *computed = true;
  f.d = MatrixD(c, c, kNaN);
  if (dry_run) return f;
  std::vector<std::size_t> rows, cols;
  for (std::size_t k = 0; k < c; ++k) {
    if (row_ok[k]) rows.push_back(k);
    if (col_ok[k]) cols.push_back(k);
  }
  if (!rows.empty() && !cols.empty()) {
    const MatrixD sub = compute(rows, cols);
    NNR_ASSERT(sub.rows == rows.size() && sub.cols == cols.size());
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < cols.size(); ++j) f.d(rows[i], cols[j]) = sub(i, j);
  }
  io::write_npy(npy, f.d.data, {c, c});
  io::Json j;
  j["key"] = key;
  j["setting"] = s.id;
  j["space"] = space;
  j["distance"] = label;
  j["params"] = params_key;
  j["layout"] = "row i = transformed clip i, column j = original j, clips in manifest OG order; NaN = missing";
  io::write_json(meta, j);
  return f;
}


}  // namespace nnr::eval::detail
