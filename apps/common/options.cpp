#include "common/options.hpp"

#include <spdlog/spdlog.h>

#include "nnr/core/progress.hpp"
#include "nnr/io/json.hpp"

namespace nnr::apps {

void add_common_options(CLI::App& app, CommonOptions& o, unsigned flags) {
  if (flags & kConfig)
    app.add_option("--config", o.config, "JSON config file; command-line flags override its keys")
        ->check(CLI::ExistingFile);
  if (flags & kSeed)
    app.add_option_function<std::uint64_t>(
           "--seed", [&o](std::uint64_t s) { o.seed = s; o.seed_given = true; },
           "run seed; every item's seed is derived from it and the item's name (default 20191021)");
  if (flags & kThreads)
    app.add_option_function<int>(
           "--threads", [&o](int t) { o.threads = t; o.threads_given = true; },
           "worker threads (default: $NNR_THREADS, $SLURM_CPUS_PER_TASK, else all cores). Corpus, transform, "
           "encode and evaluate outputs do not depend on it; nnr-train's weights do (LibTorch's parallel "
           "reductions sum in another order: docs/training.md)")
        ->check(CLI::Validator(
            [](const std::string& v) {
              // CLI::NonNegativeNumber would print its bound, DBL_MAX, as a 309-digit number.
              try {
                std::size_t used = 0;
                if (std::stoi(v, &used) >= 0 && used == v.size()) return std::string();
              } catch (const std::exception&) {
              }
              return "must be a whole number >= 0 (0 = the default), got " + v;
            },
            "INT>=0"));
  if (flags & kDevice)
    app.add_option("--device", o.device, "compute device for neural networks")
        ->check(CLI::IsMember({"cpu", "cuda"}));
  if (flags & kShard)
    app.add_option("--shard", o.shard,
                   "do only shard i of n (0-based, e.g. 3/8); shards together give exactly the "
                   "unsharded result");
  if (flags & kDryRun) app.add_flag("--dry-run", o.dry_run, "print what would be done and exit");
  app.add_flag("-q,--quiet", o.quiet, "only warnings and errors; no progress");
  app.add_flag("-v,--verbose", o.verbose, "debug logging");
}

nlohmann::json config_section(const CommonOptions& o, const std::string& name) {
  if (o.config.empty()) return nullptr;
  const nlohmann::json file = io::load_json(o.config);
  io::check_keys(file, {"_comment", "transform", "train", "encode", "evaluate"}, o.config);
  return file.contains(name) ? file.at(name) : nlohmann::json();
}

void apply_common_options(const CommonOptions& o) {
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(o.verbose ? spdlog::level::debug : o.quiet ? spdlog::level::warn : spdlog::level::info);
  Progress::set_enabled(!o.quiet);
}

}  // namespace nnr::apps
