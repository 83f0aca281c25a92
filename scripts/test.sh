#!/usr/bin/env bash
# Sets up, builds and runs the default test suite (everything but the 'slow' and 'gpu' labels).
# Usage: scripts/test.sh            (add NNR_TEST_ALL=1 to include slow tests)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
if [ "${NNR_TEST_ALL:-0}" = 1 ]; then
  ctest --test-dir build --output-on-failure -j "$(nproc)" -LE gpu
else
  ctest --test-dir build --output-on-failure -j "$(nproc)" -LE "slow|gpu"
fi
