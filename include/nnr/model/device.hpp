#pragma once
/// LibTorch facts and device selection shared by nnr-train and nnr-encode.

#include <torch/types.h>

#include <string>

namespace nnr::model {

/// "1.13.1" etc.; with ", CUDA <ver>" when LibTorch has CUDA.
std::string torch_version();

/// "cpu" or "cuda" (or "cuda:N") -> a Device. Throws Error(config) for cuda when LibTorch has no CUDA
/// or no GPU is visible, saying so, instead of failing later inside a kernel.
torch::Device parse_device(const std::string& name);

}  // namespace nnr::model
