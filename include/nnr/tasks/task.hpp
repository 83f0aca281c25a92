#pragma once
/// The task family (paper section 2.1): what each task of the paper is, in one table that the trainer,
/// nnr-encode, nnr-evaluate and the figures read. LibTorch-free (nnr::core); the networks themselves are
/// built in nnr::torch from `network` (model/networks.hpp).
///
/// A task's evaluation is `score`: from the encoder's predictions on one setting's clips (and the labels)
/// to one value per clip, aggregated by `aggregate` with a bootstrap interval into results/performance.csv.
///
/// The LibTorch side reads a task's traits, never its name: `objective` fixes the targets, loss, output
/// activation, validation metric and predictions (model/networks.cpp, train/trainer.cpp,
/// encode/torch/torch_encoders.cpp), `layout` how nnr-train finds its data (train/dataset.cpp) and `network`
/// the shape. A new task that reuses these is one table line (and a scorer, if none fits).

#include <cstddef>
#include <cstring>
#include <ostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/registry.hpp"

namespace nnr::tasks {

/// A task, by its table name. Task::ae, at, ir and vs name the paper's four; any other task is reached by
/// parse_task("name"), so a new one needs no constant here.
class Task {
 public:
  constexpr explicit Task(const char* name) : name_(name) {}
  const char* name() const { return name_; }
  static const Task ae, at, ir, vs;
  friend bool operator==(Task a, Task b) { return std::strcmp(a.name_, b.name_) == 0; }
  friend bool operator!=(Task a, Task b) { return !(a == b); }
  friend std::ostream& operator<<(std::ostream& os, Task t) { return os << t.name_; }

 private:
  const char* name_;  ///< static storage: a literal or the table's own name
};
inline constexpr Task Task::ae{"ae"}, Task::at{"at"}, Task::ir{"ir"}, Task::vs{"vs"};

/// The network shape a task trains (model/networks.hpp builds it).
enum class NetworkKind {
  autoencoder,  ///< encoder + mirrored decoder (unpooling with the encoder's indices)
  unet,         ///< the same with additive skip connections (VS)
  classifier    ///< encoder + dense head
};

/// What the network learns, and with it the batch targets, the loss, the output activation, the
/// validation metric and what nnr-encode writes as predictions.
enum class Objective {
  reconstruct,   ///< target: the input; loss MSE; predictions: per-clip reconstruction MSE
  multi_label,   ///< target: 0/1 per tag; loss BCE with logits; sigmoid; clip-wise ROC AUC; tag probabilities
  single_label,  ///< target: one class; loss cross-entropy; softmax; accuracy; class probabilities
  source_mask    ///< target: source and rest magnitudes; L1 of the masked mixture; sigmoid mask;
                 ///< median SDR; vocals SDR against the stem (needs_reference)
};

/// How nnr-train finds a task's data under --data (docs/data-layouts.md).
enum class DataLayout {
  listed_clips,   ///< <task>/labels.csv: clip_id,path,split[,tags] (AT; AE prefers ae/, else at/)
  class_folders,  ///< <task>/<class>/*.wav, one folder per class (IRMAS)
  stem_folders    ///< <task>/{train,test}/<track>/{mixture,vocals,accompaniment}.wav (MUSDB18)
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
  std::string label;             ///< figure label: "AT"
  std::string metric;            ///< performance metric name in results: "auc_c"
  std::string metric_label;      ///< figure label of the metric: "AUC$^C$"
  std::string train_metric;      ///< the validation metric in train_log.csv: "auc"
  bool higher_is_better = true;  ///< false for AE's MSE (the paper's analysis flips its sign)
  std::string aggregate;         ///< "mean" or "median" over clips
  NetworkKind network;
  Objective objective;
  DataLayout layout;
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
  /// A reference the task's score means little without, scored the same way on the same clips, or ""
  /// (AE "train_mean": the MSE of predicting the per-bin training mean; VS "mixture": the SDR of the
  /// unprocessed mixture). nnr-encode writes it as the predictions' last column; results/performance.csv
  /// gives it as encoder "<encoder>:<baseline>".
  std::string baseline;
  std::vector<double> (*baseline_score)(const ScoreInput& input) = nullptr;
};

/// The table, in the paper's order: ae, at, ir, vs.
const Registry<TaskEntry>& task_registry();
/// By name; Error(config) listing the valid names.
const TaskEntry& find_task(const std::string& name);
const TaskEntry& task_entry(Task task);

/// A table name -> Task; throws Error(config) listing the valid names.
Task parse_task(const std::string& name);
std::string task_name(Task task);
/// Shorthands for task_entry(task).objective / .layout.
Objective objective(Task task);
DataLayout layout(Task task);

}  // namespace nnr::tasks
