#pragma once
/// Seeded toy music: arrangements (key, mode, tempo, instruments, register, density, drums, optional
/// sung line) whose tags are known by construction, and their General MIDI note lists.
///
/// A song is 4-bar phrases in 4/4 over a diatonic chord progression. Roles map to MIDI channels:
/// lead 0, chords 1, bass 2, drums 9 (GM percussion). Vocals are not MIDI: a VocalLine is sung by
/// Festival (vocals.hpp) and placed at every phrase start.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nnr/core/random.hpp"
#include "nnr/corpus/synth.hpp"

namespace nnr::corpus {

constexpr int kLeadChannel = 0, kChordChannel = 1, kBassChannel = 2, kDrumChannel = 9;
constexpr int kPhraseBars = 4;

/// One of the 11 IRMAS classes and how we play it.
struct LeadInstrument {
  const char* code;    ///< IRMAS folder: cel cla flu gac gel org pia sax tru vio voi
  const char* tag;     ///< AT tag, e.g. "flute"
  const char* family;  ///< AT family tag: strings woodwind brass keyboard guitar voice
  std::vector<int> programs;  ///< GM programs (0-based) that render it
  int lo, hi;          ///< playable MIDI key range used for melodies
};
const std::vector<LeadInstrument>& lead_instruments();
/// Index of an IRMAS code in lead_instruments(); -1 if unknown.
int lead_index(const std::string& code);

/// Accompaniment (chord) instruments.
struct ChordInstrument {
  const char* tag;
  const char* family;
  int program;
  const char* irmas;  ///< IRMAS code it would count as, "" if none (string ensemble, pad)
};
const std::vector<ChordInstrument>& chord_instruments();

/// The fixed AT tag vocabulary, in output order.
const std::vector<std::string>& tag_vocabulary();

/// Tempo class of a BPM: slow < 90 <= medium < 125 <= fast.
const char* tempo_class(double bpm);

/// A melody to be sung (the pool reused across mixtures): key, mode, tempo and harmony are fixed by it.
struct VocalLine {
  int index = 0;
  int key_root = 0;  ///< pitch class of the tonic, 0 = C
  bool minor = false;
  double bpm = 100.0;
  std::array<int, kPhraseBars> progression{};  ///< scale degrees 0..6 of the chord of each bar
  struct SungNote {
    double start_beat, beats;
    int key;  ///< MIDI key actually heard (Festival sings an octave below the written note)
    std::string word;
  };
  std::vector<SungNote> notes;  ///< one phrase (kPhraseBars bars)
};

/// Draws a vocal line from `seed`.
VocalLine make_vocal_line(int index, std::uint64_t seed);

/// Everything that decides a rendered song.
struct SongSpec {
  std::uint64_t seed = 0;
  int lead = 0;          ///< index into lead_instruments()
  int lead_program = 0;
  int chord = 0;         ///< index into chord_instruments()
  bool bass = true;
  bool drums = false;
  bool arpeggio = false;
  bool high_register = false;
  bool dense = false;
  int key_root = 0;
  bool minor = false;
  double bpm = 100.0;
  std::array<int, kPhraseBars> progression{};
  int vocal_line = -1;   ///< index into the vocal pool, -1 = instrumental
};

/// Options that constrain make_song.
struct SongConstraints {
  int lead = -1;                      ///< force this lead instrument (index), -1 = random
  const VocalLine* vocal = nullptr;   ///< take key, mode, tempo and progression from this line
  bool allow_drums = true;
};

/// Draws an arrangement from `seed`. The chord instrument never equals the lead's IRMAS class.
SongSpec make_song(std::uint64_t seed, const SongConstraints& c);

/// AT tags of a song (vocabulary order). `with_vocals`: a sung line is mixed in.
std::vector<std::string> song_tags(const SongSpec& s);

/// Seconds per bar.
inline double bar_seconds(double bpm) { return 4.0 * 60.0 / bpm; }

/// MIDI notes of the song for `duration_s` seconds (whole bars; notes are deterministic in the spec).
std::vector<Note> song_notes(const SongSpec& s, double duration_s);

/// GM programs of the song's channels.
ChannelPrograms song_programs(const SongSpec& s);

}  // namespace nnr::corpus
