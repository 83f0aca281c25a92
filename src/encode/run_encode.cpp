#include "nnr/encode/run_encode.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <future>
#include <limits>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/encode/encoder.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "nnr/io/shard_files.hpp"

namespace nnr::encode {

namespace fs = std::filesystem;

std::vector<std::string> encode_config_keys() {
  std::vector<std::string> keys = {"encoder", "name", "models", "device", "batch", "threads", "window"};
  for (const auto& e : encoder_registry().entries())
    if (!e.parameters.empty()) keys.push_back(e.name);  // the member's parameters: encode.<name>
  return keys;
}

void apply_encode_config(const io::Json& section, EncodeOptions& o, const std::string& context) {
  if (section.is_null()) return;
  if (!section.is_object()) throw_config(context + ": the \"encode\" section must be a JSON object");
  io::check_keys(section, encode_config_keys(), context);
  o.encoder = io::get_or<std::string>(section, "encoder", o.encoder, context);
  o.name = io::get_or<std::string>(section, "name", o.name, context);
  o.models_dir = io::get_or<std::string>(section, "models", o.models_dir.string(), context);
  o.device = io::get_or<std::string>(section, "device", o.device, context);
  o.batch = io::get_or<int>(section, "batch", o.batch, context);
  o.threads = io::get_or<int>(section, "threads", o.threads, context);
  o.window = parse_window_mode(io::get_or<std::string>(section, "window", to_string(o.window), context),
                               context + ".window");
  o.config = section;
}

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Paths {
  fs::path embeddings, sidecar, predictions, classes;
};

Paths output_paths(const fs::path& run, const std::string& name, const Shard& s) {
  const Paths whole{run / "embeddings" / (name + ".npy"), run / "embeddings" / (name + ".json"),
                    run / "predictions" / (name + ".npy"), run / "predictions" / (name + ".classes.json")};
  if (s.whole()) return whole;
  return {io::shard_path(whole.embeddings, s), io::shard_path(whole.sidecar, s), io::shard_path(whole.predictions, s),
          io::shard_path(whole.classes, s)};
}

/// Creates `dir` and writes and removes a probe file in it; Error(io) naming the directory otherwise.
void ensure_writable(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = dir / (".nnr-write-probe-" + std::to_string(::getpid()));
  std::FILE* f = ec ? nullptr : std::fopen(probe.c_str(), "wb");
  if (!f)
    throw_io("nnr-encode: cannot write to " + dir.string() + (ec ? " (" + ec.message() + ")" : "") +
             "; fix its permissions or choose another --run");
  std::fclose(f);
  fs::remove(probe, ec);
}

std::size_t npy_rows(const fs::path& p) {
  if (!fs::exists(p)) return std::numeric_limits<std::size_t>::max();
  try {
    const auto a = io::read_npy<float>(p);
    return a.shape.empty() ? 0 : a.shape[0];
  } catch (const Error&) {
    return std::numeric_limits<std::size_t>::max();
  }
}

/// An output is complete when its sidecar parses, its embeddings have the expected rows and, if the
/// sidecar names a task, so do its predictions.
bool complete(const Paths& p, std::size_t rows) {
  if (!fs::exists(p.sidecar) || npy_rows(p.embeddings) != rows) return false;
  try {
    const auto side = io::load_json(p.sidecar);
    if (side.value("rows", std::size_t{0}) != rows) return false;
    if (!side.value("task", std::string()).empty()) return npy_rows(p.predictions) == rows && fs::exists(p.classes);
    return true;
  } catch (const Error&) {
    return false;
  }
}

/// Provenance fields that do not depend on the shard; the sidecar adds rows and NaN rows.
io::Json sidecar_base(const EncodeOptions& o, const std::string& name, const EncoderInfo& info) {
  io::Json j;
  j["encoder"] = o.encoder;
  j["name"] = name;
  j["dim"] = info.dim;
  j["window"] = to_string(o.window);
  j["window_samples"] = info.window_samples;
  j["task"] = info.task;
  j["prediction_columns"] = info.prediction_columns;
  if (!info.scored_as.empty()) j["scored_as"] = info.scored_as;
  if (!info.consistency) j["consistency"] = false;
  j["encoder_info"] = info.describe;
  return j;
}

std::vector<std::size_t> nan_rows(const MatrixF& m, std::size_t offset) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < m.rows; ++i)
    if (std::any_of(m.row(i), m.row(i) + m.cols, [](float v) { return std::isnan(v); })) out.push_back(offset + i);
  return out;
}

