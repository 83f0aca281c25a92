#!/usr/bin/python3
"""Spectrograms of one clip under every transform family of a run: the original, then one setting per family
(by default the strongest in the grid, so the effect is plain to see), each titled with its setting and the
manifest's measured value. A check by eye that each family does what it claims (docs/transforms.md).

Usage: /usr/bin/python3 scripts/degradation_spectrograms.py RUN_DIR [--clip ID] [--out FILE.png]
       (RUN_DIR: a run nnr-transform wrote, e.g. with --grid configs/grids/degradations.json)
"""
import argparse
import csv
import math
import os
import sys

import numpy as np

PROG = "degradation_spectrograms"


def fail(msg):
    sys.exit(f"{PROG}: {msg}")


def read_wav(path):
    from scipy.io import wavfile

    sr, x = wavfile.read(path)
    x = x.astype(np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    return sr, x


def spectrogram_db(x, sr, n_fft=1024, hop=256):
    w = np.hanning(n_fft)
    frames = [x[i:i + n_fft] * w for i in range(0, max(len(x) - n_fft, 1), hop)]
    s = np.abs(np.fft.rfft(np.array(frames), axis=1)) ** 2
    return 10 * np.log10(s.T + 1e-12), len(x) / sr


# Which setting of a family shows it best: the strongest degradation.
def strongest(rows):
    code = rows[0]["transform"]
    mags = sorted(rows, key=lambda r: float(r["magnitude"]))
    if code in ("AC", "OP", "VB", "MP", "PN", "EN", "LP", "TB", "CL"):
        return mags[0]  # lowest bit rate / SNR / cut-off / clip level
    return mags[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run")
    ap.add_argument("--clip", help="clip id (default: the first whose id starts with music_, else the first)")
    ap.add_argument("--out", help="PNG to write (default RUN/figures/degradation_spectrograms.png)")
    a = ap.parse_args()
    manifest = os.path.join(a.run, "manifest.csv")
    if not os.path.isfile(manifest):
        fail(f"no manifest.csv in {a.run}; run nnr-transform first")
    with open(manifest, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    clips = sorted({r["clip_id"] for r in rows})
    if not clips:
        fail(f"no transformed clip in {manifest}")
    clip = a.clip or next((c for c in clips if c.startswith("music_")), clips[0])
    mine = [r for r in rows if r["clip_id"] == clip]
    if not mine:
        fail(f"no clip '{clip}' in {manifest}; clips: {', '.join(clips[:10])}")
    families = []
    for r in mine:
        if r["transform"] not in families:
            families.append(r["transform"])
    panels = [r for r in mine if r["transform"] == "OG"]
    panels += [strongest([r for r in mine if r["transform"] == t]) for t in families if t != "OG"]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 3
    rows_n = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows_n, cols, figsize=(4.2 * cols, 2.6 * rows_n), squeeze=False)
    ref = None
    for ax, r in zip(axes.flat, panels):
        sr, x = read_wav(os.path.join(a.run, r["path"]))
        s, dur = spectrogram_db(x, sr)
        if ref is None:
            ref = s.max()
        ax.imshow(s, origin="lower", aspect="auto", cmap="magma", vmin=ref - 80, vmax=ref,
                  extent=[0, dur, 0, sr / 2 / 1000])
        title = "original" if r["transform"] == "OG" else r["setting"]
        achieved = r.get("achieved", "nan")
        if achieved not in ("", "nan"):
            title += f"  (measured {float(achieved):.4g})"
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("time (s)", fontsize=8)
        ax.set_ylabel("kHz", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"{clip}: the original and the strongest setting of each family (dB, 80 dB range)", fontsize=10)
    fig.tight_layout()
    out = a.out or os.path.join(a.run, "figures", "degradation_spectrograms.png")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
