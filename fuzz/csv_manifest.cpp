// Fuzz target: CSV parsing and manifest.csv reading (the contract between stages), sealed and unsealed.
#include "fuzz_input.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/manifest.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnr::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static nnr::fuzz::InputFile file("manifest.csv");
  const auto& path = file.write(data, size);
  nnr::fuzz::nnr_errors_only([&] {
    const auto t = nnr::io::parse_csv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    for (const auto& row : t.rows) NNR_ASSERT(row.size() == t.header.size());
  });
  nnr::fuzz::nnr_errors_only([&] {
    const auto rows = nnr::io::read_manifest(path);
    // What read_manifest accepts, write_manifest must write back and read_manifest read again unchanged.
    static nnr::fuzz::InputFile copy("again.csv");
    nnr::io::write_manifest(copy.path(), rows);
    const auto again = nnr::io::read_manifest(copy.path());
    NNR_ASSERT(again.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      NNR_ASSERT(again[i].clip_id == rows[i].clip_id && again[i].setting == rows[i].setting);
      NNR_ASSERT(again[i].path == rows[i].path && again[i].status == rows[i].status);
    }
  });
  nnr::fuzz::nnr_errors_only([&] { (void)nnr::io::read_run_manifest(path); });
  return 0;
}
