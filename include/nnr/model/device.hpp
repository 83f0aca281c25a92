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

/// Prepares this process for LibTorch work on the CPU: `threads` intra-op threads (if > 0), and glibc's
/// allocator told to keep freed memory. Without the latter every activation (tens of MB) is a fresh mmap
/// that the kernel zero-fills page by page and unmaps again on free: a training step of the paper's network
/// spent 40 % of its time in page faults, and ran 3-7x slower (docs/training.md, "Speed"). Idempotent.
void prepare_cpu_runtime(int threads);

}  // namespace nnr::model
