#pragma once
// Small helpers shared by the corpus builder's sources (internal to nnr_corpus).
#include <cstdio>
#include <string>

namespace nnr::corpus::detail {

/// Output of the shell command `cmd` (trailing newlines and spaces trimmed); "" on failure.
std::string command_output(const std::string& cmd);

/// printf-style `format` applied to one int, e.g. numbered("at_%05d", 7) = "at_00007".
std::string numbered(const char* format, int value);

}  // namespace nnr::corpus::detail
