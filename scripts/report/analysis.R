# The statistical analysis of the paper's section 5 (Kim et al. 2019, sections 5.1-5.3), on a run's tidy results.
#
#   Rscript scripts/report/analysis.R RUN_DIR [--out DIR] [--k K]
#
# Reads RUN_DIR/results/performance.csv and consistency.csv (written by nnr-evaluate) and fits one generalised
# additive model (mgcv) per response, as the paper does:
#   - performance: task performance standardised within task (AE's MSE sign-flipped so higher is better),
#       y ~ (task + encoder + transform)^2 + s(magnitude, by = transform x task x encoder)
#   - cw_<latent>: latent-space C^W per latent distance,
#       y ~ transform * encoder + s(magnitude, by = transform x encoder)
#   - cb_acc_<audio>_<latent>, cb_rho_<audio>_<latent>: C^B_acc and C^B_rho (per-clip aggregation, the paper's
#       eq. 11) per audio x latent distance pair, with the same terms as C^W.
# One observation is one transform setting's value (the OG control excluded: it is no transformation).
# `magnitude` is z-scored within each transformation, so every transformation's smooth is on the same scale
# and the estimated marginal means (EMMs) are taken at each transformation's mean magnitude.
#
# For each model it writes, under results/analysis/ (tidy CSV, one row per observation):
#   models.csv     model, response, formula, n, r2 (adjusted), deviance_explained, k, smooth
#   anova.csv      model, term, df1, df2, F, p           (emmeans::joint_tests: the marginalised effects' F tests)
#   smooths.csv    model, term, edf, ref_df, F, p        (mgcv's approximate tests of the smooth terms)
#   emmeans.csv    model, by, level, emmean, se, df, lower, upper  (95 %; `by` = the task for performance)
#   contrasts.csv  model, by, contrast, estimate, se, df, t, p     (pairwise, Tukey-adjusted p)
#   <model>.txt    a short text worded like the paper's sentences; summary.md all of them in one page
# Every file is written to a temporary name and renamed. Exit 1 with one line naming the file and the fix on a
# missing R package, a missing/empty/malformed CSV or NaN values; exit 0 when nothing could be fitted is not
# possible: a run with no usable rows exits 2 with one line saying why.

fail <- function(msg, code = 1) {
  cat("analysis: ", msg, "\n", sep = "", file = stderr())
  quit(save = "no", status = code)
}

for (pkg in c("mgcv", "emmeans")) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    fail(sprintf("R package '%s' is missing; install it with: apt-get install r-cran-%s (or run scripts/setup.sh)",
                 pkg, pkg))
  }
}
suppressPackageStartupMessages({
  library(mgcv)
  library(emmeans)
})
# rg.limit: a grid of many families (configs/grids/degradations.json) makes reference grids past the default 10,000 rows.
emm_options(msg.nesting = FALSE, msg.interaction = FALSE, rg.limit = 1e6)

# ---- arguments ---------------------------------------------------------------------------------------------
args <- commandArgs(trailingOnly = TRUE)
usage <- "usage: Rscript scripts/report/analysis.R RUN_DIR [--out DIR] [--k K]"
if (length(args) == 0 || args[1] %in% c("-h", "--help")) {
  cat(usage, "\n")
  cat("Fits the paper's section 5 GAMs (mgcv) with ANOVA F tests and marginal means (emmeans) on\n")
  cat("RUN_DIR/results/{performance,consistency}.csv and writes tidy CSVs and texts to RUN_DIR/results/analysis.\n")
  quit(save = "no", status = if (length(args) == 0) 1 else 0)
}
run_dir <- args[1]
out_dir <- file.path(run_dir, "results", "analysis")
k_max <- 6
i <- 2
while (i <= length(args)) {
  if (args[i] == "--out" && i < length(args)) { out_dir <- args[i + 1]; i <- i + 2 }
  else if (args[i] == "--k" && i < length(args)) { k_max <- as.integer(args[i + 1]); i <- i + 2 }
  else fail(sprintf("unknown argument '%s'; %s", args[i], usage))
}
if (!dir.exists(run_dir)) fail(sprintf("%s: no such run directory; give the RUN_DIR of nnr-evaluate", run_dir))

