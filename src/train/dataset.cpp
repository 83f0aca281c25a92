#include "nnr/train/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "nnr/features/features.hpp"
#include "nnr/tasks/task.hpp"
#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/csv.hpp"

namespace nnr::train {

namespace fs = std::filesystem;
using model::Task;

namespace {

const std::vector<std::string> kAudioExt{".flac", ".wav", ".mp3", ".ogg"};

bool is_audio(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kAudioExt.begin(), kAudioExt.end(), e) != kAudioExt.end();
}

std::vector<std::string> split_tags(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(';', start), s.size());
    std::string t = s.substr(start, end - start);
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    if (!t.empty()) out.push_back(t);
    start = end + 1;
  }
  return out;
}

// The task's folder: DATA/<sub> when it exists (corpus root given), else DATA itself.
fs::path task_root(const fs::path& data, const std::string& sub, const std::string& marker) {
  if (!fs::is_directory(data))
    throw_io("train: data directory not found (--data=" + data.string() + ")");
  if (fs::exists(data / sub / marker)) return data / sub;
  return data;
}

// Shuffles the sorted groups with the seed and assigns the first ones to train, then valid, then test.
std::map<std::string, std::string> split_groups(std::vector<std::string> groups, std::uint64_t seed,
                                                const std::string& salt, double valid_fraction,
                                                double test_fraction) {
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  Rng rng(derive_seed(seed, "split", salt));
  for (std::size_t i = groups.size(); i > 1; --i) std::swap(groups[i - 1], groups[uniform_index(rng, i)]);
  const auto n = static_cast<double>(groups.size());
  auto count = [&](double f) {
    if (f <= 0) return std::size_t{0};
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(f * n)));
  };
  const std::size_t n_valid = count(valid_fraction), n_test = count(test_fraction);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < groups.size(); ++i)
    out[groups[i]] = i < n_valid ? "valid" : i < n_valid + n_test ? "test" : "train";
  return out;
}

void index_labels(DatasetIndex& d, const fs::path& data, std::uint64_t seed, double valid_fraction) {
  // AE prefers its own list (the demo corpus's ae/: the AT clips plus real music), else shares AT's.
  const std::string own = task_name(d.task);
  const bool tagged = tasks::objective(d.task) == tasks::Objective::multi_label;
  d.root = fs::exists(data / own / "labels.csv") || tagged ? task_root(data, own, "labels.csv")
                                                          : task_root(data, "at", "labels.csv");
  const fs::path labels = d.root / "labels.csv";
  if (!fs::exists(labels))
    throw_io("train: label file missing (" + labels.string() +
             "); AE/AT data needs labels.csv with columns clip_id,path,split,tags");
  const io::CsvTable t = io::read_csv(labels);
  const std::size_t c_id = t.column("clip_id"), c_path = t.column("path"), c_split = t.column("split");
  const bool has_tags = t.has_column("tags");
  const std::size_t c_tags = has_tags ? t.column("tags") : 0;
  if (tagged && !has_tags) throw_input("train: labels.csv has no tags column (" + labels.string() + ")");
  // Vocabulary: tags.csv's order, else the sorted union.
  std::vector<std::string> vocab;
  if (tagged) {
    if (fs::exists(d.root / "tags.csv")) {
      const io::CsvTable v = io::read_csv(d.root / "tags.csv");
      for (const auto& r : v.rows) vocab.push_back(r[v.column("tag")]);
    } else {
      std::set<std::string> all;
      for (const auto& r : t.rows)
        for (auto& tag : split_tags(r[c_tags])) all.insert(tag);
      vocab.assign(all.begin(), all.end());
    }
    if (vocab.empty()) throw_input("train: no tags in " + labels.string() + " / tags.csv; AT needs tags");
  }
  std::map<std::string, int> tag_index;
  for (std::size_t i = 0; i < vocab.size(); ++i) tag_index[vocab[i]] = static_cast<int>(i);
  for (const auto& r : t.rows) {
    ClipRef c;
    c.id = r[c_id];
    c.split = r[c_split];
    if (c.split != "train" && c.split != "valid" && c.split != "test")
      throw_input("train: unknown split '" + c.split + "' for clip " + c.id + " (" + labels.string() +
                  "); valid: train, valid, test");
    const fs::path p = d.root / r[c_path];
    if (!fs::exists(p))
      throw_input("train: labels.csv row points at missing audio (clip " + c.id + ", path=" + p.string() +
                  "); fix " + labels.string() + " or the audio folder");
    c.audio = {p};
    if (tagged) {
      for (auto& tag : split_tags(r[c_tags])) {
        const auto it = tag_index.find(tag);
        if (it == tag_index.end())
          throw_input("train: tag '" + tag + "' of clip " + c.id + " is not in tags.csv (" + labels.string() + ")");
        c.tags.push_back(it->second);
      }
    }
    d.clips.push_back(std::move(c));
  }
  d.class_names = vocab;
  if (d.count("valid") == 0 && d.count("train") > 1) {  // no validation split given: take one, seeded
    std::vector<std::string> ids;
    for (const auto& c : d.clips)
      if (c.split == "train") ids.push_back(c.id);
    const auto s = split_groups(ids, seed, "labels", valid_fraction, 0.0);
    for (auto& c : d.clips)
      if (c.split == "train") c.split = s.at(c.id);
  }
}

