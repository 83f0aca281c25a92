#!/usr/bin/env bash
# cmake --install into a temporary prefix, then build and run a consumer project with find_package(nnr).
# usage: test_install_consumer.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/lib/cmake/nnr/nnrConfig.cmake"
test -f "$work/prefix/include/nnr/core/registry.hpp"
test -x "$work/prefix/bin/nnr-evaluate"
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
out=$("$work/consumer/nnr_consumer")
echo "$out"
case "$out" in dtw=*mfcc_frames=44\ mfcc144=144) ;; *) echo "unexpected consumer output: $out" >&2; exit 1 ;; esac
