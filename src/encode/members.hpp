#pragma once
// Factories of the encoder family's members, listed in builtin.cpp's table.
#include <memory>
#include <string>

#include "nnr/encode/encoder.hpp"

namespace nnr::encode::detail {

std::unique_ptr<Encoder> make_mfcc_encoder(const EncoderSettings& settings);
/// task: "ae", "at", "ir" or "vs"; loads <models_dir>/<task>/.
std::unique_ptr<Encoder> make_task_encoder(const std::string& task, const EncoderSettings& settings);
std::unique_ptr<Encoder> make_torchscript_encoder(const std::string& file, const EncoderSettings& settings);

}  // namespace nnr::encode::detail
