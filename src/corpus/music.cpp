// Seeded arrangements and their MIDI notes.
#include "nnr/corpus/music.hpp"

#include <algorithm>
#include <cmath>

#include "nnr/core/error.hpp"

namespace nnr::corpus {
namespace {

constexpr int kMajor[7] = {0, 2, 4, 5, 7, 9, 11};
constexpr int kMinor[7] = {0, 2, 3, 5, 7, 8, 10};

const std::vector<std::array<int, kPhraseBars>> kMajorProgressions = {
    {0, 3, 4, 0}, {0, 5, 3, 4}, {0, 4, 5, 3}, {5, 3, 0, 4}, {0, 3, 0, 4}, {0, 1, 4, 0}};
const std::vector<std::array<int, kPhraseBars>> kMinorProgressions = {
    {0, 5, 2, 6}, {0, 3, 4, 0}, {0, 6, 5, 6}, {0, 3, 6, 2}, {0, 5, 3, 4}, {0, 2, 3, 4}};

const char* const kWords[] = {"la", "na", "oh", "da", "my", "love", "sing", "day", "you", "go",
                              "home", "light", "sky", "so", "free", "me", "night", "sun", "way", "now"};

/// MIDI key of scale degree `d` (any integer; 7 = tonic an octave up) above `base` (the tonic key).
int degree_key(int base, bool minor, int d) {
  const int oct = d >= 0 ? d / 7 : -((-d + 6) / 7);
  const int idx = d - 7 * oct;
  return base + 12 * oct + (minor ? kMinor : kMajor)[idx];
}

/// Degree (relative to tonic at `base`) whose key is nearest to `key`.
int nearest_degree(int base, bool minor, int key) {
  int best = 0, best_dist = 1000;
  for (int d = -35; d <= 35; ++d) {
    const int dist = std::abs(degree_key(base, minor, d) - key);
    if (dist < best_dist) best = d, best_dist = dist;
  }
  return best;
}

double pick(Rng& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }
bool coin(Rng& rng, double p) { return uniform01(rng) < p; }
template <typename T>
const T& choose(Rng& rng, const std::vector<T>& v) {
  return v[uniform_index(rng, v.size())];
}

}  // namespace

const std::vector<LeadInstrument>& lead_instruments() {
  static const std::vector<LeadInstrument> k = {
      {"cel", "cello", "strings", {42}, 36, 67},
      {"cla", "clarinet", "woodwind", {71}, 52, 84},
      {"flu", "flute", "woodwind", {73}, 62, 93},
      {"gac", "acoustic_guitar", "guitar", {24, 25}, 43, 76},
      {"gel", "electric_guitar", "guitar", {26, 27, 29}, 43, 79},
      {"org", "organ", "keyboard", {16, 17, 19}, 43, 84},
      {"pia", "piano", "keyboard", {0, 1}, 40, 91},
      {"sax", "saxophone", "woodwind", {64, 65, 66}, 49, 80},
      {"tru", "trumpet", "brass", {56}, 55, 82},
      {"vio", "violin", "strings", {40}, 57, 93},
      {"voi", "choir", "voice", {52, 53}, 50, 77},
  };
  return k;
}

int lead_index(const std::string& code) {
  const auto& k = lead_instruments();
  for (std::size_t i = 0; i < k.size(); ++i)
    if (code == k[i].code) return static_cast<int>(i);
  return -1;
}

const std::vector<ChordInstrument>& chord_instruments() {
  static const std::vector<ChordInstrument> k = {
      {"piano", "keyboard", 0, "pia"},          {"organ", "keyboard", 16, "org"},
      {"acoustic_guitar", "guitar", 24, "gac"}, {"electric_guitar", "guitar", 27, "gel"},
      {"string_ensemble", "strings", 48, ""},   {"synth_pad", "", 89, ""},
  };
  return k;
}

const std::vector<std::string>& tag_vocabulary() {
  static const std::vector<std::string> k = {
      // instruments (the 11 IRMAS classes, then the rest)
      "cello", "clarinet", "flute", "acoustic_guitar", "electric_guitar", "organ", "piano", "saxophone",
      "trumpet", "violin", "choir", "string_ensemble", "synth_pad", "bass", "drums", "vocals",
      // families
      "strings", "woodwind", "brass", "keyboard", "guitar", "voice",
      // tempo, mode, register, density, texture
      "slow", "medium", "fast", "major", "minor", "low_register", "high_register", "sparse", "dense",
      "arpeggio", "block_chords", "instrumental"};
  return k;
}

const char* tempo_class(double bpm) { return bpm < 90.0 ? "slow" : bpm < 125.0 ? "medium" : "fast"; }

VocalLine make_vocal_line(int index, std::uint64_t seed) {
  Rng rng(seed);
  VocalLine v;
  v.index = index;
  v.key_root = static_cast<int>(uniform_index(rng, 12));
  v.minor = coin(rng, 0.5);
  v.bpm = std::round(pick(rng, 72.0, 140.0));
  v.progression = choose(rng, v.minor ? kMinorProgressions : kMajorProgressions);
  static const std::vector<std::vector<double>> kPatterns = {
      {1, 1, 1, 1}, {2, 1, 1}, {1, 1, 2}, {2, 2}, {1, 0.5, 0.5, 2}, {0.5, 0.5, 1, 2}, {1.5, 0.5, 2}};
  // Written range about C4..E5 (Festival sings it an octave lower: C3..E4).
  const int tonic_written = 60 + v.key_root;
  int deg = nearest_degree(tonic_written, v.minor, 67);
  const int lo = nearest_degree(tonic_written, v.minor, 60), hi = nearest_degree(tonic_written, v.minor, 76);
  for (int bar = 0; bar < kPhraseBars; ++bar) {
    const bool last = bar == kPhraseBars - 1;
    const std::vector<double> pattern = last ? std::vector<double>{2} : choose(rng, kPatterns);
    double beat = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (i == 0) {  // downbeat: nearest chord tone of this bar's chord
        const int root = v.progression[static_cast<std::size_t>(bar)];
        int best = deg, best_dist = 100;
        for (int cand = lo; cand <= hi; ++cand) {
          const int rel = ((cand - root) % 7 + 7) % 7;
          if (rel != 0 && rel != 2 && rel != 4) continue;
          if (std::abs(cand - deg) < best_dist) best = cand, best_dist = std::abs(cand - deg);
        }
        deg = best;
      } else {
        static const std::vector<int> kSteps = {-2, -1, -1, 1, 1, 2, 0};
        deg = std::clamp(deg + choose(rng, kSteps), lo, hi);
      }
      const int written = degree_key(tonic_written, v.minor, deg);
      v.notes.push_back({bar * 4.0 + beat, pattern[i], written - 12,
                         kWords[uniform_index(rng, sizeof(kWords) / sizeof(kWords[0]))]});
      beat += pattern[i];
    }
  }
  return v;
}

