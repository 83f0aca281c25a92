// The encoder table of nnr::core: one line per member. The LibTorch members (ae, at, ir, vs, torchscript)
// are in src/encode/torch/builtin.cpp and join this table through add_encoders().
#include "members.hpp"

namespace nnr::encode {

namespace {

const std::vector<EncoderEntry>& core_entries() {
  static const std::vector<EncoderEntry> entries = {
      {{"mfcc", "144-d MFCC baseline: mean/std of MFCC 1..24, delta, delta-delta (no model)", {}},
       &detail::make_mfcc_encoder, false},
  };
  return entries;
}

Registry<EncoderEntry>& table() {
  static Registry<EncoderEntry> t{"encoder", core_entries()};
  return t;
}

}  // namespace

const Registry<EncoderEntry>& encoder_registry() { return table(); }

void add_encoders(const std::vector<EncoderEntry>& entries) {
  for (const auto& e : entries) table().add(e);
}

std::size_t detail::core_encoder_count() { return core_entries().size(); }

}  // namespace nnr::encode
