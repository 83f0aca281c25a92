// The task family: one line per task of the paper, with its scorer.
#include <algorithm>
#include <cmath>
#include <limits>

#include "nnr/core/error.hpp"
#include "nnr/metrics/task_metrics.hpp"
#include "nnr/tasks/task.hpp"

namespace nnr::tasks {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool finite_row(const MatrixF& p, std::size_t r) {
  return std::all_of(p.row(r), p.row(r) + p.cols, [](float v) { return std::isfinite(v); });
}

// Column c of each scored clip's predictions (NaN where absent).
std::vector<double> column(const ScoreInput& in, std::size_t c) {
  std::vector<double> v;
  for (std::size_t r : *in.rows) {
    const float x = c < in.pred->cols ? (*in.pred)(r, c) : std::numeric_limits<float>::quiet_NaN();
    v.push_back(std::isnan(x) ? kNaN : static_cast<double>(x));
  }
  return v;
}

// AE (reconstruction MSE) and VS (SDR): the encoder already wrote one value per clip; their baselines
// (training-mean MSE, mixture SDR) are the second.
std::vector<double> first_column(const ScoreInput& in) { return column(in, 0); }
std::vector<double> second_column(const ScoreInput& in) { return column(in, 1); }

// AT: clip-wise ROC AUC over the tags (AUC^C).
std::vector<double> clip_auc(const ScoreInput& in) {
  const MatrixF& p = *in.pred;
  std::vector<std::size_t> used;
  for (std::size_t r : *in.rows)
    if (finite_row(p, r) && in.labels->tags.count((*in.clip_ids)[r])) used.push_back(r);
  MatrixF sc(used.size(), p.cols);
  Matrix<std::uint8_t> lab(used.size(), p.cols);
  for (std::size_t i = 0; i < used.size(); ++i) {
    std::copy(p.row(used[i]), p.row(used[i]) + p.cols, sc.row(i));
    const auto& tags = in.labels->tags.at((*in.clip_ids)[used[i]]);
    for (std::size_t j = 0; j < in.classes->size(); ++j) lab(i, j) = tags.count((*in.classes)[j]) ? 1 : 0;
  }
  return metrics::clip_aucs(sc, lab, in.auc_drop_empty_tags);
}

// IR: 1 when the arg-max class is the clip's predominant instrument.
std::vector<double> top1_correct(const ScoreInput& in) {
  const MatrixF& p = *in.pred;
  std::vector<double> v;
  for (std::size_t r : *in.rows) {
    const auto it = in.labels->instrument.find((*in.clip_ids)[r]);
    if (!finite_row(p, r) || it == in.labels->instrument.end()) continue;
    const auto c = std::find(in.classes->begin(), in.classes->end(), it->second);
    if (c == in.classes->end()) continue;
    const float* row = p.row(r);
    const auto predicted = std::max_element(row, row + p.cols) - row;
    v.push_back(predicted == c - in.classes->begin() ? 1.0 : 0.0);
  }
  return v;
}

}  // namespace

const Registry<TaskEntry>& task_registry() {
  using N = NetworkKind;
  using O = Objective;
  using L = DataLayout;
  // name, description, params | label, metric, metric label, train metric, higher is better, aggregate,
  // network, objective, data layout, needs labels, needs reference, predictions | epochs, batch,
  // valid fraction, valid crops | score | baseline
  static const Registry<TaskEntry> table{
      "task",
      {
          {{"ae", "autoencoder: reconstruct the input spectrogram", {}}, "AE", "mse", "MSE", "mse", false, "mean",
           N::autoencoder, O::reconstruct, L::listed_clips, false, false, "reconstruction MSE and the training mean's MSE", 500, 48, 0.1, 1,
           &first_column, "train_mean", &second_column},
          {{"at", "auto-tagging: the clip's tags (multi-label)", {}}, "AT", "auc_c", "AUC$^C$", "auc", true, "mean",
           N::classifier, O::multi_label, L::listed_clips, true, false, "tag probabilities", 200, 128, 0.1, 1,
           &clip_auc, "", nullptr},
          {{"ir", "instrument recognition: the predominant instrument", {}}, "IR", "accuracy", "accuracy",
           "accuracy", true, "mean", N::classifier, O::single_label, L::class_folders, true, false,
           "class probabilities", 500, 128, 0.1, 1, &top1_correct, "", nullptr},
          {{"vs", "vocal separation: a U-Net mask for the vocal stem", {}}, "VS", "sdr", "SDR (dB)", "sdr", true,
           "median", N::unet, O::source_mask, L::stem_folders, false, true, "vocals SDR (dB) and the mixture's SDR", 5000, 48, 0.3, 4,
           &first_column, "mixture", &second_column},
      }};
  return table;
}

const TaskEntry& find_task(const std::string& name) { return task_registry().find(name); }

const TaskEntry& task_entry(Task task) {
  if (const TaskEntry* e = task_registry().try_find(task.name())) return *e;
  throw_internal(std::string("task: no table line for task ") + task.name());
}

Task parse_task(const std::string& name) { return Task(find_task(name).name.c_str()); }
std::string task_name(Task task) { return task_entry(task).name; }
Objective objective(Task task) { return task_entry(task).objective; }
DataLayout layout(Task task) { return task_entry(task).layout; }

}  // namespace nnr::tasks
