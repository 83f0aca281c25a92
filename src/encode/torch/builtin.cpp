// The encoder table of nnr::torch: one member per task of the task table (nnr/tasks/task.hpp), so a new
// task is an encoder too, plus torchscript:FILE. register_torch_encoders() appends them to nnr::core's
// table (src/encode/builtin.cpp).
#include <mutex>

#include "members.hpp"
#include "nnr/encode/torch_encoders.hpp"
#include "nnr/tasks/task.hpp"

namespace nnr::encode {

namespace {

std::vector<EncoderEntry> torch_entries() {
  std::vector<EncoderEntry> entries;
  for (const tasks::TaskEntry& t : tasks::task_registry().entries()) {
    const std::string name = t.name;
    entries.push_back({{name, "the trained " + t.label + " network (models/" + name + "), 256-d; predictions: " +
                                  t.predictions, {}},
                       [name](const std::string&, const Params&, const EncoderSettings& s) {
                         return detail::make_task_encoder(name, name, s);
                       },
                       false});
  }
  // The task heads on the MFCC baseline (nnr-train --input mfcc): scored as encoder "mfcc".
  for (const tasks::TaskEntry& t : tasks::task_registry().entries()) {
    const std::string name = t.name, model = "mfcc-" + name;
    entries.push_back({{model, "the " + t.label + " head on the 144-d MFCC baseline (models/" + model +
                                   ", nnr-train --input mfcc); predictions scored as encoder mfcc: " + t.predictions, {}},
                       [name, model](const std::string&, const Params&, const EncoderSettings& s) {
                         return detail::make_task_encoder(model, name, s);
                       },
                       false});
  }
  entries.push_back(
      {{"torchscript",
        "torchscript:FILE, your own TorchScript module: [B,1,T,F] dB spectrogram or [B,samples] audio -> [B,D]",
        {string_param("input", "what the module takes", "spectrogram", {"spectrogram", "audio"}),
         number_param("seconds", "window length", 2.0, 0.001, 600.0, "s"),
         string_param("scaler", "scaler.json standardising spectrogram input (\"\" = none)", "")}},
       &detail::make_torchscript_encoder, true});
  return entries;
}

}  // namespace

void register_torch_encoders() {
  static std::once_flag once;
  std::call_once(once, [] { add_encoders(torch_entries()); });
}

}  // namespace nnr::encode
