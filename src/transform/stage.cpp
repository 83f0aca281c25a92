// nnr-transform's stage: inputs -> cropped originals -> every grid setting, loudness-matched, on disk.
#include "nnr/transform/stage.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include "nnr/audio/audio_file.hpp"
#include "nnr/audio/loudness.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/core/shard.hpp"
#include "nnr/core/version.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/shard_files.hpp"
#include "nnr/transform/grid.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "original.hpp"

namespace nnr::transform {

namespace fs = std::filesystem;
using io::Json;

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr int kSr = audio::kSampleRate;
using detail::Clip;
using detail::Original;


bool is_audio_ext(std::string ext) {
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kExt = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".aac",
                                             ".aif", ".aiff", ".au", ".wma", ".mp4", ".webm", ".caf", ".w64"};
  return kExt.count(ext) > 0;
}

std::string sanitize_id(std::string s) {
  for (auto& c : s)
    if (c == '/' || c == '\\' || c == '\n' || c == '\r' || c == ',' || c == '"') c = '_';
  return s.empty() ? "clip" : s;
}

/// vocals/<stem>.<any audio ext> beside the inputs, if present (first in sorted order).
fs::path find_vocals(const fs::path& vocals_dir, const std::string& stem) {
  std::error_code ec;
  if (!fs::is_directory(vocals_dir, ec)) return {};
  std::vector<fs::path> hits;
  for (const auto& e : fs::directory_iterator(vocals_dir, ec))
    if (e.is_regular_file() && e.path().stem().string() == stem && is_audio_ext(e.path().extension().string()))
      hits.push_back(e.path());
  std::sort(hits.begin(), hits.end());
  return hits.empty() ? fs::path{} : hits.front();
}

std::vector<Clip> list_clips(const fs::path& input) {
  std::error_code ec;
  std::vector<Clip> clips;
  fs::path base;
  if (fs::is_directory(input, ec)) {
    base = input;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(input, ec))
      if (e.is_regular_file() && is_audio_ext(e.path().extension().string())) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) clips.push_back({sanitize_id(f.stem().string()), f, f.string(), {}});
  } else if (fs::is_regular_file(input, ec)) {
    base = input.parent_path();
    const auto t = io::read_csv(input);
    if (!t.has_column("path"))
      throw_input("nnr-transform: the input CSV has no 'path' column (" + input.string() +
                  "); give one path per row, optional clip_id");
    const std::size_t pc = t.column("path");
    const bool has_id = t.has_column("clip_id");
    std::set<std::string> given;
    for (const auto& row : t.rows) {
      fs::path p = row[pc];
      const fs::path resolved = p.is_absolute() ? p : base / p;
      std::string id = has_id && !row[t.column("clip_id")].empty() ? row[t.column("clip_id")] : p.stem().string();
      if (has_id && !row[t.column("clip_id")].empty() && !given.insert(id).second)
        throw_input("nnr-transform: duplicate clip_id '" + id + "' (" + input.string() + ")");
      clips.push_back({sanitize_id(id), resolved, row[pc], {}});
    }
  } else {
    throw_io("nnr-transform: input not found (" + input.string() + "); give a directory of audio files or a CSV");
  }
  // Unique ids: later duplicates (in listing order) get _2, _3, ...
  std::set<std::string> taken;
  for (const auto& c : clips) taken.insert(c.id);
  std::set<std::string> used;
  for (auto& c : clips) {
    if (used.insert(c.id).second) continue;
    for (int k = 2;; ++k) {
      const std::string cand = c.id + "_" + std::to_string(k);
      if (!taken.count(cand) && used.insert(cand).second) {
        c.id = cand;
        break;
      }
    }
  }
  for (auto& c : clips) c.vocals = find_vocals(base / "vocals", c.path.stem().string());
  std::sort(clips.begin(), clips.end(), [](const Clip& a, const Clip& b) { return a.id < b.id; });
  return clips;
}

struct Item {
  std::size_t clip = 0;
  int setting = -1;  ///< -1 = OG
};

std::string rel_dir(const Setting* s) {
  return s ? s->transform + "/" + s->magnitude_str : std::string("original");
}

