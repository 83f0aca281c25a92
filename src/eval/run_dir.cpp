#include "run_dir.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "nnr/core/error.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/npy.hpp"

namespace nnr::eval::detail {
namespace {
}  // namespace

std::string hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

tasks::ClipLabels read_labels(const fs::path& path) {
  tasks::ClipLabels l;
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

/// The sidecar's scored_as and consistency (nnr-encode writes them for the MFCC task heads).
void read_roles(const fs::path& sidecar, Encoder& e) {
  e.scored_as = e.name;
  if (!fs::exists(sidecar)) return;
  const auto j = io::load_json(sidecar);
  if (!j.is_object()) return;
  if (j.contains("scored_as") && j.at("scored_as").is_string() && !j.at("scored_as").get<std::string>().empty())
    e.scored_as = j.at("scored_as").get<std::string>();
  if (j.contains("consistency") && j.at("consistency").is_boolean()) e.consistency = j.at("consistency").get<bool>();
}

std::string task_of(const fs::path& sidecar, const std::string& name) {
  if (fs::exists(sidecar)) {
    const auto j = io::load_json(sidecar);
    if (j.is_object() && j.contains("task") && j.at("task").is_string()) {
      const auto t = j.at("task").get<std::string>();
      if (!t.empty()) return t;
    }
  }
  // No sidecar: an encoder named like a task (embeddings/at.npy) is that task's.
  return tasks::task_registry().try_find(name) ? name : "";
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

/// The evaluated originals, in manifest order, restricted to the configured clips, pattern and count.
std::vector<std::string> select_clips(const EvaluateOptions& o, const std::vector<io::ManifestRow>& manifest,
                                      const fs::path& manifest_path) {
  std::set<std::string> wanted(o.clips.begin(), o.clips.end());
  std::set<std::string> seen;
  std::regex pattern;
  try {
    pattern = std::regex(o.clip_pattern.empty() ? ".*" : o.clip_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw_config(std::string(kComponent) + ": bad clip pattern (evaluate.clip_pattern=" + o.clip_pattern +
                 "): " + e.what());
  }
  std::vector<std::string> clips;
  for (const auto& r : manifest)
    if (r.is_original() && (wanted.empty() || wanted.count(r.clip_id)) && std::regex_search(r.clip_id, pattern) &&
        seen.insert(r.clip_id).second)
      clips.push_back(r.clip_id);
  for (const auto& c : wanted)
    if (!seen.count(c))
      throw_config(std::string(kComponent) + ": clip not among the manifest's originals (evaluate.clips=" + c + ")");
  if (o.max_clips > 0 && clips.size() > o.max_clips) clips.resize(o.max_clips);
  if (clips.empty())
    throw_input(std::string(kComponent) + ": no original (transform OG) rows to evaluate (file=" +
                manifest_path.string() + (o.clip_pattern.empty() ? "" : ", clip_pattern=" + o.clip_pattern) + ")");
  return clips;
}

/// OG first, then the other settings in order of first appearance; magnitude text from the manifest.
std::vector<Setting> collect_settings(const std::vector<io::ManifestRow>& manifest,
                                      const std::vector<std::string>& clips) {
  std::map<std::string, std::size_t> clip_index;
  for (std::size_t k = 0; k < clips.size(); ++k) clip_index[clips[k]] = k;
  std::vector<Setting> settings;
  std::map<std::string, std::size_t> setting_index;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < manifest.size(); ++i) {
      const auto& r = manifest[i];
      if ((pass == 0) != r.is_original()) continue;
      const std::string id = r.is_original() ? std::string(io::kOriginal) : r.setting;
      auto it = setting_index.find(id);
      if (it == setting_index.end()) {
        Setting s;
        s.id = id;
        s.transform = r.transform;
        s.magnitude_path = r.is_original() ? "0" : r.magnitude_text;
        for (char& c : s.magnitude_path)
          if (c == '/' || c == '\\' || c == ' ') c = '_';
        s.magnitude_col = io::format_number(r.magnitude);
        s.row.assign(clips.size(), -1);
        it = setting_index.emplace(id, settings.size()).first;
        settings.push_back(std::move(s));
      }
      const auto c = clip_index.find(r.clip_id);
      if (c != clip_index.end()) settings[it->second].row[c->second] = static_cast<long>(i);
    }
  return settings;
}

/// The names of every embeddings/*.npy (sorted), or the configured ones (each must exist).
std::vector<std::string> encoder_names(const EvaluateOptions& o, const fs::path& emb_dir) {
  std::vector<std::string> names;
  if (fs::is_directory(emb_dir))
    for (const auto& e : fs::directory_iterator(emb_dir))
      if (e.is_regular_file() && e.path().extension() == ".npy") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  if (o.encoders.empty()) return names;
  for (const auto& n : o.encoders)
    if (std::find(names.begin(), names.end(), n) == names.end())
      throw_config(std::string(kComponent) + ": encoder has no embeddings (evaluate.encoders=" + n +
                   ", file=" + (emb_dir / (n + ".npy")).string() + "); run nnr-encode --encoder " + n);
  return o.encoders;
}

/// Marks the non-finite rows of an embedding; an ok manifest row with NaN is an error or a warning.
void check_finite(Encoder& e, const Run& run, const EvaluateOptions& o, const fs::path& path) {
  e.finite.assign(e.emb.rows, 1);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < e.emb.rows; ++i) {
    const float* r = e.emb.row(i);
    if (!std::any_of(r, r + e.emb.cols, [](float v) { return !std::isfinite(v); })) continue;
    e.finite[i] = 0;
    if (!run.manifest[i].ok()) continue;
    if (o.nan_embeddings_error)
      throw_input(std::string(kComponent) + ": NaN embedding for an ok manifest row (file=" + path.string() +
                  ", row=" + std::to_string(i) + ", clip=" + run.manifest[i].clip_id +
                  "); re-run nnr-encode or set evaluate.nan_embeddings=exclude");
    ++bad;
  }
  if (bad) spdlog::warn("{}: {} rows of {} are NaN although their manifest status is ok; excluded", kComponent, bad, path.string());
}

/// predictions/<name>.npy and its classes, when the encoder has a task.
void load_predictions(Encoder& e, const Run& run) {
  const fs::path pred = run.dir / "predictions" / (e.name + ".npy");
  if (!fs::exists(pred) || e.task.empty()) return;
  e.pred = to_matrix(io::read_npy<float>(pred), pred);
  if (e.pred.rows != run.manifest.size())
    throw_input(std::string(kComponent) + ": prediction rows != manifest rows (file=" + pred.string() + ", rows=" +
                std::to_string(e.pred.rows) + ", manifest rows=" + std::to_string(run.manifest.size()) + ")");
  const fs::path cls = run.dir / "predictions" / (e.name + ".classes.json");
  if (fs::exists(cls)) {
    const auto j = io::load_json(cls);
    const auto& list = j.is_object() && j.contains("classes") ? j.at("classes") : j;
    if (!list.is_array())
      throw_input(std::string(kComponent) + ": classes file is not a JSON list (file=" + cls.string() + ")");
    for (const auto& c : list) e.classes.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  }
  const auto* task = tasks::task_registry().try_find(e.task);
  if (task && task->needs_labels && e.classes.size() != e.pred.cols)
    throw_input(std::string(kComponent) + ": prediction columns != classes (file=" + cls.string() + ", classes=" +
                std::to_string(e.classes.size()) + ", columns=" + std::to_string(e.pred.cols) + ")");
  e.has_pred = true;
}

}  // namespace

Run load_run(const EvaluateOptions& o, bool need_embeddings) {
  Run run;
  run.dir = o.run_dir;
  run.out = output_dir(o);
  const fs::path manifest = run.dir / "manifest.csv";
  if (!fs::exists(manifest))
    throw_io(std::string(kComponent) + ": no manifest (file=" + manifest.string() +
             "); run nnr-transform first or check --run");
  run.manifest = io::read_run_manifest(manifest);
  for (const auto& r : run.manifest) run.clip_ids.push_back(r.clip_id);
  run.clips = select_clips(o, run.manifest, manifest);
  run.settings = collect_settings(run.manifest, run.clips);

  const fs::path emb_dir = run.dir / "embeddings";
  const auto names = encoder_names(o, emb_dir);
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
    check_finite(e, run, o, path);
    e.task = task_of(emb_dir / (name + ".json"), name);
    read_roles(emb_dir / (name + ".json"), e);
    load_predictions(e, run);
    run.encoders.push_back(std::move(e));
  }
  const fs::path labels = o.labels.empty() ? run.dir / "labels.csv" : o.labels;
  if (!o.labels.empty() && !fs::exists(labels))
    throw_io(std::string(kComponent) + ": labels file not found (evaluate.labels=" + labels.string() + ")");
  run.labels = read_labels(labels);
  for (const auto& e : run.encoders) {
    const auto* task = tasks::task_registry().try_find(e.task);
    if (e.has_pred && task && task->needs_labels && !run.labels.present)
      spdlog::warn("{}: no labels (file={}); {} performance of {} skipped", kComponent, labels.string(), e.task,
                   e.name);
  }
  return run;
}

}  // namespace nnr::eval::detail