# ---- reading -----------------------------------------------------------------------------------------------
read_results <- function(name, columns) {
  path <- file.path(run_dir, "results", name)
  if (!file.exists(path) || file.info(path)$size == 0) return(NULL)
  d <- tryCatch(read.csv(path, stringsAsFactors = FALSE, na.strings = c("", "NA")),
                error = function(e) fail(sprintf("%s: unreadable CSV (%s); rerun nnr-evaluate to rewrite it",
                                                 path, conditionMessage(e))))
  missing <- setdiff(columns, names(d))
  if (length(missing) > 0) {
    fail(sprintf("%s: missing column(s) %s; it was not written by this nnr-evaluate, rerun nnr-evaluate",
                 path, paste(missing, collapse = ", ")))
  }
  d$value <- suppressWarnings(as.numeric(d$value))
  d$magnitude <- suppressWarnings(as.numeric(d$magnitude))
  bad <- which(!is.finite(d$value) | !is.finite(d$magnitude))
  if (length(bad) > 0) {
    fail(sprintf("%s: %d row(s) with a NaN or non-numeric value/magnitude (first: data line %d); rerun nnr-evaluate for those settings or remove the rows",
                 path, length(bad), bad[1]))
  }
  attr(d, "path") <- path
  d
}
perf <- read_results("performance.csv", c("task", "encoder", "metric", "transform", "magnitude", "value"))
cons <- read_results("consistency.csv", c("encoder", "metric", "space", "distance_audio", "distance_latent",
                                          "aggregation", "transform", "magnitude", "value"))
if (is.null(perf) && is.null(cons)) {
  fail(sprintf("%s: no results/performance.csv or results/consistency.csv; run nnr-evaluate --run %s first",
               file.path(run_dir, "results"), run_dir), 2)
}
families <- NULL
fam_path <- file.path(run_dir, "results", "families.json")

# Labels: the paper's (MFCC, AE, AT, IR, VS), other encoders as named.
encoder_label <- function(e) ifelse(e %in% c("mfcc", "ae", "at", "ir", "vs"), toupper(e), e)
lower_is_better <- c("mse")  # performance metrics whose sign the paper flips (AE's MSE)

# z-scores magnitude within each transformation (one observation per setting and encoder/task).
scale_magnitude <- function(d) {
  d$mag <- 0
  for (t in unique(d$transform)) {
    r <- d$transform == t
    s <- sd(d$magnitude[r])
    d$mag[r] <- if (is.finite(s) && s > 0) (d$magnitude[r] - mean(d$magnitude[r])) / s else 0
  }
  d
}

# ---- fitting -----------------------------------------------------------------------------------------------
# The smooth's basis size: at most k_max, below the number of distinct magnitudes of every transformation, and
# small enough that the model has fewer coefficients than observations. A transformation with fewer than 4
# magnitudes cannot carry a smooth: then the magnitude enters linearly per combination instead.
choose_k <- function(d, groups, n_param) {
  per_t <- tapply(d$magnitude, d$transform, function(m) length(unique(m)))
  k <- min(k_max, min(per_t) - 1)
  n_groups <- length(unique(groups))
  while (k >= 3 && n_param + n_groups * (k - 1) >= nrow(d)) k <- k - 1
  k
}