SongSpec make_song(std::uint64_t seed, const SongConstraints& c) {
  Rng rng(seed);
  SongSpec s;
  s.seed = seed;
  const auto& leads = lead_instruments();
  s.lead = c.lead >= 0 ? c.lead : static_cast<int>(uniform_index(rng, leads.size()));
  NNR_ASSERT(s.lead >= 0 && s.lead < static_cast<int>(leads.size()));
  const LeadInstrument& li = leads[static_cast<std::size_t>(s.lead)];
  s.lead_program = choose(rng, li.programs);
  std::vector<int> chord_choices;
  for (std::size_t i = 0; i < chord_instruments().size(); ++i)
    if (std::string(chord_instruments()[i].irmas) != li.code) chord_choices.push_back(static_cast<int>(i));
  s.chord = choose(rng, chord_choices);
  s.bass = coin(rng, 0.7);
  s.drums = c.allow_drums && coin(rng, 0.5);
  s.arpeggio = coin(rng, 0.5);
  s.high_register = coin(rng, 0.5);
  s.dense = coin(rng, 0.5);
  const int tempo = static_cast<int>(uniform_index(rng, 3));
  const double bpm = std::round(tempo == 0 ? pick(rng, 62, 88) : tempo == 1 ? pick(rng, 92, 122) : pick(rng, 128, 160));
  const int key = static_cast<int>(uniform_index(rng, 12));
  const bool minor = coin(rng, 0.5);
  const auto& prog = choose(rng, minor ? kMinorProgressions : kMajorProgressions);
  if (c.vocal) {
    s.key_root = c.vocal->key_root;
    s.minor = c.vocal->minor;
    s.bpm = c.vocal->bpm;
    s.progression = c.vocal->progression;
    s.vocal_line = c.vocal->index;
  } else {
    s.key_root = key;
    s.minor = minor;
    s.bpm = bpm;
    s.progression = prog;
  }
  return s;
}

