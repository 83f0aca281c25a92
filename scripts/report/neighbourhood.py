#!/usr/bin/env python3
"""Beyond the paper's metrics: graded neighbourhood measures, breakdown magnitudes and paired comparisons.

  /usr/bin/python3 scripts/report/neighbourhood.py RUN_DIR [--out DIR] [--formats png,pdf] [--dpi 200]

Reads what nnr-evaluate writes beside consistency.csv:
  RUN_DIR/results/breakdown.csv  the magnitude where C^W / recall@k fall below each threshold, per encoder,
                                 transform and direction, with a bootstrap interval and a status
  RUN_DIR/results/paired.csv     encoder A - encoder B per metric and transform ("all" = every transformed
                                 setting), paired bootstrap interval, permutation p and Holm's p
and RUN_DIR/results/consistency.csv, and writes into RUN_DIR/figures/:
  fig_graded_latent     MRR, recall@5, recall@10 and the normalised margin (latent space), trustworthiness and
                        continuity (between spaces) vs magnitude, one curve per encoder
  fig_breakdown         breakdown magnitudes per encoder, one panel per transform and direction; open markers
                        at the grid's end: the threshold is not reached on the grid
  fig_paired            matrices of encoder A (rows) - encoder B (columns) over every transformed setting, per
                        measure; * p_holm < 0.05, ** < 0.01, *** < 0.001
The same numbers, as text, come from breakdown_table(), breakdown_cell() and paired_matrix() (used by
nnr-report and the demo's closing table). A figure the run cannot support is skipped with one line on stderr.
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import plot_results as pr  # noqa: E402  (shared styling, palette, atomic saving)

PROG = "neighbourhood"
GRADED_WITHIN = ["MRR", "recall_at_5", "recall_at_10", "margin"]
GRADED_BETWEEN = ["trustworthiness", "continuity"]
PAIRED_MEASURES = ["C_W", "MRR", "recall_at_5", "margin", "C_B_rho", "trustworthiness"]
HIGHER_IS_BETTER = {"own_rank": False}


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def read(path):
    import pandas as pd

    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return None
    d = pd.read_csv(path, na_values=["nan"], keep_default_na=True)
    for c in ("distance_audio", "distance_latent"):
        if c in d.columns:
            d[c] = d[c].fillna("").astype(str)
    return d


def first_latent_distance(df):
    """The latent distance shown by default: the first in the file (the tables are sorted by cell, so the
    alphabetically first: cosine before euclidean)."""
    vals = [v for v in df["distance_latent"] if v]
    return vals[0] if vals else ""


def first_audio_distance(df):
    vals = [v for v in df["distance_audio"] if v]
    return vals[0] if vals else ""


# ------------------------------------------------------------------------------------------------ text
def fmt_magnitude(v, transform, direction):
    ident = pr.IDENTITY.get(transform)
    s = f"{v:.3g}"
    if ident == 0.0 and direction == "up" and v > 0:
        s = "+" + s
    return s


def breakdown_cell(r):
    """One breakdown as text: '+1.6 [+1.2, +2.1]', '5 [< -10, 15]' (the interval runs past the grid), 'not reached
    (beyond 12)', 'at or before 30 (the grid's first point)'. ci_low <= ci_high; NaN = beyond the last point."""
    t, d = r["transform"], r["direction"]
    last = fmt_magnitude(r["grid_last"], t, d)
    if r["status"] == "not_reached":
        return f"not reached (beyond {last})"
    if r["status"] == "before_grid":
        return f"at or before {fmt_magnitude(r['grid_first'], t, d)}"
    lo = f"< {last}" if math.isnan(r["ci_low"]) else fmt_magnitude(r["ci_low"], t, d)
    hi = f"> {last}" if math.isnan(r["ci_high"]) else fmt_magnitude(r["ci_high"], t, d)
    return f"{fmt_magnitude(r['magnitude'], t, d)} [{lo}, {hi}]"


def latent_breakdown(bd, metric="C_W", distance=None):
    part = bd[(bd["space"] == "latent") & (bd["metric"] == metric)]
    if not distance and not part.empty:
        distance = first_latent_distance(part)
    return part[part["distance_latent"] == distance] if distance else part


def breakdown_table(bd, metrics=("C_W", "recall_at_5"), distance=None):
    """Rows encoder x transform x direction, columns metric < threshold: the report's breakdown table. The
    audio space (first audio distance) comes first in each transform as the reference."""
    import pandas as pd

    rows = []
    lat = bd[bd["space"] == "latent"]
    distance = distance or first_latent_distance(lat)
    lat = lat[lat["distance_latent"] == distance]
    aud = bd[bd["space"] == "audio"]
    da = first_audio_distance(aud) if not aud.empty else ""
    aud = aud[aud["distance_audio"] == da]
    both = pd.concat([aud, lat])
    thresholds = sorted(set(both["threshold"]), reverse=True)
    for t in pr.transforms_present(both):
        for enc in ["audio"] + pr.sorted_encoders(e for e in lat["encoder"] if e != "audio"):
            for d in ("down", "up"):
                src = aud if enc == "audio" else lat
                sel = src[(src["transform"] == t) & (src["encoder"] == enc) & (src["direction"] == d)]
                if sel.empty:
                    continue
                name = f"audio space ({pr.distance_label(da)})" if enc == "audio" else pr.encoder_label(enc)
                row = {"encoder": name, "transform": t, "direction": d, "axis": pr.TRANSFORM_XLABEL.get(t, "")}
                for m in metrics:
                    for th in thresholds:
                        x = sel[(sel["metric"] == m) & (sel["threshold"] == th)]
                        row[f"{m} < {th:g}"] = breakdown_cell(x.iloc[0]) if not x.empty else ""
                rows.append(row)
    return pd.DataFrame(rows), distance


def paired_matrix(pr_df, metric, space, da, dl, transform="all"):
    """(encoders, cells): cells[a][b] = (difference a - b, p_holm) for every ordered pair present."""
    sel = pr_df[(pr_df["metric"] == metric) & (pr_df["space"] == space) & (pr_df["distance_audio"] == da) &
                (pr_df["distance_latent"] == dl) & (pr_df["transform"] == transform)]
    encs = pr.sorted_encoders(list(sel["encoder_a"]) + list(sel["encoder_b"]))
    cells = {a: {} for a in encs}
    for _, r in sel.iterrows():
        cells[r["encoder_a"]][r["encoder_b"]] = (r["difference"], r["p_holm"], r["ci_low"], r["ci_high"])
        cells[r["encoder_b"]][r["encoder_a"]] = (-r["difference"], r["p_holm"], -r["ci_high"], -r["ci_low"])
    return encs, cells


def stars(p):
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def paired_cell_of(space, df):
    """The default (distance_audio, distance_latent) of a space in paired.csv."""
    part = df[df["space"] == space]
    if part.empty:
        return None
    return part.iloc[0]["distance_audio"], part.iloc[0]["distance_latent"]


# --------------------------------------------------------------------------------------------- figures
def fig_graded(plt, cons, palette, args, written):
    if cons is None:
        return
    dl = first_latent_distance(cons[cons["space"] == "latent"])
    da = first_audio_distance(cons[cons["space"] == "between"])
    rows = [(m, "latent") for m in GRADED_WITHIN if (cons["metric"] == m).any()] + \
           [(m, "between") for m in GRADED_BETWEEN if (cons["metric"] == m).any()]
    if not rows:
        note("skipping fig_graded_latent: consistency.csv has no graded measures (results from before nnr 0.12?)")
        return
    latent = cons[(cons["space"].isin(["latent", "between"])) & (cons["distance_latent"] == dl)]
    latent = latent[(latent["space"] == "latent") | (latent["distance_audio"] == da)]
    transforms = pr.transforms_present(latent)
    fig, axes = pr.grid(plt, len(rows), len(transforms), row_h=1.75, col_w=2.1)
    for i, (m, space) in enumerate(rows):
        part = latent[(latent["metric"] == m) & (latent["space"] == space)]
        for j, t in enumerate(transforms):
            ax = axes[i][j]
            for enc in pr.sorted_encoders(part["encoder"]):
                pr.draw_curve(ax, part[part["encoder"] == enc], t, palette(enc), pr.encoder_label(enc))
            pr.style_axis(ax, t, pr.all_x(latent, t))
            pr.mark_original(ax, t, pr.all_x(latent, t))
            if i == 0:
                ax.set_title(pr.TRANSFORM_TITLE.get(t, t))
            if i != len(rows) - 1:
                ax.set_xlabel("")
            if j == 0:
                ax.set_ylabel(pr.METRIC_LABEL.get(m, m) + ("" if space == "latent" else f"\n({pr.distance_label(da)})"))
    fig.suptitle(f"Graded neighbourhood measures, latent distance {pr.distance_label(dl)}", y=1.0, fontsize=10)
    pr.figure_legend(fig, [a for r in axes for a in r])
    pr.finish(fig)
    pr.save(fig, args.out, "fig_graded_latent", args.formats, args.dpi, written)


def fig_breakdown(plt, bd, palette, args, written, metric="C_W"):
    if bd is None or bd.empty:
        note("skipping fig_breakdown: results/breakdown.csv is missing or empty")
        return
    part = latent_breakdown(bd, metric)
    if part.empty:
        note(f"skipping fig_breakdown: breakdown.csv has no latent-space {metric} rows")
        return
    panels = [(t, d) for t in pr.transforms_present(part) for d in ("down", "up")
              if ((part["transform"] == t) & (part["direction"] == d)).any()]
    thresholds = sorted(set(part["threshold"]), reverse=True)
    encs = pr.sorted_encoders(part["encoder"])
    ncols = min(4, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols + 0.4, 0.28 * len(encs) * len(thresholds) * nrows + 1.1 * nrows + 0.5),
                             squeeze=False)
    markers = ["o", "s", "^", "D"]
    for k, (t, d) in enumerate(panels):
        ax = axes[k // ncols][k % ncols]
        sel = part[(part["transform"] == t) & (part["direction"] == d)]
        first, last = float(sel["grid_first"].iloc[0]), float(sel["grid_last"].iloc[0])
        ident = pr.IDENTITY.get(t)
        ys, labels = [], []
        for ei, enc in enumerate(encs):
            for ti, th in enumerate(thresholds):
                y = ei * (len(thresholds) + 0.6) + ti
                r = sel[(sel["encoder"] == enc) & (sel["threshold"] == th)]
                ys.append(y)
                labels.append(f"{pr.encoder_label(enc)} <{th:g}")
                if r.empty:
                    continue
                r = r.iloc[0]
                c = palette(enc)
                if r["status"] == "reached":
                    lo = r["ci_low"] if not math.isnan(r["ci_low"]) else last  # NaN: past the grid's end
                    hi = r["ci_high"] if not math.isnan(r["ci_high"]) else last
                    ax.plot([lo, hi], [y, y], color=c, linewidth=1.6, solid_capstyle="butt")
                    if math.isnan(r["ci_low"]) or math.isnan(r["ci_high"]):  # the interval runs past the grid
                        ax.plot([last], [y], marker=">" if d == "up" else "<", color=c, markersize=4)
                    ax.plot([r["magnitude"]], [y], marker=markers[ti % 4], color=c, markersize=4.5)
                elif r["status"] == "not_reached":
                    ax.plot([last], [y], marker=">", color=c, markersize=5, markerfacecolor="white")
                else:
                    ax.plot([first], [y], marker="<", color=c, markersize=5, markerfacecolor="white")
        ax.set_yticks(ys)
        ax.set_yticklabels(labels, fontsize=6.5)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        xs = [first, last] + ([ident] if ident is not None else [])
        pad = 0.05 * (max(xs) - min(xs) or 1.0)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        if ident is not None:
            ax.axvline(ident, color=pr.OG_RED, linewidth=1.0, alpha=0.85)
        if d == "down":  # the original on the left, stronger to the right, in both directions
            ax.invert_xaxis()
        ax.set_title(f"{pr.TRANSFORM_TITLE.get(t, t)}, {d}", fontsize=8.5)
        ax.set_xlabel(pr.TRANSFORM_XLABEL.get(t, "magnitude"), fontsize=8)
    for k in range(len(panels), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    dl = part["distance_latent"].iloc[0]
    fig.suptitle(f"Breakdown magnitude: where latent {pr.METRIC_LABEL.get(metric, metric)} ({pr.distance_label(dl)}) "
                 "falls below each threshold\nbars: 95 % bootstrap interval; open markers: not reached on the grid "
                 "(>) or already below at its first point (<); the original on the left", fontsize=8.5, y=1.0)
    fig.tight_layout()
    pr.save(fig, args.out, "fig_breakdown", args.formats, args.dpi, written)


def fig_paired(plt, pd_df, args, written):
    import numpy as np

    if pd_df is None or pd_df.empty:
        note("skipping fig_paired: results/paired.csv is missing or empty")
        return
    panels = []
    for m in PAIRED_MEASURES:
        for space in ("latent", "between"):
            cell = paired_cell_of(space, pd_df[pd_df["metric"] == m])
            if cell:
                panels.append((m, space) + cell)
    if not panels:
        note("skipping fig_paired: no comparisons in paired.csv")
        return
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 3.0 * nrows), squeeze=False)
    for k, (m, space, da, dl) in enumerate(panels):
        ax = axes[k // ncols][k % ncols]
        encs, cells = paired_matrix(pd_df, m, space, da, dl)
        n = len(encs)
        z = np.full((n, n), np.nan)
        for i, a in enumerate(encs):
            for j, b in enumerate(encs):
                if b in cells[a]:
                    z[i, j] = cells[a][b][0]
        sign = 1.0 if HIGHER_IS_BETTER.get(m, True) else -1.0
        lim = np.nanmax(np.abs(z)) if np.isfinite(z).any() else 1.0
        ax.imshow(sign * z, cmap="RdBu", vmin=-lim, vmax=lim)
        for i, a in enumerate(encs):
            for j, b in enumerate(encs):
                if b in cells[a]:
                    d, p = cells[a][b][0], cells[a][b][1]
                    ax.text(j, i, f"{d:+.2f}\n{stars(p)}", ha="center", va="center", fontsize=6.5)
        labels = [pr.encoder_label(e) for e in encs]
        ax.set_xticks(range(n))
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_yticks(range(n))
        ax.set_yticklabels(labels, fontsize=7)
        ax.grid(False)
        where = pr.distance_label(dl) if space == "latent" else f"{pr.distance_label(da)} x {pr.distance_label(dl)}"
        ax.set_title(f"{pr.METRIC_LABEL.get(m, m)} ({where})", fontsize=8.5)
    for k in range(len(panels), nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    fig.suptitle("Paired differences, row encoder - column encoder, over every transformed setting "
                 "(blue: row better; * Holm p < 0.05)", fontsize=9, y=1.0)
    fig.tight_layout()
    pr.save(fig, args.out, "fig_paired", args.formats, args.dpi, written)


def run(args):
    res = os.path.join(args.run_dir, "results")
    pr.load_families(res)
    fam_path = os.path.join(res, "families.json")
    if os.path.isfile(fam_path):
        import json

        with open(fam_path) as f:
            for m in json.load(f).get("metrics", []):
                HIGHER_IS_BETTER[m["name"]] = bool(m.get("higher_is_better", True))
    cons = pr.load_csv(os.path.join(res, "consistency.csv"), pr.CONSISTENCY_COLUMNS)
    if cons is not None:
        cons = cons.copy()
        for c in ("distance_audio", "distance_latent"):
            cons[c] = cons[c].fillna("").astype(str)
    bd = read(os.path.join(res, "breakdown.csv"))
    pdf = read(os.path.join(res, "paired.csv"))
    plt = pr.setup_matplotlib()
    palette = pr.Palette([e for e in (list(cons["encoder"]) if cons is not None else []) if e != "audio"])
    written = []
    fig_graded(plt, cons, palette, args, written)
    fig_breakdown(plt, bd, palette, args, written)
    fig_paired(plt, pdf, args, written)
    for w in written:
        print(w)
    return 0 if written else 2


def main(argv=None):
    return pr.figure_script_main("neighbourhood.py", __doc__, run, argv, note)


if __name__ == "__main__":
    sys.exit(main())
