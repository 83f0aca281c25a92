#!/usr/bin/env bash
# Configures and builds nnr into ./build (Release, Ninja, ccache). Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${NNR_BUILD_JOBS:-$(nproc)}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build build -j "$JOBS"