io::Json make_sidecar(io::Json base, std::size_t rows, std::vector<std::size_t> nans, const Shard& s,
                      std::size_t row_begin) {
  base["rows"] = rows;
  base["nan_rows"] = std::move(nans);
  if (!s.whole()) {
    base["shard"] = s.str();
    base["row_begin"] = row_begin;
  }
  return base;
}

/// Writes predictions first and embeddings last, so existing embeddings imply a complete output.
void write_outputs(const Paths& p, const io::Json& base, const MatrixF& emb, const MatrixF& pred, const Shard& s,
                   std::size_t row_begin) {
  const std::string task = base.value("task", std::string());
  if (!task.empty()) {
    io::write_npy(p.predictions, pred.data, {pred.rows, pred.cols});
    io::write_json(p.classes, base.at("prediction_columns"));
  }
  io::write_json(p.sidecar, make_sidecar(base, emb.rows, nan_rows(emb, row_begin), s, row_begin));
  io::write_npy(p.embeddings, emb.data, {emb.rows, emb.cols});
}

struct DecodedChunk {
  std::size_t begin = 0, end = 0;             ///< manifest rows
  std::vector<std::vector<Window>> windows;   ///< per row; empty = NaN row
  std::vector<std::vector<Window>> references;  ///< per row; empty = no stem
  std::vector<char> silent;                      ///< per row: every window is digital silence
};

/// Below -120 dBFS everywhere: the embedding describes silence, not the clip (MFCC-144 of norm ~1e-12).
bool digital_silence(const std::vector<Window>& windows) {
  for (const auto& w : windows)
    for (float v : w.samples)
      if (std::abs(v) > 1e-6f) return false;
  return !windows.empty();
}

DecodedChunk decode_chunk(const std::vector<io::ManifestRow>& rows, std::size_t begin, std::size_t end,
                          const EncodeOptions& o, const EncoderInfo& info, int threads) {
  DecodedChunk c;
  c.begin = begin;
  c.end = end;
  c.windows.resize(end - begin);
  c.references.resize(end - begin);
  c.silent.assign(end - begin, 0);
  parallel_for(begin, end, threads, [&](std::size_t i) {
    const auto& row = rows[i];
    if (!row.ok()) {
      spdlog::warn("nnr-encode: row {} ({} {}) has status '{}'; its embedding is NaN", i, row.clip_id, row.setting,
                   row.status);
      return;
    }
    try {
      const auto audio = audio::decode_audio(o.run_dir / row.path);
      c.windows[i - begin] = make_windows(audio, info.window_samples, o.window);
      if (digital_silence(c.windows[i - begin])) {
        c.silent[i - begin] = 1;
        spdlog::warn("nnr-encode: row {} ({} {}): the encoded {} window is digital silence ({}); its embedding "
                     "describes silence, not the clip: check the file, or encode with --window mean",
                     i, row.clip_id, row.setting, to_string(o.window), (o.run_dir / row.path).string());
      }
    } catch (const Error& e) {
      spdlog::warn("nnr-encode: row {} ({} {}) not decoded, its embedding is NaN: {}", i, row.clip_id, row.setting,
                   e.what());
      return;
    }
    if (info.needs_reference && !row.vocals_path.empty()) {
      try {
        const auto stem = audio::decode_audio(o.run_dir / row.vocals_path);
        c.references[i - begin] = make_windows(stem, info.window_samples, o.window);
        if (c.references[i - begin].size() != c.windows[i - begin].size()) c.references[i - begin].clear();
      } catch (const Error& e) {
        spdlog::warn("nnr-encode: row {} vocal stem not decoded, its SDR is NaN: {}", i, e.what());
      }
    }
  });
  return c;
}

/// Runs the encoder over a chunk's windows in batches and reduces them to one row per clip.
void encode_chunk(Encoder& enc, const DecodedChunk& c, std::size_t batch, std::size_t row_offset, MatrixF& emb,
                  MatrixF& pred) {
  const auto& info = enc.info();
  struct Item { std::size_t row; std::size_t k; };
  std::vector<Item> items;
  for (std::size_t r = 0; r < c.windows.size(); ++r)
    for (std::size_t k = 0; k < c.windows[r].size(); ++k) items.push_back({r, k});
  const std::size_t d = info.dim, pd = info.prediction_columns.size();
  MatrixF all_e(items.size(), d), all_p(items.size(), pd);
  for (std::size_t b = 0; b < items.size(); b += batch) {
    const std::size_t e = std::min(items.size(), b + batch);
    std::vector<std::vector<float>> win, ref;
    for (std::size_t t = b; t < e; ++t) {
      win.push_back(c.windows[items[t].row][items[t].k].samples);
      if (info.needs_reference) {
        const auto& rr = c.references[items[t].row];
        ref.push_back(rr.empty() ? std::vector<float>{} : rr[items[t].k].samples);
      }
    }
    MatrixF be, bp;
    enc.encode(win, ref, be, bp);
    std::copy(be.data.begin(), be.data.end(), all_e.row(b));
    if (pd) std::copy(bp.data.begin(), bp.data.end(), all_p.row(b));
  }
  std::size_t t = 0;
  for (std::size_t r = 0; r < c.windows.size(); ++r) {
    const std::size_t n = c.windows[r].size();
    if (n == 0) continue;
    std::vector<double> w(n);
    for (std::size_t k = 0; k < n; ++k) w[k] = c.windows[r][k].weight;
    const std::size_t out_row = c.begin + r - row_offset;
    weighted_mean(all_e.row(t), w, d, emb.row(out_row));
    if (pd) weighted_mean(all_p.row(t), w, pd, pred.row(out_row));
    t += n;
  }
}

