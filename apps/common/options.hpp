#pragma once
// Flags shared by every nnr command, defined once.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>

namespace nnr::apps {

struct CommonOptions {
  std::string config;             ///< --config FILE (JSON); flags override its keys
  std::uint64_t seed = 20191021;  ///< --seed: the run seed every item seed derives from
  int threads = 0;                ///< --threads: 0 = $NNR_THREADS, $SLURM_CPUS_PER_TASK or all cores
  std::string device = "cpu";     ///< --device cpu|cuda
  std::string shard;              ///< --shard i/n (0-based)
  bool dry_run = false;           ///< --dry-run: say what would be done, write nothing
  bool quiet = false;             ///< --quiet: warnings and errors only, no progress
  bool verbose = false;           ///< --verbose: debug logging
  bool seed_given = false, threads_given = false;
};

enum CommonFlag : unsigned {
  kConfig = 1u << 0,
  kSeed = 1u << 1,
  kThreads = 1u << 2,
  kDevice = 1u << 3,
  kShard = 1u << 4,
  kDryRun = 1u << 5,
  kAllFlags = 0xffu
};

/// Adds the chosen shared flags (plus --quiet/--verbose always) to `app`.
void add_common_options(CLI::App& app, CommonOptions& opts, unsigned flags = kAllFlags);

/// Parses the command line inside an app's body: --help/--version print and return 0 from the body; a bad
/// flag prints CLI11's message and returns 2 (nnr's "bad flag or config" code, not CLI11's own 1xx codes).
#define NNR_PARSE_FLAGS(app, argc, argv)                     \
  do {                                                       \
    try {                                                    \
      (app).parse((argc), (argv));                           \
    } catch (const CLI::ParseError& parse_error) {           \
      return (app).exit(parse_error) == 0 ? 0 : 2;           \
    }                                                        \
  } while (false)

/// The `name` section ("transform", "train", "encode", "evaluate") of the --config file, or null when
/// there is no config file or no such section. The file's top-level keys must be stage names (or
/// "_comment"): a misspelt section is an error, never silently ignored.
nlohmann::json config_section(const CommonOptions& opts, const std::string& name);

/// Sets the log level and progress output from --quiet/--verbose. Call after parsing.
void apply_common_options(const CommonOptions& opts);

}  // namespace nnr::apps
