#include "nnr/model/device.hpp"

#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include "nnr/core/error.hpp"
#include "nnr/core/memory.hpp"

namespace nnr::model {

std::string torch_version() {
  std::string v = TORCH_VERSION;
  if (torch::cuda::is_available()) v += ", CUDA devices: " + std::to_string(torch::cuda::device_count());
  return v;
}

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw_config("device: CUDA requested but this LibTorch build has no CUDA or no GPU is visible "
                   "(--device=" + name + "); use --device cpu or build against a CUDA LibTorch");
    return torch::Device(name);
  }
  throw_config("device: unknown device (--device=" + name + "); valid: cpu, cuda, cuda:N");
}

void prepare_cpu_runtime(int threads) {
  if (threads > 0) torch::set_num_threads(threads);
  retain_freed_memory();  // nnr/core/memory.hpp
}

}  // namespace nnr::model
