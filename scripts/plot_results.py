#!/usr/bin/python3
"""Draw the paper's result figures from an nnr run directory.

Usage:
    scripts/plot_results.py RUN_DIR [--out DIR] [--formats png,pdf] [--rho per_clip|pooled] [--dpi 200] [--mp-log]

Reads the tidy CSVs written by nnr-evaluate:
    RUN_DIR/results/consistency.csv  encoder,metric,space,distance_audio,distance_latent,aggregation,
                                     transform,magnitude,setting,value,ci_low,ci_high,n
    RUN_DIR/results/performance.csv  task,encoder,metric,transform,magnitude,setting,value,ci_low,ci_high,n
and writes into RUN_DIR/figures/ (or --out), one file per format:
    fig4_performance           task performance vs magnitude (rows = task/metric, columns = transform)
    fig6_cw_audio              audio-space C^W vs magnitude, one curve per audio distance
    fig7_cw_latent             latent C^W vs magnitude, one curve per encoder, rows = latent distance,
                               grey = audio-space C^W (weak upper bound)
    fig10_cb_<dA>_<dL>         C^B_acc (top) and C^B_rho (bottom) vs magnitude, one file per distance pair
    fig_summary_consistency    heatmaps of mean consistency per encoder x transform (+ .csv of the numbers)
Figure numbers follow Kim et al. (2019), "Are Nearby Neighbors Relatives?", sections 5.1-5.3.

Missing or empty inputs skip the figures that need them, with a one-line message on stderr; exit status is
0 when at least one figure was written, 1 on error (one line, no traceback), 2 when nothing could be drawn.
Every file is written atomically (temporary file in the same directory, then os.replace).
Needs Debian's python3-matplotlib, python3-pandas, python3-numpy (run with /usr/bin/python3).
"""

import argparse
import itertools
import os
import sys
import tempfile

PROG = "plot_results"

# Display order, labels and units of the transforms (original-code-facts.md, magnitude grids).
TRANSFORMS = ["PN", "EN", "TS", "PS", "MP"]
TRANSFORM_TITLE = {
    "PN": "Pink noise (PN)",
    "EN": "Environmental noise (EN)",
    "TS": "Tempo shift (TS)",
    "PS": "Pitch shift (PS)",
    "MP": "MP3 compression (MP)",
}
TRANSFORM_XLABEL = {
    "PN": "SNR (dB)",
    "EN": "SNR (dB)",
    "TS": "tempo ratio",
    "PS": "pitch shift (semitones)",
    "MP": "bit rate (kb/s)",
}
# Where the original sits on each axis. TS and PS: the identity (and OG is a point of the curve);
# PN, EN, MP: no identity magnitude, the paper's red line marks the setting nearest the original
# (highest SNR / bit rate), so None = "the largest magnitude present".
IDENTITY = {"TS": 1.0, "PS": 0.0}
TICKS = {"PS": [-12, -8, -4, 0, 4, 8, 12], "TS": [0.3, 0.6, 0.9, 1.2, 1.5], "PN": [-15, -5, 5, 15, 25],
         "EN": [-15, -5, 5, 15, 25]}
MP_LOG = False  # --mp-log: log2 bit-rate axis

