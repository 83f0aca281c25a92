#!/usr/bin/env bash
# Builds the demo corpus from installed Debian packages (see data/README.md).
# Usage: scripts/make-demo-corpus.sh OUT_DIR [--size tiny|demo] [--seed N] [other nnr-corpus flags]
#   tiny: CI size (~10 s on 2 cores, 16 MB); demo: ~30 s, 94 MB, a few hundred clips per task.
# Finds nnr-corpus in $NNR_CORPUS_BIN, ./build/apps/nnr-corpus/, or $PATH (builds it if ./build exists).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: $0 OUT_DIR [--size tiny|demo] [--seed N] [--threads N] [--force] [--no-music-packages]" >&2
  exit 2
fi
bin="${NNR_CORPUS_BIN:-}"
if [ -z "$bin" ]; then
  if [ -f "$root/build/build.ninja" ] || [ -f "$root/build/Makefile" ]; then
    cmake --build "$root/build" --target nnr-corpus -j "${NNR_BUILD_JOBS:-2}" >/dev/null
    bin="$root/build/apps/nnr-corpus/nnr-corpus"
  elif command -v nnr-corpus >/dev/null 2>&1; then
    bin="$(command -v nnr-corpus)"
  else
    echo "make-demo-corpus: nnr-corpus not found; run scripts/build.sh first (or set NNR_CORPUS_BIN)" >&2
    exit 3
  fi
fi
exec "$bin" "$@"
