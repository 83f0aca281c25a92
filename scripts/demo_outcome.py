#!/usr/bin/python3
"""What the demo found: the task metrics against the demo's targets, and how consistent each embedding is.

Usage: /usr/bin/python3 scripts/demo_outcome.py RUN_DIR [--check]

Reads RUN_DIR/results/performance.csv and consistency.csv (nnr-evaluate) and RUN_DIR/models/*/train_log.csv
(nnr-train) and prints two tables to stdout:
  1. each task's metric on the untransformed test set (OG) with its 95% bootstrap interval, the baseline it
     is judged against (AE: predicting the per-bin training mean; VS: the unprocessed mixture), the
     target of issue 16 and whether it is met, and the training time;
  2. per encoder, latent-space C^W and C^B_rho (pooled) averaged over every transformed setting, with the
     mean of the per-setting 95% bootstrap bounds (conservative for the average: settings share clips);
  3. when results/breakdown.csv exists, where each embedding forgets its clip: the magnitude at which latent
     C^W falls below 0.5, per transformation and direction, with its 95% bootstrap interval.
--check: exit 1 when a target is missed (the demo itself only reports).
"""
import argparse
import json
import os
import sys

import pandas as pd

# The targets (issue 16). A baseline target compares with the baseline row of the same task.
TARGETS = {
    "ir": ("accuracy >= 0.60", lambda v, b: v >= 0.60),
    "at": ("AUC^C >= 0.85", lambda v, b: v >= 0.85),
    "vs": ("SDR >= mixture + 5 dB", lambda v, b: b is not None and v >= b + 5.0),
    "ae": ("MSE <= 0.5 x training mean's", lambda v, b: b is not None and v <= 0.5 * b),
}
BASELINE = {"ae": "train_mean", "vs": "mixture"}


def fail(msg):
    print(f"demo_outcome: {msg}", file=sys.stderr)
    sys.exit(1)


def training_minutes(run, task):
    log = os.path.join(run, "models", task, "train_log.csv")
    if not os.path.exists(log):
        return float("nan")
    return pd.read_csv(log)["seconds"].sum() / 60


def task_table(run, perf):
    og = perf[perf.setting == "OG"]
    rows, all_met = [], True
    for task in ["ir", "at", "vs", "ae"]:
        own = og[(og.task == task) & (og.encoder == task)]
        if own.empty:
            continue
        r = own.iloc[0]
        base = og[(og.task == task) & (og.encoder == f"{task}:{BASELINE.get(task, '')}")]
        b = float(base.iloc[0].value) if not base.empty else None
        text, ok = TARGETS[task]
        met = ok(float(r.value), b)
        all_met &= met
        rows.append([task.upper(), r.metric, f"{r.value:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]",
                     "" if b is None else f"{b:.3f} ({BASELINE[task]})", text, "yes" if met else "NO",
                     f"{training_minutes(run, task):.1f}"])
    return rows, all_met


def consistency_table(cons):
    lat = cons[(cons.setting != "OG") & (((cons.metric == "C_W") & (cons.space == "latent")) |
                                          ((cons.metric == "C_B_rho") & (cons.aggregation == "pooled")))]
    # One distance pair: the first latent distance, and for C^B the first audio distance.
    d_lat = lat.distance_latent.dropna().iloc[0]
    lat = lat[lat.distance_latent == d_lat]
    cb = lat[lat.metric == "C_B_rho"]
    d_aud = cb.distance_audio.dropna().iloc[0] if not cb.empty else None
    lat = lat[(lat.metric == "C_W") | (lat.distance_audio == d_aud)]
    rows = []
    for enc, g in lat.groupby("encoder", sort=True):
        cells = [enc]
        for metric in ["C_W", "C_B_rho"]:
            m = g[g.metric == metric]
            cells.append(f"{m.value.mean():.3f} [{m.ci_low.mean():.3f}, {m.ci_high.mean():.3f}]" if len(m) else "-")
        cells.append(str(g[g.metric == "C_W"].setting.nunique()))
        rows.append(cells)
    return rows, d_lat, d_aud


def breakdown_table(bd, threshold=0.5):
    """Rows encoder, columns transform/direction: latent C^W < threshold (scripts/report/neighbourhood.py)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "report"))
    import neighbourhood as nb

    part = nb.latent_breakdown(bd, "C_W")
    part = part[part.threshold == threshold]
    if part.empty:
        return None, None, None
    cols = [(t, d) for t in nb.pr.transforms_present(part) for d in ("down", "up")
            if ((part["transform"] == t) & (part.direction == d)).any()]
    rows = []
    for enc in nb.pr.sorted_encoders(part.encoder):
        cells = [enc]
        for t, d in cols:
            r = part[(part.encoder == enc) & (part["transform"] == t) & (part.direction == d)]
            cells.append(nb.breakdown_cell(r.iloc[0]) if len(r) else "-")
        rows.append(cells)
    return [f"{t} {d}" for t, d in cols], rows, part.distance_latent.iloc[0]


def print_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    res = os.path.join(a.run, "results")
    for f in ["performance.csv", "consistency.csv"]:
        if not os.path.exists(os.path.join(res, f)):
            fail(f"{os.path.join(res, f)} not found; run nnr-evaluate --run {a.run} first")
    perf = pd.read_csv(os.path.join(res, "performance.csv"))
    cons = pd.read_csv(os.path.join(res, "consistency.csv"))
    rows, all_met = task_table(a.run, perf)
    n = int(perf[perf.setting == "OG"].n.max()) if len(perf) else 0
    print(f"Task performance on the untransformed test set (up to {n} clips; 95% bootstrap CI):")
    print_table(["task", "metric", "value [95% CI]", "baseline", "target", "met", "train min"], rows)
    print()
    crow, d_lat, d_aud = consistency_table(cons)
    print(f"Latent consistency, mean over the transformed settings ({d_lat} latent distance; "
          f"C^B_rho pooled, {d_aud} audio distance) [mean of per-setting 95% CI bounds]:")
    print_table(["encoder", "C^W", "C^B_rho", "settings"], crow)
    bd_path = os.path.join(res, "breakdown.csv")
    if os.path.exists(bd_path) and os.path.getsize(bd_path) > 0:
        bd = pd.read_csv(bd_path, na_values=["nan"])
        bd["distance_latent"] = bd["distance_latent"].fillna("").astype(str)
        header, brows, d_lat = breakdown_table(bd)
        if header:
            print()
            print(f"Where each embedding forgets its clip: the magnitude at which latent C^W ({d_lat}) falls below "
                  "0.5, walking out from the original (95% bootstrap CI; results/breakdown.csv):")
            print_table(["encoder"] + header, brows)
    corpus = os.path.join(a.run, "corpus", "corpus.json")
    if os.path.exists(corpus) and json.load(open(corpus)).get("size") == "tiny":
        print("\n(A tiny smoke run: tiny networks trained for a few steps. The targets are for the demo size.)")
    if a.check and not all_met:
        sys.exit(1)


if __name__ == "__main__":
    main()