# Fixed colours per encoder so every figure agrees; red is reserved for the original, grey for audio space.
ENCODER_COLOURS = {
    "mfcc": "#1f77b4",  # blue
    "ae": "#ff7f0e",  # orange
    "at": "#2ca02c",  # green
    "ir": "#9467bd",  # purple
    "vs": "#8c564b",  # brown
}
EXTRA_COLOURS = ["#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]
ENCODER_ORDER = ["mfcc", "ae", "at", "ir", "vs"]
TASK_ORDER = ["ae", "at", "ir", "vs"]
DISTANCE_LABEL = {"dtw": "DTW", "fastdtw": "FastDTW", "simple": "SiMPle", "euclidean": "Euclidean",
                  "cosine": "cosine"}
METRIC_LABEL = {"mse": "MSE", "auc_c": "AUC$^C$", "accuracy": "accuracy", "sdr": "SDR (dB)",
                "C_W": "$C^W$", "C_B_acc": "$C^B_{acc}$", "C_B_rho": r"$C^B_{\rho}$"}
OG_RED = "#d62728"
AUDIO_GREY = "#7f7f7f"

CONSISTENCY_COLUMNS = ["encoder", "metric", "space", "distance_audio", "distance_latent", "aggregation",
                       "transform", "magnitude", "setting", "value", "ci_low", "ci_high", "n"]
PERFORMANCE_COLUMNS = ["task", "encoder", "metric", "transform", "magnitude", "setting", "value", "ci_low",
                       "ci_high", "n"]


class PlotError(Exception):
    """A user-facing error: printed as one line, exit status 1."""


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


# ----------------------------------------------------------------------------------------------- loading
def load_csv(path, columns):
    """Returns a DataFrame, or None (with a message) when the file is missing or has no rows."""
    if not os.path.isfile(path):
        note(f"skipping figures that need {os.path.basename(path)}: file not found ({path}); "
             "run nnr-evaluate first")
        return None
    import pandas as pd
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        note(f"skipping figures that need {os.path.basename(path)}: file is empty ({path})")
        return None
    except Exception as e:  # parser errors: report one line
        raise PlotError(f"cannot parse CSV ({path}): {str(e).splitlines()[0]}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise PlotError(f"missing column(s) {','.join(missing)} ({path}); expected {','.join(columns)}")
    if df.empty:
        note(f"skipping figures that need {os.path.basename(path)}: no data rows ({path})")
        return None
    for c in ("magnitude", "value", "ci_low", "ci_high", "n"):
        df[c] = pd.to_numeric(df[c].str.strip(), errors="coerce")
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].str.strip()
    bad = df["value"].isna() | df["magnitude"].isna()
    if bad.any():
        note(f"ignoring {int(bad.sum())} row(s) with a non-numeric value or magnitude ({path})")
        df = df[~bad]
    return df if not df.empty else None


# ----------------------------------------------------------------------------------------------- styling
class Palette:
    def __init__(self, encoders):
        self.colours = dict(ENCODER_COLOURS)
        extra = itertools.cycle(EXTRA_COLOURS)  # beyond 8 extra encoders colours repeat; no 13-colour figure reads
        for e in sorted_encoders(encoders):
            if e not in self.colours:
                self.colours[e] = next(extra)

    def __call__(self, encoder):
        return self.colours.get(encoder, "#000000")


def sorted_encoders(encoders):
    encs = sorted(set(encoders))
    return [e for e in ENCODER_ORDER if e in encs] + [e for e in encs if e not in ENCODER_ORDER]


def encoder_label(e):
    return e.upper() if e in ENCODER_ORDER else e


def distance_label(d):
    return DISTANCE_LABEL.get(d, d)


def transforms_present(df):
    present = set(df["transform"])
    return [t for t in TRANSFORMS if t in present] + sorted(present - set(TRANSFORMS) - {"OG"})


def setup_matplotlib():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.size": 9, "axes.titlesize": 9.5, "axes.labelsize": 9, "xtick.labelsize": 8,
        "ytick.labelsize": 8, "legend.fontsize": 8.5, "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.color": "#e6e6e6", "grid.linewidth": 0.6, "lines.linewidth": 1.4,
        "lines.markersize": 3.2, "pdf.fonttype": 42, "ps.fonttype": 42, "savefig.bbox": "tight",
        "savefig.pad_inches": 0.03, "mathtext.default": "regular",
    })
    return plt


# ----------------------------------------------------------------------------------------------- drawing
def curve(df, transform, fold_og):
    """Sorted (x, value, lo, hi) of one curve; duplicates averaged; with fold_og, the OG row becomes the
    point at the identity magnitude for TS/PS (for performance; OG consistency is trivially 1, not drawn)."""
    import pandas as pd

    part = df[df["transform"] == transform]
    og = df[df["transform"] == "OG"]
    if fold_og and transform in IDENTITY and not og.empty:
        og = og.assign(magnitude=IDENTITY[transform])
        part = pd.concat([part, og])
    if part.empty:
        return None
    g = part.groupby("magnitude", sort=True)[["value", "ci_low", "ci_high"]].mean()
    return (g.index.to_numpy(dtype=float), g["value"].to_numpy(), g["ci_low"].to_numpy(dtype=float),
            g["ci_high"].to_numpy(dtype=float)) if len(g) else None


