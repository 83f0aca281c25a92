#include "nnr/core/memory.hpp"
#include "common/run_main.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <exception>

#include "nnr/core/error.hpp"

namespace nnr::apps {

int run_main(int argc, char** argv, const std::function<int(int, char**)>& body) {
  // Logs go to stderr so stdout stays clean for tables and machine-readable output.
  spdlog::set_default_logger(spdlog::stderr_color_mt("nnr"));
  spdlog::set_pattern("%^%l%$: %v");
  nnr::retain_freed_memory();  // large per-item buffers reuse pages instead of faulting fresh ones
  try {
    return body(argc, argv);
  } catch (const nnr::Error& e) {
    spdlog::error("{}", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    spdlog::error("unexpected failure: {}", e.what());
    return 1;
  }
}

}  // namespace nnr::apps
