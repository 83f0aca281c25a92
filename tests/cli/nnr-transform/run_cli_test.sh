#!/usr/bin/env bash
# CLI test of nnr-transform: help, a run, thread/shard/resume invariance, bad grids, bad inputs.
# Usage: run_cli_test.sh <path to nnr-transform> <work dir>
set -euo pipefail
APP="$1"
W="$2"
rm -rf "$W"
mkdir -p "$W/in/vocals" "$W/bad"
fail() { echo "FAIL: $*" >&2; exit 1; }

PYTHONPATH="$(cd "$(dirname "$0")/../../support" && pwd)" python3 - "$W" <<'PY'
import math, sys, random
w = sys.argv[1]
from wav16 import write  # tests/support/wav16.py
sr = 22050
write(w + "/in/tone.wav", [0.4 * math.sin(2 * math.pi * 330 * i / sr) for i in range(int(1.5 * sr))])
write(w + "/in/sweep.wav", [0.3 * math.sin(2 * math.pi * (200 * i / sr + 400 * (i / sr) ** 2)) for i in range(int(1.3 * sr))])
write(w + "/in/vocals/tone.wav", [0.2 * math.sin(2 * math.pi * 550 * i / sr) for i in range(int(1.5 * sr))])
rnd = random.Random(1)
write(w + "/noise.wav", [0.1 * rnd.gauss(0, 1) for i in range(2 * sr)])
write(w + "/bad/zeros.wav", [0.0] * sr)
write(w + "/bad/tiny.wav", [0.5] * 220)
PY
echo "clip_id,label" > "$W/in/labels.csv"
: > "$W/bad/empty.wav"
head -c 4000 /dev/urandom > "$W/bad/random.wav"
echo '{"PS": [1], "TS": [1.5], "PN": [10], "EN": [10], "MP": [64]}' > "$W/grid.json"
echo '{"transform": {"clip_seconds": 1.0, "format": "wav"}}' > "$W/config.json"

"$APP" --help > "$W/help.txt"; grep -q "PS_\[-12\]" "$W/help.txt" || fail "--help does not explain setting ids"

# Dry run writes nothing.
"$APP" --config "$W/config.json" --input "$W/in" --out "$W/dry" --grid "$W/grid.json" --noise "$W/noise.wav" --dry-run
[ ! -e "$W/dry" ] || fail "--dry-run wrote $W/dry"

# Reference run, 1 thread.
"$APP" -q --config "$W/config.json" --input "$W/in" --out "$W/r1" --grid "$W/grid.json" --noise "$W/noise.wav" --threads 1
[ -f "$W/r1/manifest.csv" ] || fail "no manifest"
[ "$(wc -l < "$W/r1/manifest.csv")" -eq 13 ] || fail "expected 12 rows + header"
head -2 "$W/r1/manifest.csv" | tail -1 | grep -q "^sweep,test,OG,0,OG,audio/original/sweep.wav" || fail "first row"
grep -q "PS_\[1\],audio/PS/1/tone.wav" "$W/r1/manifest.csv" || fail "PS row"
grep -q "stems/vocals/MP/64/tone.wav" "$W/r1/manifest.csv" || fail "vocals path"
[ -f "$W/r1/stems/vocals/original/tone.wav" ] || fail "original stem"
[ -f "$W/r1/labels.csv" ] || fail "labels.csv not copied"
grep -q '"rubberband"' "$W/r1/config.json" || fail "config.json lacks library versions"
if grep -q ",failed," "$W/r1/manifest.csv"; then fail "unexpected failed rows"; fi

# Threads and shards give identical bytes; a rerun skips everything.
"$APP" -q --config "$W/config.json" --input "$W/in" --out "$W/r3" --grid "$W/grid.json" --noise "$W/noise.wav" --threads 3
cmp "$W/r1/manifest.csv" "$W/r3/manifest.csv" || fail "threads changed the manifest"
cmp "$W/r1/audio/EN/10/tone.wav" "$W/r3/audio/EN/10/tone.wav" || fail "threads changed audio"
for i in 1 0; do
  "$APP" -q --config "$W/config.json" --input "$W/in" --out "$W/sh" --grid "$W/grid.json" --noise "$W/noise.wav" --shard $i/2
done
cmp "$W/r1/manifest.csv" "$W/sh/manifest.csv" || fail "shards differ from the unsharded run"
rm "$W/sh/manifest.csv"
"$APP" --merge --out "$W/sh"
cmp "$W/r1/manifest.csv" "$W/sh/manifest.csv" || fail "--merge differs"
rm "$W/r1/audio/TS/1.500/sweep.wav" "$W/r1/manifest.csv"
"$APP" --config "$W/config.json" --input "$W/in" --out "$W/r1" --grid "$W/grid.json" --noise "$W/noise.wav" 2> "$W/resume.log"
grep -q "11 already done" "$W/resume.log" || { cat "$W/resume.log"; fail "resume did not skip finished items"; }
cmp "$W/r3/manifest.csv" "$W/r1/manifest.csv" || fail "resumed manifest differs"

# Bad grids: exit code 2 (config), and the message holds every given pattern (the file, valid names, ...).
bad_grid() {  # bad_grid NAME JSON PATTERN...
  local name=$1 json=$2 rc
  shift 2
  echo "$json" > "$W/$name.json"
  set +e
  "$APP" --input "$W/in" --out "$W/bg" --grid "$W/$name.json" 2> "$W/bg.log"; rc=$?
  set -e
  [ $rc -eq 2 ] || fail "grid $name: exit $rc, expected 2"
  for pattern in "$@"; do
    grep -q -- "$pattern" "$W/bg.log" || fail "grid $name: message lacks '$pattern': $(cat "$W/bg.log")"
  done
}
bad_grid badgrid '{"PS": [1], "XYZ": [2]}' XYZ pitch_shift
bad_grid broken '{"PS": [1,' broken.json
bad_grid range '{"PS": [99]}' range.json 'PS_\[99\]'   # a magnitude out of the member's range
bad_grid huge '{"PN": [1e999]}' huge.json 'out of range'  # a number beyond double

# Only bad inputs: failed rows with reasons, a warning each, non-zero exit.
set +e
"$APP" --input "$W/bad" --out "$W/rb" --grid "$W/grid.json" --noise "$W/noise.wav" 2> "$W/rb.log"; rc=$?
set -e
[ $rc -ne 0 ] || fail "all-failed run exited 0"
[ "$(grep -c ',failed,' "$W/rb/manifest.csv")" -eq 24 ] || fail "expected 24 failed rows"
[ "$(grep -c 'warning' "$W/rb.log")" -eq 4 ] || fail "expected one warning per bad input"
grep -q "0 bytes" "$W/rb/manifest.csv" && grep -q "too short" "$W/rb/manifest.csv" && grep -q "silent" "$W/rb/manifest.csv" \
  || fail "failure reasons missing"
echo "nnr-transform CLI test: OK"
