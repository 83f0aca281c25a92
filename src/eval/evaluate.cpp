#include "nnr/eval/evaluate.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "nnr/metrics/bootstrap.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/task_metrics.hpp"

namespace nnr::eval {
namespace fs = std::filesystem;
namespace {

constexpr const char* kComponent = "nnr-evaluate";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------------------
// Run directory model

struct Setting {
  std::string id, transform, magnitude_path, magnitude_col;
  std::vector<long> row;  // manifest row of clip k in this setting, -1 if none
};

struct Encoder {
  std::string name, task;  // task: "", "ae", "at", "ir", "vs"
  MatrixF emb;
  std::vector<std::uint8_t> finite;  // per manifest row
  bool has_pred = false;
  MatrixF pred;
  std::vector<std::string> classes;
};

struct Labels {
  bool present = false;
  std::map<std::string, std::string> instrument;
  std::map<std::string, std::set<std::string>> tags;
};

struct Run {
  fs::path dir;
  fs::path out;                    // where features/, distances/ and results/ go (dir or dir/subsets/<name>)
  std::vector<io::ManifestRow> manifest;
  std::vector<std::string> clips;  // evaluated originals, manifest order
  std::vector<Setting> settings;   // manifest order, OG first
  std::vector<Encoder> encoders;
  Labels labels;
};

std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string magnitude_path_text(const io::ManifestRow& r) {
  const auto a = r.setting.find('['), b = r.setting.rfind(']');
  std::string m = (a != std::string::npos && b != std::string::npos && b > a + 1)
                      ? r.setting.substr(a + 1, b - a - 1)
                      : io::format_number(r.magnitude);
  for (char& c : m)
    if (c == '/' || c == '\\' || c == ' ') c = '_';
  return m;
}

bool is_ok(const io::ManifestRow& r) { return r.status == "ok"; }

Labels read_labels(const fs::path& path) {
  Labels l;
  if (!fs::exists(path)) return l;
  const auto t = io::read_csv(path);
  const auto ci = t.column("clip_id");
  const bool has_inst = t.has_column("instrument"), has_tags = t.has_column("tags");
  for (const auto& row : t.rows) {
    if (has_inst) l.instrument[row[ci]] = row[t.column("instrument")];
    if (has_tags) {
      std::set<std::string> tags;
      std::stringstream ss(row[t.column("tags")]);
      std::string tag;
      while (std::getline(ss, tag, ';'))
        if (!tag.empty()) tags.insert(tag);
      l.tags[row[ci]] = std::move(tags);
    }
  }
  l.present = true;
  return l;
}

std::string task_of(const fs::path& sidecar, const std::string& name) {
  if (fs::exists(sidecar)) {
    const auto j = io::load_json(sidecar);
    if (j.is_object() && j.contains("task") && j.at("task").is_string()) {
      const auto t = j.at("task").get<std::string>();
      if (!t.empty()) return t;
    }
  }
  for (const char* t : {"ae", "at", "ir", "vs"})
    if (name == t) return t;
  return "";
}

MatrixF to_matrix(io::NpyArray<float>&& a, const fs::path& path) {
  MatrixF m;
  if (a.shape.size() == 1) {
    m.rows = a.shape[0];
    m.cols = 1;
  } else if (a.shape.size() == 2) {
    m.rows = a.shape[0];
    m.cols = a.shape[1];
  } else {
    throw_input(std::string(kComponent) + ": expected a 2-D array (file=" + path.string() + ", ndim=" +
                std::to_string(a.shape.size()) + ")");
  }
  m.data = std::move(a.data);
  return m;
}

Run load_run(const EvaluateOptions& o, bool need_embeddings) {
  Run run;
  run.dir = o.run_dir;
  run.out = output_dir(o);
  const fs::path manifest = run.dir / "manifest.csv";
  if (!fs::exists(manifest))
    throw_io(std::string(kComponent) + ": no manifest (file=" + manifest.string() +
             "); run nnr-transform first or check --run");
  run.manifest = io::read_manifest(manifest);

  // Originals, in manifest order, restricted to the configured subset.
  std::set<std::string> wanted(o.clips.begin(), o.clips.end());
  std::set<std::string> seen;
  std::regex pattern;
  try {
    pattern = std::regex(o.clip_pattern.empty() ? ".*" : o.clip_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw_config(std::string(kComponent) + ": bad clip pattern (evaluate.clip_pattern=" + o.clip_pattern +
                 "): " + e.what());
  }
  for (const auto& r : run.manifest)
    if (r.transform == "OG" && (wanted.empty() || wanted.count(r.clip_id)) && std::regex_search(r.clip_id, pattern) &&
        seen.insert(r.clip_id).second)
      run.clips.push_back(r.clip_id);
  for (const auto& c : wanted)
    if (!seen.count(c))
      throw_config(std::string(kComponent) + ": clip not among the manifest's originals (evaluate.clips=" + c + ")");
  if (o.max_clips > 0 && run.clips.size() > o.max_clips) run.clips.resize(o.max_clips);
  if (run.clips.empty())
    throw_input(std::string(kComponent) + ": no original (transform OG) rows to evaluate (file=" +
                manifest.string() + (o.clip_pattern.empty() ? "" : ", clip_pattern=" + o.clip_pattern) + ")");
  std::map<std::string, std::size_t> clip_index;
  for (std::size_t k = 0; k < run.clips.size(); ++k) clip_index[run.clips[k]] = k;

  std::map<std::string, std::size_t> setting_index;
  // OG first, then the other settings in order of first appearance.
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < run.manifest.size(); ++i) {
      const auto& r = run.manifest[i];
      if ((pass == 0) != (r.transform == "OG")) continue;
      const std::string id = r.transform == "OG" ? "OG" : r.setting;
      auto it = setting_index.find(id);
      if (it == setting_index.end()) {
        Setting s;
        s.id = id;
        s.transform = r.transform;
        s.magnitude_path = r.transform == "OG" ? "0" : magnitude_path_text(r);
        s.magnitude_col = io::format_number(r.magnitude);
        s.row.assign(run.clips.size(), -1);
        it = setting_index.emplace(id, run.settings.size()).first;
        run.settings.push_back(std::move(s));
      }
      const auto c = clip_index.find(r.clip_id);
      if (c != clip_index.end()) run.settings[it->second].row[c->second] = static_cast<long>(i);
    }

  // Encoders: every embeddings/*.npy, sorted by name.
  const fs::path emb_dir = run.dir / "embeddings";
  std::vector<std::string> names;
  if (fs::is_directory(emb_dir))
    for (const auto& e : fs::directory_iterator(emb_dir))
      if (e.is_regular_file() && e.path().extension() == ".npy") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  if (!o.encoders.empty()) {
    for (const auto& n : o.encoders)
      if (std::find(names.begin(), names.end(), n) == names.end())
        throw_config(std::string(kComponent) + ": encoder has no embeddings (evaluate.encoders=" + n +
                     ", file=" + (emb_dir / (n + ".npy")).string() + "); run nnr-encode --encoder " + n);
    names = o.encoders;
  }
  if (names.empty() && need_embeddings)
    throw_io(std::string(kComponent) + ": no embeddings (dir=" + emb_dir.string() +
             "/*.npy); run nnr-encode first");
  if (!need_embeddings) return run;
  for (const auto& name : names) {
    Encoder e;
    e.name = name;
    const fs::path path = emb_dir / (name + ".npy");
    e.emb = to_matrix(io::read_npy<float>(path), path);
    if (e.emb.rows != run.manifest.size())
      throw_input(std::string(kComponent) + ": embeddings rows != manifest rows (file=" + path.string() +
                  ", rows=" + std::to_string(e.emb.rows) + ", manifest rows=" + std::to_string(run.manifest.size()) +
                  "); re-run nnr-encode for this manifest");
    e.finite.assign(e.emb.rows, 1);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < e.emb.rows; ++i) {
      const float* r = e.emb.row(i);
      if (std::any_of(r, r + e.emb.cols, [](float v) { return !std::isfinite(v); })) {
        e.finite[i] = 0;
        if (is_ok(run.manifest[i])) {
          if (o.nan_embeddings_error)
            throw_input(std::string(kComponent) + ": NaN embedding for an ok manifest row (file=" + path.string() +
                        ", row=" + std::to_string(i) + ", clip=" + run.manifest[i].clip_id +
                        "); re-run nnr-encode or set evaluate.nan_embeddings=exclude");
          ++bad;
        }
      }
    }
    if (bad) spdlog::warn("{}: {} rows of {} are NaN although their manifest status is ok; excluded", kComponent, bad, path.string());
    e.task = task_of(emb_dir / (name + ".json"), name);
    const fs::path pred = run.dir / "predictions" / (name + ".npy");
    if (fs::exists(pred) && !e.task.empty()) {
      e.pred = to_matrix(io::read_npy<float>(pred), pred);
      if (e.pred.rows != run.manifest.size())
        throw_input(std::string(kComponent) + ": prediction rows != manifest rows (file=" + pred.string() + ", rows=" +
                    std::to_string(e.pred.rows) + ", manifest rows=" + std::to_string(run.manifest.size()) + ")");
      const fs::path cls = run.dir / "predictions" / (name + ".classes.json");
      if (fs::exists(cls)) {
        const auto j = io::load_json(cls);
        const auto& list = j.is_object() && j.contains("classes") ? j.at("classes") : j;
        if (!list.is_array())
          throw_input(std::string(kComponent) + ": classes file is not a JSON list (file=" + cls.string() + ")");
        for (const auto& c : list) e.classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
      }
      if ((e.task == "at" || e.task == "ir") && e.classes.size() != e.pred.cols)
        throw_input(std::string(kComponent) + ": prediction columns != classes (file=" + cls.string() + ", classes=" +
                    std::to_string(e.classes.size()) + ", columns=" + std::to_string(e.pred.cols) + ")");
      e.has_pred = true;
    }
    run.encoders.push_back(std::move(e));
  }
  const fs::path labels = o.labels.empty() ? run.dir / "labels.csv" : o.labels;
  if (!o.labels.empty() && !fs::exists(labels))
    throw_io(std::string(kComponent) + ": labels file not found (evaluate.labels=" + labels.string() + ")");
  run.labels = read_labels(labels);
  for (const auto& e : run.encoders)
    if (e.has_pred && (e.task == "at" || e.task == "ir") && !run.labels.present)
      spdlog::warn("{}: no labels (file={}); {} performance of {} skipped", kComponent, labels.string(), e.task,
                   e.name);
  return run;
}

// ---------------------------------------------------------------------------------------------------------
// Caches

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

struct Sequences {
  std::vector<MatrixF> seq;  // per clip; empty = missing
};

/// MFCC sequences of one setting's clips, from features/mfcc/ or computed (and cached).
Sequences load_or_compute_mfcc(const Run& run, const Setting& s, const Backend& backend, int threads, bool dry_run) {
  const fs::path base = run.out / "features" / "mfcc" / s.transform / s.magnitude_path;
  const fs::path npy = base.string() + ".npy", offsets = base.string() + ".offsets.npy", meta = base.string() + ".json";
  std::vector<std::uint8_t> wanted(run.clips.size(), 0);
  for (std::size_t k = 0; k < run.clips.size(); ++k)
    wanted[k] = s.row[k] >= 0 && is_ok(run.manifest[static_cast<std::size_t>(s.row[k])]);
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

/// A distance matrix over all evaluated clips (C x C, NaN where a row/column is unavailable).
struct FullMatrix {
  MatrixD d;
  std::vector<std::uint8_t> row_ok, col_ok;
};

/// Loads distances/<space>/<label>/<transform>/<mag>.npy when its sidecar key matches, else calls compute().
FullMatrix load_or_compute_distances(const Run& run, const Setting& s, const std::string& space,
                                     const std::string& label, const std::string& params_key,
                                     const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok,
                                     const std::function<MatrixD(const std::vector<std::size_t>& rows,
                                                                 const std::vector<std::size_t>& cols)>& compute,
                                     bool dry_run, bool* computed) {
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

/// Rows usable for δ: row available and its own original available. Returns (rows, cols, own positions).
struct Selection {
  std::vector<std::size_t> rows, cols, own;
};

Selection select(const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok) {
  Selection s;
  std::vector<long> pos(col_ok.size(), -1);
  for (std::size_t k = 0; k < col_ok.size(); ++k)
    if (col_ok[k]) {
      pos[k] = static_cast<long>(s.cols.size());
      s.cols.push_back(k);
    }
  for (std::size_t k = 0; k < row_ok.size(); ++k)
    if (row_ok[k] && pos[k] >= 0) {
      s.rows.push_back(k);
      s.own.push_back(static_cast<std::size_t>(pos[k]));
    }
  return s;
}

MatrixD submatrix(const MatrixD& d, const Selection& s) {
  MatrixD m(s.rows.size(), s.cols.size());
  for (std::size_t i = 0; i < s.rows.size(); ++i)
    for (std::size_t j = 0; j < s.cols.size(); ++j) m(i, j) = d(s.rows[i], s.cols[j]);
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// Output rows

std::vector<std::string> estimate_fields(const metrics::Estimate& e) {
  return {io::format_number(e.value), io::format_number(e.ci_low), io::format_number(e.ci_high), std::to_string(e.n)};
}

struct Rows {
  io::CsvWriter consistency{consistency_columns()};
  io::CsvWriter performance{performance_columns()};
  std::set<std::string> unscored;  // "task of encoder" with no clip to score in some setting
};

void add_consistency(Rows& out, const std::string& encoder, const std::string& metric, const std::string& space,
                     const std::string& da, const std::string& dl, const std::string& aggregation, const Setting& s,
                     const metrics::Estimate& e) {
  std::vector<std::string> f = {encoder, metric, space, da, dl, aggregation, s.transform, s.magnitude_col, s.id};
  for (auto& x : estimate_fields(e)) f.push_back(std::move(x));
  out.consistency.add_row(f);
}

void add_performance(Rows& out, const std::string& task, const std::string& encoder, const std::string& metric,
                     const Setting& s, const metrics::Estimate& e) {
  // No clip to score (no labels or vocal stems among these clips): no row, one warning at the end.
  if (e.n == 0) {
    out.unscored.insert(task + " performance of " + encoder);
    return;
  }
  std::vector<std::string> f = {task, encoder, metric, s.transform, s.magnitude_col, s.id};
  for (auto& x : estimate_fields(e)) f.push_back(std::move(x));
  out.performance.add_row(f);
}

metrics::BootstrapOptions boot(const EvaluateOptions& o, std::uint64_t seed, bool pooled = false) {
  metrics::BootstrapOptions b;
  b.resamples = pooled && o.bootstrap_pooled >= 0 ? o.bootstrap_pooled : o.bootstrap;
  b.level = o.level;
  b.seed = seed;
  b.threads = o.threads;
  return b;
}

void evaluate_performance(const Run& run, const Setting& s, const EvaluateOptions& o, Rows& out) {
  for (const auto& e : run.encoders) {
    if (!e.has_pred) continue;
    std::vector<double> per_clip;
    std::string metric;
    std::vector<std::size_t> rows;  // manifest rows with an ok status
    for (std::size_t k = 0; k < run.clips.size(); ++k) {
      const long r = s.row[k];
      if (r >= 0 && is_ok(run.manifest[static_cast<std::size_t>(r)])) rows.push_back(static_cast<std::size_t>(r));
    }
    auto finite_row = [&](std::size_t r) {
      return std::all_of(e.pred.row(r), e.pred.row(r) + e.pred.cols, [](float v) { return std::isfinite(v); });
    };
    const auto seed = derive_seed(o.seed, "performance", e.name, e.task, s.id);
    if (e.task == "ae" || e.task == "vs") {
      metric = e.task == "ae" ? "mse" : "sdr";
      for (std::size_t r : rows) per_clip.push_back(std::isnan(e.pred(r, 0)) ? kNaN : static_cast<double>(e.pred(r, 0)));
      const auto est = e.task == "ae" ? metrics::bootstrap_mean(per_clip, boot(o, seed))
                                      : metrics::bootstrap_median(per_clip, boot(o, seed));
      add_performance(out, e.task, e.name, metric, s, est);
    } else if (e.task == "at") {
      if (!run.labels.present) continue;
      std::vector<std::size_t> used;
      for (std::size_t r : rows)
        if (finite_row(r) && run.labels.tags.count(run.manifest[r].clip_id)) used.push_back(r);
      MatrixF sc(used.size(), e.pred.cols);
      Matrix<std::uint8_t> lab(used.size(), e.pred.cols);
      for (std::size_t i = 0; i < used.size(); ++i) {
        std::copy(e.pred.row(used[i]), e.pred.row(used[i]) + e.pred.cols, sc.row(i));
        const auto& tags = run.labels.tags.at(run.manifest[used[i]].clip_id);
        for (std::size_t j = 0; j < e.classes.size(); ++j) lab(i, j) = tags.count(e.classes[j]) ? 1 : 0;
      }
      per_clip = metrics::clip_aucs(sc, lab, o.auc_drop_empty_tags);
      add_performance(out, e.task, e.name, "auc_c", s, metrics::bootstrap_mean(per_clip, boot(o, seed)));
    } else if (e.task == "ir") {
      if (!run.labels.present) continue;
      for (std::size_t r : rows) {
        const auto it = run.labels.instrument.find(run.manifest[r].clip_id);
        if (!finite_row(r) || it == run.labels.instrument.end()) continue;
        const auto c = std::find(e.classes.begin(), e.classes.end(), it->second);
        if (c == e.classes.end()) continue;
        const float* p = e.pred.row(r);
        const auto pred = std::max_element(p, p + e.pred.cols) - p;
        per_clip.push_back(pred == c - e.classes.begin() ? 1.0 : 0.0);
      }
      add_performance(out, e.task, e.name, "accuracy", s, metrics::bootstrap_mean(per_clip, boot(o, seed)));
    }
  }
}

std::string spec_key(const DistanceSpec& d) { return d.name + ":" + d.params.dump(); }

/// All consistency rows of one setting.
void evaluate_setting(const Run& run, const Setting& og, const Setting& s, const EvaluateOptions& o,
                      const Backend& backend, Sequences& og_cache, Rows& out) {
  const std::size_t c = run.clips.size();
  // Audio space.
  std::vector<std::uint8_t> a_row(c), a_col(c);
  // Originals' sequences are loaded once per call (og_cache); the setting's from its cache file.
  if (og_cache.seq.empty()) og_cache = load_or_compute_mfcc(run, og, backend, o.threads, o.dry_run);
  const Sequences& rs = og_cache;
  Sequences own_qs;
  if (&s != &og) own_qs = load_or_compute_mfcc(run, s, backend, o.threads, o.dry_run);
  const Sequences& qs = &s == &og ? og_cache : own_qs;
  for (std::size_t k = 0; k < c; ++k) {
    a_row[k] = s.row[k] >= 0 && is_ok(run.manifest[static_cast<std::size_t>(s.row[k])]);
    a_col[k] = og.row[k] >= 0 && is_ok(run.manifest[static_cast<std::size_t>(og.row[k])]);
    if (!o.dry_run) {
      a_row[k] = a_row[k] && !qs.seq[k].empty();
      a_col[k] = a_col[k] && !rs.seq[k].empty();
    }
  }
  std::vector<FullMatrix> audio;
  for (const auto& spec : o.audio_distances) {
    bool computed = false;
    audio.push_back(load_or_compute_distances(
        run, s, "audio", spec.label, spec_key(spec), a_row, a_col,
        [&](const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols) {
          std::vector<MatrixF> q, r;
          for (auto k : rows) q.push_back(qs.seq[k]);
          for (auto k : cols) r.push_back(rs.seq[k]);
          try {
            return backend.sequence_distances(q, r, spec, o.threads);
          } catch (const Error& e) {
            throw Error(e.kind(), std::string(e.what()) + " [while computing audio/" + spec.label + " for " + s.id +
                                      "; query/ref indices count the available clips in manifest OG order]");
          }
        },
        o.dry_run, &computed));
    if (o.dry_run) {
      spdlog::info("{}: {} audio/{}: {}", kComponent, s.id, spec.label, computed ? "to compute" : "cached");
      continue;
    }
    const auto sel = select(a_row, a_col);
    const auto d = submatrix(audio.back().d, sel);
    add_consistency(out, "audio", "C_W", "audio", spec.label, "", "mean", s,
                    metrics::within_space(d, boot(o, derive_seed(o.seed, "audio", spec.label, s.id)), sel.own));
  }
  // Latent spaces.
  for (const auto& e : run.encoders) {
    std::vector<std::uint8_t> l_row(c), l_col(c);
    for (std::size_t k = 0; k < c; ++k) {
      l_row[k] = s.row[k] >= 0 && is_ok(run.manifest[static_cast<std::size_t>(s.row[k])]) &&
                 e.finite[static_cast<std::size_t>(s.row[k])];
      l_col[k] = og.row[k] >= 0 && is_ok(run.manifest[static_cast<std::size_t>(og.row[k])]) &&
                 e.finite[static_cast<std::size_t>(og.row[k])];
    }
    for (const auto& dl : o.latent_distances) {
      bool computed = false;
      const auto lat = load_or_compute_distances(
          run, s, e.name, dl, "vector:" + dl, l_row, l_col,
          [&](const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols) {
            MatrixF q(rows.size(), e.emb.cols), r(cols.size(), e.emb.cols);
            for (std::size_t i = 0; i < rows.size(); ++i) {
              const float* src = e.emb.row(static_cast<std::size_t>(s.row[rows[i]]));
              std::copy(src, src + e.emb.cols, q.row(i));
            }
            for (std::size_t j = 0; j < cols.size(); ++j) {
              const float* src = e.emb.row(static_cast<std::size_t>(og.row[cols[j]]));
              std::copy(src, src + e.emb.cols, r.row(j));
            }
            return backend.vector_distances(q, r, dl, o.threads);
          },
          o.dry_run, &computed);
      if (o.dry_run) {
        spdlog::info("{}: {} {}/{}: {}", kComponent, s.id, e.name, dl, computed ? "to compute" : "cached");
        continue;
      }
      const auto lsel = select(l_row, l_col);
      add_consistency(out, e.name, "C_W", "latent", "", dl, "mean", s,
                      metrics::within_space(submatrix(lat.d, lsel), boot(o, derive_seed(o.seed, e.name, dl, s.id)),
                                            lsel.own));
      // Between spaces: clips available in both.
      std::vector<std::uint8_t> b_row(c), b_col(c);
      for (std::size_t k = 0; k < c; ++k) {
        b_row[k] = l_row[k] && a_row[k];
        b_col[k] = l_col[k] && a_col[k];
      }
      const auto bsel = select(b_row, b_col);
      const auto ld = submatrix(lat.d, bsel);
      for (std::size_t ai = 0; ai < audio.size(); ++ai) {
        const auto& da = o.audio_distances[ai].label;
        const auto ad = submatrix(audio[ai].d, bsel);
        const auto seed = derive_seed(o.seed, e.name, da, dl, s.id);
        const auto acc = metrics::bootstrap_mean(
            metrics::agreement(metrics::delta(ad, bsel.own), metrics::delta(ld, bsel.own)),
            boot(o, derive_seed(seed, "C_B_acc")));
        const auto per_clip = metrics::bootstrap_mean(metrics::per_clip_spearman(ad, ld, bsel.own),
                                                      boot(o, derive_seed(seed, "C_B_rho", "per_clip")));
        const auto pooled =
            metrics::bootstrap_pooled_spearman(ad, ld, boot(o, derive_seed(seed, "C_B_rho", "pooled"), true));
        add_consistency(out, e.name, "C_B_acc", "between", da, dl, "mean", s, acc);
        add_consistency(out, e.name, "C_B_rho", "between", da, dl, "per_clip", s, per_clip);
        add_consistency(out, e.name, "C_B_rho", "between", da, dl, "pooled", s, pooled);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shards and merge

fs::path shard_csv(const fs::path& run, const std::string& what, const Shard& s) {
  return run / "results" / "shards" / (what + "." + std::to_string(s.index) + "-of-" + std::to_string(s.count) + ".csv");
}

std::string body_of(const std::string& csv_text) {
  const auto nl = csv_text.find('\n');
  return nl == std::string::npos ? std::string() : csv_text.substr(nl + 1);
}

EvaluateSummary write_final(const fs::path& run, const std::string& consistency, const std::string& performance) {
  EvaluateSummary sum;
  sum.consistency_csv = run / "results" / "consistency.csv";
  sum.performance_csv = run / "results" / "performance.csv";
  sum.summary_md = run / "results" / "summary.md";
  io::write_file_atomic(sum.consistency_csv, consistency);
  io::write_file_atomic(sum.performance_csv, performance);
  const auto ct = io::parse_csv(consistency, sum.consistency_csv.string());
  const auto pt = io::parse_csv(performance, sum.performance_csv.string());
  sum.consistency_rows = ct.rows.size();
  sum.performance_rows = pt.rows.size();
  sum.summary_markdown = summary_markdown(ct, pt);
  io::write_file_atomic(sum.summary_md, sum.summary_markdown);
  sum.merged = true;
  return sum;
}

EvaluateSummary merge_count(const fs::path& run, int count) {
  std::string consistency, performance;
  std::vector<std::string> missing;
  for (int i = 0; i < count; ++i) {
    const Shard s{i, count};
    for (const char* what : {"consistency", "performance"})
      if (!fs::exists(shard_csv(run, what, s))) missing.push_back(shard_csv(run, what, s).filename().string());
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw_io(std::string(kComponent) + ": cannot merge, shard results missing (dir=" +
             (run / "results" / "shards").string() + ", missing=" + list + "); run those shards first");
  }
  for (int i = 0; i < count; ++i) {
    const Shard s{i, count};
    const auto c = io::read_file(shard_csv(run, "consistency", s));
    const auto p = io::read_file(shard_csv(run, "performance", s));
    if (i == 0) {
      consistency = c.substr(0, c.find('\n') + 1);
      performance = p.substr(0, p.find('\n') + 1);
    }
    consistency += body_of(c);
    performance += body_of(p);
  }
  return write_final(run, consistency, performance);
}

}  // namespace

fs::path output_dir(const EvaluateOptions& o) {
  if (o.subset.empty()) return o.run_dir;
  if (o.subset.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
          std::string::npos ||
      o.subset.front() == '.')
    throw_config(std::string(kComponent) + ": bad subset name (evaluate.subset=" + o.subset +
                 "); use letters, digits, '_', '-' and '.' (it names RUN_DIR/subsets/<name>/)");
  return o.run_dir / "subsets" / o.subset;
}

const std::vector<std::string>& consistency_columns() {
  static const std::vector<std::string> c = {"encoder", "metric",    "space",   "distance_audio", "distance_latent",
                                             "aggregation", "transform", "magnitude", "setting", "value",
                                             "ci_low", "ci_high", "n"};
  return c;
}

const std::vector<std::string>& performance_columns() {
  static const std::vector<std::string> c = {"task",    "encoder", "metric", "transform", "magnitude",
                                             "setting", "value",   "ci_low", "ci_high",   "n"};
  return c;
}

const std::vector<std::string>& evaluate_config_keys() {
  static const std::vector<std::string> k = {"audio_distances", "latent_distances", "encoders", "clips",
                                             "max_clips", "bootstrap", "bootstrap_pooled", "level", "seed",
                                             "auc_drop_empty_tags", "nan_embeddings", "threads", "labels",
                                             "subset", "clip_pattern"};
  return k;
}

void apply_evaluate_config(const io::Json& j, EvaluateOptions& o, const std::string& ctx) {
  if (!j.is_object()) throw_config(ctx + ": the evaluate section must be a JSON object");
  io::check_keys(j, evaluate_config_keys(), ctx);
  if (j.contains("audio_distances")) {
    const auto& list = j.at("audio_distances");
    if (!list.is_array()) io::throw_config_type(ctx + ".audio_distances", list.dump());
    o.audio_distances.clear();
    for (const auto& d : list) {
      DistanceSpec spec;
      if (d.is_string()) {
        spec.name = spec.label = d.get<std::string>();
      } else if (d.is_object() && d.contains("name") && d.at("name").is_string()) {
        spec.name = d.at("name").get<std::string>();
        spec.label = d.value("label", spec.name);
        for (const auto& [k, v] : d.items())
          if (k != "name" && k != "label") spec.params[k] = v;
      } else {
        io::throw_config_type(ctx + ".audio_distances[]", d.dump());
      }
      o.audio_distances.push_back(std::move(spec));
    }
  }
  o.latent_distances = io::get_or(j, "latent_distances", o.latent_distances, ctx);
  for (const auto& d : o.latent_distances)
    if (d != "euclidean" && d != "cosine")
      throw_config(ctx + ".latent_distances: unknown distance (value=" + d + "); valid: euclidean, cosine");
  o.encoders = io::get_or(j, "encoders", o.encoders, ctx);
  o.clips = io::get_or(j, "clips", o.clips, ctx);
  o.max_clips = io::get_or(j, "max_clips", o.max_clips, ctx);
  o.subset = io::get_or(j, "subset", o.subset, ctx);
  o.clip_pattern = io::get_or(j, "clip_pattern", o.clip_pattern, ctx);
  output_dir(o);  // validates the subset name
  o.bootstrap = io::get_or(j, "bootstrap", o.bootstrap, ctx);
  o.bootstrap_pooled = io::get_or(j, "bootstrap_pooled", o.bootstrap_pooled, ctx);
  o.level = io::get_or(j, "level", o.level, ctx);
  o.seed = io::get_or(j, "seed", o.seed, ctx);
  o.auc_drop_empty_tags = io::get_or(j, "auc_drop_empty_tags", o.auc_drop_empty_tags, ctx);
  const auto nan = io::get_or<std::string>(j, "nan_embeddings", o.nan_embeddings_error ? "error" : "exclude", ctx);
  if (nan != "error" && nan != "exclude")
    throw_config(ctx + ".nan_embeddings: unknown value (value=" + nan + "); valid: exclude, error");
  o.nan_embeddings_error = nan == "error";
  o.threads = io::get_or(j, "threads", o.threads, ctx);
  o.labels = io::get_or(j, "labels", o.labels.string(), ctx);
  if (o.bootstrap < 0) throw_config(ctx + ".bootstrap must be >= 0 (value=" + std::to_string(o.bootstrap) + ")");
  if (!(o.level > 0 && o.level < 1)) throw_config(ctx + ".level must be in (0, 1)");
}

EvaluateSummary merge_shards(const fs::path& run) {
  const fs::path dir = run / "results" / "shards";
  std::set<int> counts;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) {
      const auto name = e.path().filename().string();
      int i = 0, n = 0;
      if (std::sscanf(name.c_str(), "consistency.%d-of-%d.csv", &i, &n) == 2 && n > 0) counts.insert(n);
    }
  if (counts.empty())
    throw_io(std::string(kComponent) + ": nothing to merge (dir=" + dir.string() + "); run with --shard i/n first");
  if (counts.size() > 1)
    throw_io(std::string(kComponent) + ": shard results of different shard counts (dir=" + dir.string() +
             "); remove the stale ones");
  return merge_count(run, *counts.begin());
}

EvaluateSummary run_evaluate(const EvaluateOptions& o, const Backend& backend) {
  if (o.merge) return merge_shards(output_dir(o));
  const Run run = load_run(o, true);
  for (const auto& d : o.audio_distances) backend.check_sequence_distance(d);
  const Range range = shard_range(run.settings.size(), o.shard);
  spdlog::info("{}: {} clips, {} settings (this call: {}), {} encoders, audio distances {}, latent distances {}",
               kComponent, run.clips.size(), run.settings.size(), range.size(), run.encoders.size(),
               o.audio_distances.size(), o.latent_distances.size());
  Rows rows;
  Sequences og_cache;
  Progress progress(kComponent, range.size(), "settings");
  for (std::size_t i = range.begin; i < range.end; ++i) {
    evaluate_setting(run, run.settings[0], run.settings[i], o, backend, og_cache, rows);
    if (!o.dry_run) evaluate_performance(run, run.settings[i], o, rows);
    progress.tick();
  }
  progress.finish();
  for (const auto& what : rows.unscored)
    spdlog::warn("{}: {} has no clip to score in some settings (no labels or vocal stems among the evaluated "
                 "clips); those rows are left out of performance.csv",
                 kComponent, what);
  EvaluateSummary sum;
  sum.settings = range.size();
  if (o.dry_run) return sum;
  if (o.shard.whole()) {
    sum = write_final(run.out, rows.consistency.str(), rows.performance.str());
    sum.settings = range.size();
    return sum;
  }
  io::write_file_atomic(shard_csv(run.out, "consistency", o.shard), rows.consistency.str());
  io::write_file_atomic(shard_csv(run.out, "performance", o.shard), rows.performance.str());
  sum.consistency_rows = rows.consistency.rows();
  sum.performance_rows = rows.performance.rows();
  bool all = true;
  for (int i = 0; i < o.shard.count; ++i)
    all = all && fs::exists(shard_csv(run.out, "consistency", Shard{i, o.shard.count})) &&
          fs::exists(shard_csv(run.out, "performance", Shard{i, o.shard.count}));
  if (all) {
    auto merged = merge_count(run.out, o.shard.count);
    merged.settings = range.size();
    return merged;
  }
  return sum;
}

}  // namespace nnr::eval
