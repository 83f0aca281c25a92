// nnr-corpus OUT_DIR [--size tiny|demo] [--seed N] [--no-music-packages]: builds the demo corpus from Debian packages.
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/options.hpp"
#include "common/run_main.hpp"
#include "nnr/corpus/corpus.hpp"

namespace {

int body(int argc, char** argv) {
  CLI::App app{
      "Builds the demo corpus (AT/AE, IR, VS, test set, noise) from installed Debian packages: "
      "General MIDI renders with libfluidsynth, Festival singing, etw-data crowd noise, and real music "
      "(frozen-bubble-data, singularity-music) for AE training and the test set. "
      "Byte-for-byte reproducible from --seed and the package versions."};
  nnr::apps::CommonOptions common;
  nnr::corpus::CorpusOptions opts;
  std::string out;
  app.add_option("OUT_DIR", out, "output directory (created; must be new, empty or a previous corpus)")->required();
  app.add_option("--size", opts.size, "tiny (CI, seconds) or demo (a few minutes)")
      ->check(CLI::IsMember({"tiny", "demo"}));
  app.add_option("--soundfont", opts.soundfont, "General MIDI .sf2 (default FluidR3_GM from fluid-soundfont-gm)");
  app.add_flag("--force", opts.force, "rebuild even if OUT_DIR/corpus.json says the corpus is complete");
  bool no_music = false;
  app.add_flag("--no-music-packages", no_music,
               "renders only: skip the real music (for machines without frozen-bubble-data and singularity-music)");
  add_common_options(app, common, nnr::apps::kSeed | nnr::apps::kThreads);
  NNR_PARSE_FLAGS(app, argc, argv);
  nnr::apps::apply_common_options(common);
  opts.out_dir = out;
  if (no_music) opts.music_packages.clear();
  opts.seed = common.seed;
  opts.threads = common.threads;
  const auto t0 = std::chrono::steady_clock::now();
  const auto meta = nnr::corpus::build_corpus(opts);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& c = meta.at("counts");
  spdlog::info("nnr-corpus: {} corpus in {} ({:.1f} s): {} AT clips, {} AE clips ({} real music), {} IR clips, "
               "{}+{} VS tracks, {} test clips ({} real music), {} tags",
               meta.at("size").get<std::string>(), out, s, c.at("at").get<int>(), c.at("ae").get<int>(),
               c.at("music_ae").get<int>(), c.at("ir").get<int>(), c.at("vs_train").get<int>(),
               c.at("vs_test").get<int>(), c.at("test").get<int>() + c.at("music_test").get<int>(),
               c.at("music_test").get<int>(), c.at("tags").get<int>());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return nnr::apps::run_main(argc, argv, body); }
