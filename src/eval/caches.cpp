#include "caches.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <set>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/shard_files.hpp"
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

// Row blocks (nnr-evaluate --rows i/n): `<base>.rows-<i>-of-<n><suffix>` beside the full cache file, holding
// the rows of shard i/n only; a later call without --rows assembles them into the full file (and removes them).
fs::path block_file(const fs::path& base, const Shard& rows, const std::string& suffix) {
  return base.string() + ".rows-" + std::to_string(rows.index) + "-of-" + std::to_string(rows.count) + suffix;
}

// The counts n of the row blocks present beside `base` (by their .json sidecars, written last).
std::set<int> block_counts(const fs::path& base) {
  return io::part_counts(base.parent_path(), base.filename().string() + ".rows-", ".json");
}

std::string block_key(const std::string& key, const Shard& rows) { return key + ":rows-" + rows.str(); }

// The one complete, current set of row blocks beside `base`, as its count (0 = none). A set that is
// incomplete is an error naming what is missing; blocks whose key is stale (inputs changed since) are ignored
// with a warning. key_of(i/n) is the key block i of n must carry.
int complete_blocks(const fs::path& base, const std::vector<std::string>& suffixes,
                    const std::function<std::string(const Shard&)>& key_of) {
  for (const int n : block_counts(base)) {
    std::vector<std::string> missing;
    bool stale = false;
    for (int i = 0; i < n; ++i) {
      const Shard b{i, n};
      bool present = true;
      for (const auto& suf : suffixes) present = present && fs::exists(block_file(base, b, suf));
      if (!present || !fs::exists(block_file(base, b, ".json")))
        missing.push_back(b.str());
      else if (!meta_matches(block_file(base, b, ".json"), key_of(b)))
        stale = true;
    }
    if (stale) {
      spdlog::warn("{}: row blocks {}.rows-*-of-{} are stale (their inputs changed); ignored", kComponent,
                   base.string(), n);
      continue;
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      throw_io(std::string(kComponent) + ": row blocks of " + base.string() + " are missing (rows " + list +
               " of " + std::to_string(n) + "); run nnr-evaluate --rows i/" + std::to_string(n) +
               " for them first, or delete " + base.filename().string() + ".rows-* to compute it whole");
    }
    return n;
  }
  return 0;
}

void remove_blocks(const fs::path& base, int n, const std::vector<std::string>& suffixes) {
  std::error_code ec;
  for (int i = 0; i < n; ++i) {
    fs::remove(block_file(base, Shard{i, n}, ".json"), ec);  // the sidecar first: no block looks complete
    for (const auto& suf : suffixes) fs::remove(block_file(base, Shard{i, n}, suf), ec);
  }
}

// MFCC sequences of a cache file (full or block): clip k = frames offsets[k]..offsets[k+1]. False if malformed,
// and then `out` is untouched.
bool read_sequences(const fs::path& npy, const fs::path& offsets, std::size_t clips, Sequences& out) {
  const auto frames = io::read_npy<float>(npy);
  const auto off = io::read_npy<std::int64_t>(offsets);
  const std::size_t dim = frames.shape.size() == 2 ? frames.shape[1] : 0;
  if (off.data.size() != clips + 1 || dim == 0) return false;
  for (std::size_t k = 0; k < clips; ++k) {
    const auto a = static_cast<std::size_t>(off.data[k]), b = static_cast<std::size_t>(off.data[k + 1]);
    if (b <= a) continue;
    MatrixF m(b - a, dim);
    std::copy(frames.data.begin() + static_cast<std::ptrdiff_t>(a * dim),
              frames.data.begin() + static_cast<std::ptrdiff_t>(b * dim), m.data.begin());
    out.seq[k] = std::move(m);
  }
  return true;
}

void write_sequences(const fs::path& npy, const fs::path& offsets, const fs::path& meta, const std::string& key,
                     const Setting& s, const Sequences& seqs) {
  std::size_t dim = 0, total = 0;
  for (const auto& m : seqs.seq)
    if (!m.empty()) {
      dim = m.cols;
      total += m.rows;
    }
  std::vector<float> frames;
  frames.reserve(total * dim);
  std::vector<std::int64_t> off(1, 0);
  for (const auto& m : seqs.seq) {
    if (!m.empty()) frames.insert(frames.end(), m.data.begin(), m.data.end());
    off.push_back(off.back() + static_cast<std::int64_t>(m.empty() ? 0 : m.rows));
  }
  io::write_npy(npy, frames, {total, dim == 0 ? 24 : dim});
  io::write_npy(offsets, off, {off.size()});
  io::Json j;
  j["key"] = key;
  j["setting"] = s.id;
  j["clips"] = seqs.seq.size();
  j["format"] = "frames (sum T) x D float32; clip k = rows offsets[k]..offsets[k+1]; empty = missing";
  io::write_json(meta, j);
}

}  // namespace

