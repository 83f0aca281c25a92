#pragma once
// Untrained "tiny" task models in the layout nnr-train leaves (model.json, model.pt, scaler.json), built
// in milliseconds through the model library: enough to exercise the task encoders end to end.
#include <filesystem>
#include <string>
#include <vector>

#include "nnr/features/features.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/networks.hpp"

namespace nnr::test {

inline std::vector<std::string> tiny_class_names(const std::string& task) {
  std::vector<std::string> names;
  const int k = task == "at" ? 5 : task == "ir" ? 3 : 0;
  for (int i = 0; i < k; ++i) names.push_back(task + "_class_" + std::to_string(i));
  return names;
}

/// Writes <models>/<task>/ for a model preset ("tiny": 32 frames x 64 bins) with seeded random weights.
inline void write_tiny_model(const std::filesystem::path& models, const std::string& task,
                             const std::string& preset = "tiny") {
  const auto dir = models / task;
  std::filesystem::create_directories(dir);
  torch::manual_seed(7);
  const auto cfg = model::model_preset(preset);
  const auto names = tiny_class_names(task);
  auto net = model::make_task_net(model::parse_task(task), cfg, static_cast<int>(names.size()));
  model::save_weights(*net, dir / "model.pt");
  io::Json j = {{"task", task}, {"model", cfg.to_json()}};
  if (!names.empty()) j["class_names"] = names;
  io::write_json(dir / "model.json", j);
  features::Scaler s;
  s.mean.assign(513, -40.0f);
  s.std.assign(513, 20.0f);
  features::save_scaler(dir / "scaler.json", s);
}

}  // namespace nnr::test
