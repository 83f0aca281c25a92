// TEMPORARY until the features module is merged: the seam throws.
#include "feature_adapter.hpp"

#include "nnr/core/error.hpp"

namespace nnr::encode::detail {

namespace {
[[noreturn]] void missing() {
  throw_internal("encode: the features module is not part of this build (network_input_db, mfcc144)");
}
}  // namespace

std::vector<float> mfcc144(const std::vector<float>&) { missing(); }
MatrixF network_input_db(const std::vector<float>&) { missing(); }

struct Standardiser::Impl {};
Standardiser::Standardiser(const std::filesystem::path&) { missing(); }
Standardiser::~Standardiser() = default;
void Standardiser::apply(MatrixF&) const { missing(); }

}  // namespace nnr::encode::detail
