#!/usr/bin/env python3
"""The paper's analysis figures (Kim et al. 2019): Figures 5, 8, 9, 11, 12, 13 and 14.

  /usr/bin/python3 scripts/report/figures.py RUN_DIR [--out DIR] [--formats png,pdf] [--dpi 200] [--seed S]

Reads RUN_DIR/results/analysis/emmeans.csv (scripts/report/analysis.R), RUN_DIR/results/{performance,
consistency}.csv, RUN_DIR/manifest.csv and RUN_DIR/embeddings/*.npy, and writes RUN_DIR/figures/:
  fig5_performance_emm      EMMs of standardised performance by encoder (MFCC, VGG-like) and task, 95 % CI
  fig8_cw_latent_emm        EMMs of latent C^W by encoder, one panel per latent distance
  fig9_tsne                 t-SNE of the originals (black) and their smallest transformations, per encoder
  fig11_between_emm         EMMs of C^B_acc (top rows) and C^B_rho (bottom rows) per audio x latent distance
  fig12_smallest            performance, C^W, C^B_acc, C^B_rho on the smallest transformations (rows)
  fig13_cb_rho_original     C^B_rho on the originals only, per audio x latent distance pair
  fig14_tsne_vs             t-SNE of the VS embeddings, coloured by vocal-stem level and by source track
A figure the run cannot support is skipped with one line on stderr saying why. Every file is written to a
temporary name and renamed. The paths written are printed on stdout.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import plot_results as pr  # noqa: E402  (shared styling, palette, atomic saving)

PROG = "figures"


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


# ------------------------------------------------------------------------------------------ smallest settings
def smallest_settings(magnitudes_by_transform):
    """The paper's footnote 5 from the run's grid: per transformation the magnitude(s) nearest the original —
    PS and TS one per direction (e.g. -25/+25 cents, 0.98/1.02), PN/EN the highest SNR, MP the highest bit rate,
    any other transformation the magnitude nearest its identity (or the largest)."""
    out = {}
    for t, mags in magnitudes_by_transform.items():
        mags = sorted(set(float(m) for m in mags))
        if not mags:
            continue
        if t in pr.IDENTITY:
            ident = pr.IDENTITY[t]
            below = [m for m in mags if m < ident]
            above = [m for m in mags if m > ident]
            picks = []
            if below:
                picks.append((max(below), "−"))
            if above:
                picks.append((min(above), "+"))
            out[t] = picks
        else:
            out[t] = [(max(mags), "")]
    return out


def direction_label(t, sign):
    return f"{t}{sign}" if sign else t


# ------------------------------------------------------------------------------------------ EMM figures
def draw_emm(ax, emm, levels, palette, title, ylabel=None):
    import numpy as np

    e = emm.set_index("level").reindex(levels)
    x = np.arange(len(levels))
    drawn = 0
    for i, lev in enumerate(levels):
        if lev not in emm["level"].values:
            continue
        r = e.loc[lev]
        drawn += 1
        ax.errorbar([i], [r["emmean"]], yerr=[[r["emmean"] - r["lower"]], [r["upper"] - r["emmean"]]], fmt="o",
                    color=palette(lev), capsize=3, markersize=5, linewidth=1.4)
    ax.set_xticks(x)
    ax.set_xticklabels(levels)
    ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    return drawn


def save_unless_empty(plt, fig, drawn, stem, args, written):
    """An EMM figure with no point drawn is a bug upstream (a column read wrongly), never a figure."""
    if drawn == 0:
        plt.close(fig)
        note(f"skipping {stem}: results/analysis/emmeans.csv has no marginal means for it")
        return
    fig.tight_layout()
    pr.save(fig, args.out, stem, args.formats, args.dpi, written)


class EncoderPalette:
    """Encoder labels (MFCC, AE, ...; VGG-like) onto the plot_results colours."""

    def __init__(self, base):
        self.base = base

    def __call__(self, label):
        if label == "VGG-like":
            return "#8c564b"  # the paper's brown
        return self.base(label.lower())


def order_levels(levels):
    pref = ["MFCC", "AE", "AT", "IR", "VS", "VGG-like"]
    return [l for l in pref if l in levels] + sorted(l for l in levels if l not in pref)


def fig5(plt, emm, palette, args, written):
    e = emm[(emm["model"] == "performance") & (emm["by"] != "")]
    if e.empty:
        note("skipping fig5_performance_emm: no performance model (needs the MFCC task models, nnr-train --input mfcc)")
        return
    tasks = [t for t in ["AE", "AT", "IR", "VS"] if t in set(e["by"])] + sorted(set(e["by"]) - {"AE", "AT", "IR", "VS"})
    fig, axes = plt.subplots(1, len(tasks), figsize=(1.7 * len(tasks) + 0.6, 2.4), squeeze=False, sharey=True)
    drawn = 0
    for i, t in enumerate(tasks):
        sub = e[e["by"] == t]
        drawn += draw_emm(axes[0][i], sub, order_levels(set(sub["level"])), palette, t,
                          "standardised performance" if i == 0 else None)
    save_unless_empty(plt, fig, drawn, "fig5_performance_emm", args, written)


def fig8(plt, emm, palette, args, written):
    models = sorted(m for m in set(emm["model"]) if m.startswith("cw_"))
    if not models:
        note("skipping fig8_cw_latent_emm: no latent C^W model in results/analysis/emmeans.csv")
        return
    fig, axes = plt.subplots(1, len(models), figsize=(2.6 * len(models) + 0.5, 2.5), squeeze=False, sharey=True)
    drawn = 0
    for i, m in enumerate(models):
        sub = emm[(emm["model"] == m) & (emm["by"] == "")]
        drawn += draw_emm(axes[0][i], sub, order_levels(set(sub["level"])), palette, pr.distance_label(m[3:]),
                          "$C^W$ (latent), EMM" if i == 0 else None)
    save_unless_empty(plt, fig, drawn, "fig8_cw_latent_emm", args, written)


def fig11(plt, emm, palette, args, written):
    acc = sorted(m for m in set(emm["model"]) if m.startswith("cb_acc_"))
    rho = sorted(m for m in set(emm["model"]) if m.startswith("cb_rho_"))
    if not acc and not rho:
        note("skipping fig11_between_emm: no C^B model in results/analysis/emmeans.csv")
        return
    models = acc + rho
    ncol = 2
    nrow = (len(models) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(2.7 * ncol + 0.5, 2.1 * nrow + 0.2), squeeze=False)
    drawn = 0
    for i, m in enumerate(models):
        ax = axes[i // ncol][i % ncol]
        sub = emm[(emm["model"] == m) & (emm["by"] == "")]
        kind = "$C^B_{acc}$" if m.startswith("cb_acc_") else r"$C^B_\rho$"
        _, _, da, dl = m.split("_", 3)
        drawn += draw_emm(ax, sub, order_levels(set(sub["level"])), palette,
                          f"{kind}: {pr.distance_label(da)} × {pr.distance_label(dl)}", "EMM" if i % ncol == 0 else None)
    for j in range(len(models), nrow * ncol):
        axes[j // ncol][j % ncol].axis("off")
    save_unless_empty(plt, fig, drawn, "fig11_between_emm", args, written)


# ------------------------------------------------------------------------------------------ Figure 12 and 13
def fig12(plt, cons, perf, palette, args, written):
    """Four rows as the paper's: task performance, latent C^W, C^B_acc, C^B_rho (per clip), on the smallest
    transformations; x = encoder, one marker per transformation (PS and TS per direction), the spread over
    the distance measures and the bootstrap interval drawn as a bar."""
    import numpy as np

    frames = []
    if perf is not None:
        p = perf[~perf["encoder"].str.contains(":") & (perf["transform"] != "OG")]
        frames.append(("performance", p))
    if cons is not None:
        c = cons[cons["transform"] != "OG"]
        frames.append(("$C^W$ (latent)", c[(c["metric"] == "C_W") & (c["space"] == "latent")]))
        frames.append(("$C^B_{acc}$", c[c["metric"] == "C_B_acc"]))
        frames.append((r"$C^B_\rho$", c[(c["metric"] == "C_B_rho") & (c["aggregation"] == "per_clip")]))
    frames = [(n, f) for n, f in frames if f is not None and not f.empty]
    if not frames:
        note("skipping fig12_smallest: no transformed rows in the results")
        return
    mags = {}
    for _, f in frames:
        for t, g in f.groupby("transform"):
            mags.setdefault(t, set()).update(g["magnitude"].astype(float))
    small = smallest_settings(mags)
    keys = [(t, m, s) for t in pr.transforms_present(frames[0][1]) for (m, s) in small.get(t, [])]
    if not keys:
        note("skipping fig12_smallest: no smallest transformation found")
        return
    markers = ["o", "s", "^", "v", "D", "P", "X", "<", ">", "*"]
    # Performance: one panel per task (scales differ); consistency rows: one panel each.
    panels = []
    for name, f in frames:
        if name == "performance":
            for task in [t for t in pr.TASK_ORDER if t in set(f["task"])]:
                panels.append((f"{task.upper()}: {pr.METRIC_LABEL.get(f[f.task == task].metric.iloc[0], '')}",
                               f[f["task"] == task], "row0"))
        else:
            panels.append((name, f, name))
    rows = []
    for p in panels:
        if not rows or rows[-1][0][2] != p[2]:
            rows.append([p])
        else:
            rows[-1].append(p)
    ncol = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), ncol, figsize=(2.5 * ncol + 0.4, 2.2 * len(rows) + 0.6), squeeze=False)
    from matplotlib.lines import Line2D

    for r, row in enumerate(rows):
        for c in range(ncol):
            ax = axes[r][c]
            if c >= len(row):
                ax.axis("off")
                continue
            title, f, _ = row[c]
            encs = pr.sorted_encoders(f["encoder"])
            width = 0.8 / max(1, len(keys))
            for ei, enc in enumerate(encs):
                for ki, (t, m, s) in enumerate(keys):
                    g = f[(f["encoder"] == enc) & (f["transform"] == t) & np.isclose(f["magnitude"].astype(float), m)]
                    if g.empty:
                        continue
                    x = ei - 0.4 + width * (ki + 0.5)
                    lo = np.nanmin(g["ci_low"].to_numpy(dtype=float)) if g["ci_low"].notna().any() else np.nan
                    hi = np.nanmax(g["ci_high"].to_numpy(dtype=float)) if g["ci_high"].notna().any() else np.nan
                    vals = g["value"].to_numpy(dtype=float)
                    if np.isfinite(lo) and np.isfinite(hi):
                        ax.plot([x, x], [lo, hi], color=palette(enc), linewidth=1.0, alpha=0.5)
                    ax.scatter([x] * len(vals), vals, color=palette(enc), marker=markers[ki % len(markers)], s=14,
                               zorder=3, linewidths=0)
            ax.set_xticks(range(len(encs)))
            ax.set_xticklabels([pr.encoder_label(e) for e in encs])
            ax.set_title(title)
    handles = [Line2D([], [], color="#444444", marker=markers[i % len(markers)], linestyle="",
                      label=f"{direction_label(t, s)} ({m:g})") for i, (t, m, s) in enumerate(keys)]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 7), frameon=False)
    fig.tight_layout(rect=(0, 0.5 / fig.get_size_inches()[1], 1, 1))
    pr.save(fig, args.out, "fig12_smallest", args.formats, args.dpi, written)


def fig13(plt, cons, palette, args, written):
    if cons is None:
        note("skipping fig13_cb_rho_original: no results/consistency.csv")
        return
    og = cons[(cons["transform"] == "OG") & (cons["metric"] == "C_B_rho") & (cons["aggregation"] == "per_clip")]
    if og.empty:
        note("skipping fig13_cb_rho_original: no OG C^B_rho rows in consistency.csv")
        return
    pairs = og[["distance_audio", "distance_latent"]].drop_duplicates().sort_values(["distance_audio", "distance_latent"])
    encs = pr.sorted_encoders(og["encoder"])
    fig, axes = plt.subplots(1, len(pairs), figsize=(2.3 * len(pairs) + 0.5, 2.5), squeeze=False, sharey=True)
    for i, (da, dl) in enumerate(pairs.itertuples(index=False)):
        ax = axes[0][i]
        sub = og[(og["distance_audio"] == da) & (og["distance_latent"] == dl)]
        for k, enc in enumerate(encs):
            r = sub[sub["encoder"] == enc]
            if r.empty:
                continue
            v, lo, hi = float(r["value"].iloc[0]), float(r["ci_low"].iloc[0]), float(r["ci_high"].iloc[0])
            ax.bar([k], [v], color=palette(enc), width=0.7)
            if lo == lo and hi == hi:
                ax.errorbar([k], [v], yerr=[[v - lo], [hi - v]], color="black", capsize=2, linewidth=0.9)
        ax.set_xticks(range(len(encs)))
        ax.set_xticklabels([pr.encoder_label(e) for e in encs])
        ax.set_title(f"{pr.distance_label(da)} × {pr.distance_label(dl)}")
        if i == 0:
            ax.set_ylabel(r"$C^B_\rho$ on the originals")
    fig.tight_layout()
    pr.save(fig, args.out, "fig13_cb_rho_original", args.formats, args.dpi, written)


# ------------------------------------------------------------------------------------------ t-SNE figures
def read_wav_float(path):
    """Mono samples of a WAV file (PCM 16/24/32-bit or IEEE float, as nnr writes), without extra modules."""
    import numpy as np

    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    pos, fmt, channels, bits, samples = 12, None, 1, 16, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            fmt, channels = struct.unpack("<HH", body[:4])
            bits = struct.unpack("<H", body[14:16])[0]
            if fmt == 0xFFFE and len(body) >= 26:
                fmt = struct.unpack("<H", body[24:26])[0]
        elif cid == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    if samples is None or fmt is None:
        raise ValueError(f"{path}: no fmt/data chunk")
    if fmt == 3:
        x = np.frombuffer(samples, dtype="<f4" if bits == 32 else "<f8").astype(float)
    elif bits == 16:
        x = np.frombuffer(samples, dtype="<i2") / 32768.0
    elif bits == 32:
        x = np.frombuffer(samples, dtype="<i4") / 2147483648.0
    elif bits == 24:
        b = np.frombuffer(samples, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = np.where(v >= 1 << 23, v - (1 << 24), v) / float(1 << 23)
    else:
        raise ValueError(f"{path}: unsupported WAV format {fmt}/{bits} bit")
    return x.reshape(-1, channels).mean(axis=1)


def tsne(points, seed):
    from sklearn.manifold import TSNE

    n = len(points)
    perplexity = float(max(2, min(30, (n - 1) // 3)))
    return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed,
                learning_rate="auto").fit_transform(points)


def load_embeddings(run_dir):
    import numpy as np

    d = os.path.join(run_dir, "embeddings")
    out = {}
    if not os.path.isdir(d):
        return out
    import json

    for f in sorted(os.listdir(d)):
        if not f.endswith(".npy"):
            continue
        name = f[:-4]
        side = os.path.join(d, name + ".json")
        if os.path.isfile(side):
            try:
                with open(side) as s:
                    if json.load(s).get("consistency") is False:
                        continue  # a task head on another encoder's embedding (mfcc-<task>)
            except (OSError, ValueError):
                pass
        out[name] = np.load(os.path.join(d, f), mmap_mode="r")
    return out


def fig9(plt, run_dir, manifest, embeddings, palette, args, written):
    import numpy as np

    if manifest is None or not embeddings:
        note("skipping fig9_tsne: needs manifest.csv and embeddings/*.npy (run nnr-transform and nnr-encode)")
        return
    ok = manifest[manifest["status"] == "ok"]
    mags = {t: set(g["magnitude"].astype(float)) for t, g in ok.groupby("transform") if t != "OG"}
    if not mags:
        note("skipping fig9_tsne: the manifest has no transformed clips")
        return
    small = smallest_settings(mags)
    origin = ok[ok["transform"] == "OG"]
    groups = [("original", origin.index.to_numpy())]
    for t in pr.transforms_present(ok):
        for m, s in small.get(t, []):
            rows = ok[(ok["transform"] == t) & np.isclose(ok["magnitude"].astype(float), m)].index.to_numpy()
            groups.append((f"{direction_label(t, s)} ({m:g})", rows))
    encs = pr.sorted_encoders(list(embeddings))
    colours = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#fabebe",
               "#008080"]
    fig, axes = plt.subplots(1, len(encs), figsize=(2.6 * len(encs) + 0.3, 2.9), squeeze=False)
    for i, enc in enumerate(encs):
        E = np.asarray(embeddings[enc], dtype=float)
        rows = np.concatenate([g for _, g in groups])
        X = E[rows]
        keep = np.isfinite(X).all(axis=1)
        Y = np.full((len(rows), 2), np.nan)
        Y[keep] = tsne(X[keep], args.seed)
        ax = axes[0][i]
        start = 0
        for gi, (label, g) in enumerate(groups):
            part = Y[start:start + len(g)]
            start += len(g)
            if gi == 0:
                ax.scatter(part[:, 0], part[:, 1], s=7, color="black", label=label, zorder=3, linewidths=0)
            else:
                ax.scatter(part[:, 0], part[:, 1], s=5, color=colours[(gi - 1) % len(colours)], alpha=0.6,
                           label=label, linewidths=0)
        ax.set_title(pr.encoder_label(enc))
        ax.set_xticks([])
        ax.set_yticks([])
    pr.figure_legend(fig, [axes[0][0]], ncol=min(len(groups), 6))
    fig.tight_layout(rect=(0, 0.55 / fig.get_size_inches()[1], 1, 1))
    pr.save(fig, args.out, "fig9_tsne", args.formats, args.dpi, written)


def fig14(plt, run_dir, manifest, embeddings, args, written):
    import numpy as np

    if "vs" not in embeddings or manifest is None:
        note("skipping fig14_tsne_vs: needs embeddings/vs.npy (nnr-encode --encoder vs) and manifest.csv")
        return
    og = manifest[(manifest["transform"] == "OG") & (manifest["status"] == "ok")]
    if "vocals_path" not in og.columns or og["vocals_path"].isna().all():
        note("skipping fig14_tsne_vs: the originals have no vocal stems (manifest vocals_path is empty)")
        return
    og = og[og["vocals_path"].notna() & (og["vocals_path"].astype(str) != "")]
    levels = []
    for p in og["vocals_path"]:
        path = p if os.path.isabs(p) else os.path.join(run_dir, p)
        try:
            x = read_wav_float(path)
            rms = float(np.sqrt(np.mean(x * x))) if len(x) else 0.0
            levels.append(20 * np.log10(max(rms, 1e-10)))
        except (OSError, ValueError) as e:
            note(f"fig14: cannot read {path} ({e}); that clip is left out")
            levels.append(np.nan)
    levels = np.array(levels)
    good = np.isfinite(levels)
    if good.sum() < 5:
        note("skipping fig14_tsne_vs: fewer than 5 readable vocal stems")
        return
    og = og[good]
    levels = levels[good]
    E = np.asarray(embeddings["vs"], dtype=float)[og.index.to_numpy()]
    keep = np.isfinite(E).all(axis=1)
    Y = tsne(E[keep], args.seed)
    # The source track: the corpus file the clip was cut from, without a trailing "_<n>" clip index.
    src = og["source"].fillna(og["clip_id"]).astype(str).map(lambda s: os.path.splitext(os.path.basename(s))[0])
    tracks = src.map(lambda s: s.rsplit("_", 1)[0] if s.rsplit("_", 1)[-1].isdigit() and "_" in s else s)
    if tracks.nunique() == 1 and src.nunique() > 1:  # "test_0000", "test_0001": numbered tracks, not excerpts
        tracks = src
    tracks = tracks[keep].to_numpy()
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 2.9), squeeze=False)
    sc = axes[0][0].scatter(Y[:, 0], Y[:, 1], c=levels[keep], cmap="viridis", s=9, linewidths=0)
    fig.colorbar(sc, ax=axes[0][0], label="vocal stem level (dB RMS)")
    axes[0][0].set_title("VS: by vocal loudness")
    uniq = sorted(set(tracks))
    cmap = plt.get_cmap("tab20")
    for i, t in enumerate(uniq):
        m = tracks == t
        axes[0][1].scatter(Y[m, 0], Y[m, 1], color=cmap(i % 20), s=9, linewidths=0)
    axes[0][1].set_title(f"VS: by source track ({len(uniq)} tracks)")
    for ax in axes[0]:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    pr.save(fig, args.out, "fig14_tsne_vs", args.formats, args.dpi, written)


# ------------------------------------------------------------------------------------------ main
def read_csv_or_none(path, what):
    import pandas as pd

    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        note(f"{path}: missing or empty; the figures from {what} are skipped")
        return None
    try:
        return pd.read_csv(path, keep_default_na=True, na_values=["nan"])
    except Exception as e:  # noqa: BLE001
        raise pr.PlotError(f"{path}: unreadable CSV ({e}); rerun the stage that writes it")


def run(args):
    res = os.path.join(args.run_dir, "results")
    pr.load_families(res)
    emm = read_csv_or_none(os.path.join(res, "analysis", "emmeans.csv"), "the analysis (Figs. 5, 8, 11)")
    if emm is not None:  # R writes an overall mean's "by" as "", which pandas reads as NaN
        emm["by"] = emm["by"].fillna("").astype(str)
    cons = pr.load_csv(os.path.join(res, "consistency.csv"), pr.CONSISTENCY_COLUMNS)
    perf = pr.load_csv(os.path.join(res, "performance.csv"), pr.PERFORMANCE_COLUMNS)
    manifest = read_csv_or_none(os.path.join(args.run_dir, "manifest.csv"), "the manifest (Figs. 9, 14)")
    plt = pr.setup_matplotlib()
    encoders = [e for e in (list(cons["encoder"]) if cons is not None else []) if e != "audio"]
    base = pr.Palette(encoders + (list(perf["encoder"]) if perf is not None else []))
    palette = EncoderPalette(base)
    written = []
    if emm is not None:
        fig5(plt, emm, palette, args, written)
        fig8(plt, emm, palette, args, written)
        fig11(plt, emm, palette, args, written)
    fig12(plt, cons, perf, base, args, written)
    fig13(plt, cons, base, args, written)
    embeddings = load_embeddings(args.run_dir)
    fig9(plt, args.run_dir, manifest, embeddings, base, args, written)
    fig14(plt, args.run_dir, manifest, embeddings, args, written)
    for w in written:
        print(w)
    return 0 if written else 2


def main(argv=None):
    def seed(p):
        p.add_argument("--seed", type=int, default=20191021, help="t-SNE seed (default 20191021)")

    return pr.figure_script_main("figures.py", __doc__, run, argv, note, add_arguments=seed,
                                 modules="python3-matplotlib python3-pandas python3-sklearn")


if __name__ == "__main__":
    sys.exit(main())