fs::path sidecar_path(const fs::path& out, const Setting* s, const std::string& clip_id) {
  return out / "items" / rel_dir(s) / (clip_id + ".csv");
}

std::string item_label(const Setting* s) { return s ? s->id : std::string(io::kOriginal); }

io::ManifestRow base_row(const Clip& c, const Setting* s, std::uint64_t run_seed) {
  io::ManifestRow r;
  r.clip_id = c.id;
  r.transform = s ? s->transform : io::kOriginal;
  r.magnitude = s ? s->magnitude : 0.0;
  r.magnitude_text = s ? s->magnitude_str : "0";
  r.setting = item_label(s);
  r.source = c.source;
  r.seed = s ? derive_seed(run_seed, c.id, s->transform, s->magnitude_str) : derive_seed(run_seed, c.id, io::kOriginal, "0");
  r.status = io::kStatusFailed;
  r.n_samples = 0;
  r.lufs_in = r.lufs_out = r.true_peak_dbtp = r.gain_db = r.snr_db = r.duration_ratio = r.pitch_cents =
      r.pitch_spread_cents = r.mp3_lag = r.achieved = kNan;
  return r;
}

/// Writes audio in the chosen format; returns the extension used. FLAC pcm24 cannot hold |x| >= 1, so such
/// clips are stored as float WAV instead of being clipped.
std::string write_clip(const fs::path& stem_path, const std::vector<float>& x, const std::string& format) {
  if (format == "flac") {
    float peak = 0;
    for (float v : x) peak = std::max(peak, std::fabs(v));
    if (peak < 1.0f - 1.0f / 8388608.0f) {
      audio::write_audio(fs::path(stem_path.string() + ".flac"), x, kSr, audio::SampleFormat::pcm24);
      return ".flac";
    }
  }
  audio::write_audio(fs::path(stem_path.string() + ".wav"), x, kSr, audio::SampleFormat::float32);
  return ".wav";
}

struct Context {
  const StageOptions* o = nullptr;
  std::vector<Clip> clips;
  Grid grid;
  std::map<std::string, std::unique_ptr<Transform>> transforms;
  std::size_t lookahead = 0;  ///< the most source samples after a crop any setting reads (CO)
};

io::ManifestRow process_item(const Context& ctx, const Clip& c, const Setting* s, const Original& org) {
  const StageOptions& o = *ctx.o;
  io::ManifestRow r = base_row(c, s, o.seed);
  r.lufs_in = org.loudness.lufs;
  std::vector<float> y, vocals;
  double gain_db = 0.0;
  audio::Loudness out = org.loudness;
  if (!s) {
    y = org.audio;
    vocals = org.vocals;
    r.duration_ratio = 1.0;
  } else {
    const Transform& t = *ctx.transforms.at(s->transform);
    const std::size_t ahead = t.lookahead_samples(s->magnitude);
    TransformResult res =
        t.apply(ahead ? detail::with_lookahead(org.audio, org.after, ahead) : org.audio, s->magnitude, r.seed);
    y = std::move(res.audio);
    const TransformEntry& entry = find_transform(s->transform);
    if (o.loudness_match && entry.loudness_match) {
      const auto m = audio::match_loudness(y, org.loudness.lufs, false, kSr);
      if (!m.matched)
        throw_input("loudness match failed: the transformed clip is silent or did not converge (" +
                    std::to_string(m.out.lufs) + " LUFS)");
      gain_db = m.gain_db;
      out = m.out;
    } else {
      out = audio::measure_loudness(y, kSr);
    }
    r.snr_db = res.snr_db;  // the gain scales music and noise alike: the SNR is unchanged
    r.mp3_lag = res.mp3_lag;
    r.achieved = res.achieved;
    r.duration_ratio = static_cast<double>(y.size()) / static_cast<double>(org.audio.size());
    if (entry.measure_pitch) {
      const PitchChange pc = measure_pitch_change(org.audio, y, kSr);
      r.pitch_cents = pc.cents;
      r.pitch_spread_cents = pc.spread_cents;
    }
    if (!org.vocals.empty()) {
      vocals = t.apply_to_stem(ahead ? detail::with_lookahead(org.vocals, org.vocals_after, ahead) : org.vocals,
                               s->magnitude, r.seed);
      audio::apply_gain_db(vocals, gain_db);
    }
  }
  for (float v : y)
    if (!std::isfinite(v)) throw_internal("transform " + r.setting + " produced NaN/inf samples");
  const std::string rel = rel_dir(s) + "/" + c.id;
  const std::string ext = write_clip(o.out / "audio" / rel, y, o.format);
  r.path = "audio/" + rel + ext;
  if (!vocals.empty()) {
    const std::string vext = write_clip(o.out / "stems" / "vocals" / rel, vocals, o.format);
    r.vocals_path = "stems/vocals/" + rel + vext;
  }
  r.status = io::kStatusOk;
  r.n_samples = static_cast<std::int64_t>(y.size());
  r.lufs_out = out.lufs;
  r.true_peak_dbtp = out.true_peak_dbtp;
  r.gain_db = gain_db;
  return r;
}

