// Fuzz target: .npy reading (embeddings/<encoder>.npy, predictions, offsets), as every dtype nnr asks for.
#include "fuzz_input.hpp"
#include "nnr/io/npy.hpp"

namespace {

template <typename T>
void read_as(const std::filesystem::path& path) {
  nnr::fuzz::nnr_errors_only([&] {
    const auto a = nnr::io::read_npy<T>(path);
    std::size_t n = 1;
    for (auto d : a.shape) n *= d;
    NNR_ASSERT(n == a.data.size());  // the shape describes the data it came with
  });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnr::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static nnr::fuzz::InputFile file("array.npy");
  const auto& path = file.write(data, size);
  read_as<float>(path);
  read_as<double>(path);
  read_as<std::int64_t>(path);
  read_as<std::uint8_t>(path);
  return 0;
}
