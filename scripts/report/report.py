#!/usr/bin/env python3
"""nnr-report: the paper's whole results section for one run, as one self-contained page.

  scripts/nnr-report RUN_DIR [--force] [--formats png,pdf] [--skip-analysis]

Runs, in order (each only when its inputs changed since the last report):
  1. the section 5 analysis in R (scripts/report/analysis.R -> RUN_DIR/results/analysis/),
  2. Figures 4, 6, 7, 10 (scripts/plot_results.py), 5, 8, 9, 11-14 (scripts/report/figures.py) and the
     breakdown, graded and paired figures (scripts/report/neighbourhood.py) -> figures/,
  3. RUN_DIR/report/index.html: the run's configuration and versions, the task-performance and consistency
     tables, the analysis text and tables, the breakdown table and paired matrices, and every figure with its
     caption, the PNGs embedded (data: URIs),
     so the one file can be mailed.
A rerun with nothing changed only compares a fingerprint of the inputs (RUN_DIR/report/inputs.sha256) and
exits. Errors: one line naming the file and the fix; exit 1 (bad input) or 2 (nothing to report).
"""
import argparse
import base64
import datetime
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
PROG = "nnr-report"

CAPTIONS = {
    "fig4_performance": "Figure 4. Task performance under each transformation and magnitude, per task, for the "
                        "VGG-like network and the MFCC-input model; dotted lines: the originals' performance; "
                        "bands: 95 % bootstrap intervals.",
    "fig5_performance_emm": "Figure 5. Estimated marginal mean of standardised performance (AE's MSE sign-flipped) "
                            "by encoder and task, with 95 % confidence intervals (GAM, results/analysis).",
    "fig6_cw_audio": "Figure 6. Within-space consistency C^W in the audio space, per audio distance.",
    "fig7_cw_latent": "Figure 7. Within-space consistency C^W in the latent space, per encoder; grey: the audio "
                      "space's C^W, a weak upper bound.",
    "fig8_cw_latent_emm": "Figure 8. Estimated marginal mean latent C^W by encoder, per latent distance, 95 % CI.",
    "fig9_tsne": "Figure 9. t-SNE of the originals (black) and their smallest transformations (colours; the "
                 "paper's footnote 5 taken from the run's grid), per encoder.",
    "fig10_cb": "Figure 10. Between-space consistency C^B_acc (top) and C^B_rho (bottom) by transformation and "
                "magnitude, per encoder",
    "fig11_between_emm": "Figure 11. Estimated marginal means of between-space consistency by encoder: C^B_acc "
                         "(first rows) and C^B_rho (last rows), per audio x latent distance pair, 95 % CI.",
    "fig12_smallest": "Figure 12. The smallest transformations: task performance (first row), latent C^W, "
                      "C^B_acc and C^B_rho (last rows); one marker per transformation and direction, one point per "
                      "distance measure, bars: 95 % bootstrap intervals.",
    "fig13_cb_rho_original": "Figure 13. C^B_rho on the originals only (no transformation), per audio x latent "
                             "distance pair, 95 % bootstrap intervals.",
    "fig14_tsne_vs": "Figure 14. t-SNE of the VS embeddings of the originals, coloured by the vocal stem's level "
                     "(left) and by source track (right).",
    "fig_graded_latent": "Graded neighbourhood measures (beyond the paper): mean reciprocal rank, recall@5 and "
                         "@10 and the normalised margin of the own original in the latent space, trustworthiness "
                         "and continuity (k = 5) between the audio and latent spaces, by transformation and "
                         "magnitude; bands: 95 % bootstrap intervals.",
    "fig_breakdown": "Breakdown magnitudes (beyond the paper): the magnitude at which latent C^W (= recall@1) falls "
                     "below 0.9 and 0.5, walking outward from the original, per encoder, transformation and "
                     "direction; bars: 95 % bootstrap intervals over clips (results/breakdown.csv).",
    "fig_paired": "Paired comparisons (beyond the paper): row encoder minus column encoder on the same clips, "
                  "over every transformed setting; stars: Holm-corrected paired permutation p (results/paired.csv).",
    "fig_summary_consistency": "Summary. Mean over magnitudes of latent C^W, C^B_acc and C^B_rho per encoder and "
                               "transformation.",
}
ORDER = ["fig4_performance", "fig5_performance_emm", "fig6_cw_audio", "fig7_cw_latent", "fig8_cw_latent_emm",
         "fig9_tsne", "fig10_cb", "fig11_between_emm", "fig12_smallest", "fig13_cb_rho_original", "fig14_tsne_vs",
         "fig_summary_consistency"]
