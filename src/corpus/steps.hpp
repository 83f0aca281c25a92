#pragma once
// The demo corpus builder's steps (internal to nnr_corpus). build_corpus (corpus.cpp) runs them in the
// order of their numbers; each is deterministic given the seed, and each job writes only its own files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnr/audio/audio_file.hpp"
#include "nnr/corpus/corpus.hpp"
#include "nnr/corpus/music.hpp"
#include "nnr/corpus/music_packages.hpp"
#include "nnr/corpus/vocals.hpp"

namespace nnr::corpus::detail {

constexpr int kSr = audio::kSampleRate;
/// Clips are 16-bit FLAC, like IRMAS and MUSDB18 (and half the size of 24-bit).
constexpr audio::SampleFormat kFormat = audio::SampleFormat::pcm16;

/// A unit of work: one song rendered into one or more files.
struct Job {
  std::string task;  // at | ir | vs | test
  std::string id;    // clip, song or track id
  std::string split; // at: train|valid|test; vs: train|test
  SongSpec spec;
  std::vector<double> offsets;  // excerpt starts
  double dur_s = 3.0;
  double lead_db = 0.0, vocal_db = 0.0;
};

struct Written {
  std::vector<std::vector<std::string>> log_rows;  // render_log.csv rows
  std::vector<std::string> files;                  // relative paths of the rendered files
};

/// Step 2: every job of the corpus, planned from the seed (at, ir, vs, then test).
std::vector<Job> plan_jobs(const CorpusSize& size, std::uint64_t seed, const std::vector<VocalLine>& lines);

/// Step 3: renders every job (fluidsynth, `threads` in parallel) and writes its files under `out`.
std::vector<Written> render_jobs(const std::vector<Job>& jobs, const std::vector<SungLine>& pool,
                                 const std::filesystem::path& soundfont, const std::filesystem::path& out,
                                 int threads);

/// Step 7: sources.csv, one row per file and origin (soundfont, voice, noise recording, music track).
void write_sources(const std::filesystem::path& out, const std::filesystem::path& soundfont,
                   const std::vector<Job>& jobs, const std::vector<Written>& written,
                   const std::vector<SungLine>& pool, const std::vector<std::filesystem::path>& noise_used,
                   const std::vector<MusicExcerpt>& music);

/// The installed versions of every package the corpus is made from, for corpus.json.
nlohmann::json package_versions(const std::vector<std::string>& music_packages);

/// "a;b;c".
std::string join(const std::vector<std::string>& v, const char* sep);

}  // namespace nnr::corpus::detail
