// The corpus builder's steps 2 and 3: plan every song from the seed, then render and mix them
// (fluidsynth lead/rest stems + a sung vocal line) into the files of the corpus layout.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>

#include "command.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/corpus/synth.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/transform/measure.hpp"
#include "steps.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus::detail {
namespace {

using transform::rms;

float peak(const std::vector<float>& x) {
  float p = 0.0f;
  for (float v : x) p = std::max(p, std::fabs(v));
  return p;
}

constexpr double kLsb = 1.0 / 32768.0;

/// Rounds to the 16-bit grid libsndfile writes (k / 2^15), so sums of stems stay exact on disk.
void quantise(std::vector<float>& x) {
  for (float& v : x) v = static_cast<float>(std::nearbyint(static_cast<double>(v) / kLsb) * kLsb);
}

/// One excerpt, as separately mixable parts (all the same length).
struct Parts {
  std::vector<float> lead, rest, vocals;
};

/// Renders `spec` from 0 to offset+dur and cuts [offset, offset+dur). Vocals (if any) start at every
/// phrase.
Parts render_parts(Synth& synth, const SongSpec& spec, const std::vector<SungLine>& pool, double offset_s,
                   double dur_s) {
  const auto n = static_cast<std::size_t>(std::llround(dur_s * kSr));
  const auto start = static_cast<std::size_t>(std::llround(offset_s * kSr));
  const auto stems = synth.render(song_notes(spec, offset_s + dur_s), song_programs(spec), start + n);
  Parts p;
  p.lead.assign(stems[kLeadChannel].begin() + static_cast<std::ptrdiff_t>(start), stems[kLeadChannel].end());
  p.rest.assign(n, 0.0f);
  for (int ch : {kChordChannel, kBassChannel, kDrumChannel})
    for (std::size_t i = 0; i < n; ++i) p.rest[i] += stems[static_cast<std::size_t>(ch)][start + i];
  p.vocals.assign(n, 0.0f);
  if (spec.vocal_line >= 0) {
    const auto& v = pool.at(static_cast<std::size_t>(spec.vocal_line)).samples;
    for (std::size_t i = 0; i < n; ++i) p.vocals[i] = v[(start + i) % v.size()];
  }
  return p;
}

struct Mixed {
  std::vector<float> mixture, accompaniment, vocals;
  double lead_rms = 0, rest_rms = 0, vocals_rms = 0;
};

/// Mixes parts: lead `lead_db` above the rest (RMS), vocals `vocal_db` above the instruments, then
/// scales everything so the mixture peaks at 0.8 and quantises the stems to the 16-bit grid;
/// mixture = accompaniment + vocals exactly.
Mixed mix(Parts p, double lead_db, double vocal_db, const std::string& what) {
  const double lr = rms(p.lead), rr = rms(p.rest);
  const double lead_gain = (lr > 1e-9 && rr > 1e-9) ? rr * std::pow(10.0, lead_db / 20.0) / lr : 1.0;
  Mixed m;
  m.accompaniment.resize(p.lead.size());
  for (std::size_t i = 0; i < p.lead.size(); ++i)
    m.accompaniment[i] = static_cast<float>(lead_gain * p.lead[i]) + p.rest[i];
  const double ar = rms(m.accompaniment), vr = rms(p.vocals);
  const double vocal_gain = (vr > 1e-9 && ar > 1e-9) ? ar * std::pow(10.0, vocal_db / 20.0) / vr : 0.0;
  m.vocals.resize(p.vocals.size());
  for (std::size_t i = 0; i < p.vocals.size(); ++i) m.vocals[i] = static_cast<float>(vocal_gain * p.vocals[i]);
  std::vector<float> sum(m.vocals.size());
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] = m.accompaniment[i] + m.vocals[i];
  const float pk = peak(sum);
  if (!(pk > 1e-6f)) throw_internal("corpus: rendered clip is silent (" + what + "); report this as a bug");
  const float g = 0.8f / pk;
  for (float& v : m.accompaniment) v *= g;
  for (float& v : m.vocals) v *= g;
  quantise(m.accompaniment);
  quantise(m.vocals);
  m.mixture.resize(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) m.mixture[i] = m.accompaniment[i] + m.vocals[i];
  m.lead_rms = lead_gain * lr * g;
  m.rest_rms = rr * g;
  m.vocals_rms = rms(m.vocals);
  return m;
}

