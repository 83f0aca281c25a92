#pragma once
/// The task family (paper section 2.1): what each task of the paper is, in one table that the trainer,
/// nnr-encode, nnr-evaluate and the figures read. LibTorch-free (nnr::core); the networks themselves are
/// built in nnr::torch from `network` (model/networks.hpp).
///
/// A task's evaluation is `score`: from the encoder's predictions on one setting's clips (and the labels)
/// to one value per clip, aggregated by `aggregate` with a bootstrap interval into results/performance.csv.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/registry.hpp"

namespace nnr::tasks {

/// The four tasks of the paper. New tasks add a value here and a line in the table.
enum class Task { ae, at, ir, vs };

/// The network shape a task trains (model/networks.hpp builds it).
enum class NetworkKind {
  encoder_decoder,  ///< encoder + mirrored decoder (AE: reconstruct; VS: U-Net mask)
  classifier        ///< encoder + dense head (AT: sigmoid tags; IR: softmax classes)
};

/// The clip labels a run provides (labels.csv: clip_id, instrument, tags).
struct ClipLabels {
  bool present = false;
  std::map<std::string, std::string> instrument;
  std::map<std::string, std::set<std::string>> tags;
};

/// One setting's predictions for scoring: pred rows are manifest rows, `rows` the ones with an ok status,
/// in clip order; clip_ids[r] the clip id of manifest row r; classes the prediction columns.
struct ScoreInput {
  const MatrixF* pred = nullptr;
  const std::vector<std::size_t>* rows = nullptr;
  const std::vector<std::string>* clip_ids = nullptr;
  const std::vector<std::string>* classes = nullptr;
  const ClipLabels* labels = nullptr;
  bool auc_drop_empty_tags = false;  ///< AT: drop tags with no positive (the paper's code)
};

struct TaskEntry : EntryBase {
  Task id;
  std::string label;             ///< figure label: "AT"
  std::string metric;            ///< performance metric name in results: "auc_c"
  std::string metric_label;      ///< figure label of the metric: "AUC$^C$"
  std::string train_metric;      ///< the validation metric in train_log.csv: "auc"
  bool higher_is_better = true;  ///< false for AE's MSE (the paper's analysis flips its sign)
  std::string aggregate;         ///< "mean" or "median" over clips
  NetworkKind network;
  bool needs_labels = false;     ///< scoring needs labels.csv
  bool needs_reference = false;  ///< encoding needs the vocal stem (VS)
  std::string predictions;       ///< what predictions/<encoder>.npy holds, for docs and --help
  /// Training defaults (the original code's, original-code-facts.md): epochs, batch size, validation
  /// fraction, validation crops.
  int epochs = 0, batch_size = 0;
  double valid_fraction = 0.1;
  int valid_crops = 1;
  /// Per-clip scores of one setting (NaN = unscorable clip, skipped by the aggregate).
  std::vector<double> (*score)(const ScoreInput& input);
};

/// The table, in the paper's order: ae, at, ir, vs.
const Registry<TaskEntry>& task_registry();
/// By name; Error(config) listing the valid names.
const TaskEntry& find_task(const std::string& name);
const TaskEntry& task_entry(Task task);

/// "ae"|"at"|"ir"|"vs" -> Task; throws Error(config) listing the valid names.
Task parse_task(const std::string& name);
std::string task_name(Task task);

}  // namespace nnr::tasks
