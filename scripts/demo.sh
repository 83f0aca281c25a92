#!/usr/bin/env bash
# The whole nnr pipeline on the demo corpus, end to end, on a fresh Debian 12 machine:
#   set up -> build -> make the demo corpus -> train AE/AT/IR/VS (about 17 min on 2 cores) -> transform
#   the test set with the demo grid -> encode (MFCC + the four encoders) -> evaluate -> figures -> the
#   section 5 analysis and the report page (scripts/nnr-report) -> print
#   the task metrics against their targets and each embedding's consistency (scripts/demo_outcome.py).
# Usage: scripts/demo.sh [RUN_DIR]   (default runs/demo; NNR_DEMO_SIZE=tiny for a 1-minute smoke run;
#        NNR_DEMO_GRID=FILE transforms with that grid instead, e.g. configs/grids/degradations.json, into a
#        RUN_DIR of its own)
# Re-running resumes: every stage skips work that is already complete.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="${1:-runs/demo}"
SIZE="${NNR_DEMO_SIZE:-demo}"
CONFIG="configs/demo.json"
[ "$SIZE" = tiny ] && CONFIG="configs/tiny.json"
BIN=build/apps
start=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - start ))s] $*" >&2; }

stamp "setup and build"
scripts/setup.sh
scripts/build.sh

CORPUS="$RUN/corpus"
stamp "demo corpus ($SIZE) -> $CORPUS"
scripts/make-demo-corpus.sh "$CORPUS" --size "$SIZE"

for task in ae at ir vs; do
  stamp "train $task"
  "$BIN/nnr-train/nnr-train" --task "$task" --data "$CORPUS" --out "$RUN" --config "$CONFIG" --resume
done
# The same task heads on the MFCC baseline (paper sections 4.2 and 5.1): models/mfcc-<task>/.
for task in ae at ir vs; do
  stamp "train $task on MFCC input"
  "$BIN/nnr-train/nnr-train" --task "$task" --input mfcc --data "$CORPUS" --out "$RUN" --config "$CONFIG" --resume
done

stamp "transform the test set with the demo grid"
GRID_FLAG=()
[ -n "${NNR_DEMO_GRID:-}" ] && GRID_FLAG=(--grid "$NNR_DEMO_GRID")
"$BIN/nnr-transform/nnr-transform" --config "$CONFIG" --input "$CORPUS/test" --out "$RUN" \
  --noise "$CORPUS/noise/ambience.flac" "${GRID_FLAG[@]}"

for enc in mfcc ae at ir vs mfcc-ae mfcc-at mfcc-ir mfcc-vs; do
  stamp "encode $enc"
  "$BIN/nnr-encode/nnr-encode" --run "$RUN" --encoder "$enc" --config "$CONFIG"
done

stamp "evaluate"
"$BIN/nnr-evaluate/nnr-evaluate" --run "$RUN" --config "$CONFIG"
# The corpus's real music on its own (its test clips are named music_*): own caches, results and figures.
"$BIN/nnr-evaluate/nnr-evaluate" --run "$RUN" --config "$CONFIG" --subset music --clips-matching '^music_' -q

stamp "figures"
/usr/bin/python3 scripts/plot_results.py "$RUN"
/usr/bin/python3 scripts/plot_results.py "$RUN/subsets/music" >/dev/null

stamp "analysis, Figures 4-14 and the report page"
scripts/nnr-report "$RUN"

stamp "done"
echo
# What the demo found: task metrics against their targets, and each embedding's consistency.
/usr/bin/python3 scripts/demo_outcome.py "$RUN"
echo
echo "Report:  $RUN/report/index.html (one self-contained page), $RUN/results/summary.md"
echo "Analysis: $RUN/results/analysis/summary.md (the paper's section 5 GAMs, ANOVA and marginal means)"
echo "Tables:  $RUN/results/consistency.csv, $RUN/results/performance.csv"
echo "Figures: $RUN/figures/"
echo "Real music only: $RUN/subsets/music/results/summary.md, $RUN/subsets/music/figures/"