std::vector<std::string> song_tags(const SongSpec& s) {
  const LeadInstrument& li = lead_instruments()[static_cast<std::size_t>(s.lead)];
  const ChordInstrument& ci = chord_instruments()[static_cast<std::size_t>(s.chord)];
  std::vector<std::string> t = {li.tag, li.family, ci.tag, tempo_class(s.bpm), s.minor ? "minor" : "major",
                                s.high_register ? "high_register" : "low_register", s.dense ? "dense" : "sparse",
                                s.arpeggio ? "arpeggio" : "block_chords"};
  if (*ci.family) t.push_back(ci.family);
  if (s.bass) t.push_back("bass");
  if (s.drums) t.push_back("drums");
  if (s.vocal_line >= 0) {
    t.push_back("vocals");
    t.push_back("voice");
  } else {
    t.push_back("instrumental");
  }
  std::vector<std::string> out;
  for (const std::string& v : tag_vocabulary())
    if (std::find(t.begin(), t.end(), v) != t.end()) out.push_back(v);
  NNR_ASSERT(out.size() == [&] {
    std::vector<std::string> u = t;
    std::sort(u.begin(), u.end());
    return static_cast<std::size_t>(std::unique(u.begin(), u.end()) - u.begin());
  }());
  return out;
}

ChannelPrograms song_programs(const SongSpec& s) {
  ChannelPrograms p;
  p.program[kLeadChannel] = s.lead_program;
  p.program[kChordChannel] = chord_instruments()[static_cast<std::size_t>(s.chord)].program;
  if (s.bass) p.program[kBassChannel] = 33;  // electric bass (finger)
  if (s.drums) p.program[kDrumChannel] = 0;  // standard kit
  return p;
}

namespace {

/// One bar of the accompaniment (no random draws): chords, bass and drums from the bar's chord root.
void accompaniment_bar(const SongSpec& s, int root, double t0, double beat_s, std::vector<Note>& notes) {
  // Chords, around C3..C4.
  int chord_base = degree_key(48 + s.key_root, s.minor, root);
  if (chord_base > 57) chord_base -= 12;
  const int chord_deg = nearest_degree(48 + s.key_root, s.minor, chord_base);
  const int tones[3] = {degree_key(48 + s.key_root, s.minor, chord_deg),
                        degree_key(48 + s.key_root, s.minor, chord_deg + 2),
                        degree_key(48 + s.key_root, s.minor, chord_deg + 4)};
  if (s.arpeggio) {
    static const int kOrder[4] = {0, 1, 2, 1};
    for (int i = 0; i < 8; ++i)
      notes.push_back({t0 + i * 0.5 * beat_s, 0.5 * beat_s, kChordChannel, tones[kOrder[i % 4]], 70});
  } else {
    const double step = s.dense ? 1.0 : 2.0;
    for (double b = 0; b < 4.0 - 1e-9; b += step)
      for (int k : tones) notes.push_back({t0 + b * beat_s, 0.95 * step * beat_s, kChordChannel, k, 66});
  }
  // Bass, around C2..B2.
  if (s.bass) {
    int bass_key = degree_key(36 + s.key_root, s.minor, root);
    if (bass_key > 47) bass_key -= 12;
    const double step = s.dense ? 1.0 : 2.0;
    for (double b = 0; b < 4.0 - 1e-9; b += step) {
      const int k = (s.dense && std::fmod(b, 2.0) == 1.0) ? bass_key + 7 : bass_key;
      notes.push_back({t0 + b * beat_s, 0.9 * step * beat_s, kBassChannel, k, 84});
    }
  }
  // Drums: kick on 1 and 3, snare on 2 and 4, closed hi-hat on eighths (sixteenths when dense).
  if (s.drums) {
    for (double b : {0.0, 2.0}) notes.push_back({t0 + b * beat_s, 0.1, kDrumChannel, 36, 100});
    if (s.dense) notes.push_back({t0 + 2.5 * beat_s, 0.1, kDrumChannel, 36, 85});
    for (double b : {1.0, 3.0}) notes.push_back({t0 + b * beat_s, 0.1, kDrumChannel, 38, 90});
    const double hat = s.dense ? 0.25 : 0.5;
    for (double b = 0; b < 4.0 - 1e-9; b += hat)
      notes.push_back({t0 + b * beat_s, 0.05, kDrumChannel, 42, std::fmod(b, 1.0) == 0.0 ? 70 : 55});
  }
}

}  // namespace