/// The first of `count` shards whose outputs are missing or incomplete, or -1 when every one is complete.
int first_incomplete_shard(const fs::path& run, const std::string& name, std::size_t n_rows, int count) {
  for (int i = 0; i < count; ++i) {
    const Shard s{i, count};
    if (!complete(output_paths(run, name, s), shard_range(n_rows, s).size())) return i;
  }
  return -1;
}

/// Concatenates `count` shards, every one complete (first_incomplete_shard < 0), into the full outputs.
EncodeSummary merge_complete_shards(const EncodeOptions& o, const std::string& name, std::size_t n_rows, int count) {
  MatrixF emb, pred;
  io::Json base;
  for (int i = 0; i < count; ++i) {
    const Shard s{i, count};
    const Paths p = output_paths(o.run_dir, name, s);
    const Range r = shard_range(n_rows, s);
    auto side = io::load_json(p.sidecar);
    const io::Json shard_silent = side.value("silent_rows", io::Json::array());
    const auto e = io::read_npy<float>(p.embeddings);
    const std::size_t d = e.shape.size() > 1 ? e.shape[1] : 0;
    if (i == 0) {
      for (const char* k : {"rows", "nan_rows", "shard", "row_begin", "silent_rows"}) side.erase(k);
      base = side;
      base["silent_rows"] = io::Json::array();
      emb = MatrixF(0, d);
    }
    for (const auto& v : shard_silent) base["silent_rows"].push_back(v);
    if (d != emb.cols) throw_input("nnr-encode: shard " + s.str() + " has dim " + std::to_string(d) + " (" + p.embeddings.string() + "); expected " + std::to_string(emb.cols));
    emb.data.insert(emb.data.end(), e.data.begin(), e.data.end());
    emb.rows += r.size();
    if (!base.value("task", std::string()).empty()) {
      const auto pr = io::read_npy<float>(p.predictions);
      if (i == 0) pred = MatrixF(0, pr.shape.size() > 1 ? pr.shape[1] : 0);
      pred.data.insert(pred.data.end(), pr.data.begin(), pr.data.end());
      pred.rows += r.size();
    }
  }
  const Paths out = output_paths(o.run_dir, name, Shard{});
  write_outputs(out, base, emb, pred, Shard{}, 0);
  EncodeSummary sum;
  sum.rows = n_rows;
  sum.nan_rows = nan_rows(emb, 0).size();
  sum.encoded = n_rows - sum.nan_rows;
  sum.embeddings = out.embeddings;
  if (!base.value("task", std::string()).empty()) sum.predictions = out.predictions;
  spdlog::info("nnr-encode: merged {} shards of {} into {} ({} x {})", count, name, out.embeddings.string(),
               emb.rows, emb.cols);
  return sum;
}

/// --merge: the shard count from the files (or --shard 0/n), every shard checked, then merged.
EncodeSummary run_merge(const EncodeOptions& o, const std::string& name, std::size_t n_rows) {
  const int count = io::pick_shard_count(o.run_dir / "embeddings" / (name + ".npy"),
                                         o.shard.whole() ? 0 : o.shard.count, "nnr-encode");
  if (const int bad = first_incomplete_shard(o.run_dir, name, n_rows, count); bad >= 0) {
    const Shard s{bad, count};
    throw_io("nnr-encode: shard " + s.str() + " missing or incomplete (" +
             output_paths(o.run_dir, name, s).embeddings.string() + "); run nnr-encode --shard " + s.str() + " again");
  }
  return merge_complete_shards(o, name, n_rows, count);
}

}  // namespace

