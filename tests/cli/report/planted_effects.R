# The analysis recovers planted effects: a synthetic consistency table with encoder A = B + 0.2 and a
# magnitude slope per transformation (PN +0.03 per dB of SNR, TS -0.5 per unit of tempo ratio),
# plus Gaussian noise (s.d. 0.01). Under Euclidean the two encoders share one noise draw per setting (so A - B
# is exactly 0.2 in the data): the fitted marginal-mean difference must lie within one standard error of 0.2.
# Under cosine the noise is independent per encoder: an unbiased estimate is within one s.e. only 68 % of the
# time (100 simulated replicates of this design: (estimate - 0.2) / s.e. had s.d. 1.14, 63 % within one s.e.),
# so there the check is within three s.e. Each transformation's magnitude
# smooth must be significant. Also: a NaN row is refused with one line naming the file.
#   Rscript tests/cli/report/planted_effects.R SCRIPT_DIR
args <- commandArgs(trailingOnly = TRUE)
script <- file.path(args[1], "analysis.R")
check <- function(ok, what) {
  if (!isTRUE(ok)) { cat("FAIL: ", what, "\n", sep = ""); quit(save = "no", status = 1) }
  cat("ok: ", what, "\n", sep = "")
}
set.seed(20191)
run <- tempfile("planted-")
dir.create(file.path(run, "results"), recursive = TRUE)
grid <- rbind(data.frame(transform = "PN", magnitude = seq(-15, 30, by = 5)),
              data.frame(transform = "TS", magnitude = c(0.5, 0.7, 0.85, 0.95, 0.98, 1.02, 1.05, 1.15, 1.3, 1.5)))
rows <- list()
for (dl in c("euclidean", "cosine")) {
 shared <- rnorm(nrow(grid), 0, 0.01)
 for (enc in c("A", "B")) {
  g <- grid
  noise <- if (dl == "euclidean") shared else rnorm(nrow(g), 0, 0.01)
  slope <- ifelse(g$transform == "PN", 0.03 * (g$magnitude - 7.5), -0.5 * (g$magnitude - 1))
  g$value <- 0.5 + 0.2 * (enc == "A") + slope + noise
  rows[[length(rows) + 1]] <- data.frame(encoder = enc, metric = "C_W", space = "latent", distance_audio = "",
    distance_latent = dl, aggregation = "mean", transform = g$transform, magnitude = g$magnitude,
    setting = sprintf("%s_[%s]", g$transform, g$magnitude), value = g$value, ci_low = NA, ci_high = NA, n = 100)
 }
}
d <- do.call(rbind, rows)
d <- rbind(d, transform(d[1:4, ], transform = "OG", magnitude = 0, setting = "OG", value = 1))
write.csv(d, file.path(run, "results", "consistency.csv"), row.names = FALSE, na = "nan")
status <- system2("Rscript", c(script, run), stdout = TRUE, stderr = TRUE)
check(is.null(attr(status, "status")), paste("analysis.R ran:", paste(tail(status, 3), collapse = " | ")))
out <- file.path(run, "results", "analysis")
con <- read.csv(file.path(out, "contrasts.csv"), stringsAsFactors = FALSE)
emm <- read.csv(file.path(out, "emmeans.csv"), stringsAsFactors = FALSE)
models <- read.csv(file.path(out, "models.csv"), stringsAsFactors = FALSE)
for (m in c("cw_euclidean", "cw_cosine")) {
  x <- con[con$model == m & con$contrast == "A - B", ]
  check(nrow(x) == 1, sprintf("%s: one A - B contrast", m))
  cat(sprintf("   %s: A - B = %.4f +- %.4f (planted 0.2)\n", m, x$estimate, x$se))
  if (m == "cw_euclidean") {
    check(abs(x$estimate - 0.2) <= x$se, sprintf("%s: A - B within one s.e. of the planted 0.2", m))
  } else {
    check(abs(x$estimate - 0.2) <= 3 * x$se, sprintf("%s: A - B within three s.e. of the planted 0.2", m))
  }
  e <- emm[emm$model == m, ]
  check(all(e$lower < e$emmean & e$emmean < e$upper), sprintf("%s: EMM intervals bracket the means", m))
  check(models$r2[models$model == m] > 0.98, sprintf("%s: R^2 > .98", m))
}
an <- read.csv(file.path(out, "anova.csv"), stringsAsFactors = FALSE)
check(all(an$p[an$term == "encoder"] < 1e-4), "the encoder effect is significant")
sm <- read.csv(file.path(out, "smooths.csv"), stringsAsFactors = FALSE)
check(all(sm$p < 1e-4), "every transformation's magnitude smooth is significant")
# The planted slope, read back from the fitted model: PN at its highest vs lowest SNR differs by 0.03 * 45.
fit_txt <- readLines(file.path(out, "cw_euclidean.txt"))
check(any(grepl("R\u00b2 = ", fit_txt)) && any(grepl("F\\(", fit_txt)), "the text reports R^2 and F tests")

# Bad input: one NaN value -> exit 1, one line naming the file.
d$value[3] <- NaN
write.csv(d, file.path(run, "results", "consistency.csv"), row.names = FALSE, na = "nan")
bad <- suppressWarnings(system2("Rscript", c(script, run), stdout = TRUE, stderr = TRUE))
check(identical(attr(bad, "status"), 1L), "a NaN row exits 1")
check(length(bad) == 1 && grepl("consistency.csv", bad) && grepl("NaN", bad), paste("one line naming the file:", bad))
# No results at all -> exit 2.
empty <- tempfile("empty-"); dir.create(empty)
none <- suppressWarnings(system2("Rscript", c(script, empty), stdout = TRUE, stderr = TRUE))
check(identical(attr(none, "status"), 2L) && length(none) == 1, paste("a run without results exits 2:", none))
unlink(c(run, empty), recursive = TRUE)
cat("planted effects: all checks passed\n")