void index_irmas(DatasetIndex& d, const fs::path& data, std::uint64_t seed, double valid_fraction,
                 double test_fraction) {
  d.root = fs::is_directory(data / task_name(d.task)) ? data / task_name(d.task) : data;
  if (!fs::is_directory(d.root)) throw_io("train: data directory not found (--data=" + data.string() + ")");
  d.class_names = irmas_classes();
  std::vector<std::string> songs;
  for (std::size_t k = 0; k < d.class_names.size(); ++k) {
    const fs::path dir = d.root / d.class_names[k];
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file() || !is_audio(e.path())) continue;
      const std::string stem = e.path().stem().string();
      const auto cut = stem.rfind("__");
      ClipRef c;
      c.id = d.class_names[k] + "/" + stem;
      c.split = cut == std::string::npos ? stem : stem.substr(0, cut);  // song id, replaced below
      c.audio = {e.path()};
      c.label = static_cast<int>(k);
      songs.push_back(c.split);
      d.clips.push_back(std::move(c));
    }
  }
  std::set<std::string> known(d.class_names.begin(), d.class_names.end());
  if (d.clips.empty()) {
    std::string extra;
    if (fs::is_directory(d.root))
      for (const auto& e : fs::directory_iterator(d.root))
        if (e.is_directory() && !known.count(e.path().filename().string()))
          extra += " " + e.path().filename().string();
    throw_input("train: no IR audio found (" + d.root.string() +
                "); expected <class>/<song>__<n>.flac with class folders cel cla flu gac gel org pia sax "
                "tru vio voi" + (extra.empty() ? "" : "; found other folders:" + extra));
  }
  const auto s = split_groups(songs, seed, "irmas", valid_fraction, test_fraction);
  for (auto& c : d.clips) c.split = s.at(c.split);
}

fs::path find_stem(const fs::path& dir, const std::string& name) {
  for (const auto& ext : kAudioExt)
    if (fs::exists(dir / (name + ext))) return dir / (name + ext);
  return {};
}

void index_musdb(DatasetIndex& d, const fs::path& data, std::uint64_t seed, double valid_fraction) {
  d.root = fs::is_directory(data / task_name(d.task) / "train") ? data / task_name(d.task) : data;
  if (!fs::is_directory(d.root / "train"))
    throw_io("train: VS data needs " + (d.root / "train").string() +
             "/<track>/{mixture,vocals,accompaniment}.flac (MUSDB18 layout)");
  std::vector<std::string> train_tracks;
  for (const std::string part : {"train", "test"}) {
    if (!fs::is_directory(d.root / part)) continue;
    for (const auto& e : fs::directory_iterator(d.root / part)) {
      if (!e.is_directory()) continue;
      ClipRef c;
      c.id = part + "/" + e.path().filename().string();
      c.split = part;
      for (const std::string stem : {"mixture", "vocals"}) {
        const fs::path p = find_stem(e.path(), stem);
        if (p.empty()) throw_input("train: VS track without " + stem + " (" + e.path().string() + ")");
        c.audio.push_back(p);
      }
      const fs::path acc = find_stem(e.path(), "accompaniment");
      if (!acc.empty()) {
        c.audio.push_back(acc);
      } else {
        for (const std::string stem : {"drums", "bass", "other"}) {
          const fs::path p = find_stem(e.path(), stem);
          if (p.empty())
            throw_input("train: VS track without accompaniment nor " + stem + " (" + e.path().string() + ")");
          c.audio.push_back(p);
        }
      }
      if (part == "train") train_tracks.push_back(c.id);
      d.clips.push_back(std::move(c));
    }
  }
  const auto s = split_groups(train_tracks, seed, "musdb", valid_fraction, 0.0);
  for (auto& c : d.clips)
    if (c.split == "train") c.split = s.at(c.id);
}