def draw_curve(ax, df, transform, colour, label, style="-", marker="o", band=True, zorder=3, alpha_band=0.18,
               fold_og=False):
    import numpy as np

    c = curve(df, transform, fold_og)
    if c is None:
        return None
    x, y, lo, hi = c
    (line,) = ax.plot(x, y, style, color=colour, marker=marker, label=label, zorder=zorder,
                      markeredgewidth=0)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if band and ok.any():
        ax.fill_between(x[ok], lo[ok], hi[ok], color=colour, alpha=alpha_band, linewidth=0, zorder=zorder - 1)
    return line


def og_value(df):
    og = df[df["transform"] == "OG"]
    return None if og.empty else float(og["value"].mean())


def mark_original(ax, transform, xs):
    """The paper's red vertical line at (or nearest to) the original."""
    if transform in IDENTITY:
        x = IDENTITY[transform]
    elif len(xs):
        x = max(xs)
    else:
        return
    ax.axvline(x, color=OG_RED, linewidth=1.0, alpha=0.85, zorder=2)  # above the grid (zorder 1.5)


def style_axis(ax, transform, xs):
    import numpy as np

    ax.set_xlabel(TRANSFORM_XLABEL.get(transform, "magnitude"))
    if transform == "MP" and MP_LOG:
        import matplotlib.ticker as mticker

        ax.set_xscale("log", base=2)
        ax.set_xticks([8, 16, 32, 64, 128, 320])
        ax.xaxis.set_major_formatter(mticker.ScalarFormatter())
        ax.xaxis.set_minor_locator(mticker.NullLocator())
        if len(xs):
            ax.set_xlim(min(xs) / 1.12, max(xs) * 1.12)
        return
    elif transform == "MP":
        ax.set_xticks([8, 64, 128, 192, 256, 320] if len(xs) and max(xs) > 192 else [8, 64, 128, 192])
    elif TICKS.get(transform):
        ax.set_xticks(TICKS[transform])
    if len(xs):
        lo, hi = float(np.min(xs)), float(np.max(xs))
        if transform in IDENTITY:
            lo, hi = min(lo, IDENTITY[transform]), max(hi, IDENTITY[transform])
        pad = 0.04 * (hi - lo if hi > lo else 1.0)
        ax.set_xlim(lo - pad, hi + pad)


def all_x(df, transform):
    xs = df.loc[df["transform"] == transform, "magnitude"].to_numpy(dtype=float)
    return xs


def figure_legend(fig, axes_list, ncol=None, extra=()):
    handles, labels, seen = [], [], set()
    for ax in axes_list:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l and not l.startswith("_") and l not in seen:
                seen.add(l)
                handles.append(h)
                labels.append(l)
    for h, l in extra:
        if l not in seen:
            handles.append(h)
            labels.append(l)
    if not handles:
        return None
    return fig.legend(handles, labels, loc="lower center", ncol=ncol or min(len(handles), 8), frameon=False,
                      bbox_to_anchor=(0.5, 0.0), handlelength=2.2, columnspacing=1.6)


def save(fig, out_dir, stem, formats, dpi, written):
    import matplotlib.pyplot as plt

    os.makedirs(out_dir, exist_ok=True)
    for fmt in formats:
        final = os.path.join(out_dir, f"{stem}.{fmt}")
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{fmt}.tmp", dir=out_dir)
        try:
            with os.fdopen(fd, "wb") as f:
                fig.savefig(f, format=fmt, dpi=dpi, metadata=None if fmt not in ("png", "pdf") else {})
            os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        written.append(final)
    plt.close(fig)


def grid(plt, nrows, ncols, row_h=2.05, col_w=2.15, legend_rows=1, sharey="row"):
    fig, axes = plt.subplots(nrows, ncols, figsize=(col_w * ncols + 0.5, row_h * nrows + 0.35 * legend_rows + 0.2),
                             squeeze=False, sharey=sharey)
    return fig, axes


def finish(fig, legend_rows=1):
    bottom = (0.26 * legend_rows + 0.04) / fig.get_size_inches()[1]
    fig.tight_layout(rect=(0, bottom, 1, 1), h_pad=1.0, w_pad=0.6)