fit_model <- function(name, response, d, fixed, by_terms) {
  d <- scale_magnitude(d)
  for (v in c("transform", "encoder", "task")) if (v %in% names(d)) d[[v]] <- factor(d[[v]])
  d$combo <- interaction(d[by_terms], drop = TRUE, sep = ":")
  n_groups <- length(unique(d$combo))
  # The paper's model first; on a grid too small for it (a few magnitudes per transformation), simpler ones,
  # so that at least 3 residual degrees of freedom remain: a linear magnitude per combination, then the
  # fixed terms alone, then main effects only.
  n_fixed <- function(f) ncol(model.matrix(as.formula(paste("y ~", f)), d))
  k <- choose_k(d, d$combo, n_fixed(fixed))
  main_effects <- gsub("\\^2|[()]", "", gsub(" \\* ", " + ", fixed))
  candidates <- list()
  if (k >= 3) candidates[[length(candidates) + 1]] <- list(rhs = sprintf("%s + s(mag, by = combo, k = %d)", fixed, k),
                                                           p = n_fixed(fixed) + n_groups * (k - 1), smooth = "s")
  candidates[[length(candidates) + 1]] <- list(rhs = sprintf("%s + mag:combo", fixed), p = n_fixed(fixed) + n_groups,
                                               smooth = "linear")
  candidates[[length(candidates) + 1]] <- list(rhs = fixed, p = n_fixed(fixed), smooth = "none")
  candidates[[length(candidates) + 1]] <- list(rhs = main_effects, p = n_fixed(main_effects), smooth = "none (main effects only)")
  chosen <- NULL
  for (cand in candidates) if (cand$p <= nrow(d) - 3) { chosen <- cand; break }
  if (is.null(chosen)) {
    message(sprintf("analysis: %s: not fitted, %d observations are too few for its terms", name, nrow(d)))
    return(NULL)
  }
  if (chosen$smooth != "s")
    message(sprintf("analysis: %s: the grid has too few magnitudes or settings for the paper's smooths; fitted y ~ %s",
                    name, chosen$rhs))
  rhs <- chosen$rhs
  formula <- as.formula(paste("y ~", rhs))
  fit <- tryCatch(gam(formula, data = d, method = "REML"),
                  error = function(e) { message(sprintf("analysis: %s: not fitted (%s)", name, conditionMessage(e))); NULL })
  if (is.null(fit)) return(NULL)
  s <- summary(fit)
  list(name = name, response = response, fit = fit, data = d, k = if (chosen$smooth == "s") k else NA, smooth = chosen$smooth,
       formula = paste("y ~", gsub("mag", "magnitude", gsub("combo", paste(by_terms, collapse = " x "), rhs))),
       r2 = s$r.sq, dev = s$dev.expl, smooths = s$s.table)
}

tidy_anova <- function(m) {
  jt <- suppressMessages(joint_tests(m$fit))
  jt <- as.data.frame(jt)
  jt <- jt[!grepl("mag", jt$`model term`), , drop = FALSE]  # the magnitude's own test is in smooths.csv
  data.frame(model = m$name, term = jt$`model term`, df1 = jt$df1, df2 = jt$df2, F = jt$F.ratio,
             p = jt$p.value, stringsAsFactors = FALSE)
}

tidy_smooths <- function(m) {
  st <- m$smooths
  if (is.null(st) || nrow(st) == 0) return(NULL)
  data.frame(model = m$name, term = gsub("combo", "", rownames(st)), edf = st[, "edf"], ref_df = st[, "Ref.df"],
             F = st[, "F"], p = st[, "p-value"], stringsAsFactors = FALSE)
}

tidy_emm <- function(m, spec, by = NULL) {
  e <- suppressMessages(emmeans(m$fit, spec, by = by))
  s <- as.data.frame(summary(e, infer = c(TRUE, FALSE)))
  ct <- as.data.frame(summary(pairs(e), infer = c(FALSE, TRUE)))
  level <- as.character(s[[spec]])
  by_col <- if (is.null(by)) "" else as.character(s[[by]])
  emm <- data.frame(model = m$name, by = by_col, level = level, emmean = s$emmean, se = s$SE, df = s$df,
                    lower = s$lower.CL, upper = s$upper.CL, stringsAsFactors = FALSE)
  con <- data.frame(model = m$name, by = if (is.null(by)) "" else as.character(ct[[by]]),
                    contrast = as.character(ct$contrast), estimate = ct$estimate, se = ct$SE, df = ct$df,
                    t = ct$t.ratio, p = ct$p.value, stringsAsFactors = FALSE)
  list(emm = emm, con = con)
}

