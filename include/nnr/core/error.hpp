#pragma once
/// nnr's error type. The library throws, never prints or exits; apps turn an Error into one log line and
/// the kind's exit code (apps/common/run_main.hpp).
///
/// Message shape: "<component>: <what failed> (<file or key>=<value>)[; <how to fix>]".
/// Broken invariants (our bugs, not the caller's) use NNR_ASSERT, which aborts with file:line.

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace nnr {

enum class ErrorKind {
  config = 2,  ///< bad flag, config key or value
  io = 3,      ///< missing, unreadable or unwritable file
  input = 4,   ///< readable but unusable data: corrupt audio, silence, NaN, too short, wrong shape
  internal = 5 ///< an unexpected failure of a dependency
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }
  int exit_code() const noexcept { return static_cast<int>(kind_); }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void throw_config(const std::string& m) { throw Error(ErrorKind::config, m); }
[[noreturn]] inline void throw_io(const std::string& m) { throw Error(ErrorKind::io, m); }
[[noreturn]] inline void throw_input(const std::string& m) { throw Error(ErrorKind::input, m); }
[[noreturn]] inline void throw_internal(const std::string& m) { throw Error(ErrorKind::internal, m); }

}  // namespace nnr

#define NNR_ASSERT(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "nnr: internal invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
                   __LINE__);                                                                 \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)
