#pragma once
// Factories of the encoder family's LibTorch members, listed in torch/builtin.cpp's table.
#include <memory>
#include <string>

#include "nnr/encode/encoder.hpp"

namespace nnr::encode::detail {

/// task: "ae", "at", "ir" or "vs"; loads <models_dir>/<task>/.
/// The trained network in models/<name>/ for `task` (name = task, or "mfcc-<task>" for its MFCC-input model).
std::unique_ptr<Encoder> make_task_encoder(const std::string& name, const std::string& task,
                                           const EncoderSettings& settings);
/// file: the TorchScript module; params: input, seconds, scaler (torch/builtin.cpp).
std::unique_ptr<Encoder> make_torchscript_encoder(const std::string& file, const Params& params,
                                                  const EncoderSettings& settings);

}  // namespace nnr::encode::detail
