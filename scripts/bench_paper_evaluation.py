#!/usr/bin/python3
"""The paper-scale evaluation benchmark (issue 14): how long nnr-evaluate takes for the paper's whole
evaluation (94 settings + OG over 1,000 clips of 4 s, 5 encoders, FastDTW r1 + DTW + SiMPle, Euclidean and
cosine, 1,000 bootstrap resamples for every interval, MFCC extraction and every metric included).

It builds a run of --clips generated clips (scripts/bench_paper_clips.py) with a few settings of every
family, TS at its slowest (0.3) and fastest (1.5) rates included; MFCC plus four TorchScript encoders of
256 dimensions (random weights: evaluation time does not depend on what the embeddings mean); then times
nnr-evaluate one setting at a time (--shard i/n) and reads the "time by phase" line each call logs.
The paper grid's time is extrapolated per phase: distances scale with the query's frames (TS changes the
length: DTW and SiMPle ~ frames, FastDTW ~ frames + 173), everything else is taken per setting.

Usage: /usr/bin/python3 scripts/bench_paper_evaluation.py [--clips 1000] [--out runs/bench-paper] [--threads 0]
       (after scripts/build.sh; NNR_BIN=DIR uses a copy of build/apps, so a rebuild cannot swap binaries
       mid-run; writes OUT/report.md)
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("NNR_BIN", os.path.join(ROOT, "build", "apps"))  # NNR_BIN: a copy of build/apps
GRID = {"PS": [-12, 1], "TS": [0.3, 0.94, 1.5], "PN": [3], "EN": [3], "MP": [8, 192]}
ENCODERS = ["ts_ae", "ts_at", "ts_ir", "ts_vs"]


def run(cmd, log=None):
    print("+", " ".join(cmd), flush=True)
    t0 = time.time()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if log:
        with open(log, "w") as f:
            f.write(out.stdout)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stdout[-3000:]}")
    return out.stdout, time.time() - t0


def frames(seconds):  # MFCC frames: hop 512 at 22,050 Hz, centred
    return 1 + int(seconds * 22050) // 512


def paper_grid():
    with open(os.path.join(ROOT, "configs", "grids", "paper.json")) as f:
        g = json.load(f)
    return g.get("grid", g)


def parse_phases(log):
    m = re.search(r"time by phase \((\d+) threads\): (.*)", log)
    if not m:
        return {}
    return {name: float(sec) for name, sec in re.findall(r"([\w/]+) ([\d.]+) s \(", m.group(2))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=1000)
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "bench-paper"))
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    rundir = os.path.join(out, "run")
    os.makedirs(out, exist_ok=True)
    thr = ["--threads", str(a.threads)]
    build = {}
    # 1. The run: clips, transforms, embeddings (resumable: each stage skips what is done).
    _, build["clips"] = run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "bench_paper_clips.py"),
                             "--clips", str(a.clips), "--out", os.path.join(out, "input")])
    with open(os.path.join(out, "grid.json"), "w") as f:
        json.dump(GRID, f)
    _, build["transform"] = run([os.path.join(BIN, "nnr-transform", "nnr-transform"), "-q", *thr,
                                 "--input", os.path.join(out, "input", "clips.csv"), "--out", rundir,
                                 "--grid", os.path.join(out, "grid.json"),
                                 "--noise", os.path.join(out, "input", "noise.wav")])
    _, build["encode mfcc"] = run([os.path.join(BIN, "nnr-encode", "nnr-encode"), "-q", *thr, "--run", rundir,
                                   "--encoder", "mfcc"])
    ts_cfg = os.path.join(out, "torchscript.json")
    with open(ts_cfg, "w") as f:
        json.dump({"encode": {"torchscript": {"input": "audio", "seconds": 4.0}}}, f)
    t_enc = 0.0
    for k, name in enumerate(ENCODERS):
        model = os.path.join(out, f"{name}.pt")
        if not os.path.exists(model):
            run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make_example_torchscript.py"), model,
                 "--input", "audio", "--dim", "256", "--seed", str(k + 1)])
        _, t = run([os.path.join(BIN, "nnr-encode", "nnr-encode"), "-q", *thr, "--run", rundir, "--config", ts_cfg,
                    "--encoder", "torchscript:" + model, "--name", name])
        t_enc += t
    build["encode torchscript x4"] = t_enc
    # 2. nnr-evaluate, one setting per call, from empty caches.
    eval_cfg = os.path.join(out, "evaluate.json")
    with open(eval_cfg, "w") as f:
        json.dump({"evaluate": {"audio_distances": [{"name": "fastdtw", "radius": 1, "label": "fastdtw"}, "dtw",
                                                    "simple"],
                                "latent_distances": ["euclidean", "cosine"], "bootstrap": 1000,
                                "encoders": ["mfcc"] + ENCODERS}}, f)
    for d in ("features", "distances", "results"):
        subprocess.run(["rm", "-rf", os.path.join(rundir, d)])
    settings = ["OG"] + [f"{fam}_{m}" for fam, ms in GRID.items() for m in ms]
    n = len(settings)
    measured = []
    peak_rss_mb = 0.0
    for i, sid in enumerate(settings):
        log, wall = run(["/usr/bin/time", "-f", "maxrss_kb %M", os.path.join(BIN, "nnr-evaluate", "nnr-evaluate"),
                         *thr, "--run", rundir,
                         "--config", eval_cfg, "--shard", f"{i}/{n}"], log=os.path.join(out, f"evaluate-{i}.log"))
        measured.append((sid, wall, parse_phases(log)))
        rss = re.search(r"maxrss_kb (\d+)", log)
        peak_rss_mb = max(peak_rss_mb, int(rss.group(1)) / 1024 if rss else 0.0)
    # 3. Extrapolation to the paper grid.
    base = frames(4.0)
    def length_scale(phase, q):
        if phase in ("audio/dtw", "audio/simple"):
            return q / base
        if phase == "audio/fastdtw":
            return (q + base) / (2 * base)
        return 1.0
    def query_frames(sid):
        m = re.match(r"TS_([\d.]+)", sid)
        return frames(4.0 / float(m.group(1))) if m else base
    phases = sorted({p for _, _, ph in measured for p in ph}, key=lambda p: (not p.startswith("audio"), p))
    # per-phase cost at 173 frames, from the settings that keep the length (OG excluded: it is the control)
    keep = [(sid, ph) for sid, _, ph in measured if sid != "OG" and not sid.startswith("TS")]
    unit = {p: sum(ph.get(p, 0.0) for _, ph in keep) / max(1, len(keep)) for p in phases}
    og = dict(measured[0][2])
    grid = paper_grid()
    paper_settings = [f"TS_{m}" if fam == "TS" else f"{fam}_x" for fam, ms in grid.items() for m in ms]
    total = {p: og.get(p, 0.0) + sum(unit[p] * length_scale(p, query_frames(s)) for s in paper_settings)
             for p in phases}
    # report
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [f"# nnr paper-scale evaluation benchmark ({time.strftime('%Y-%m-%d')})", "",
             f"Machine: {cpu}, {os.cpu_count()} cores; nnr-evaluate --threads {a.threads or os.cpu_count()}; "
             f"{a.clips} clips of 4 s; {len(settings)} settings measured (OG + {', '.join(settings[1:])}).", "",
             "Building the run (not part of the evaluation): " +
             ", ".join(f"{k} {v:.0f} s" for k, v in build.items()), "",
             "## Measured, one nnr-evaluate call per setting (wall s)", "",
             "| setting | wall | " + " | ".join(phases) + " |", "|---" * (len(phases) + 2) + "|"]
    for sid, wall, ph in measured:
        lines.append(f"| {sid} | {wall:.1f} | " + " | ".join(f"{ph.get(p, 0.0):.1f}" for p in phases) + " |")
    lines += ["", f"Peak resident memory of an nnr-evaluate call: {peak_rss_mb:.0f} MB.", "", "TS model check (measured vs extrapolated from the 173-frame settings):", ""]
    for sid, wall, ph in measured:
        if sid.startswith("TS"):
            q = query_frames(sid)
            lines.append(f"- {sid} ({q} frames): " + ", ".join(
                f"{p} {ph.get(p, 0.0):.1f} vs {unit[p] * length_scale(p, q):.1f}" for p in phases if p.startswith("audio")))
    grand = sum(total.values())
    lines += ["", f"## Extrapolated to the paper grid ({len(paper_settings)} settings + OG, {a.clips} clips)", "",
              "| phase | minutes | share |", "|---|---|---|"]
    for p in phases:
        lines.append(f"| {p} | {total[p] / 60:.1f} | {100 * total[p] / grand:.0f}% |")
    lines.append(f"| **total** | **{grand / 60:.1f}** | 100% |")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(report)
    print(report)


if __name__ == "__main__":
    main()