/// Thread-safe pool of synths (one soundfont load per thread that renders).
class SynthPool {
 public:
  explicit SynthPool(fs::path sf) : sf_(std::move(sf)) {}
  std::unique_ptr<Synth> take() {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<Synth>(sf_, kSr);
  }
  void give(std::unique_ptr<Synth> s) {
    std::lock_guard<std::mutex> lock(m_);
    free_.push_back(std::move(s));
  }

 private:
  fs::path sf_;
  std::mutex m_;
  std::vector<std::unique_ptr<Synth>> free_;
};

/// 80/10/10 by clip index (every 10th clip is valid, the next test), so even the tiny corpus has clips in
/// every split; lead instruments cycle with period 11, so each split sees every class.
std::string split_of(int index) { return index % 10 == 8 ? "valid" : index % 10 == 9 ? "test" : "train"; }

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::vector<Job> plan_jobs(const CorpusSize& size, std::uint64_t seed, const std::vector<VocalLine>& lines) {
  const int n_train_lines = size.vocal_lines - size.vocal_test_lines;
  std::vector<Job> jobs;
  const auto& leads = lead_instruments();
  const int n_classes = static_cast<int>(leads.size());
  for (int i = 0; i < size.at_clips; ++i) {
    Job j;
    j.task = "at";
    j.id = numbered("at_%05d", i);
    j.split = split_of(i);
    Rng rng(derive_seed(seed, "at", j.id));
    SongConstraints c;
    c.lead = i % n_classes;
    if (i % 4 == 3) c.vocal = &lines[static_cast<std::size_t>((i / 4) % n_train_lines)];
    j.spec = make_song(rng(), c);
    j.offsets = {uniform01(rng) * bar_seconds(j.spec.bpm)};
    j.dur_s = size.clip_s;
    j.lead_db = 6.0 * uniform01(rng);
    j.vocal_db = 3.0 * uniform01(rng);
    jobs.push_back(j);
  }
  for (int c = 0; c < n_classes; ++c)
    for (int k = 0; k < size.ir_songs_per_class; ++k) {
      Job j;
      j.task = "ir";
      j.id = std::string(leads[static_cast<std::size_t>(c)].code) + numbered("_song%03d", k);
      Rng rng(derive_seed(seed, "ir", j.id));
      SongConstraints sc;
      sc.lead = c;
      // One song in three has a sung line under the lead, as IRMAS excerpts of other classes often do
      // (and as every test clip does): the predominant instrument stays the lead, louder than the voice.
      if (k % 3 == 2) sc.vocal = &lines[static_cast<std::size_t>((c + k) % n_train_lines)];
      j.spec = make_song(rng(), sc);
      for (int e = 0; e < size.ir_excerpts; ++e) j.offsets.push_back(0.25 + e * (size.clip_s + 0.5));
      j.dur_s = size.clip_s;
      j.lead_db = 8.0 + 4.0 * uniform01(rng);
      j.vocal_db = 3.0 * uniform01(rng);
      jobs.push_back(j);
    }
  for (int split = 0; split < 2; ++split) {
    const int n = split == 0 ? size.vs_train : size.vs_test;
    for (int k = 0; k < n; ++k) {
      Job j;
      j.task = "vs";
      j.split = split == 0 ? "train" : "test";
      j.id = numbered(split == 0 ? "train_%03d" : "test_%03d", k);
      Rng rng(derive_seed(seed, "vs", j.id));
      SongConstraints sc;
      const int line = split == 0 ? k % n_train_lines : n_train_lines + k % size.vocal_test_lines;
      sc.vocal = &lines[static_cast<std::size_t>(line)];
      j.spec = make_song(rng(), sc);
      j.offsets = {0.0};
      j.dur_s = size.vs_s;
      j.lead_db = -3.0 + 6.0 * uniform01(rng);
      j.vocal_db = 4.0 * uniform01(rng);
      jobs.push_back(j);
    }
  }
  for (int t = 0; t < size.test_clips; ++t) {
    Job j;
    j.task = "test";
    j.id = numbered("test_%04d", t);
    Rng rng(derive_seed(seed, "test", j.id));
    SongConstraints sc;
    sc.lead = t % n_classes;
    sc.vocal = &lines[static_cast<std::size_t>(n_train_lines + (t / n_classes) % size.vocal_test_lines)];
    j.spec = make_song(rng(), sc);
    const double phrase = kPhraseBars * bar_seconds(j.spec.bpm);
    j.offsets = {uniform01(rng) * std::max(0.0, phrase - size.test_s)};
    j.dur_s = size.test_s;
    j.lead_db = 6.0 + 4.0 * uniform01(rng);
    j.vocal_db = 3.0 * uniform01(rng);
    jobs.push_back(j);
  }
  return jobs;
}

