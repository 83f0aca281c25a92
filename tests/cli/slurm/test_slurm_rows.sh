#!/usr/bin/env bash
# Row sharding on a real one-node Slurm cluster with the real nnr apps: the pipeline of
# scripts/slurm/submit_pipeline.sh with --shards 2 --row-shards 3 (evaluate: a rows array over
# nnr-evaluate --rows i/3, then the settings shards and the merge) must give byte-identical results and caches
# to one unsplit nnr-evaluate call on a copy of the same run.
# Usage: test_slurm_rows.sh REPO_ROOT BUILD_APPS_DIR WORK_DIR   Exit 0 pass, 1 fail, 77 skipped (no Slurm).
set -euo pipefail
repo="$(cd "${1:?repo root}" && pwd)"
apps="$(cd "${2:?build/apps}" && pwd)"
work="${3:?work dir}"
export PATH="$PATH:/usr/sbin:/sbin"
for p in sbatch slurmctld slurmd munged scontrol sinfo; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIP: $p not found (apt-get install -y slurm-wlm munge)"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work/in"
work="$(cd "$work" && pwd)"
cluster="$work/cluster"
export NNR_SLURM_PORT="${NNR_SLURM_PORT:-$((20000 + RANDOM % 20000))}"
fail() { echo "FAIL: $*"; tail -n 30 "$work"/run/logs/slurm/*.out 2>/dev/null || true; exit 1; }
cleanup() { "$repo/scripts/slurm/local-cluster.sh" stop "$cluster" || true; }
trap cleanup EXIT
eval "$("$repo/scripts/slurm/local-cluster.sh" start "$cluster")" || fail "local cluster did not start"
export NNR_SLURM_POLL_S=0.5

# Seven noisy tones (7 clips: row blocks of 3, 2, 2) and a noise file.
PYTHONPATH="$(cd "$(dirname "$0")/../../support" && pwd)" /usr/bin/python3 - "$work" <<'PY'
import math, sys, random
w = sys.argv[1]
sr = 22050
from wav16 import write  # tests/support/wav16.py
rnd = random.Random(5)
for k, f0 in enumerate([196, 247, 294, 370, 440, 554, 659]):
    write(f"{w}/in/tone{k}.wav", [0.3 * math.sin(2 * math.pi * f0 * i / sr) + 0.02 * rnd.gauss(0, 1)
                                  for i in range(int(2.2 * sr))])
write(w + "/noise.wav", [0.1 * rnd.gauss(0, 1) for i in range(3 * sr)])
PY
echo '{"PN": [20, 5], "TS": [0.9]}' >"$work/grid.json"
cat >"$work/config.json" <<JSON
{"transform": {"grid": "$work/grid.json", "noise_file": "$work/noise.wav"},
 "evaluate": {"audio_distances": ["dtw", {"name": "fastdtw", "radius": 1}, "simple"], "bootstrap": 40}}
JSON
export NNR_EVALUATE_ARGS="--config $work/config.json" NNR_BIN="$apps"
"$repo/scripts/slurm/submit_pipeline.sh" "$work/run" "$work/config.json" "$work/in" --shards 2 --row-shards 3 \
  --cpus 1 --wait >"$work/submit.out" 2>"$work/submit.err" || { cat "$work/submit.err"; fail "pipeline failed"; }
grep -q "nnr-evaluate-rows" "$work/run/logs/slurm/jobs.txt" || fail "no rows array was submitted"
ls "$work"/run/logs/slurm/nnr-evaluate-rows-*_2.out >/dev/null || fail "rows task 2 left no log"
grep -q -- "--rows 2/3" "$work"/run/logs/slurm/nnr-evaluate-rows-*_2.out || fail "task 2 did not run --rows 2/3"
[ -f "$work/run/results/consistency.csv" ] || fail "no results/consistency.csv"
[ -z "$(find "$work/run" -name '*.rows-*')" ] || fail "row blocks left behind: $(find "$work/run" -name '*.rows-*')"

# The same run, evaluated whole in one call.
mkdir -p "$work/whole"
cp -r "$work/run/manifest.csv" "$work/run/manifest.csv.sum" "$work/run/audio" "$work/run/embeddings" "$work/whole/"
"$apps/nnr-evaluate/nnr-evaluate" -q --run "$work/whole" --config "$work/config.json" --threads 2 >/dev/null \
  || fail "unsplit nnr-evaluate failed"
cmp "$work/run/results/consistency.csv" "$work/whole/results/consistency.csv" || fail "consistency.csv differs"
cmp "$work/run/results/performance.csv" "$work/whole/results/performance.csv" || fail "performance.csv differs"
n=0
while IFS= read -r f; do
  cmp "$work/whole/$f" "$work/run/$f" || fail "$f differs"
  n=$((n + 1))
done < <(cd "$work/whole" && find features distances -type f | sort)
[ "$n" -ge 30 ] || fail "only $n cache files compared"
echo "ok - rows 3 x shards 2 on Slurm == one unsplit call ($n cache files and both CSVs byte-identical)"
echo PASS