// Right-zero-pads to the samples `min_frames` centred frames need.
void pad_for_frames(std::vector<float>& x, int min_frames) {
  const auto need = static_cast<std::size_t>(std::max(min_frames - 1, 0)) * features::kNetworkHop;
  if (x.size() < need) x.resize(need, 0.0f);
}

MatrixF to_magnitude(const MatrixF& db, int bins) {
  MatrixF m(db.rows, static_cast<std::size_t>(bins));
  for (std::size_t t = 0; t < db.rows; ++t)
    for (std::size_t f = 0; f < m.cols; ++f) m(t, f) = std::pow(10.0f, db(t, f) / 20.0f);
  return m;
}

}  // namespace

const std::vector<std::string>& irmas_classes() {
  static const std::vector<std::string> k{"cel", "cla", "flu", "gac", "gel", "org",
                                          "pia", "sax", "tru", "vio", "voi"};
  return k;
}

std::size_t DatasetIndex::count(const std::string& split) const {
  return static_cast<std::size_t>(
      std::count_if(clips.begin(), clips.end(), [&](const ClipRef& c) { return c.split == split; }));
}

DatasetIndex index_dataset(Task task, const fs::path& data_dir, std::uint64_t seed, double valid_fraction,
                           double test_fraction) {
  DatasetIndex d;
  d.task = task;
  switch (tasks::layout(task)) {
    case tasks::DataLayout::listed_clips: index_labels(d, data_dir, seed, valid_fraction); break;
    case tasks::DataLayout::class_folders: index_irmas(d, data_dir, seed, valid_fraction, test_fraction); break;
    case tasks::DataLayout::stem_folders: index_musdb(d, data_dir, seed, valid_fraction); break;
  }
  std::sort(d.clips.begin(), d.clips.end(), [](const ClipRef& a, const ClipRef& b) { return a.id < b.id; });
  if (d.clips.empty()) throw_input("train: empty dataset (" + d.root.string() + "); no clips found");
  if (d.count("train") == 0)
    throw_input("train: no training clips (" + d.root.string() + "); check the split column / layout");
  if (d.count("valid") == 0)
    throw_input("train: no validation clips (" + d.root.string() + "); add clips or raise train.valid_fraction");
  return d;
}

ClipData load_clip(const DatasetIndex& index, const ClipRef& r, int min_frames, int bins, bool keep_audio) {
  ClipData c;
  c.tags = r.tags;
  c.label = r.label;
  if (tasks::layout(index.task) != tasks::DataLayout::stem_folders) {
    std::vector<float> a = audio::decode_audio(r.audio[0]);
    pad_for_frames(a, min_frames);
    c.x = features::network_input_db(a);
    return c;
  }
  std::vector<float> mix = audio::decode_audio(r.audio[0]);
  std::vector<float> voc = audio::decode_audio(r.audio[1]);
  std::vector<float> acc = audio::decode_audio(r.audio[2]);
  for (std::size_t k = 3; k < r.audio.size(); ++k) {  // drums + bass + other
    const std::vector<float> part = audio::decode_audio(r.audio[k]);
    acc.resize(std::max(acc.size(), part.size()), 0.0f);
    for (std::size_t j = 0; j < part.size(); ++j) acc[j] += part[j];
  }
  const std::size_t n = std::min({mix.size(), voc.size(), acc.size()});
  mix.resize(n), voc.resize(n), acc.resize(n);
  for (auto* a : {&mix, &voc, &acc}) pad_for_frames(*a, min_frames);
  c.x = features::network_input_db(mix);
  // Linear magnitudes from the dB spectra (|X| = 10^(dB/20); the -80 dB floor is immaterial to L1).
  c.mix = to_magnitude(c.x, bins);
  c.voc = to_magnitude(features::network_input_db(voc), bins);
  c.acc = to_magnitude(features::network_input_db(acc), bins);
  if (keep_audio) c.mix_audio = std::move(mix), c.voc_audio = std::move(voc);
  return c;
}

std::vector<ClipData> load_split(const DatasetIndex& index, const std::string& split, int min_frames, int bins,
                                 int threads, bool keep_audio) {
  std::vector<const ClipRef*> refs;
  for (const auto& c : index.clips)
    if (c.split == split) refs.push_back(&c);
  std::vector<ClipData> out(refs.size());
  Progress progress("nnr-train: decoding " + split + " clips", refs.size(), "clips");
  parallel_for(0, refs.size(), threads, [&](std::size_t i) {
    out[i] = load_clip(index, *refs[i], min_frames, bins, keep_audio);
    progress.tick();
  });
  return out;
}

}  // namespace nnr::train
