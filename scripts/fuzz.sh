#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, Clang with ASan and UBSan, LibTorch-free) in build-fuzz/ and runs
# each for SECONDS, nproc of them at a time. New inputs go to build-fuzz/fuzz/work/<target>/ (kept between
# runs), crashes to build-fuzz/fuzz/crashes/<target>/; copy a crash into fuzz/regressions/<target>/ once
# fixed, and the default test suite replays it. Small audio files from installed Debian packages (etw-data,
# libjs-mathjax, frozen-bubble-data) join the audio seeds when present.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60; prints one line of figures per target)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, got '$SECONDS_EACH'" >&2; exit 2; }
CXX_FUZZ="${CXX_FUZZ:-$(command -v clang++-14 || command -v clang++ || true)}"
if [ -z "$CXX_FUZZ" ] || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz.sh: needs Clang and libFuzzer; install them with: sudo apt-get install clang-14 libclang-rt-14-dev" >&2
  exit 2
fi
BUILD=build-fuzz
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX_FUZZ" \
    -DNNR_WITH_TORCH=OFF -DNNR_BUILD_TESTS=OFF -DNNR_BUILD_BENCH=OFF -DNNR_FUZZ=ON \
    -DNNR_SANITIZE=address,undefined >/dev/null
fi
TARGETS=(audio_decode npy_read csv_manifest config_json)
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]/#/fuzz_}"

extra="$BUILD/fuzz/extra-seeds/audio_decode"
mkdir -p "$extra"
for f in /usr/share/games/etw/snd/palo.wav /usr/share/games/etw/snd/dog.wav \
         /usr/share/javascript/mathjax/unpacked/extensions/a11y/invalid_keypress.mp3 \
         /usr/share/javascript/mathjax/unpacked/extensions/a11y/invalid_keypress.ogg \
         /usr/share/games/frozen-bubble/snd/hurry.ogg; do
  [ -f "$f" ] && head -c 8192 "$f" > "$extra/$(basename "$f")"
done

run_one() {
  local t="$1" work="$BUILD/fuzz/work/$1" crashes="$BUILD/fuzz/crashes/$1" log="$BUILD/fuzz/$1.log"
  mkdir -p "$work" "$crashes"
  local inputs=(fuzz/corpus/"$t")
  [ -d fuzz/regressions/"$t" ] && inputs+=(fuzz/regressions/"$t")
  [ -d "$BUILD/fuzz/extra-seeds/$t" ] && inputs+=("$BUILD/fuzz/extra-seeds/$t")
  local rc=0 t0
  t0=$(date +%s)
  "$BUILD/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" "${inputs[@]}" >"$log" 2>&1 || rc=$?
  local secs=$(( $(date +%s) - t0 )) execs cov ft
  execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  ft=$(grep -aoE 'ft: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  # rc 0: ran its time clean; otherwise libFuzzer stopped at the first crash, timeout or leak (see the log).
  printf '%-13s %4ss  rc=%-3s execs=%-10s (%s/s)  cov=%-6s ft=%-6s corpus=%-5s crashes=%s  log=%s\n' \
    "$t" "$secs" "$rc" "${execs:-?}" "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" \
    "${cov:-?}" "${ft:-?}" "$(ls "$work" | wc -l)" "$(ls "$crashes" | wc -l)" "$log"
  return "$rc"
}
export -f run_one
export BUILD SECONDS_EACH
echo "fuzz.sh: ${#TARGETS[@]} targets, ${SECONDS_EACH} s each, $(nproc) at a time"
printf '%s\n' "${TARGETS[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_one {}'
