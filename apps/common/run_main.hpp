#pragma once
// Every app's main is `return nnr::apps::run_main(argc, argv, body);`: an nnr::Error becomes one log
// line and the error kind's exit code (config 2, io 3, input 4, internal 5); anything else exits 1.
#include <functional>

namespace nnr::apps {

int run_main(int argc, char** argv, const std::function<int(int, char**)>& body);

}  // namespace nnr::apps