std::vector<Note> song_notes(const SongSpec& s, double duration_s) {
  Rng rng(derive_seed(s.seed, "notes"));
  const LeadInstrument& li = lead_instruments()[static_cast<std::size_t>(s.lead)];
  const double beat_s = 60.0 / s.bpm;
  const int n_bars = static_cast<int>(std::ceil(duration_s / (4.0 * beat_s)));
  std::vector<Note> notes;
  const int tonic = 60 + s.key_root;
  const int center_key = static_cast<int>(std::lround(li.lo + (li.hi - li.lo) * (s.high_register ? 0.72 : 0.28)));
  const int center = nearest_degree(tonic, s.minor, center_key);
  const int lo = std::max(center - 5, nearest_degree(tonic, s.minor, li.lo));
  const int hi = std::min(center + 5, nearest_degree(tonic, s.minor, li.hi));
  int deg = center;
  for (int bar = 0; bar < n_bars; ++bar) {
    const double t0 = bar * 4.0 * beat_s;
    const int root = s.progression[static_cast<std::size_t>(bar % kPhraseBars)];
    // Lead melody.
    double beat = 0;
    bool first = true;
    while (beat < 4.0 - 1e-9) {
      double d;
      if (s.dense) {
        static const std::vector<double> kDense = {0.5, 0.5, 0.25, 0.25, 0.5, 1.0};
        d = choose(rng, kDense);
      } else {
        static const std::vector<double> kSparse = {1.0, 1.0, 2.0, 1.5};
        d = choose(rng, kSparse);
      }
      d = std::min(d, 4.0 - beat);
      if (first) {
        int best = deg, best_dist = 100;
        for (int cand = lo; cand <= hi; ++cand) {
          const int rel = ((cand - root) % 7 + 7) % 7;
          if ((rel == 0 || rel == 2 || rel == 4) && std::abs(cand - deg) < best_dist)
            best = cand, best_dist = std::abs(cand - deg);
        }
        deg = best;
      } else {
        static const std::vector<int> kSteps = {-2, -1, -1, 1, 1, 2, 0, 3, -3};
        deg = std::clamp(deg + choose(rng, kSteps), lo, hi);
      }
      const bool rest = !first && coin(rng, 0.08);
      if (!rest)
        notes.push_back({t0 + beat * beat_s, 0.92 * d * beat_s, kLeadChannel, degree_key(tonic, s.minor, deg),
                         92 + static_cast<int>(uniform_index(rng, 20))});
      beat += d;
      first = false;
    }
    accompaniment_bar(s, root, t0, beat_s, notes);
  }
  // Keep only notes that start inside the requested duration.
  notes.erase(std::remove_if(notes.begin(), notes.end(), [&](const Note& n) { return n.start_s >= duration_s; }),
              notes.end());
  return notes;
}

}  // namespace nnr::corpus
