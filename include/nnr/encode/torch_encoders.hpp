#pragma once
/// The LibTorch members of the encoder family (nnr::torch): the trained task networks ae, at, ir, vs and
/// torchscript:FILE. A program that links nnr::torch calls register_torch_encoders() once before it
/// builds encoders; nnr-encode does so when it was built with LibTorch.

namespace nnr::encode {

/// Adds the LibTorch members to encoder_registry(). Safe to call more than once (later calls do nothing).
void register_torch_encoders();

}  // namespace nnr::encode