BEYOND = ["fig_breakdown", "fig_graded_latent", "fig_paired"]  # drawn in their own section


class ReportError(Exception):
    pass


def note(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def write_atomic(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep the page from a web server or a colleague
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------------------ fingerprint
def fingerprint(run):
    """Hash of every input of the report (results, manifest, embeddings' size+mtime, config, the scripts)."""
    h = hashlib.sha256()
    files = [os.path.join(run, "results", f) for f in ("consistency.csv", "performance.csv", "summary.md",
                                                        "families.json", "breakdown.csv", "paired.csv")]
    files += [os.path.join(run, "manifest.csv"), os.path.join(run, "config.json")]
    emb = os.path.join(run, "embeddings")
    if os.path.isdir(emb):
        files += sorted(os.path.join(emb, f) for f in os.listdir(emb))
    files += [os.path.join(HERE, f) for f in ("analysis.R", "figures.py", "report.py", "neighbourhood.py")]
    files += [os.path.join(SCRIPTS, "plot_results.py")]
    for f in files:
        h.update(f.encode())
        if os.path.isfile(f):
            st = os.stat(f)
            if f.endswith((".npy", ".json")) and "/embeddings/" in f:
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            else:
                with open(f, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


# ------------------------------------------------------------------------------------------ steps
def run_step(cmd, what):
    note(f"{what}: {' '.join(cmd)}")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if line.strip() and not line.startswith(("Warning", "In ", "  ")) and ": In " not in line:
            print(line, file=sys.stderr)
    return r.returncode, r.stdout


def analysis(run):
    try:
        rc, _ = run_step(["Rscript", os.path.join(HERE, "analysis.R"), run], "analysis")
    except FileNotFoundError:
        raise ReportError("Rscript not found; install R with: apt-get install r-base-core r-cran-mgcv r-cran-emmeans "
                          "(or run scripts/setup.sh)")
    if rc == 1:
        raise ReportError("the analysis failed (see the line above)")
    return rc == 0


def figures(run, formats):
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    rc1, _ = run_step([py, os.path.join(SCRIPTS, "plot_results.py"), run, "--formats", formats], "figures 4, 6, 7, 10")
    rc2, _ = run_step([py, os.path.join(HERE, "figures.py"), run, "--formats", formats], "figures 5, 8, 9, 11-14")
    rc3, _ = run_step([py, os.path.join(HERE, "neighbourhood.py"), run, "--formats", formats],
                      "breakdown, graded and paired figures")
    if rc1 == 1 or rc2 == 1 or rc3 == 1:
        raise ReportError("drawing the figures failed (see the lines above)")


# ------------------------------------------------------------------------------------------ HTML
def md_tables_to_html(text):
    """The summary.md of nnr-evaluate: headings, paragraphs and pipe tables."""
    out, table = [], []

    def flush():
        if not table:
            return
        rows = [r.strip().strip("|").split("|") for r in table if not set(r.replace("|", "").strip()) <= set("-: ")]
        head, body = rows[0], rows[1:]
        out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) +
                   "</tr></thead><tbody>" + "".join("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in r) +
                                                    "</tr>" for r in body) + "</tbody></table>")
        table.clear()

    for line in text.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush()
        if line.startswith("#"):
            level = min(6, len(line) - len(line.lstrip("#")) + 2)
            out.append(f"<h{level}>{html.escape(line.lstrip('#').strip())}</h{level}>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    return "\n".join(out)


def csv_table(path, columns=None, digits=3):
    import pandas as pd

    if not os.path.isfile(path):
        return ""
    d = pd.read_csv(path)
    if columns:
        d = d[[c for c in columns if c in d.columns]]
    return d.to_html(index=False, float_format=lambda v: f"{v:.{digits}g}" if abs(v) < 1e-3 and v != 0 else f"{v:.{digits}f}",
                     border=0, na_rep="")


def figure_html(path, stem):
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    cap = CAPTIONS.get(stem)
    if cap is None and stem.startswith("fig10_cb_"):
        pair = stem[len("fig10_cb_"):].replace("_", " × ")
        cap = CAPTIONS["fig10_cb"] + f", audio × latent distance {pair}."
    cap = cap or stem
    return (f'<figure id="{stem}"><img class="figure" alt="{html.escape(stem)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(cap)} <span class=\"file\">figures/{stem}.png, .pdf</span></figcaption></figure>")


def beyond_section(res, pngs):
    """The breakdown table and figure, the graded measures' figure and the paired matrices (issue 12)."""
    import pandas as pd

    sys.path.insert(0, HERE)
    import neighbourhood as nb

    body = []
    bd = nb.read(os.path.join(res, "breakdown.csv"))
    if bd is not None and not bd.empty:
        table, dl = nb.breakdown_table(bd)
        body.append("<h3>Breakdown magnitudes</h3><p>How strong must a transformation be before an encoder forgets "
                    "its clip? Walking outward from the original along each transformation's grid, the magnitude "
                    f"at which the latent-space ({html.escape(dl)}) C<sup>W</sup> and recall@5 fall below each "
                    "threshold, by linear interpolation between grid points, with a 95 % bootstrap interval over "
                    "clips. Recall@1 equals C<sup>W</sup> clip by clip (both count a tie against the own original), "
                    "so its magnitudes are the same; results/breakdown.csv has every metric, space and distance."
                    "</p>")
        body.append(table.to_html(index=False, border=0, na_rep="", classes="breakdown"))
    if "fig_breakdown" in pngs:
        body.append(figure_html(pngs["fig_breakdown"], "fig_breakdown"))
    if "fig_graded_latent" in pngs:
        body.append("<h3>Graded measures</h3>" + figure_html(pngs["fig_graded_latent"], "fig_graded_latent"))
    pdf = nb.read(os.path.join(res, "paired.csv"))
    if pdf is not None and not pdf.empty:
        body.append("<h3>Paired comparisons</h3><p>Row encoder minus column encoder on the same clips, over every "
                    "transformed setting (each clip's value averaged over the settings first): mean difference, "
                    "95 % paired bootstrap interval, and stars for the paired sign-flip permutation p after Holm's "
                    "correction over the encoder pairs of the matrix (* &lt; 0.05, ** &lt; 0.01, *** &lt; 0.001). "
                    "Per transformation: results/paired.csv.</p>")
        for m in nb.PAIRED_MEASURES:
            for space in ("latent", "between"):
                cell = nb.paired_cell_of(space, pdf[pdf["metric"] == m])
                if not cell:
                    continue
                encs, cells = nb.paired_matrix(pdf, m, space, *cell)
                where = cell[1] if space == "latent" else f"{cell[0]} x {cell[1]}"
                head = "".join(f"<th>{html.escape(e.upper())}</th>" for e in encs)
                rows = []
                for a in encs:
                    tds = []
                    for b in encs:
                        if b not in cells[a]:
                            tds.append("<td></td>")
                            continue
                        d, p, lo, hi = cells[a][b]
                        tds.append(f'<td title="95 % CI {lo:+.3f} to {hi:+.3f}, Holm p {p:.3g}">{d:+.3f}'
                                   f"{html.escape(nb.stars(p))}</td>")
                    rows.append(f"<tr><th>{html.escape(a.upper())}</th>{''.join(tds)}</tr>")
                body.append(f'<table class="paired"><caption>{html.escape(m)} ({html.escape(space)}, '
                            f"{html.escape(where)})</caption><thead><tr><th></th>{head}</tr></thead>"
                            f"<tbody>{''.join(rows)}</tbody></table>")
    if "fig_paired" in pngs:
        body.append(figure_html(pngs["fig_paired"], "fig_paired"))
    return "".join(body)


def build_page(run, skipped):
    res = os.path.join(run, "results")
    fig_dir = os.path.join(run, "figures")
    pngs = {f[:-4]: os.path.join(fig_dir, f) for f in os.listdir(fig_dir) if f.endswith(".png")} \
        if os.path.isdir(fig_dir) else {}
    stems = []
    for key in ORDER:
        stems += sorted(s for s in pngs if s == key or (key == "fig10_cb" and s.startswith("fig10_cb_")))
    config = {}
    cfg_path = os.path.join(run, "config.json")
    if os.path.isfile(cfg_path):
        with open(cfg_path) as f:
            config = json.load(f)
    sections = []
    toc = []

    def section(anchor, title, body):
        toc.append(f'<li><a href="#{anchor}">{html.escape(title)}</a></li>')
        sections.append(f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>')

    versions = {k: config[k] for k in ("nnr_version", "git_commit", "versions", "libraries") if k in config}
    body = "<p>Generated " + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + \
           f" from <code>{html.escape(os.path.abspath(run))}</code>.</p>"
    if versions:
        body += "<pre>" + html.escape(json.dumps(versions, indent=2)) + "</pre>"
    body += "<details><summary>Resolved configuration (config.json)</summary><pre>" + \
            html.escape(json.dumps(config, indent=2)) + "</pre></details>"
    section("run", "Run, configuration and versions", body)
    summary = os.path.join(res, "summary.md")
    if os.path.isfile(summary):
        with open(summary) as f:
            section("tables", "Task performance and consistency tables", md_tables_to_html(f.read()))
    an = os.path.join(res, "analysis")
    if os.path.isdir(an):
        texts = []
        models = os.path.join(an, "models.csv")
        if os.path.isfile(models):
            import pandas as pd

            for m in pd.read_csv(models)["model"]:
                t = os.path.join(an, f"{m}.txt")
                if os.path.isfile(t):
                    with open(t) as f:
                        texts.append(f"<h3>{html.escape(m)}</h3><p>{html.escape(' '.join(f.read().split()))}</p>")
        body = "".join(texts)
        body += "<h3>Models</h3>" + csv_table(models, ["model", "formula", "n", "r2", "deviance_explained", "smooth"])
        body += "<h3>ANOVA (F tests of the marginalised effects)</h3>" + csv_table(os.path.join(an, "anova.csv"))
        body += "<h3>Estimated marginal means</h3>" + csv_table(os.path.join(an, "emmeans.csv"))
        body += "<details><summary>Pairwise contrasts (Tukey)</summary>" + csv_table(os.path.join(an, "contrasts.csv")) + \
                "</details><details><summary>Smooth terms</summary>" + csv_table(os.path.join(an, "smooths.csv")) + "</details>"
        section("analysis", "Analysis (paper section 5: GAMs, ANOVA, marginal means)", body)
    beyond = beyond_section(res, pngs)
    if beyond:
        section("beyond", "Beyond the paper: graded neighbourhoods, breakdown magnitudes, paired comparisons", beyond)
    figs = "".join(figure_html(pngs[s], s) for s in stems)
    if skipped:
        figs += "<h3>Not drawn</h3><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in skipped) + "</ul>"
    section("figures", "Figures", figs)
    style = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;font-size:0.85em;margin:0.6em 0}td,th{border-bottom:1px solid #ddd;padding:2px 8px;
text-align:right}th{background:#f4f4f4}figure{margin:1.5em 0}img.figure{max-width:100%;border:1px solid #eee}
figcaption{font-size:0.9em;color:#333}.file{color:#888;font-size:0.85em}pre{background:#f7f7f7;padding:0.6em;
overflow:auto;font-size:0.8em}table.paired{display:inline-table;margin:0.6em 1.2em 0.6em 0;vertical-align:top}
table.paired caption{font-size:0.9em;text-align:left;font-weight:bold}code{font-size:0.9em}"""
    # A self-check a browser test (and a reader) can see: every figure decoded, every in-page link resolves.
    check = """<script>window.addEventListener('load',function(){var imgs=[].slice.call(document.images);
var ok=imgs.filter(function(i){return i.complete&&i.naturalWidth>0}).length;var bad=[].slice.call(
document.querySelectorAll('a[href]')).filter(function(a){var h=a.getAttribute('href');return h.charAt(0)!=='#'||
!document.getElementById(h.slice(1))}).length;var s=document.getElementById('render-check');s.textContent=
'figures rendered: '+ok+'/'+imgs.length+'; broken links: '+bad;s.setAttribute('data-ok',ok);
s.setAttribute('data-total',imgs.length);s.setAttribute('data-broken',bad);});</script>"""
    title = f"nnr report: {os.path.basename(os.path.abspath(run))}"
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
            "<p>Are nearby neighbours relatives? The results section of Kim et al. (2019) for this run: task "
            "performance under transformations, within- and between-space consistency, and the statistical "
            "analysis.</p><p id=\"render-check\" class=\"file\"></p>"
            f"<nav><ul>{''.join(toc)}</ul></nav>{''.join(sections)}{check}</body></html>")


def browser():
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def screenshot(index, out, height=7000):
    """report/screenshot.png of the page in headless Chromium (Debian's chromium), for a person to look at."""
    exe = browser()
    if not exe:
        note("no chromium found; report/screenshot.png not taken (apt-get install chromium)")
        return False
    tmp = out + ".tmp.png"
    cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size=1280,{height}",
           "--virtual-time-budget=10000", f"--screenshot={tmp}", "file://" + os.path.abspath(index)]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        note("chromium timed out; report/screenshot.png not taken")
        return False
    if not os.path.isfile(tmp):
        note("chromium wrote no screenshot; report/screenshot.png not taken")
        return False
    os.replace(tmp, out)
    return True


def main(argv=None):
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--force", action="store_true", help="redo every step even if nothing changed")
    p.add_argument("--formats", default="png,pdf", help="figure formats (png is always drawn; default png,pdf)")
    p.add_argument("--no-screenshot", action="store_true", help="do not take report/screenshot.png with chromium")
    p.add_argument("--skip-analysis", action="store_true", help="do not run R (use results/analysis as it is)")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    run = args.run_dir
    formats = ",".join(sorted(set(["png"] + [f for f in args.formats.split(",") if f])))
    try:
        if not os.path.isdir(run):
            raise ReportError(f"{run}: no such run directory")
        res = os.path.join(run, "results")
        if not any(os.path.isfile(os.path.join(res, f)) for f in ("consistency.csv", "performance.csv")):
            note(f"{res}: no consistency.csv or performance.csv; run nnr-evaluate --run {run} first")
            return 2
        stamp_path = os.path.join(run, "report", "inputs.sha256")
        index = os.path.join(run, "report", "index.html")
        stamp = fingerprint(run)
        if not args.force and os.path.isfile(index) and os.path.isfile(stamp_path):
            with open(stamp_path) as f:
                if f.read().strip() == stamp:
                    note(f"up to date: {index} (nothing changed; --force redoes it)")
                    print(index)
                    return 0
        if not args.skip_analysis:
            analysis(run)
        figures(run, formats)
        skipped = []
        fig_dir = os.path.join(run, "figures")
        have = set(os.listdir(fig_dir)) if os.path.isdir(fig_dir) else set()
        for stem in ORDER:
            if stem == "fig10_cb":
                if not any(h.startswith("fig10_cb_") for h in have):
                    skipped.append("Figure 10: no between-space rows in consistency.csv")
            elif stem + ".png" not in have:
                skipped.append(f"{stem}: the run cannot support it (see nnr-report's messages)")
        write_atomic(index, build_page(run, skipped))
        write_atomic(stamp_path, stamp + "\n")
        if not args.no_screenshot and screenshot(index, os.path.join(run, "report", "screenshot.png")):
            print(os.path.join(run, "report", "screenshot.png"))
        print(index)
        return 0
    except ReportError as e:
        note(str(e))
        return 1
    except ImportError as e:
        note(f"missing Python module ({e.name}); install python3-pandas python3-matplotlib python3-sklearn "
             "(scripts/setup.sh) and run with /usr/bin/python3")
        return 1


if __name__ == "__main__":
    sys.exit(main())
