// Task performance under each setting (paper section 5.1): every encoder with predictions is scored by its
// task's line of the task table (nnr/tasks/task.hpp), with a bootstrap interval.
#include "nnr/core/random.hpp"
#include "nnr/tasks/task.hpp"
#include "results.hpp"
#include "stage_steps.hpp"

namespace nnr::eval::detail {

void evaluate_performance(const Run& run, const Setting& s, const EvaluateOptions& o, Rows& out) {
  std::vector<std::size_t> rows;  // the setting's manifest rows with an ok status, in clip order
  for (std::size_t k = 0; k < run.clips.size(); ++k)
    if (run.ok(s, k)) rows.push_back(static_cast<std::size_t>(s.row[k]));
  for (const auto& e : run.encoders) {
    if (!e.has_pred) continue;
    const tasks::TaskEntry* task = tasks::task_registry().try_find(e.task);
    if (!task || (task->needs_labels && !run.labels.present)) continue;
    tasks::ScoreInput in;
    in.pred = &e.pred;
    in.rows = &rows;
    in.clip_ids = &run.clip_ids;
    in.classes = &e.classes;
    in.labels = &run.labels;
    in.auc_drop_empty_tags = o.auc_drop_empty_tags;
    // The task's score, and its baseline's, aggregated the same way, each with its own bootstrap stream.
    const auto add = [&](const std::string& encoder, const std::vector<double>& per_clip) {
      const auto b = boot(o, derive_seed(o.seed, "performance", encoder, e.task, s.id));
      add_performance(out, e.task, encoder, task->metric, s,
                      task->aggregate == "median" ? metrics::bootstrap_median(per_clip, b)
                                                  : metrics::bootstrap_mean(per_clip, b));
    };
    add(e.scored_as, task->score(in));
    if (task->baseline_score && e.pred.cols > 1) add(e.scored_as + ":" + task->baseline, task->baseline_score(in));
  }
}

}  // namespace nnr::eval::detail