/// A finished item: sidecar present, status ok, and its files on disk.
bool load_done(const fs::path& out, const fs::path& sidecar, io::ManifestRow& row) {
  std::error_code ec;
  if (!fs::is_regular_file(sidecar, ec)) return false;
  try {
    auto rows = io::read_manifest(sidecar);
    if (rows.size() != 1 || !rows[0].ok()) return false;
    if (!fs::is_regular_file(out / rows[0].path, ec)) return false;
    if (!rows[0].vocals_path.empty() && !fs::is_regular_file(out / rows[0].vocals_path, ec)) return false;
    row = rows[0];
    return true;
  } catch (const Error&) {
    return false;
  }
}

Json resolved_json(const StageOptions& o, const Grid& g) {
  Json t;
  t["input"] = o.input.string();
  t["grid"] = o.grid;
  t["noise_file"] = o.noise_file;
  t["engine"] = o.engine;
  t["clip_seconds"] = o.clip_seconds;
  t["min_seconds"] = o.min_seconds;
  t["format"] = o.format;
  t["loudness_match"] = o.loudness_match;
  t["params"] = o.params;
  t["seed"] = o.seed;
  Json j;
  j["transform"] = t;
  j["grid"] = grid_to_json(g);
  j["sample_rate"] = kSr;
  return j;
}


}  // namespace

const std::vector<std::string>& stage_config_keys() {
  // The stage's own keys, then one object per transform family member (its parameters).
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {"grid",        "noise_file", "engine",        "clip_seconds",
                                  "min_seconds", "format",     "loudness_match"};
    for (const auto& t : transform_registry().entries()) k.push_back(t.name);
    return k;
  }();
  return keys;
}

void apply_stage_config(const Json& sec, StageOptions& o) {
  if (sec.is_null()) return;
  const std::string ctx = "config: transform";
  io::check_keys(sec, stage_config_keys(), ctx);
  o.grid = io::get_or<std::string>(sec, "grid", o.grid, ctx);
  o.noise_file = io::get_or<std::string>(sec, "noise_file", o.noise_file, ctx);
  o.engine = io::get_or<std::string>(sec, "engine", o.engine, ctx);
  o.clip_seconds = io::get_or<double>(sec, "clip_seconds", o.clip_seconds, ctx);
  o.min_seconds = io::get_or<double>(sec, "min_seconds", o.min_seconds, ctx);
  o.format = io::get_or<std::string>(sec, "format", o.format, ctx);
  o.loudness_match = io::get_or<bool>(sec, "loudness_match", o.loudness_match, ctx);
  for (const auto& t : transform_registry().entries())
    if (sec.contains(t.name)) o.params[t.name] = sec.at(t.name);
}

fs::path merge_shard_manifests(const fs::path& run_dir, int count) {
  const fs::path m = run_dir / "manifest.csv";
  const int n = io::pick_shard_count(m, count, "nnr-transform");
  io::write_file_atomic(m, io::merge_csv_shards(m, n, "nnr-transform"));
  io::seal_manifest(m);
  return m;
}

