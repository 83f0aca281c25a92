#pragma once
// Tiny datasets in nnr's layouts (labels.csv for AE/AT, IRMAS folders for IR, MUSDB18 tracks for VS),
// written with write_audio from test signals; a few seconds of audio in all.
#include <filesystem>
#include <fstream>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "support/signals.hpp"

namespace nnr::test {

inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("nnr_train_test_" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

/// DIR/at/{labels.csv,tags.csv,audio/*.flac}: 8 clips of 1 s, tags by register.
inline void write_at_corpus(const std::filesystem::path& root, int n = 8) {
  const auto at = root / "at";
  std::filesystem::create_directories(at / "audio");
  std::ofstream labels(at / "labels.csv");
  labels << "clip_id,path,split,tags\n";
  for (int i = 0; i < n; ++i) {
    const bool low = i % 2 == 0;
    const std::string id = "clip" + std::to_string(i);
    auto x = sine(low ? 110.0 * (1 + i) : 2000.0 + 150 * i, 1.0, 0.3);
    const auto noise = white_noise(1.0, 0.02, static_cast<std::uint64_t>(i));
    for (std::size_t k = 0; k < x.size(); ++k) x[k] += noise[k];
    audio::write_audio(at / "audio" / (id + ".flac"), x);
    const std::string split = i < n - 3 ? "train" : i < n - 1 ? "valid" : "test";
    labels << id << ",audio/" << id << ".flac," << split << "," << (low ? "low;tonal" : "high;tonal") << "\n";
  }
  std::ofstream tags(at / "tags.csv");
  tags << "tag,count\ntonal," << n << "\nlow," << n / 2 << "\nhigh," << n / 2 << "\n";
}

/// DIR/ir/<class>/<song>__<n>.flac: two classes, 5 songs each, 2 excerpts per song.
inline void write_ir_corpus(const std::filesystem::path& root) {
  for (const std::string cls : {"cel", "pia"}) {
    std::filesystem::create_directories(root / "ir" / cls);
    for (int s = 0; s < 5; ++s)
      for (int k = 0; k < 2; ++k)
        audio::write_audio(root / "ir" / cls / (cls + "song" + std::to_string(s) + "__" + std::to_string(k) + ".flac"),
                           sine(cls == "cel" ? 130.0 + 10 * s : 1500.0 + 100 * s, 0.8, 0.3));
  }
}

/// DIR/vs/{train,test}/<track>/{mixture,vocals,accompaniment}.flac: 1 s tracks.
inline void write_vs_corpus(const std::filesystem::path& root, int n_train = 4) {
  for (int t = 0; t < n_train + 1; ++t) {
    const auto dir = root / "vs" / (t < n_train ? "train" : "test") / ("track" + std::to_string(t));
    std::filesystem::create_directories(dir);
    const auto voc = harmonic_notes(1.2, static_cast<std::uint64_t>(t));
    const auto acc = white_noise(1.2, 0.05, 100 + static_cast<std::uint64_t>(t));
    std::vector<float> mix(voc.size());
    for (std::size_t i = 0; i < mix.size(); ++i) mix[i] = 0.5f * voc[i] + acc[i];
    std::vector<float> v2(voc.size());
    for (std::size_t i = 0; i < v2.size(); ++i) v2[i] = 0.5f * voc[i];
    audio::write_audio(dir / "mixture.flac", mix);
    audio::write_audio(dir / "vocals.flac", v2);
    audio::write_audio(dir / "accompaniment.flac", acc);
  }
}

}  // namespace nnr::test
