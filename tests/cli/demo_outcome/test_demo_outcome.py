#!/usr/bin/python3
"""scripts/demo_outcome.py on hand-made results: each target judged against its own rule and baseline,
the consistency means and CI-bound means computed over the transformed settings only, --check's exit code.
Usage: test_demo_outcome.py SOURCE_DIR WORK_DIR  (exit 77 = skipped: no pandas)"""
import os
import subprocess
import sys

try:
    import pandas  # noqa: F401
except ImportError:
    sys.exit(77)

src, work = sys.argv[1], sys.argv[2]
run = os.path.join(work, "run")
os.makedirs(os.path.join(run, "results"), exist_ok=True)
os.makedirs(os.path.join(run, "models", "ir"), exist_ok=True)
with open(os.path.join(run, "models", "ir", "train_log.csv"), "w") as f:
    f.write("epoch,train_loss,valid_loss,metric,value,seconds\n1,1,1,accuracy,0.5,60\n2,1,1,accuracy,0.6,90\n")


def write(perf_rows):
    with open(os.path.join(run, "results", "performance.csv"), "w") as f:
        f.write("task,encoder,metric,transform,magnitude,setting,value,ci_low,ci_high,n\n")
        for r in perf_rows:
            f.write(",".join(map(str, r)) + "\n")


met = [("ir", "ir", "accuracy", "OG", 0, "OG", 0.61, 0.5, 0.7, 110),
       ("at", "at", "auc_c", "OG", 0, "OG", 0.86, 0.85, 0.87, 110),
       ("vs", "vs", "sdr", "OG", 0, "OG", 7.0, 6.0, 8.0, 110),
       ("vs", "vs:mixture", "sdr", "OG", 0, "OG", 1.9, 1.5, 2.2, 110),
       ("ae", "ae", "mse", "OG", 0, "OG", 0.4, 0.3, 0.5, 170),
       ("ae", "ae:train_mean", "mse", "OG", 0, "OG", 0.85, 0.8, 0.9, 170),
       ("ir", "ir", "accuracy", "PN", 30, "PN_[30]", 0.1, 0.0, 0.2, 110)]  # not OG: ignored
with open(os.path.join(run, "results", "consistency.csv"), "w") as f:
    f.write("encoder,metric,space,distance_audio,distance_latent,aggregation,transform,magnitude,setting,value,ci_low,ci_high,n\n")
    f.write("at,C_W,latent,,euclidean,mean,OG,0,OG,1,1,1,170\n")              # OG: left out of the means
    f.write("at,C_W,latent,,euclidean,mean,PN,30,PN_[30],0.8,0.7,0.9,170\n")
    f.write("at,C_W,latent,,euclidean,mean,PN,6,PN_[6],0.4,0.3,0.5,170\n")
    f.write("at,C_B_rho,between,dtw,euclidean,pooled,PN,30,PN_[30],0.5,0.4,0.6,170\n")
    f.write("at,C_B_rho,between,dtw,euclidean,per_clip,PN,30,PN_[30],0.9,0.9,0.9,170\n")  # not pooled: ignored

# Breakdown magnitudes: AT forgets at +1.6 semitones up; down, the grid never gets it below 0.5.
with open(os.path.join(run, "results", "breakdown.csv"), "w") as f:
    f.write("encoder,space,distance_audio,distance_latent,metric,transform,direction,threshold,magnitude,ci_low,"
            "ci_high,n,status,grid_first,grid_last\n")
    f.write("at,latent,,euclidean,C_W,PS,up,0.5,1.6,1.2,2.1,170,reached,0.25,12\n")
    f.write("at,latent,,euclidean,C_W,PS,down,0.5,nan,nan,nan,170,not_reached,-0.25,-12\n")
    f.write("at,latent,,euclidean,C_W,PS,up,0.9,0.5,0.3,0.7,170,reached,0.25,12\n")  # other threshold: not shown

script = [sys.executable, os.path.join(src, "scripts", "demo_outcome.py"), run]
write(met)
out = subprocess.run(script + ["--check"], capture_output=True, text=True)
assert out.returncode == 0, out.stdout + out.stderr
lines = {}  # the first line of each name (the breakdown table repeats "at" later)
for l in out.stdout.splitlines():
    if l.split() and l.split()[0] in ("IR", "AT", "VS", "AE", "at"):
        lines.setdefault(l.split()[0], l)
for t in ("IR", "AT", "VS", "AE"):
    assert " yes " in lines[t], lines[t]
assert "2.5" in lines["IR"], lines["IR"]                      # 150 s of training = 2.5 min
assert "0.600 [0.500, 0.700]" in lines["at"], lines["at"]     # C^W over PN 30 and PN 6, not OG
assert "0.500 [0.400, 0.600]" in lines["at"], lines["at"]     # pooled C^B_rho
forget = [l for l in out.stdout.splitlines() if l.startswith("at ") and "+1.6" in l]
assert forget and "+1.6 [+1.2, +2.1]" in forget[0] and "not reached (beyond -12)" in forget[0], out.stdout

# VS 6.8 dB is not 5 dB above a 1.9 dB mixture; AE 0.45 is more than half of 0.85.
missed = [r if r[1] not in ("vs", "ae") else r[:6] + ((6.8 if r[1] == "vs" else 0.45),) + r[7:] for r in met]
write(missed)
out = subprocess.run(script + ["--check"], capture_output=True, text=True)
assert out.returncode == 1, out.stdout
assert sum(" NO " in l for l in out.stdout.splitlines()) == 2, out.stdout
assert subprocess.run(script, capture_output=True).returncode == 0  # without --check it only reports
print("ok")
