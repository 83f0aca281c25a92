# Warnings for our own targets only; third-party headers come in through imported targets (-isystem).
function(nnr_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local -Wno-unused-parameter)
  if(NNR_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