# ----------------------------------------------------------------------------------------------- figures
def fig4_performance(plt, perf, palette, args, written):
    if perf is None:
        return
    transforms = transforms_present(perf)
    keys = perf[["task", "metric"]].drop_duplicates()
    rows = sorted(map(tuple, keys.to_numpy()),
                  key=lambda k: (TASK_ORDER.index(k[0]) if k[0] in TASK_ORDER else 99, k[0], k[1]))
    if not transforms or not rows:
        note("skipping fig4_performance: no transformed rows in performance.csv")
        return
    fig, axes = grid(plt, len(rows), len(transforms))
    for r, (task, metric) in enumerate(rows):
        sub = perf[(perf["task"] == task) & (perf["metric"] == metric)]
        for c, t in enumerate(transforms):
            ax = axes[r][c]
            xs = all_x(sub, t)
            for enc in sorted_encoders(sub["encoder"]):
                e = sub[sub["encoder"] == enc]
                draw_curve(ax, e, t, palette(enc), encoder_label(enc), fold_og=True)
                og = og_value(e)
                if og is not None:
                    ax.axhline(og, color=palette(enc), linestyle=":", linewidth=1.1, zorder=2)
            mark_original(ax, t, xs)
            style_axis(ax, t, xs)
            if r == 0:
                ax.set_title(TRANSFORM_TITLE.get(t, t))
            if r != len(rows) - 1:
                ax.set_xlabel("")
            if c == 0:
                ax.set_ylabel(f"{task.upper()}: {METRIC_LABEL.get(metric, metric)}")
    from matplotlib.lines import Line2D

    extra = [(Line2D([], [], color="black", linestyle=":", linewidth=1.1), "original (OG)"),
             (Line2D([], [], color=OG_RED, linewidth=0.9), "OG / nearest setting")]
    figure_legend(fig, axes.ravel(), extra=extra)
    finish(fig)
    save(fig, args.out, "fig4_performance", args.formats, args.dpi, written)


def fig6_cw_audio(plt, cons, palette, args, written):
    audio = None if cons is None else cons[(cons["metric"] == "C_W") & (cons["space"] == "audio")]
    if audio is None or audio.empty:
        note("skipping fig6_cw_audio: no audio-space C_W rows in consistency.csv")
        return
    transforms = transforms_present(audio)
    dists = sorted(set(audio["distance_audio"]))
    styles = [("-", "o"), ("--", "s"), ("-.", "^"), (":", "D")]
    colours = ["#222222", "#d08c28", "#3a7ab8", "#6a3d9a"]
    fig, axes = grid(plt, 1, len(transforms), row_h=2.3)
    for c, t in enumerate(transforms):
        ax = axes[0][c]
        xs = all_x(audio, t)
        for i, d in enumerate(dists):
            ls, mk = styles[i % len(styles)]
            draw_curve(ax, audio[audio["distance_audio"] == d], t, colours[i % len(colours)],
                       distance_label(d), style=ls, marker=mk)
        mark_original(ax, t, xs)
        style_axis(ax, t, xs)
        ax.set_title(TRANSFORM_TITLE.get(t, t))
        ax.set_ylim(-0.03, 1.03)
        if c == 0:
            ax.set_ylabel(r"$C^W$ (audio space)")
    figure_legend(fig, axes.ravel())
    finish(fig)
    save(fig, args.out, "fig6_cw_audio", args.formats, args.dpi, written)


def draw_audio_bound(ax, audio, t):
    """Grey audio-space C^W curves (one line style per audio distance): the weak upper bound of Figure 7."""
    styles = ["-", "--", "-.", ":"]
    for i, d in enumerate(sorted(set(audio["distance_audio"]))):
        draw_curve(ax, audio[audio["distance_audio"] == d], t, AUDIO_GREY,
                   f"audio space, {distance_label(d)}", style=styles[i % 4], marker="", band=False, zorder=2)