std::vector<Written> render_jobs(const std::vector<Job>& jobs, const std::vector<SungLine>& pool,
                                 const fs::path& soundfont, const fs::path& out, int threads) {
  const auto& leads = lead_instruments();
  std::vector<Written> written(jobs.size());
  SynthPool synths(soundfont);
  {
    Progress progress("nnr-corpus: songs", jobs.size(), "songs");
    parallel_for(0, jobs.size(), threads, [&](std::size_t ji) {
      const Job& j = jobs[ji];
      auto synth = synths.take();
      Written& w = written[ji];
      // One render per job covering every excerpt (same song = same performance).
      const double end = j.offsets.back() + j.dur_s;
      const Parts whole = render_parts(*synth, j.spec, pool, 0.0, end);
      synths.give(std::move(synth));
      for (std::size_t e = 0; e < j.offsets.size(); ++e) {
        const auto a = static_cast<std::size_t>(std::llround(j.offsets[e] * kSr));
        const auto n = static_cast<std::size_t>(std::llround(j.dur_s * kSr));
        Parts p;
        p.lead.assign(whole.lead.begin() + static_cast<std::ptrdiff_t>(a), whole.lead.begin() + static_cast<std::ptrdiff_t>(a + n));
        p.rest.assign(whole.rest.begin() + static_cast<std::ptrdiff_t>(a), whole.rest.begin() + static_cast<std::ptrdiff_t>(a + n));
        p.vocals.assign(whole.vocals.begin() + static_cast<std::ptrdiff_t>(a), whole.vocals.begin() + static_cast<std::ptrdiff_t>(a + n));
        std::string file;
        if (j.task == "at") file = "at/audio/" + j.id + ".flac";
        else if (j.task == "ir") file = std::string("ir/") + leads[static_cast<std::size_t>(j.spec.lead)].code + "/" + j.id + "__" + std::to_string(e + 1) + ".flac";
        else if (j.task == "vs") file = "vs/" + j.split + "/" + j.id + "/mixture.flac";
        else file = "test/" + j.id + ".flac";
        const Mixed m = mix(std::move(p), j.lead_db, j.vocal_db, file);
        audio::write_audio(out / file, m.mixture, kSr, kFormat);
        w.files.push_back(file);
        if (j.task == "vs") {
          const std::string dir = "vs/" + j.split + "/" + j.id + "/";
          audio::write_audio(out / (dir + "vocals.flac"), m.vocals, kSr, kFormat);
          audio::write_audio(out / (dir + "accompaniment.flac"), m.accompaniment, kSr, kFormat);
          w.files.push_back(dir + "vocals.flac");
          w.files.push_back(dir + "accompaniment.flac");
        } else if (j.task == "test") {
          audio::write_audio(out / ("test/vocals/" + j.id + ".flac"), m.vocals, kSr, kFormat);
          w.files.push_back("test/vocals/" + j.id + ".flac");
        }
        const SongSpec& s = j.spec;
        const auto progs = song_programs(s);
        w.log_rows.push_back({file, j.task, j.id, hex(s.seed), leads[static_cast<std::size_t>(s.lead)].code,
                              std::to_string(s.lead_program), std::to_string(progs.program[kChordChannel]),
                              s.bass ? "1" : "0", s.drums ? "1" : "0", io::format_number(s.bpm),
                              std::to_string(s.key_root), s.minor ? "minor" : "major",
                              s.high_register ? "high" : "low", s.dense ? "dense" : "sparse",
                              std::to_string(s.vocal_line),
                              s.vocal_line >= 0 ? pool[static_cast<std::size_t>(s.vocal_line)].engine : "",
                              io::format_number(j.offsets[e]), io::format_number(j.dur_s),
                              io::format_number(m.lead_rms), io::format_number(m.rest_rms),
                              io::format_number(m.vocals_rms), join(song_tags(s), ";")});
      }
      progress.tick();
    });
  }
  return written;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace nnr::corpus::detail