# ---- wording -----------------------------------------------------------------------------------------------
fmt_p <- function(p) ifelse(p < 1e-4, "p < .0001", sprintf("p = %s", sub("^0", "", sprintf("%.3f", p))))
fmt_unit <- function(x, digits = 2) sub("^(-?)0\\.", "\\1.", sprintf(paste0("%.", digits, "f"), x))
fmt_est <- function(est, se) sprintf("%.3f \u00b1 %s", est, fmt_unit(se, 3))
fmt_f <- function(a) sprintf("F(%d, %d) = %s, %s", as.integer(round(a$df1)), as.integer(round(a$df2)),
                             ifelse(a$F >= 100, sprintf("%.0f", a$F), sprintf("%.1f", a$F)), fmt_p(a$p))
term_words <- c(encoder = "the encoder", task = "the task", transform = "the transformation",
                "task:encoder" = "the interaction of task and encoder", "encoder:task" = "the interaction of task and encoder",
                "task:transform" = "the interaction of transformation and task",
                "transform:task" = "the interaction of transformation and task",
                "encoder:transform" = "the interaction of transformation and encoder",
                "transform:encoder" = "the interaction of transformation and encoder")
describe_effects <- function(a) {
  a <- a[order(-a$F), , drop = FALSE]
  a <- a[a$term %in% names(term_words), , drop = FALSE]
  if (nrow(a) == 0) return("")
  parts <- sprintf("%s (%s)", term_words[a$term], vapply(seq_len(nrow(a)), function(i) fmt_f(a[i, ]), ""))
  first <- sprintf("The largest effect is that of %s", parts[1])
  if (length(parts) == 1) return(paste0(first, "."))
  rest <- if (length(parts) == 2) sprintf(", followed by %s.", parts[2])
          else sprintf(", followed by %s, and %s.", paste(parts[2:(length(parts) - 1)], collapse = ", "),
                       parts[length(parts)])
  paste0(first, rest)
}
ranking <- function(emm) {
  emm <- emm[order(-emm$emmean), ]
  sprintf("%s (%s)", encoder_label(emm$level), fmt_est(emm$emmean, emm$se))
}
significance <- function(con) {
  con <- con[is.finite(con$p), , drop = FALSE]
  if (nrow(con) == 0) return("")
  n_sig <- sum(con$p < 0.05)
  if (n_sig == nrow(con)) return("All pairwise differences are statistically significant (Tukey-adjusted p < .05).")
  ns <- con$contrast[con$p >= 0.05]
  sprintf("%d of %d pairwise differences are statistically significant (Tukey-adjusted p < .05); not: %s.",
          n_sig, nrow(con), paste(ns, collapse = "; "))
}

text_for <- function(m, an, emm, con, what) {
  head <- sprintf("%s. The GAM (%s; n = %d settings) explains R\u00b2 = %s of the variance.", what, m$formula,
                  nrow(m$data), fmt_unit(m$r2, 3))
  paste(head, describe_effects(an))
}