def fig7_cw_latent(plt, cons, palette, args, written):
    latent = None if cons is None else cons[(cons["metric"] == "C_W") & (cons["space"] == "latent")]
    if latent is None or latent.empty:
        note("skipping fig7_cw_latent: no latent-space C_W rows in consistency.csv")
        return
    audio = cons[(cons["metric"] == "C_W") & (cons["space"] == "audio")]
    transforms = transforms_present(latent)
    dists = sorted(set(latent["distance_latent"]))
    fig, axes = grid(plt, len(dists), len(transforms), row_h=2.2)
    for r, dl in enumerate(dists):
        sub = latent[latent["distance_latent"] == dl]
        for c, t in enumerate(transforms):
            ax = axes[r][c]
            xs = all_x(sub, t)
            draw_audio_bound(ax, audio, t)
            for enc in sorted_encoders(sub["encoder"]):
                draw_curve(ax, sub[sub["encoder"] == enc], t, palette(enc), encoder_label(enc))
            mark_original(ax, t, xs)
            style_axis(ax, t, xs)
            ax.set_ylim(-0.03, 1.03)
            if r == 0:
                ax.set_title(TRANSFORM_TITLE.get(t, t))
            if r != len(dists) - 1:
                ax.set_xlabel("")
            if c == 0:
                ax.set_ylabel(f"$C^W$ (latent, {distance_label(dl)})")
    figure_legend(fig, axes.ravel())
    finish(fig)
    save(fig, args.out, "fig7_cw_latent", args.formats, args.dpi, written)


def fig10_between(plt, cons, palette, args, written):
    import pandas as pd

    if cons is None:
        note("skipping fig10_cb: consistency.csv unavailable")
        return
    acc = cons[(cons["metric"] == "C_B_acc")]
    rho = cons[(cons["metric"] == "C_B_rho") & (cons["aggregation"] == args.rho)]
    if rho.empty and not cons[cons["metric"] == "C_B_rho"].empty:
        aggs = ",".join(sorted(set(cons.loc[cons["metric"] == "C_B_rho", "aggregation"])))
        note(f"fig10_cb: no C_B_rho rows with aggregation={args.rho} (present: {aggs}); choose with --rho")
    if acc.empty and rho.empty:
        note(f"skipping fig10_cb: no C_B_acc or C_B_rho ({args.rho}) rows in consistency.csv")
        return
    both = pd.concat([acc, rho])
    pairs = sorted(set(map(tuple, both[["distance_audio", "distance_latent"]].to_numpy())))
    for da, dl in pairs:
        rows = [("C_B_acc", acc), ("C_B_rho", rho)]
        rows = [(m, d[(d["distance_audio"] == da) & (d["distance_latent"] == dl)]) for m, d in rows]
        rows = [(m, d) for m, d in rows if not d.empty]
        transforms = transforms_present(both[(both["distance_audio"] == da) & (both["distance_latent"] == dl)])
        fig, axes = grid(plt, len(rows), len(transforms), row_h=2.2)
        for r, (metric, sub) in enumerate(rows):
            for c, t in enumerate(transforms):
                ax = axes[r][c]
                xs = all_x(sub, t)
                for enc in sorted_encoders(sub["encoder"]):
                    draw_curve(ax, sub[sub["encoder"] == enc], t, palette(enc), encoder_label(enc))
                mark_original(ax, t, xs)
                style_axis(ax, t, xs)
                if metric == "C_B_acc":
                    ax.set_ylim(-0.03, 1.03)
                if r == 0:
                    ax.set_title(TRANSFORM_TITLE.get(t, t))
                if r != len(rows) - 1:
                    ax.set_xlabel("")
                if c == 0:
                    lab = METRIC_LABEL[metric] + (f" ({args.rho.replace('_', '-')})" if metric == "C_B_rho" else "")
                    ax.set_ylabel(lab)
        fig.suptitle(f"Between-space consistency: audio {distance_label(da)} vs latent {distance_label(dl)}",
                     fontsize=10, y=0.995)
        figure_legend(fig, axes.ravel())
        finish(fig)
        save(fig, args.out, f"fig10_cb_{safe(da)}_{safe(dl)}", args.formats, args.dpi, written)


def safe(name):
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name) or "none"


