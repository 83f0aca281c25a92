#!/usr/bin/python3
"""Writes a synthetic RUN_DIR/results/{consistency,performance}.csv with nnr-evaluate's columns.

Usage: make_fake_results.py RUN_DIR [--seed N] [--encoders mfcc,ae,at,ir,vs] [--small]

Shapes follow the paper (grid of original-code-facts.md, consistency falling with magnitude, MFCC most
consistent), so the figures can be eyeballed; the numbers mean nothing. Standard library only.
"""

import argparse
import csv
import math
import os
import random

GRID = {
    "PN": [-15, -10, -6, -3, 3, 6, 9, 12, 15, 18, 21, 24, 27, 27.5, 28, 28.5, 29, 29.5, 30],
    "EN": [-15, -10, -6, -3, 3, 6, 9, 12, 15, 18, 21, 24, 27, 27.5, 28, 28.5, 29, 29.5, 30],
    "TS": [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.92, 0.94, 0.96, 0.98, 1.02, 1.04, 1.06, 1.08, 1.1, 1.2, 1.3,
           1.4, 1.5],
    "PS": [-12, -10, -8, -6, -4, -2, -1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1, 2, 4, 6, 8, 10, 12],
    "MP": [8, 16, 24, 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
}
TASK_METRIC = {"ae": "mse", "at": "auc_c", "ir": "accuracy", "vs": "sdr"}
N = 200


def severity(t, m):
    """0 (imperceptible) .. 1 (grave)."""
    if t in ("PN", "EN"):
        return min(1.0, max(0.0, (30 - m) / 45.0)) ** 1.5
    if t == "TS":
        return min(1.0, abs(math.log2(m)) / abs(math.log2(0.3)))
    if t == "PS":
        return min(1.0, abs(m) / 12.0) ** 0.8
    if t == "MP":
        return min(1.0, max(0.0, (64 - m) / 56.0)) ** 2
    return 0.0


def setting(t, m):
    if t == "OG":
        return "OG"
    return f"{t}_[{int(m)}]" if float(m).is_integer() else f"{t}_[{m:.3f}]"


def fmt_mag(m):
    return str(int(m)) if float(m).is_integer() else f"{m:g}"


def ci(rng, v, width, lo=0.0, hi=1.0):
    w = width * (0.6 + 0.8 * rng.random())
    return max(lo, v - w), min(hi, v + w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run_dir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--encoders", default="mfcc,ae,at,ir,vs")
    ap.add_argument("--small", action="store_true", help="coarse subset of the grid, one distance per space, only the tasks named in --encoders")
    a = ap.parse_args()
    grid = {t: (ms[::3] + [ms[-1]] if a.small else ms) for t, ms in GRID.items()}
    audio_d = ("dtw",) if a.small else ("dtw", "simple")
    latent_d = ("euclidean",) if a.small else ("euclidean", "cosine")
    rng = random.Random(a.seed)
    encoders = a.encoders.split(",")
    strength = {"mfcc": 0.85, "at": 0.7, "ir": 0.55, "vs": 0.35, "ae": 0.2}
    res = os.path.join(a.run_dir, "results")
    os.makedirs(res, exist_ok=True)

    settings = [("OG", 0)] + [(t, m) for t, ms in grid.items() for m in ms]
    cons = []
    for t, m in settings:
        s = severity(t, m)
        for da in audio_d:
            robust = 0.5 if (t == "TS" and da == "dtw") else 1.0
            v = max(0.0, min(1.0, 1.0 - robust * s * (0.9 if da == "dtw" else 1.0) + rng.gauss(0, 0.01)))
            lo, hi = ci(rng, v, 0.03)
            cons.append(["audio", "C_W", "audio", da, "", "mean", t, fmt_mag(m), setting(t, m), v, lo, hi, N])
        for enc in encoders:
            k = strength.get(enc, 0.5)
            for dl in latent_d:
                bonus = 0.05 if dl == "cosine" else 0.0
                v = max(0.0, min(1.0, (1.0 - s) * (k + bonus) + (1 - k) * 0.05 * (1 - s) + rng.gauss(0, 0.015)))
                if t == "OG":
                    v = 1.0
                lo, hi = ci(rng, v, 0.05)
                cons.append([enc, "C_W", "latent", "", dl, "mean", t, fmt_mag(m), setting(t, m), v, lo, hi, N])
                for da in audio_d:
                    va = 1.0 - s
                    acc = max(0.0, min(1.0, 1.0 - abs(va - v) + rng.gauss(0, 0.01)))
                    lo, hi = ci(rng, acc, 0.04)
                    cons.append([enc, "C_B_acc", "between", da, dl, "mean", t, fmt_mag(m), setting(t, m), acc,
                                 lo, hi, N])
                    for agg, scale in (("per_clip", 1.0), ("pooled", 1.1)):
                        rho = max(-1.0, min(1.0, scale * (0.88 if enc == "mfcc" else 0.1 + 0.15 * (1 - k))
                                  * (1 - 0.2 * s) + rng.gauss(0, 0.01)))
                        lo, hi = ci(rng, rho, 0.02, -1.0, 1.0)
                        cons.append([enc, "C_B_rho", "between", da, dl, agg, t, fmt_mag(m), setting(t, m), rho,
                                     lo, hi, N if agg == "per_clip" else N * (N - 1)])

    perf = []
    for task, metric in TASK_METRIC.items():
        if a.small and task not in encoders:
            continue
        for enc in ("mfcc", task) if task in encoders else ("mfcc",):
            good = enc != "mfcc"
            for t, m in settings:
                s = severity(t, m)
                if metric == "mse":
                    base = 0.35 if good else 0.8
                    v = base * (1 + (0.8 * s if t != "EN" else -0.3 * s)) + rng.gauss(0, 0.005)
                    lo, hi = v - 0.02, v + 0.02
                elif metric == "sdr":
                    v = (4.5 if good else 2.0) - 6 * s + rng.gauss(0, 0.1)
                    lo, hi = v - 0.6, v + 0.6
                else:
                    base = (0.88 if good else 0.8) if metric == "auc_c" else (0.7 if good else 0.45)
                    floor = 0.5 if metric == "auc_c" else 1 / 11
                    v = floor + (base - floor) * (1 - 0.8 * s) + rng.gauss(0, 0.004)
                    lo, hi = ci(rng, v, 0.02)
                perf.append([task, enc, metric, t, fmt_mag(m), setting(t, m), v, lo, hi, N])

    def write(name, header, rows):
        path = os.path.join(res, name)
        with open(path + ".tmp", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for r in rows:
                w.writerow([f"{x:.6g}" if isinstance(x, float) else x for x in r])
        os.replace(path + ".tmp", path)

    write("consistency.csv", ["encoder", "metric", "space", "distance_audio", "distance_latent", "aggregation",
                              "transform", "magnitude", "setting", "value", "ci_low", "ci_high", "n"], cons)
    write("performance.csv", ["task", "encoder", "metric", "transform", "magnitude", "setting", "value",
                              "ci_low", "ci_high", "n"], perf)


if __name__ == "__main__":
    main()