# ---- the models --------------------------------------------------------------------------------------------
models <- list()
add <- function(m, what, emm_spec, emm_by = NULL, extra = NULL) {
  if (is.null(m)) return()
  an <- tidy_anova(m)
  main <- tidy_emm(m, emm_spec)
  parts <- list(main)
  if (!is.null(emm_by)) parts[[2]] <- tidy_emm(m, emm_spec, by = emm_by)
  emm <- do.call(rbind, lapply(parts, `[[`, "emm"))
  con <- do.call(rbind, lapply(parts, `[[`, "con"))
  txt <- text_for(m, an, main$emm, main$con, what)
  if (!is.null(extra)) txt <- paste(txt, extra(m, main, parts))
  else {
    txt <- paste(txt, sprintf("Estimated marginal means (mean \u00b1 s.e.): %s.", paste(ranking(main$emm), collapse = ", ")),
                 significance(main$con))
  }
  models[[m$name]] <<- list(m = m, anova = an, smooths = tidy_smooths(m), emm = emm, con = con, text = txt)
}

if (!is.null(perf)) {
  p <- perf[perf$transform != "OG" & !grepl(":", perf$encoder), , drop = FALSE]
  if (nrow(p) > 0) {
    flip <- ifelse(p$metric %in% lower_is_better, -1, 1)
    p$y <- NA_real_
    for (t in unique(p$task)) {
      r <- p$task == t
      v <- flip[r] * p$value[r]
      s <- sd(v)
      p$y[r] <- if (is.finite(s) && s > 0) (v - mean(v)) / s else 0
    }
    # The paper's two encoder kinds: the MFCC baseline's task models and the VGG-like network of each task.
    p$encoder <- ifelse(p$encoder == "mfcc", "MFCC", ifelse(p$encoder == p$task, "VGG-like", p$encoder))
    p$task <- toupper(p$task)
    n_enc <- length(unique(p$encoder)); n_task <- length(unique(p$task))
    terms <- c("task", "encoder", "transform")[c(n_task > 1, n_enc > 1, length(unique(p$transform)) > 1)]
    if (length(terms) >= 1 && n_enc > 1) {
      fixed <- if (length(terms) > 1) sprintf("(%s)^2", paste(terms, collapse = " + ")) else terms
      m <- fit_model("performance", "task performance (standardised within task; AE's MSE sign-flipped)", p,
                     fixed, c("transform", "task", "encoder")[c(TRUE, n_task > 1, TRUE)])
      perf_extra <- function(m, main, parts) {
        e <- main$emm[order(-main$emm$emmean), ]
        s1 <- sprintf("%s has an estimated mean performance of %s standardised units, %s.",
                      e$level[1], fmt_est(e$emmean[1], e$se[1]),
                      paste(sprintf("%s %s", e$level[-1], fmt_est(e$emmean[-1], e$se[-1])), collapse = ", "))
        s2 <- ""
        if (length(parts) > 1) {
          bt <- parts[[2]]$con
          bt <- bt[order(-abs(bt$estimate)), ]
          s2 <- sprintf("Comparing the encoders on the same task, the largest difference appears in %s (%s = %s), the smallest in %s (%s).",
                        bt$by[1], bt$contrast[1], fmt_est(bt$estimate[1], bt$se[1]),
                        bt$by[nrow(bt)], fmt_est(bt$estimate[nrow(bt)], bt$se[nrow(bt)]))
        }
        paste(s1, s2)
      }
      add(m, "Task performance, standardised within task with AE's MSE sign-flipped", "encoder",
          if (n_task > 1) "task" else NULL, perf_extra)
    } else {
      message("analysis: performance: skipped, it needs the MFCC task models and a VGG-like encoder on the same task (nnr-train --input mfcc)")
    }
  }
}

