#!/usr/bin/env python3
"""nnr-report end to end on a synthetic run, opened in headless Chromium.

The run is made here: results CSVs over a grid of 6 magnitudes per transformation (two encoders on two tasks
for performance, three encoders and two distances for consistency, planted effects plus noise), a manifest,
embeddings and float-WAV vocal stems, so every figure 4-14 can be drawn. Checks: nnr-report exits 0 and
writes report/index.html with the analysis tables; the page, in Debian's chromium, renders every figure
(naturalWidth > 0) and has no broken link; report/screenshot.png exists; a rerun is a no-op; a run without
results, and a CSV with a NaN, get one line naming the file.
  /usr/bin/python3 tests/cli/report/test_report_page.py REPO_ROOT
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
REPORT = os.path.join(ROOT, "scripts", "nnr-report")
failures = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


GRID = {"PN": [-15, 0, 10, 20, 25, 30], "EN": [-15, 0, 10, 20, 25, 30], "TS": [0.5, 0.8, 0.98, 1.02, 1.2, 1.5],
        "PS": [-12, -4, -0.25, 0.25, 4, 12], "MP": [8, 32, 64, 128, 192, 320]}


def severity(t, m):
    if t in ("PN", "EN"):
        return (30 - m) / 45
    if t == "TS":
        return abs(m - 1) / 0.5
    if t == "PS":
        return abs(m) / 12
    return (320 - m) / 312


def write_wav(path, x):
    data = np.asarray(x, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 22050, 22050 * 4, 4, 32)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)


def make_run(d, rng):
    os.makedirs(os.path.join(d, "results"))
    cons = ["encoder,metric,space,distance_audio,distance_latent,aggregation,transform,magnitude,setting,value,ci_low,ci_high,n"]
    perf = ["task,encoder,metric,transform,magnitude,setting,value,ci_low,ci_high,n"]
    settings = [("OG", 0.0)] + [(t, float(m)) for t, ms in GRID.items() for m in ms]
    base = {"mfcc": 0.9, "at": 0.7, "ae": 0.4}
    for t, m in settings:
        sid = "OG" if t == "OG" else f"{t}_[{m:g}]"
        s = 0 if t == "OG" else severity(t, m)
        for da in ("dtw", "simple"):
            v = 1 - 0.6 * s
            cons.append(f"audio,C_W,audio,{da},,mean,{t},{m:g},{sid},{v:.4f},{v-0.03:.4f},{min(1,v+0.03):.4f},40")
        for e, b in base.items():
            for dl in ("euclidean", "cosine"):
                v = float(np.clip(b - 0.5 * s * b + rng.normal(0, 0.01), 0, 1))
                cons.append(f"{e},C_W,latent,,{dl},mean,{t},{m:g},{sid},{v:.4f},{v-0.05:.4f},{v+0.05:.4f},40")
                for g in ("MRR", "recall_at_5", "recall_at_10", "margin"):  # graded measures: C^W-like
                    gv = min(1.0, v + (0.1 if g != "margin" else -0.5))
                    cons.append(f"{e},{g},latent,,{dl},mean,{t},{m:g},{sid},{gv:.4f},{gv-0.05:.4f},{gv+0.05:.4f},40")
                for da in ("dtw", "simple"):
                    a = float(np.clip(0.5 + 0.3 * s + rng.normal(0, 0.01), 0, 1))
                    r = float(b - 0.1 + rng.normal(0, 0.01))
                    cons.append(f"{e},C_B_acc,between,{da},{dl},mean,{t},{m:g},{sid},{a:.4f},{a-0.05:.4f},{a+0.05:.4f},40")
                    for g in ("trustworthiness", "continuity"):
                        cons.append(f"{e},{g},between,{da},{dl},mean,{t},{m:g},{sid},{a:.4f},{a-0.05:.4f},{a+0.05:.4f},40")
                    for agg in ("per_clip", "pooled"):
                        cons.append(f"{e},C_B_rho,between,{da},{dl},{agg},{t},{m:g},{sid},{r:.4f},{r-0.05:.4f},{r+0.05:.4f},40")
        for task, metric, good in (("at", "auc_c", 0.85), ("ae", "mse", 0.3)):
            for enc, off in ((task, 0.0), ("mfcc", -0.1 if metric == "auc_c" else 0.6)):
                v = good + off + (-0.2 * s if metric == "auc_c" else 0.3 * s) + rng.normal(0, 0.005)
                perf.append(f"{task},{enc},{metric},{t},{m:g},{sid},{v:.4f},{v-0.02:.4f},{v+0.02:.4f},40")
    # Breakdown magnitudes (planted: MFCC holds on furthest) and paired comparisons, as nnr-evaluate writes them.
    bd = ["encoder,space,distance_audio,distance_latent,metric,transform,direction,threshold,magnitude,ci_low,"
          "ci_high,n,status,grid_first,grid_last"]
    for e, b in base.items():
        for metric in ("C_W", "recall_at_1", "recall_at_5"):
            for th in (0.9, 0.5):
                reach = 12 * b * (1.5 if th == 0.5 else 1.0)
                st = "reached" if reach < 12 else "not_reached"
                mag = f"{reach:.3f},{reach * 0.8:.3f},{reach * 1.2:.3f}" if st == "reached" else "nan,nan,nan"
                bd.append(f"{e},latent,,euclidean,{metric},PS,up,{th},{mag},40,{st},0.25,12")
                bd.append(f"{e},latent,,euclidean,{metric},PN,down,{th},{30 - 40 * (1 - b):.3f},"
                          f"{29 - 40 * (1 - b):.3f},{31 - 40 * (1 - b):.3f},40,reached,30,-15")
    with open(os.path.join(d, "results", "breakdown.csv"), "w") as f:
        f.write("\n".join(bd) + "\n")
    pc = ["metric,space,distance_audio,distance_latent,transform,encoder_a,encoder_b,difference,ci_low,ci_high,n,"
          "p_value,p_holm"]
    names = list(base)
    for metric, space, da in (("C_W", "latent", ""), ("MRR", "latent", ""), ("C_B_rho", "between", "dtw")):
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                diff = base[names[i]] - base[names[j]]
                pc.append(f"{metric},{space},{da},euclidean,all,{names[i]},{names[j]},{diff:.4f},{diff - 0.05:.4f},"
                          f"{diff + 0.05:.4f},40,0.0001,0.0003")
    with open(os.path.join(d, "results", "paired.csv"), "w") as f:
        f.write("\n".join(pc) + "\n")
    with open(os.path.join(d, "results", "consistency.csv"), "w") as f:
        f.write("\n".join(cons) + "\n")
    with open(os.path.join(d, "results", "performance.csv"), "w") as f:
        f.write("\n".join(perf) + "\n")
    # Manifest, embeddings (originals in clusters, transforms nearby) and vocal stems for 24 clips.
    clips = [f"song{c // 3}_{c % 3}" for c in range(24)]
    rows = ["clip_id,split,transform,magnitude,setting,path,source,seed,status,vocals_path"]
    os.makedirs(os.path.join(d, "stems"))
    emb = {e: [] for e in ("mfcc", "at", "ae", "vs")}
    centre = {c: rng.normal(0, 3, 16) for c in clips}
    for t, m in settings:
        sid = "OG" if t == "OG" else f"{t}_[{m:g}]"
        for c in clips:
            stem = ""
            if t == "OG":
                stem = f"stems/{c}.wav"
                write_wav(os.path.join(d, stem), rng.normal(0, 0.02 + 0.01 * clips.index(c), 22050))
            rows.append(f"{c},test,{t},{m:g},{sid},audio/{c}.wav,corpus/{c}.flac,1,ok,{stem}")
            for e in emb:
                emb[e].append(centre[c] + rng.normal(0, 0.1 if e == "mfcc" else 1.0, 16))
    with open(os.path.join(d, "manifest.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    os.makedirs(os.path.join(d, "embeddings"))
    for e, v in emb.items():
        np.save(os.path.join(d, "embeddings", f"{e}.npy"), np.asarray(v, dtype=np.float32))
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write('{"nnr_version": "test", "evaluate": {"bootstrap": 100}}\n')


def main():
    tmp = tempfile.mkdtemp(prefix="nnr-report-test-")
    try:
        run = os.path.join(tmp, "run")
        make_run(run, np.random.default_rng(7))
        r = subprocess.run([REPORT, run], capture_output=True, text=True)
        check(r.returncode == 0, f"nnr-report exits 0 (rc={r.returncode}; {r.stderr.strip().splitlines()[-1:] })")
        index = os.path.join(run, "report", "index.html")
        check(os.path.isfile(index), "report/index.html written")
        for f in ("models.csv", "anova.csv", "emmeans.csv", "contrasts.csv", "performance.txt", "cw_euclidean.txt"):
            check(os.path.isfile(os.path.join(run, "results", "analysis", f)), f"results/analysis/{f}")
        page = open(index, encoding="utf-8").read()
        for stem in ("fig4_performance", "fig5_performance_emm", "fig6_cw_audio", "fig7_cw_latent", "fig8_cw_latent_emm",
                     "fig9_tsne", "fig10_cb_dtw_cosine", "fig11_between_emm", "fig12_smallest", "fig13_cb_rho_original",
                     "fig14_tsne_vs", "fig_breakdown", "fig_graded_latent", "fig_paired"):
            check(f'id="{stem}"' in page, f"the page holds {stem}")
        check('id="beyond"' in page and "Breakdown magnitudes" in page, "the beyond-the-paper section is on the page")
        check("not reached (beyond +12)" in page, "a threshold the grid does not reach is said so in the table")
        check(page.count('class="paired"') == 3 and "+0.500***" in page,
              "one paired matrix per measure, MFCC - AE = +0.5 with its Holm stars")
        check("src=\"http" not in page and "href=\"http" not in page, "self-contained: no external resource")
        check("F(" in page and "R²" in page, "the analysis text with F tests and R² is on the page")
        exe = shutil.which("chromium")
        check(exe is not None, "chromium is installed (scripts/setup.sh)")
        if exe:
            dom = subprocess.run([exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000",
                                  "--dump-dom", "file://" + index], capture_output=True, text=True, timeout=120).stdout
            m = re.search(r'id="render-check"[^>]*data-ok="(\d+)" data-total="(\d+)" data-broken="(\d+)"', dom)
            check(m is not None, "the page's render check ran in chromium")
            if m:
                ok, total, broken = map(int, m.groups())
                print(f"   chromium: {ok}/{total} figures rendered, {broken} broken links")
                check(total >= 17 and ok == total, "every figure renders in chromium")
                check(broken == 0, "no broken link")
            shot = os.path.join(run, "report", "screenshot.png")
            check(os.path.isfile(shot) and open(shot, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "report/screenshot.png")
        before = os.stat(index).st_mtime_ns
        r2 = subprocess.run([REPORT, run], capture_output=True, text=True)
        check(r2.returncode == 0 and "up to date" in r2.stderr and os.stat(index).st_mtime_ns == before,
              "a rerun with nothing changed is a no-op")
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        r3 = subprocess.run([REPORT, empty], capture_output=True, text=True)
        check(r3.returncode == 2 and len(r3.stderr.strip().splitlines()) == 1 and "nnr-evaluate" in r3.stderr,
              f"a run without results: one line, exit 2 ({r3.stderr.strip()})")
        p = os.path.join(run, "results", "performance.csv")
        lines = open(p).read().splitlines()
        lines[5] = ",".join(lines[5].split(",")[:6] + ["nan"] + lines[5].split(",")[7:])
        open(p, "w").write("\n".join(lines) + "\n")
        r4 = subprocess.run([REPORT, run], capture_output=True, text=True)
        check(r4.returncode == 1 and "performance.csv" in r4.stderr and "NaN" in r4.stderr,
              f"a NaN row: exit 1 naming the file ({r4.stderr.strip().splitlines()[-1:]})")
        check(os.path.isfile(index) and os.stat(index).st_mtime_ns == before, "the earlier report is kept")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"report page: {'all checks passed' if not failures else f'{len(failures)} failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
