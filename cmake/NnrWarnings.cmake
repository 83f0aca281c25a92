# Warnings for our own targets only; third-party headers come in through imported targets (-isystem).
# GCC and Clang spell the shadowing warning differently; other compilers get their defaults.
function(nnr_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wno-unused-parameter)
  elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow-uncaptured-local
                                             -Wno-unused-parameter)
  endif()
  if(NNR_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