/// One instance per transform in the grid, its parameters validated (stage-wide --engine and --noise fill
/// the member parameter of the same name).
void build_transforms(Context& ctx, const StageOptions& o) {
  for (const auto& s : ctx.grid.settings) {
    if (ctx.transforms.count(s.transform)) continue;
    const TransformEntry& info = find_transform(s.transform);
    TransformOptions topt;
    topt.params = o.params.contains(info.name) ? o.params.at(info.name) : Json::object();
    const std::pair<const char*, const std::string*> shared[] = {{"engine", &o.engine}, {"noise_file", &o.noise_file}};
    for (const auto& [key, value] : shared)
      for (const auto& p : info.parameters)
        if (p.name == key && topt.params.is_object() && !topt.params.contains(key)) topt.params[key] = *value;
    ctx.transforms[s.transform] = make_transform(info.code, topt);
  }
  for (const auto& s : ctx.grid.settings)
    ctx.lookahead = std::max(ctx.lookahead, ctx.transforms.at(s.transform)->lookahead_samples(s.magnitude));
}

/// config.json: a run directory holds one configuration; resuming with another is an error. Copies the
/// input's labels.csv beside the manifest.
void write_run_config(const Context& ctx, const StageOptions& o) {
  const Json resolved = resolved_json(o, ctx.grid);
  const fs::path cfg_path = o.out / "config.json";
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (fs::is_regular_file(cfg_path, ec)) {
    const Json old = io::load_json(cfg_path);
    if (old.value("transform", Json()) != resolved["transform"] || old.value("grid", Json()) != resolved["grid"])
      throw_config("nnr-transform: " + cfg_path.string() +
                   " was written with other transform settings; use a new --out or the same config");
  }
  Json cfg = resolved;
  for (const auto& [code, t] : ctx.transforms) cfg["resolved_params"][find_transform(code).name] = t->params();
  cfg["versions"] = library_versions();
  io::write_json(cfg_path, cfg);
  if (fs::is_directory(o.input, ec) && fs::is_regular_file(o.input / "labels.csv", ec))
    io::write_file_atomic(o.out / "labels.csv", io::read_file(o.input / "labels.csv"));
}

/// Where a shard's work lands: item k of the canonical order goes to rows[k - range.begin].
struct ItemSlots {
  const std::vector<Item>& items;
  Range range;
  std::vector<io::ManifestRow>& rows;
};

/// Every item of clip `c` in this shard: skipped when its sidecar says done, else one decode of the clip
/// and one process_item per setting; a failure is recorded in the item's row and the run goes on.
void transform_clip(const Context& ctx, std::size_t c, const std::vector<std::size_t>& clip_items, ItemSlots slots,
                    Progress& progress, std::mutex& sum_mutex, StageSummary& sum) {
  const StageOptions& o = *ctx.o;
  const std::vector<Item>& items = slots.items;
  const Range& range = slots.range;
  std::vector<io::ManifestRow>& rows = slots.rows;
  const Clip& clip = ctx.clips[c];
  std::vector<std::size_t> todo;
  for (std::size_t k : clip_items) {
    const Setting* s = items[k].setting < 0 ? nullptr : &ctx.grid.settings[static_cast<std::size_t>(items[k].setting)];
    if (load_done(o.out, sidecar_path(o.out, s, clip.id), rows[k - range.begin])) {
      std::lock_guard<std::mutex> lock(sum_mutex);
      ++sum.skipped;
      progress.tick();
    } else {
      todo.push_back(k);
    }
  }
  if (todo.empty()) return;
  Original org;
  std::string clip_error;
  try {
    org = detail::load_original(clip, o, ctx.lookahead);
  } catch (const Error& e) {
    clip_error = e.what();
    if (o.warn) o.warn(clip.id + ": " + clip_error + " (" + std::to_string(todo.size()) + " items failed)");
  }
  for (std::size_t k : todo) {
    const Setting* s = items[k].setting < 0 ? nullptr : &ctx.grid.settings[static_cast<std::size_t>(items[k].setting)];
    io::ManifestRow row;
    if (!clip_error.empty()) {
      row = base_row(clip, s, o.seed);
      row.error = clip_error;
    } else {
      try {
        row = process_item(ctx, clip, s, org);
      } catch (const Error& e) {
        row = base_row(clip, s, o.seed);
        row.lufs_in = org.loudness.lufs;
        row.error = e.what();
      }
    }
    if (!row.ok() && o.warn && clip_error.empty()) o.warn(clip.id + " " + row.setting + ": " + row.error);
    io::write_manifest(sidecar_path(o.out, s, clip.id), {row});
    rows[k - range.begin] = std::move(row);
    progress.tick();
  }
}