Sequences load_or_compute_mfcc(const Run& run, const Setting& s, const Backend& backend, int threads, bool dry_run,
                               const Shard& rows) {
  const fs::path base = run.out / "features" / "mfcc" / s.transform / s.magnitude_path;
  const fs::path npy = base.string() + ".npy", offsets = base.string() + ".offsets.npy", meta = base.string() + ".json";
  const std::size_t c = run.clips.size();
  std::vector<std::uint8_t> wanted(c, 0);
  for (std::size_t k = 0; k < c; ++k)
    wanted[k] = run.ok(s, k);
  std::uint64_t h = mask_hash(clips_hash(run), wanted);
  for (std::size_t k = 0; k < c; ++k)
    if (wanted[k]) h = stable_hash(run.manifest[static_cast<std::size_t>(s.row[k])].path + "\x1f", h);
  const std::string key = "mfcc-seq-1:" + hex(h);
  Sequences out;
  out.seq.resize(c);
  if (meta_matches(meta, key) && fs::exists(npy) && fs::exists(offsets) && read_sequences(npy, offsets, c, out))
    return out;
  const std::vector<std::string> suffixes = {".npy", ".offsets.npy"};
  if (!rows.whole()) {
    // A row block: only the clips of rows i/n (the full cache, if there, was read above).
    const fs::path bnpy = block_file(base, rows, ".npy"), boff = block_file(base, rows, ".offsets.npy"),
                   bmeta = block_file(base, rows, ".json");
    if (meta_matches(bmeta, block_key(key, rows)) && fs::exists(bnpy) && fs::exists(boff) &&
        read_sequences(bnpy, boff, c, out))
      return out;
    const Range r = shard_range(c, rows);
    for (std::size_t k = 0; k < c; ++k)
      if (k < r.begin || k >= r.end) wanted[k] = 0;
  } else if (!dry_run) {
    if (const int n = complete_blocks(base, suffixes, [&](const Shard& b) { return block_key(key, b); })) {
      // Assemble the --rows blocks: each holds its own clips' sequences, so the whole is their union.
      for (int i = 0; i < n; ++i) {
        Sequences part;
        part.seq.resize(c);
        const Shard b{i, n};
        if (!read_sequences(block_file(base, b, ".npy"), block_file(base, b, ".offsets.npy"), c, part))
          throw_io(std::string(kComponent) + ": malformed row block " + block_file(base, b, ".npy").string() +
                   "; delete it and rerun nnr-evaluate --rows " + b.str());
        const Range r = shard_range(c, b);
        for (std::size_t k = r.begin; k < r.end; ++k) out.seq[k] = std::move(part.seq[k]);
      }
      write_sequences(npy, offsets, meta, key, s, out);
      remove_blocks(base, n, suffixes);
      return out;
    }
  }
  if (dry_run) {
    spdlog::info("{}: would compute MFCC sequences for {} ({} clips)", kComponent, s.id,
                 std::count(wanted.begin(), wanted.end(), 1));
    return out;
  }
  std::vector<std::string> errors(c);
  parallel_for(0, c, resolve_threads(threads), [&](std::size_t k) {
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
  if (rows.whole())
    write_sequences(npy, offsets, meta, key, s, out);
  else
    write_sequences(block_file(base, rows, ".npy"), block_file(base, rows, ".offsets.npy"),
                    block_file(base, rows, ".json"), block_key(key, rows), s, out);
  return out;
}

namespace {

void write_distances(const fs::path& npy, const fs::path& meta, const MatrixD& d, const std::string& key,
                     const Setting& s, const std::string& space, const std::string& label,
                     const std::string& params_key, const std::string& layout) {
  io::write_npy(npy, d.data, {d.rows, d.cols});
  io::Json j;
  j["key"] = key;
  j["setting"] = s.id;
  j["space"] = space;
  j["distance"] = label;
  j["params"] = params_key;
  j["layout"] = layout;
  io::write_json(meta, j);
}

constexpr const char* kLayout =
    "row i = transformed clip i, column j = original j, clips in manifest OG order; NaN = missing";

}  // namespace

FullMatrix load_or_compute_distances(const Run& run, const Setting& s, const std::string& space,
                                     const std::string& label, const std::string& params_key,
                                     const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok,
                                     const ComputeDistances& compute, bool dry_run, bool* computed,
                                     const Shard& rows) {
  const fs::path base = run.out / "distances" / space / label / s.transform / s.magnitude_path;
  const fs::path npy = base.string() + ".npy", meta = base.string() + ".json";
  const std::uint64_t head = stable_hash(params_key, clips_hash(run));
  const std::string key = "dist-1:" + hex(mask_hash(mask_hash(head, row_ok), col_ok));
  const std::size_t c = run.clips.size();
  // A block's key covers its own rows' availability only (the other rows are not known to its call).
  const auto key_of = [&](const Shard& b) {
    const Range r = shard_range(c, b);
    const std::vector<std::uint8_t> part(row_ok.begin() + static_cast<std::ptrdiff_t>(r.begin),
                                         row_ok.begin() + static_cast<std::ptrdiff_t>(r.end));
    return "dist-1:" + hex(mask_hash(mask_hash(head, part), col_ok)) + ":rows-" + b.str();
  };
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
  const Range range = shard_range(c, rows);
  if (!rows.whole()) {
    // One row block of the matrix; the caller uses only its rows.
    const fs::path bnpy = block_file(base, rows, ".npy"), bmeta = block_file(base, rows, ".json");
    if (meta_matches(bmeta, key_of(rows)) && fs::exists(bnpy)) {
      auto a = io::read_npy<double>(bnpy);
      if (a.shape.size() == 2 && a.shape[0] == range.size() && a.shape[1] == c) return f;
    }
  } else if (!dry_run) {
    if (const int n = complete_blocks(base, {".npy"}, key_of)) {
      f.d = MatrixD(c, c, kNaN);
      for (int i = 0; i < n; ++i) {
        const Shard b{i, n};
        const Range r = shard_range(c, b);
        const auto a = io::read_npy<double>(block_file(base, b, ".npy"));
        if (a.shape.size() != 2 || a.shape[0] != r.size() || a.shape[1] != c)
          throw_io(std::string(kComponent) + ": malformed row block " + block_file(base, b, ".npy").string() +
                   "; delete it and rerun nnr-evaluate --rows " + b.str());
        std::copy(a.data.begin(), a.data.end(), f.d.data.begin() + static_cast<std::ptrdiff_t>(r.begin * c));
      }
      write_distances(npy, meta, f.d, key, s, space, label, params_key, kLayout);
      remove_blocks(base, n, {".npy"});
      return f;
    }
  }
  *computed = true;
  MatrixD d(range.size(), c, kNaN);
  if (dry_run) {
    if (rows.whole()) f.d = std::move(d);
    return f;
  }
  std::vector<std::size_t> rws, cols;
  for (std::size_t k = range.begin; k < range.end; ++k)
    if (row_ok[k]) rws.push_back(k);
  for (std::size_t k = 0; k < c; ++k)
    if (col_ok[k]) cols.push_back(k);
  if (!rws.empty() && !cols.empty()) {
    const MatrixD sub = compute(rws, cols);
    NNR_ASSERT(sub.rows == rws.size() && sub.cols == cols.size());
    for (std::size_t i = 0; i < rws.size(); ++i)
      for (std::size_t j = 0; j < cols.size(); ++j) d(rws[i] - range.begin, cols[j]) = sub(i, j);
  }
  if (!rows.whole()) {
    write_distances(block_file(base, rows, ".npy"), block_file(base, rows, ".json"), d, key_of(rows), s, space,
                    label, params_key, "rows " + std::to_string(range.begin) + ".." + std::to_string(range.end) +
                                           " of the full matrix (" + kLayout + ")");
    return f;
  }
  f.d = std::move(d);
  write_distances(npy, meta, f.d, key, s, space, label, params_key, kLayout);
  return f;
}

}  // namespace nnr::eval::detail
