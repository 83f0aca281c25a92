#!/usr/bin/python3
"""CLI test of scripts/plot_results.py on synthetic results (make_fake_results.py).

Usage: test_plot_results.py REPO_ROOT WORK_DIR figures|inputs
  figures: every figure from a full synthetic run is a valid, non-trivial PNG and PDF
  inputs:  partial, missing, empty and malformed inputs give messages and exit codes, never a traceback
Exit 0 = pass, 1 = fail, 77 = skipped (matplotlib/pandas/numpy missing).
"""

import os
import shutil
import struct
import subprocess
import sys


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def check_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        fail(f"not a PNG: {path}")
    w, h = struct.unpack(">II", data[16:24])
    if w < 600 or h < 200 or len(data) < 20000 or not data.rstrip().endswith(b"IEND\xaeB`\x82"):
        fail(f"implausible PNG ({w}x{h}, {len(data)} bytes): {path}")


def check_pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF-") or not data.rstrip().endswith(b"%%EOF") or len(data) < 5000:
        fail(f"not a complete PDF ({len(data)} bytes): {path}")


def check_one_line_error(rc, err, want_rc, what):
    if rc != want_rc:
        fail(f"{what}: exit {rc}, expected {want_rc}; stderr: {err}")
    if "Traceback" in err or not err.strip():
        fail(f"{what}: expected one-line message, got: {err!r}")


def main():
    repo, work, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    import importlib.util

    missing = [m for m in ("matplotlib", "numpy", "pandas") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"SKIP: Python module(s) {','.join(missing)} not installed")
        sys.exit(77)
    py = sys.executable
    script = os.path.join(repo, "scripts", "plot_results.py")
    fake = os.path.join(repo, "tests", "cli", "plots", "make_fake_results.py")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    run_dir = os.path.join(work, "run")
    rc, _, err = run([py, fake, run_dir, "--small", "--encoders", "mfcc,at,vs"])
    if rc != 0:
        fail(f"make_fake_results failed: {err}")
    if mode == "figures":
        figures(py, script, run_dir)
    elif mode == "inputs":
        inputs(py, script, run_dir, work)
    else:
        fail(f"unknown mode {mode}")
    print("PASS")


def figures(py, script, run_dir):
    # 1. full set of figures from synthetic results
    # --dpi 100 keeps the default suite fast on 2 cores; the default (200) only changes the raster size
    rc, out, err = run([py, script, run_dir, "--dpi", "100"])
    if rc != 0:
        fail(f"plot_results exit {rc}: {err}")
    fig_dir = os.path.join(run_dir, "figures")
    stems = ["fig4_performance", "fig6_cw_audio", "fig7_cw_latent", "fig10_cb_dtw_euclidean",
             "fig_summary_consistency"]
    for s in stems:
        check_png(os.path.join(fig_dir, s + ".png"))
        check_pdf(os.path.join(fig_dir, s + ".pdf"))
    if not os.path.getsize(os.path.join(fig_dir, "summary_consistency.csv")):
        fail("summary_consistency.csv empty")
    left = [f for f in os.listdir(fig_dir) if f.startswith(".") or f.endswith(".tmp")]
    if left:
        fail(f"temporary files left behind: {left}")
    listed = set(out.split())
    for s in stems:
        if os.path.join(fig_dir, s + ".png") not in listed:
            fail(f"{s}.png not listed on stdout: {out}")



def inputs(py, script, run_dir, work):
    # 2. only performance.csv -> consistency figures skipped with a message, fig4 written, exit 0
    perf_only = os.path.join(work, "perf_only")
    os.makedirs(os.path.join(perf_only, "results"))
    shutil.copy(os.path.join(run_dir, "results", "performance.csv"), os.path.join(perf_only, "results"))
    rc, _, err = run([py, script, perf_only, "--formats", "png", "--dpi", "60", "--out",
                      os.path.join(work, "perf_figs")])
    if rc != 0 or "consistency.csv" not in err or "Traceback" in err:
        fail(f"performance-only run: exit {rc}, stderr {err!r}")
    if not open(os.path.join(work, "perf_figs", "fig4_performance.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n":
        fail("performance-only run: fig4_performance.png is not a PNG")
    if os.path.exists(os.path.join(work, "perf_figs", "fig7_cw_latent.png")):
        fail("fig7 drawn without consistency.csv")

    # 3. no results at all -> exit 2, messages, no traceback
    empty = os.path.join(work, "empty")
    os.makedirs(empty)
    rc, _, err = run([py, script, empty])
    check_one_line_error(rc, err, 2, "empty run dir")

    # 4. wrong columns -> exit 1, one line
    bad = os.path.join(work, "bad")
    os.makedirs(os.path.join(bad, "results"))
    with open(os.path.join(bad, "results", "consistency.csv"), "w") as f:
        f.write("encoder,value\nmfcc,1\n")
    rc, _, err = run([py, script, bad])
    check_one_line_error(rc, err, 1, "bad columns")
    if len(err.strip().splitlines()) != 1 or "missing column" not in err:
        fail(f"bad columns: expected one line naming the missing columns, got {err!r}")

    # 5. header only -> skipped, exit 2
    hdr = os.path.join(work, "hdr")
    os.makedirs(os.path.join(hdr, "results"))
    with open(os.path.join(hdr, "results", "performance.csv"), "w") as f:
        f.write("task,encoder,metric,transform,magnitude,setting,value,ci_low,ci_high,n\n")
    rc, _, err = run([py, script, hdr])
    check_one_line_error(rc, err, 2, "header-only CSV")

    # 6. missing run dir and bad --formats -> usage error (argparse exit 2), no traceback
    rc, _, err = run([py, script, os.path.join(work, "nope")])
    check_one_line_error(rc, err, 2, "missing run dir")
    rc, _, err = run([py, script, run_dir, "--formats", "gif"])
    check_one_line_error(rc, err, 2, "bad --formats")


if __name__ == "__main__":
    main()