def fig_summary(plt, cons, palette, args, written):
    """Heatmaps: mean consistency over magnitudes (OG excluded) per encoder x transform."""
    import numpy as np
    import pandas as pd

    if cons is None:
        return
    panels = [
        ("C_W", cons[(cons["metric"] == "C_W") & (cons["space"] == "latent")], r"$C^W$ (latent)"),
        ("C_B_acc", cons[cons["metric"] == "C_B_acc"], r"$C^B_{acc}$"),
        ("C_B_rho", cons[(cons["metric"] == "C_B_rho") & (cons["aggregation"] == args.rho)],
         r"$C^B_{\rho}$" + f" ({args.rho.replace('_', '-')})"),
    ]
    panels = [(m, d[d["transform"] != "OG"], title) for m, d, title in panels if not d[d["transform"] != "OG"].empty]
    if not panels:
        note("skipping fig_summary_consistency: no latent or between-space rows in consistency.csv")
        return
    tables = []
    for metric, d, _ in panels:
        # mean over magnitudes within each distance setting, then over distance settings
        t = (d.groupby(["encoder", "transform", "distance_audio", "distance_latent"])["value"].mean()
             .groupby(["encoder", "transform"]).mean().unstack("transform"))
        t = t.reindex(index=sorted_encoders(t.index), columns=[c for c in transforms_present(d)])
        tables.append(t)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels) + 0.6,
                                                       0.42 * max(len(t) for t in tables) + 1.5),
                             squeeze=False)
    import matplotlib.colors as mcolors

    rows_csv = []
    for ax, (metric, d, title), t in zip(axes[0], panels, tables):
        vals = t.to_numpy(dtype=float)
        lo = -1.0 if metric == "C_B_rho" and np.nanmin(vals) < 0 else 0.0
        norm = mcolors.Normalize(vmin=lo, vmax=1.0)
        im = ax.imshow(vals, cmap="viridis", norm=norm, aspect="auto")
        ax.set_xticks(range(t.shape[1]), t.columns)
        ax.set_yticks(range(t.shape[0]), [encoder_label(e) for e in t.index])
        ax.grid(False)
        for s in ax.spines.values():
            s.set_visible(False)
        ax.tick_params(length=0)
        for i in range(t.shape[0]):
            for j in range(t.shape[1]):
                v = vals[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7.5,
                            color="white" if norm(v) < 0.55 else "black")
        ax.set_title(title + "\nmean over magnitudes and distances", fontsize=9)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
        for enc in t.index:
            for tr in t.columns:
                rows_csv.append((metric, enc, tr, t.loc[enc, tr]))
    fig.tight_layout(w_pad=1.2)
    save(fig, args.out, "fig_summary_consistency", args.formats, args.dpi, written)
    csv_path = os.path.join(args.out, "summary_consistency.csv")
    table = pd.DataFrame(rows_csv, columns=["metric", "encoder", "transform", "mean_value"])
    fd, tmp = tempfile.mkstemp(prefix=".summary_consistency.", suffix=".csv.tmp", dir=args.out)
    with os.fdopen(fd, "w") as f:
        table.to_csv(f, index=False, float_format="%.6g")
    os.replace(tmp, csv_path)
    written.append(csv_path)


