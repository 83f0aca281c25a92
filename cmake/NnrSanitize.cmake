# Sanitizers and fuzzing instrumentation for every target of the build (so that library, tests and apps
# agree). NNR_SANITIZE is a -fsanitize list, e.g. address,undefined (GCC or Clang); .ci/run builds the
# LibTorch-free half with it. NNR_FUZZ=ON (Clang only) adds libFuzzer's coverage instrumentation and
# builds fuzz/ as libFuzzer binaries (scripts/fuzz.sh).
set(NNR_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")
option(NNR_FUZZ "Build the fuzz/ targets with libFuzzer (Clang)" OFF)

if(NNR_SANITIZE)
  add_compile_options(-fsanitize=${NNR_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NNR_SANITIZE})
  if(NNR_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC leaves these out of "undefined"; a NaN or 1e300 cast to an integer is a bug nnr must report.
    add_compile_options(-fsanitize=float-cast-overflow)
    add_link_options(-fsanitize=float-cast-overflow)
  endif()
endif()

if(NNR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NNR_FUZZ needs Clang with libFuzzer (Debian: clang-14 libclang-rt-14-dev); "
                        "configure with -DCMAKE_CXX_COMPILER=clang++-14, or use scripts/fuzz.sh")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
