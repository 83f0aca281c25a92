#!/usr/bin/env bash
# The MFCC baseline end to end without LibTorch: nnr-transform -> nnr-encode --encoder mfcc -> nnr-evaluate
# on four noisy tones of distinct pitch. Checks the outputs exist, have a row per manifest row, that every
# value is in range, and that at 30 dB SNR each tone's noisy copy is nearest its own original in MFCC
# space (C^W = 1 for both latent distances): four pitches an octave-and-less apart are far apart in MFCC.
# Usage: core_pipeline.sh <nnr-transform> <nnr-encode> <nnr-evaluate> <work dir>
set -euo pipefail
TRANSFORM="$1"
ENCODE="$2"
EVALUATE="$3"
W="$4"
rm -rf "$W"
mkdir -p "$W/in"
fail() { echo "FAIL: $*" >&2; exit 1; }

PYTHONPATH="$(cd "$(dirname "$0")/../../support" && pwd)" python3 - "$W" <<'PY'
import math, sys, random
w = sys.argv[1]
sr = 22050
from wav16 import write  # tests/support/wav16.py
rnd = random.Random(3)
for k, f0 in enumerate([220, 330, 494, 660]):
    write(f"{w}/in/clip{k}.wav", [0.3 * math.sin(2 * math.pi * f0 * i / sr) + 0.02 * rnd.gauss(0, 1)
                                  for i in range(int(2.5 * sr))])
write(w + "/noise.wav", [0.1 * rnd.gauss(0, 1) for i in range(3 * sr)])
PY
echo '{"PN": [30, 10], "TS": [1.1]}' > "$W/grid.json"

"$TRANSFORM" -q --input "$W/in" --out "$W/run" --grid "$W/grid.json" --noise "$W/noise.wav" --threads 2
[ "$(wc -l < "$W/run/manifest.csv")" -eq 17 ] || fail "expected 16 manifest rows + header"

"$ENCODE" --help | grep -q "mfcc" || fail "nnr-encode --help lists no mfcc encoder"
# An output directory that cannot be written is found before any encoding (here: embeddings is a file).
mkdir -p "$W/ro" && cp "$W/run/manifest.csv" "$W/ro/" && : > "$W/ro/embeddings"
set +e
err=$("$ENCODE" -q --run "$W/ro" --encoder mfcc 2>&1); rc=$?
set -e
[ "$rc" = 3 ] && echo "$err" | grep -q "cannot write to .*embeddings" || fail "unwritable output: rc=$rc: $err"
"$ENCODE" -q --run "$W/run" --encoder mfcc --threads 2
[ -f "$W/run/embeddings/mfcc.npy" ] || fail "no embeddings/mfcc.npy"
/usr/bin/python3 - "$W/run/embeddings/mfcc.npy" <<'PY' || fail "embeddings/mfcc.npy is not 16 x 144 finite float32"
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.shape == (16, 144) and a.dtype == np.float32 and np.isfinite(a).all(), (a.shape, a.dtype)
PY

"$EVALUATE" -q --run "$W/run" --bootstrap 50 --audio-distances dtw --threads 2
C="$W/run/results/consistency.csv"
[ -f "$C" ] || fail "no results/consistency.csv"
python3 - "$C" <<'PY' || fail "consistency.csv: expected mfcc values in [-1, 1] and C_W = 1 at PN 30 dB"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["encoder"] == "mfcc"]
assert rows, "no mfcc rows"
vals = [float(r["value"]) for r in rows if r["value"] not in ("", "nan")]
assert vals and all(-1.0 <= v <= 1.0 for v in vals), vals[:5]
cw = {r["distance_latent"]: float(r["value"]) for r in rows if r["metric"] == "C_W" and r["setting"] == "PN_[30]"}
assert cw == {"euclidean": 1.0, "cosine": 1.0}, cw
PY
# Beyond the paper: per-clip values, and breakdown magnitudes that agree with consistency.csv's C^W curve.
python3 - "$W/run/results" <<'PY' || fail "per_clip.csv / breakdown.csv disagree with consistency.csv"
import csv, sys
res = sys.argv[1]
pc = list(csv.DictReader(open(res + "/per_clip.csv")))
assert len([r for r in pc if r["encoder"] == "mfcc" and r["space"] == "latent" and r["setting"] == "PN_[10]"]) == 8, \
    "4 clips x 2 latent distances at PN 10"
cons = {(r["distance_latent"], r["setting"]): float(r["value"]) for r in csv.DictReader(open(res + "/consistency.csv"))
        if r["encoder"] == "mfcc" and r["metric"] == "C_W" and r["space"] == "latent"}
bd = [r for r in csv.DictReader(open(res + "/breakdown.csv"))
      if r["encoder"] == "mfcc" and r["space"] == "latent" and r["metric"] == "C_W"]
assert {(r["transform"], r["direction"]) for r in bd} == {("PN", "down"), ("TS", "up")}, bd
for r in bd:
    th, dl = float(r["threshold"]), r["distance_latent"]
    if r["transform"] == "PN":  # walk 30 -> 10 dB
        a, b = cons[(dl, "PN_[30]")], cons[(dl, "PN_[10]")]
        lo_m, hi_m = 10, 30
    else:                       # walk identity 1.0 (the originals) -> 1.1
        a, b = cons[(dl, "OG")], cons[(dl, "TS_[1.100]")]
        lo_m, hi_m = 1.0, 1.1
    if b >= th:
        assert r["status"] == "not_reached", r
    else:
        assert r["status"] == "reached" and lo_m <= float(r["magnitude"]) <= hi_m, r
PY
head -1 "$W/run/results/paired.csv" | grep -q "^metric,space" || fail "no results/paired.csv header"
echo "core pipeline: ok"
