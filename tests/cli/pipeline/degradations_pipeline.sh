#!/usr/bin/env bash
# The degradation families beyond the paper through the whole pipeline: nnr-transform with
# configs/grids/degradations.json -> nnr-encode mfcc -> nnr-evaluate -> figures -> nnr-report (the section 5
# analysis in R and the report page), on four generated clips of notes. Checks every family is in the
# manifest (ok, with its measured value), in consistency.csv, in families.json and in the report.
# Usage: degradations_pipeline.sh <source dir> <nnr-transform> <nnr-encode> <nnr-evaluate> <work dir>
set -euo pipefail
SRC="$1"
TRANSFORM="$2"
ENCODE="$3"
EVALUATE="$4"
W="$5"
rm -rf "$W"
mkdir -p "$W/in"
fail() { echo "FAIL: $*" >&2; exit 1; }

PYTHONPATH="$(cd "$(dirname "$0")/../../support" && pwd)" python3 - "$W" <<'PY'
import math, sys, random
w = sys.argv[1]
sr = 22050
from wav16 import write  # tests/support/wav16.py
rnd = random.Random(5)
for k, f0 in enumerate([196, 262, 392, 523]):
    xs = []
    for i in range(int(3.5 * sr)):
        f = f0 * (1.5 if (i // (sr // 2)) % 2 else 1.0)  # two notes alternating every 0.5 s
        xs.append(sum(0.2 / h * math.sin(2 * math.pi * h * f * i / sr) for h in (1, 2, 3)) + 0.01 * rnd.gauss(0, 1))
    write(f"{w}/in/clip{k}.wav", xs)
PY
GRID="$SRC/configs/grids/degradations.json"
FAMILIES="LP HP TB CL CP GN RV AC OP VB CO"

"$TRANSFORM" -q --input "$W/in" --out "$W/run" --grid "$GRID" --threads 2 --config <(echo '{"transform": {"clip_seconds": 2.0}}')
python3 - "$W/run/manifest.csv" $FAMILIES <<'PY' || fail "manifest: every family ok with a finite achieved value"
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert all(r["status"] == "ok" for r in rows), [(r["setting"], r["error"]) for r in rows if r["status"] != "ok"][:3]
for code in sys.argv[2:]:
    mine = [r for r in rows if r["transform"] == code]
    assert mine, code
    assert all(math.isfinite(float(r["achieved"])) for r in mine), code
gn = [r for r in rows if r["transform"] == "GN"]
assert all(abs(float(r["lufs_out"]) - float(r["lufs_in"]) - float(r["magnitude"])) < 0.1 for r in gn), "GN is not loudness-matched"
PY

"$ENCODE" -q --run "$W/run" --encoder mfcc --threads 2
"$EVALUATE" -q --run "$W/run" --bootstrap 50 --audio-distances dtw --threads 2
python3 - "$W/run/results" $FAMILIES <<'PY' || fail "results: every family in consistency.csv and families.json"
import csv, json, os, sys
res = sys.argv[1]
settings = {r["setting"].split("_")[0] for r in csv.DictReader(open(os.path.join(res, "consistency.csv")))}
fam = {t["code"]: t for t in json.load(open(os.path.join(res, "families.json")))["transforms"]}
for code in sys.argv[2:]:
    assert code in settings, code
    assert fam[code]["achieved"], code
assert fam["GN"]["loudness_match"] is False
PY

/usr/bin/python3 "$SRC/scripts/plot_results.py" "$W/run" > "$W/plots.txt"
grep -q "fig6_cw_audio" "$W/plots.txt" || fail "no Figure 6"
if command -v Rscript > /dev/null; then
  "$SRC/scripts/nnr-report" "$W/run" > "$W/report.txt" 2>&1 || { tail -5 "$W/report.txt"; fail "nnr-report failed"; }
  [ -f "$W/run/report/index.html" ] || fail "no report page"
  for code in $FAMILIES; do grep -q "<th>$code</th>" "$W/run/report/index.html" || fail "the report table has no $code column"; done
fi
echo "degradations pipeline: ok"