if (!is.null(cons)) {
  c0 <- cons[cons$transform != "OG", , drop = FALSE]
  fit_consistency <- function(name, what, d) {
    if (nrow(d) == 0) return()
    d$y <- d$value
    d$encoder <- encoder_label(d$encoder)
    many_t <- length(unique(d$transform)) > 1
    many_e <- length(unique(d$encoder)) > 1
    if (!many_e) { message(sprintf("analysis: %s: skipped, it needs at least two encoders", name)); return() }
    fixed <- if (many_t) "transform * encoder" else "encoder"
    m <- fit_model(name, what, d, fixed, c("transform", "encoder"))
    add(m, what, "encoder")
  }
  lat <- c0[c0$metric == "C_W" & c0$space == "latent", , drop = FALSE]
  for (dl in sort(unique(lat$distance_latent))) {
    fit_consistency(sprintf("cw_%s", dl), sprintf("Latent within-space consistency C^W (%s)", dl),
                    lat[lat$distance_latent == dl, , drop = FALSE])
  }
  for (metric in c("C_B_acc", "C_B_rho")) {
    b <- c0[c0$metric == metric & (metric == "C_B_acc" | c0$aggregation == "per_clip"), , drop = FALSE]
    pairs_ <- unique(b[, c("distance_audio", "distance_latent")])
    pairs_ <- pairs_[order(pairs_$distance_audio, pairs_$distance_latent), , drop = FALSE]
    for (r in seq_len(nrow(pairs_))) {
      da <- pairs_$distance_audio[r]; dl <- pairs_$distance_latent[r]
      label <- if (metric == "C_B_acc") "C^B_acc" else "C^B_rho (per-clip Spearman, eq. 11)"
      fit_consistency(sprintf("%s_%s_%s", tolower(sub("C_B_", "cb_", metric)), da, dl),
                      sprintf("Between-space consistency %s (%s x %s)", label, da, dl),
                      b[b$distance_audio == da & b$distance_latent == dl, , drop = FALSE])
    }
  }
}

if (length(models) == 0) fail(sprintf("%s: no model could be fitted (see the lines above)", run_dir), 2)

# ---- writing -----------------------------------------------------------------------------------------------
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
write_atomic <- function(write_fn, path) {
  tmp <- paste0(path, ".tmp.", Sys.getpid())
  ok <- tryCatch({ write_fn(tmp); TRUE }, error = function(e) { unlink(tmp); fail(sprintf("%s: cannot write (%s)", path, conditionMessage(e))) })
  if (!file.rename(tmp, path)) { unlink(tmp); fail(sprintf("%s: cannot rename the temporary file into place", path)) }
  cat(path, "\n", sep = "")
}
write_csv <- function(d, name) {
  write_atomic(function(f) write.csv(d, f, row.names = FALSE, na = ""), file.path(out_dir, name))
}
write_text <- function(lines, name) {
  write_atomic(function(f) writeLines(enc2utf8(lines), f, useBytes = TRUE), file.path(out_dir, name))
}
bind <- function(field) do.call(rbind, lapply(models, `[[`, field))
model_rows <- do.call(rbind, lapply(models, function(x) data.frame(
  model = x$m$name, response = x$m$response, formula = x$m$formula, n = nrow(x$m$data), r2 = x$m$r2,
  deviance_explained = x$m$dev, k = x$m$k, smooth = x$m$smooth, stringsAsFactors = FALSE)))
write_csv(model_rows, "models.csv")
write_csv(bind("anova"), "anova.csv")
sm <- bind("smooths")
write_csv(if (is.null(sm)) data.frame(model = character(), term = character(), edf = numeric(), ref_df = numeric(),
                                      F = numeric(), p = numeric()) else sm, "smooths.csv")
write_csv(bind("emm"), "emmeans.csv")
write_csv(bind("con"), "contrasts.csv")
for (x in models) write_text(strwrap(x$text, width = 110), paste0(x$m$name, ".txt"))
md <- c("# The paper's section 5 analysis", "",
        sprintf("Run: `%s`. GAMs fitted with mgcv %s (REML), marginal means and F tests with emmeans %s; one observation per transform setting (OG excluded), magnitude z-scored within transformation.",
                normalizePath(run_dir), packageVersion("mgcv"), packageVersion("emmeans")), "")
for (x in models) md <- c(md, sprintf("## %s", x$m$name), "", x$text, "")
write_text(md, "summary.md")