# ----------------------------------------------------------------------------------------------- main
def parse_args(argv):
    p = argparse.ArgumentParser(prog="plot_results.py", description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", metavar="RUN_DIR", help="nnr run directory (reads RUN_DIR/results/*.csv)")
    p.add_argument("--out", help="output directory (default RUN_DIR/figures)")
    p.add_argument("--formats", default="png,pdf", help="comma-separated: png,pdf,svg (default png,pdf)")
    p.add_argument("--rho", choices=["per_clip", "pooled"], default="per_clip",
                   help="C^B_rho aggregation to draw (default per_clip, the paper's eq. 11)")
    p.add_argument("--dpi", type=int, default=200, help="raster resolution (default 200)")
    p.add_argument("--mp-log", action="store_true", help="log2 bit-rate axis for MP (default linear)")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks")
    args = p.parse_args(argv)
    args.formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in args.formats if f not in ("png", "pdf", "svg")]
    if bad or not args.formats:
        p.error(f"--formats: unsupported {','.join(bad) or '(none)'}; valid: png,pdf,svg")
    if not os.path.isdir(args.run_dir):
        p.error(f"run directory not found (RUN_DIR={args.run_dir})")
    args.out = args.out or os.path.join(args.run_dir, "figures")
    return args


def load_families(res):
    """Labels from nnr's family tables (results/families.json, written by nnr-evaluate). The constants above
    are the fallback for results written before it existed; a new family member gets its labels from here."""
    import json

    path = os.path.join(res, "families.json")
    if not os.path.isfile(path):
        return
    try:
        with open(path) as f:
            fam = json.load(f)
    except (OSError, ValueError) as e:
        note(f"ignoring unreadable {path} ({e}); using built-in labels")
        return
    for t in fam.get("transforms", []):
        code = t["code"]
        if code not in TRANSFORMS:
            TRANSFORMS.append(code)
        TRANSFORM_TITLE[code] = t.get("label", code)
        TRANSFORM_XLABEL[code] = t.get("axis", "magnitude")
        if t.get("identity") is not None:
            IDENTITY[code] = float(t["identity"])
        if t.get("ticks"):
            TICKS[code] = t["ticks"]
    for m in fam.get("metrics", []):
        METRIC_LABEL[m["name"]] = m.get("label", m["name"])
    for t in fam.get("tasks", []):
        METRIC_LABEL[t["metric"]] = t.get("metric_label", t["metric"])
        if t["name"] not in TASK_ORDER:
            TASK_ORDER.append(t["name"])
    for d in fam.get("distances", []):
        DISTANCE_LABEL[d["name"]] = d.get("label", d["name"])


def run(args):
    global MP_LOG
    MP_LOG = args.mp_log
    res = os.path.join(args.run_dir, "results")
    load_families(res)
    cons = load_csv(os.path.join(res, "consistency.csv"), CONSISTENCY_COLUMNS)
    perf = load_csv(os.path.join(res, "performance.csv"), PERFORMANCE_COLUMNS)
    if cons is None and perf is None:
        note(f"nothing to plot: no usable results/consistency.csv or results/performance.csv in {args.run_dir}")
        return 2
    plt = setup_matplotlib()  # after the inputs are checked: importing matplotlib costs ~1 s
    encoders = list(cons["encoder"]) if cons is not None else []
    encoders += list(perf["encoder"]) if perf is not None else []
    palette = Palette([e for e in encoders if e != "audio"])
    written = []
    fig4_performance(plt, perf, palette, args, written)
    fig6_cw_audio(plt, cons, palette, args, written)
    fig7_cw_latent(plt, cons, palette, args, written)
    fig10_between(plt, cons, palette, args, written)
    fig_summary(plt, cons, palette, args, written)
    for w in written:
        print(w)
    if not written:
        note("no figure written (see the messages above)")
        return 2
    return 0


def figure_script_main(prog, doc, run, argv, note, add_arguments=None,
                       modules="python3-matplotlib python3-pandas"):
    """The command line of the report's figure scripts (scripts/report/figures.py, neighbourhood.py): RUN_DIR,
    --out, --formats, --dpi, --debug (plus what add_arguments(parser) adds), then run(args) with one-line
    errors: 1 on error, run's own status otherwise."""
    p = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[0])
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--out", help="output directory (default RUN_DIR/figures)")
    p.add_argument("--formats", default="png,pdf")
    p.add_argument("--dpi", type=int, default=200)
    if add_arguments:
        add_arguments(p)
    p.add_argument("--debug", action="store_true")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not os.path.isdir(args.run_dir):
        p.error(f"run directory not found (RUN_DIR={args.run_dir})")
    args.out = args.out or os.path.join(args.run_dir, "figures")
    try:
        return run(args)
    except PlotError as e:
        note(str(e))
        return 1
    except ImportError as e:
        note(f"missing Python module ({e.name}); install {modules} (scripts/setup.sh) and run with /usr/bin/python3")
        return 1
    except Exception as e:  # noqa: BLE001
        if args.debug:
            raise
        note(f"failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''} (rerun with --debug)")
        return 1


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args)
    except PlotError as e:
        note(str(e))
        return 1
    except ImportError as e:
        note(f"missing Python module ({e.name}); install python3-matplotlib python3-pandas python3-numpy "
             "and run with /usr/bin/python3")
        return 1
    except Exception as e:  # never a traceback for the user, unless --debug
        if args.debug:
            raise
        msg = str(e).splitlines()[0] if str(e) else ""
        note(f"failed: {type(e).__name__}: {msg} (rerun with --debug for the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
