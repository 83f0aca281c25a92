#!/usr/bin/env bash
# corpus_cli.sh CASE NNR_CORPUS_BIN SOURCE_DIR WORK_DIR
set -uo pipefail
case_name=$1 bin=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect CODE PATTERN CMD...: exit status CODE and stderr matching PATTERN
expect() {
  local code=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local rc=$?
  [ "$rc" = "$code" ] || { cat "$work/err" >&2; fail "exit $rc, expected $code: $*"; }
  grep -q -- "$pattern" "$work/err" || { cat "$work/err" >&2; fail "stderr lacks '$pattern': $*"; }
}
case $case_name in
  bad_size) expect 2 "tiny,demo" "$bin" "$work/c" --size huge ;;
  bad_seed) expect 2 "seed" "$bin" "$work/c" --seed abc ;;
  missing_out)
    expect 2 "OUT_DIR" "$bin" --size tiny
    expect 2 "usage" "$src/scripts/make-demo-corpus.sh" ;;
  occupied_out)
    mkdir -p "$work/occupied" && echo keep >"$work/occupied/mine.txt"
    expect 2 "not empty and holds no corpus" "$bin" "$work/occupied"
    [ -f "$work/occupied/mine.txt" ] || fail "user file removed" ;;
  help)
    "$bin" --help >"$work/out" 2>&1 || fail "--help failed"
    grep -q -- "--size" "$work/out" || fail "--help lacks --size" ;;
  tiny_twice)
    export NNR_CORPUS_BIN=$bin
    "$src/scripts/make-demo-corpus.sh" "$work/a" --size tiny --seed 5 --threads 2 -q || fail "first build"
    "$src/scripts/make-demo-corpus.sh" "$work/b" --size tiny --seed 5 --threads 1 -q || fail "second build"
    (cd "$work/a" && find . -type f | sort | xargs sha256sum) >"$work/a.sum"
    (cd "$work/b" && find . -type f | sort | xargs sha256sum) >"$work/b.sum"
    diff "$work/a.sum" "$work/b.sum" >&2 || fail "builds differ"
    n=$(wc -l <"$work/a.sum"); [ "$n" -ge 140 ] || fail "only $n files"
    grep -q '"size": "tiny"' "$work/a/corpus.json" || fail "corpus.json"
    # Real music: in AE's list and in the test set, never in the test labels.
    n_ae=$(grep -c '^music_' "$work/a/ae/labels.csv"); [ "$n_ae" -ge 10 ] || fail "only $n_ae music clips for AE"
    n_test=$(ls "$work/a/test" | grep -c '^music_.*\.flac$'); [ "$n_test" -ge 1 ] || fail "no music in the test set"
    ! grep -q '^music_' "$work/a/test/labels.csv" || fail "music clips in test/labels.csv"
    grep -q '^test/music_.*,singularity-music,\|^test/music_.*,frozen-bubble-data,' "$work/a/sources.csv" ||
      fail "sources.csv lacks the test music" ;;
  no_music)
    "$bin" "$work/c" --size tiny --no-music-packages -q || fail "build without music"
    [ "$(wc -l <"$work/c/ae/labels.csv")" = 34 ] || fail "ae/labels.csv should list the 33 AT clips only"
    ! ls "$work/c/test" | grep -q '^music_' || fail "music in the test set"
    grep -q '"music_packages": \[\]' "$work/c/corpus.json" || fail "corpus.json music_packages" ;;
  *) fail "unknown case $case_name" ;;
esac
echo "ok: $case_name"