StageSummary run_transform_stage(const StageOptions& o) {
  if (o.format != "wav" && o.format != "flac")
    throw_config("config: transform.format must be \"wav\" (float32) or \"flac\" (pcm24) (format=" + o.format + ")");
  if (o.clip_seconds < 0) throw_config("config: transform.clip_seconds must be >= 0 (0 = whole file)");
  if (o.min_seconds < 0.4) throw_config("config: transform.min_seconds must be >= 0.4 (one loudness block)");
  Context ctx;
  ctx.o = &o;
  ctx.grid = load_grid(o.grid);
  build_transforms(ctx, o);
  for (const auto& s : ctx.grid.settings) {
    try {
      ctx.transforms.at(s.transform)->check_magnitude(s.magnitude);
    } catch (const Error& e) {  // name the grid, so the user knows which file to fix
      throw Error(e.kind(), std::string(e.what()) + " (grid " + o.grid + ", setting " + s.id + ")");
    }
  }
  ctx.clips = list_clips(o.input);
  if (ctx.clips.empty())
    throw_input("nnr-transform: no audio files in the input (" + o.input.string() + ")");

  // Canonical item order: OG for every clip, then each setting for every clip.
  std::vector<Item> items;
  for (std::size_t c = 0; c < ctx.clips.size(); ++c) items.push_back({c, -1});
  for (std::size_t s = 0; s < ctx.grid.settings.size(); ++s)
    for (std::size_t c = 0; c < ctx.clips.size(); ++c) items.push_back({c, static_cast<int>(s)});
  const Shard shard = parse_shard(o.shard);
  const Range range = shard_range(items.size(), shard);

  StageSummary sum;
  sum.clips = ctx.clips.size();
  sum.settings = ctx.grid.settings.size() + 1;
  sum.items = range.size();
  if (o.dry_run) return sum;

  io::clean_stage_temps("nnr-transform", o.out, {o.out / "audio", o.out / "stems", o.out / "items", o.out / "shards"});
  write_run_config(ctx, o);

  // Work is grouped by clip (one decode per clip), results land in canonical slots.
  std::vector<io::ManifestRow> rows(range.size());
  std::vector<std::vector<std::size_t>> by_clip(ctx.clips.size());
  for (std::size_t k = range.begin; k < range.end; ++k) by_clip[items[k].clip].push_back(k);
  std::vector<std::size_t> clip_order;
  for (std::size_t c = 0; c < by_clip.size(); ++c)
    if (!by_clip[c].empty()) clip_order.push_back(c);

  Progress progress("nnr-transform", range.size(), "items");
  std::mutex sum_mutex;
  const int threads = resolve_threads(o.threads);
  parallel_for(0, clip_order.size(), threads, [&](std::size_t ci) {
    transform_clip(ctx, clip_order[ci], by_clip[clip_order[ci]], {items, range, rows}, progress, sum_mutex, sum);
  });
  progress.finish();
  for (const auto& r : rows) (r.ok() ? sum.ok : sum.failed)++;

  if (shard.whole()) {
    sum.manifest = o.out / "manifest.csv";
    io::write_run_manifest(sum.manifest, rows);
    sum.manifest_written = true;
  } else {
    // One shard's part; the call that finds every part present merges (nnr/io/shard_files.hpp).
    sum.manifest = io::shard_path(o.out / "manifest.csv", shard);
    io::write_manifest(sum.manifest, rows);
    if (io::missing_shards(o.out / "manifest.csv", shard.count).empty()) {
      sum.manifest = merge_shard_manifests(o.out, shard.count);
      sum.manifest_written = true;
    }
  }
  return sum;
}

}  // namespace nnr::transform
