// libfluidsynth wrapper: dry per-channel stems via audio groups.
#include "nnr/corpus/synth.hpp"

#include <fluidsynth.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "nnr/core/error.hpp"

namespace nnr::corpus {
namespace {

constexpr int kChannels = 16;
constexpr std::size_t kBlock = 64;

void log_to_spdlog(int level, const char* message, void*) {
  if (level <= FLUID_WARN)
    spdlog::debug("fluidsynth: {}", message);  // warnings are about absent optional presets; keep quiet
}

struct Event {
  std::size_t sample;
  int order;  // 0 = note off, 1 = note on (offs first at the same sample)
  int channel, key, velocity;
};

}  // namespace

struct Synth::Impl {
  fluid_settings_t* settings = nullptr;
  fluid_synth_t* synth = nullptr;
  int sfont_id = -1;
  ~Impl() {
    if (synth) delete_fluid_synth(synth);
    if (settings) delete_fluid_settings(settings);
  }
};

Synth::Synth(const std::filesystem::path& soundfont, int sample_rate)
    : impl_(std::make_unique<Impl>()), sample_rate_(sample_rate) {
  if (!std::filesystem::is_regular_file(soundfont))
    throw_io("corpus: soundfont not found (soundfont=" + soundfont.string() +
             "); install fluid-soundfont-gm or pass --soundfont FILE.sf2");
  for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG})
    fluid_set_log_function(level, log_to_spdlog, nullptr);
  impl_->settings = new_fluid_settings();
  if (!impl_->settings) throw_internal("corpus: fluidsynth could not allocate settings");
  fluid_settings_setnum(impl_->settings, "synth.sample-rate", static_cast<double>(sample_rate));
  fluid_settings_setint(impl_->settings, "synth.audio-channels", kChannels);
  fluid_settings_setint(impl_->settings, "synth.audio-groups", kChannels);
  fluid_settings_setint(impl_->settings, "synth.reverb.active", 0);
  fluid_settings_setint(impl_->settings, "synth.chorus.active", 0);
  fluid_settings_setint(impl_->settings, "synth.cpu-cores", 1);
  fluid_settings_setint(impl_->settings, "synth.threadsafe-api", 0);
  fluid_settings_setnum(impl_->settings, "synth.gain", 0.5);
  impl_->synth = new_fluid_synth(impl_->settings);
  if (!impl_->synth) throw_internal("corpus: fluidsynth could not create a synth");
  impl_->sfont_id = fluid_synth_sfload(impl_->synth, soundfont.c_str(), 1);
  if (impl_->sfont_id == FLUID_FAILED)
    throw_input("corpus: fluidsynth cannot load the soundfont (soundfont=" + soundfont.string() +
                "); pass a valid General MIDI .sf2 with --soundfont");
}

Synth::~Synth() = default;

std::vector<std::vector<float>> Synth::render(const std::vector<Note>& notes, const ChannelPrograms& programs,
                                              std::size_t n_samples) {
  // A fresh fluid_synth per render sharing the loaded soundfont: a reused synth keeps per-voice state
  // (amplitude ramps of recycled voice objects) that makes a render depend on the previous one.
  fluid_synth_t* s = new_fluid_synth(impl_->settings);
  if (!s) throw_internal("corpus: fluidsynth could not create a synth");
  fluid_sfont_t* sfont = fluid_synth_get_sfont_by_id(impl_->synth, impl_->sfont_id);
  const int sfont_id = fluid_synth_add_sfont(s, sfont);
  struct Guard {
    fluid_synth_t* s;
    fluid_sfont_t* f;
    ~Guard() {
      fluid_synth_remove_sfont(s, f);
      delete_fluid_synth(s);
    }
  } guard{s, sfont};
  if (sfont_id == FLUID_FAILED) throw_internal("corpus: fluidsynth could not share the loaded soundfont");
  for (int ch = 0; ch < kChannels; ++ch) {
    const int p = programs.program[ch];
    if (p < 0) continue;
    const int bank = ch == 9 ? 128 : 0;
    if (fluid_synth_program_select(s, ch, sfont_id, bank, ch == 9 ? 0 : p) != FLUID_OK)
      throw_input("corpus: soundfont has no preset (bank=" + std::to_string(bank) +
                  ", program=" + std::to_string(p) + "); use a General MIDI soundfont");
    fluid_synth_cc(s, ch, 10, 64);  // centre pan: the stems are downmixed to mono anyway
    fluid_synth_cc(s, ch, 91, 0);   // no reverb send
    fluid_synth_cc(s, ch, 93, 0);   // no chorus send
  }
  std::vector<Event> events;
  events.reserve(notes.size() * 2);
  const double sr = sample_rate_;
  for (const Note& n : notes) {
    if (n.channel < 0 || n.channel >= kChannels || programs.program[n.channel] < 0)
      throw_internal("corpus: note on a channel without a program (channel=" + std::to_string(n.channel) + ")");
    const auto on = static_cast<std::size_t>(std::llround(std::max(0.0, n.start_s) * sr));
    const auto off = static_cast<std::size_t>(std::llround(std::max(0.0, n.start_s + n.dur_s) * sr));
    events.push_back({on, 1, n.channel, n.key, n.velocity});
    events.push_back({std::max(off, on + 1), 0, n.channel, n.key, 0});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.sample != b.sample ? a.sample < b.sample : a.order < b.order;
  });

  std::vector<std::vector<float>> stems(kChannels, std::vector<float>(n_samples, 0.0f));
  std::vector<float> buf(2 * kChannels * kBlock);
  float* out[2 * kChannels];
  std::size_t next = 0;
  for (std::size_t pos = 0; pos < n_samples; pos += kBlock) {
    // Always whole 64-sample blocks (fluidsynth's internal block): a partial block would leave the
    // synth mid-block and shift the timing of the next render.
    const std::size_t len = std::min(kBlock, n_samples - pos);
    for (; next < events.size() && events[next].sample < pos + len; ++next) {
      const Event& e = events[next];
      if (e.order == 1)
        fluid_synth_noteon(s, e.channel, e.key, e.velocity);
      else
        fluid_synth_noteoff(s, e.channel, e.key);
    }
    std::fill(buf.begin(), buf.end(), 0.0f);
    for (int i = 0; i < 2 * kChannels; ++i) out[i] = buf.data() + static_cast<std::size_t>(i) * kBlock;
    if (fluid_synth_process(s, static_cast<int>(kBlock), 0, nullptr, 2 * kChannels, out) != FLUID_OK)
      throw_internal("corpus: fluid_synth_process failed");
    for (int ch = 0; ch < kChannels; ++ch) {
      const float* l = out[2 * ch];
      const float* r = out[2 * ch + 1];
      float* dst = stems[static_cast<std::size_t>(ch)].data() + pos;
      for (std::size_t i = 0; i < len; ++i) dst[i] = 0.5f * (l[i] + r[i]);
    }
  }
  return stems;
}

std::string fluidsynth_version() { return fluid_version_str(); }

}  // namespace nnr::corpus