EncodeSummary run_encode(const EncodeOptions& options) {
  EncodeOptions o = options;
  if (o.encoder.empty()) throw_config("nnr-encode: no encoder given (--encoder); e.g. --encoder mfcc");
  if (o.models_dir.empty()) o.models_dir = o.run_dir / "models";
  if (o.batch < 1) throw_config("nnr-encode: batch must be >= 1 (--batch=" + std::to_string(o.batch) + ")");
  const std::string name = o.name.empty() ? default_encoder_name(o.encoder) : o.name;
  if (name.empty() || name.find('/') != std::string::npos)
    throw_config("nnr-encode: invalid output name (--name=" + name + "); use a plain file stem");
  const auto rows = io::read_run_manifest(o.run_dir / "manifest.csv");
  if (o.merge) return run_merge(o, name, rows.size());

  const Range range = shard_range(rows.size(), o.shard);
  const Paths paths = output_paths(o.run_dir, name, o.shard);
  EncodeSummary sum;
  sum.rows = range.size();
  sum.embeddings = paths.embeddings;
  if (!o.dry_run) io::clean_stage_temps("nnr-encode", {}, {o.run_dir / "embeddings", o.run_dir / "predictions"});
  if (!o.force && complete(paths, range.size())) {
    spdlog::info("nnr-encode: {} is complete ({} rows); skipping (use --force to recompute)",
                 paths.embeddings.string(), range.size());
    sum.skipped = true;
    return sum;
  }
  if (o.dry_run) {
    spdlog::info("nnr-encode: would encode rows [{}, {}) of {} with {} ({} window) into {}", range.begin,
                 range.end, rows.size(), o.encoder, to_string(o.window), paths.embeddings.string());
    return sum;
  }

  const int threads = resolve_threads(o.threads);
  EncoderSettings settings;
  settings.models_dir = o.models_dir;
  settings.device = o.device;
  settings.batch = o.batch;
  settings.threads = threads;
  settings.config = o.config;
  auto enc = make_encoder(o.encoder, settings);
  const EncoderInfo& info = enc->info();
  // Find an unwritable output directory now, not after encoding every row (predictions/ only for encoders
  // that write predictions, so an MFCC run leaves no empty folder).
  ensure_writable(paths.embeddings.parent_path());
  if (!info.task.empty()) ensure_writable(paths.predictions.parent_path());
  spdlog::info("nnr-encode: {} -> {} x {} ({} window of {} samples, batch {}, {} threads)", o.encoder,
               range.size(), info.dim, to_string(o.window), info.window_samples, o.batch, threads);

  MatrixF emb(range.size(), info.dim, kNaN), pred(range.size(), info.prediction_columns.size(), kNaN);
  const std::size_t chunk = static_cast<std::size_t>(o.batch);
  Progress progress("nnr-encode " + name, range.size(), "clips");
  // Decoding of the next chunk overlaps with the model on the current one.
  auto launch = [&](std::size_t b) {
    const std::size_t e = std::min(range.end, b + chunk);
    return std::async(std::launch::async, [&rows, &o, &info, b, e, threads] {
      return decode_chunk(rows, b, e, o, info, threads);
    });
  };
  std::future<DecodedChunk> next;
  if (range.size()) next = launch(range.begin);
  io::Json silent_rows = io::Json::array();
  for (std::size_t b = range.begin; b < range.end; b += chunk) {
    DecodedChunk cur = next.get();
    for (std::size_t r = 0; r < cur.silent.size(); ++r)
      if (cur.silent[r]) silent_rows.push_back(cur.begin + r);
    if (cur.end < range.end) next = launch(cur.end);
    encode_chunk(*enc, cur, chunk, range.begin, emb, pred);
    progress.tick(cur.end - cur.begin);
  }
  progress.finish();

  if (!info.task.empty()) sum.predictions = paths.predictions;
  io::Json base = sidecar_base(o, name, info);
  base["silent_rows"] = silent_rows;  // rows whose encoded window was digital silence (warned above)
  sum.silent_rows = silent_rows.size();
  write_outputs(paths, base, emb, pred, o.shard, range.begin);
  // The same policy as every sharded stage: the call that finds every shard present merges.
  if (!o.shard.whole() && first_incomplete_shard(o.run_dir, name, rows.size(), o.shard.count) < 0) {
    spdlog::info("nnr-encode: every shard of {} is present; merging", name);
    merge_complete_shards(o, name, rows.size(), o.shard.count);
  }
  sum.nan_rows = nan_rows(emb, 0).size();
  sum.encoded = sum.rows - sum.nan_rows;
  if (sum.nan_rows) spdlog::warn("nnr-encode: {} of {} rows are NaN (failed or undecodable)", sum.nan_rows, sum.rows);
  spdlog::info("nnr-encode: wrote {} ({} x {})", paths.embeddings.string(), emb.rows, emb.cols);
  return sum;
}

}  // namespace nnr::encode
