// Fuzz target: grid and config JSON, as nnr-transform, nnr-encode and nnr-evaluate read them: the file
// (load_json), the document as a grid file, and its "grid", "transform" (with each transform's member
// parameters built), "encode" and "evaluate" (with each audio distance built) sections.
#include "fuzz_input.hpp"
#include "nnr/distance/distance.hpp"
#include "nnr/encode/run_encode.hpp"
#include "nnr/eval/evaluate.hpp"
#include "nnr/io/json.hpp"
#include "nnr/transform/grid.hpp"
#include "nnr/transform/stage.hpp"
#include "nnr/transform/transform.hpp"

namespace {

using nnr::fuzz::nnr_errors_only;

void sections(const nnr::io::Json& j, const std::string& source) {
  nnr_errors_only([&] { (void)nnr::transform::grid_from_json(j, source); });
  if (!j.is_object()) return;
  if (j.contains("grid")) nnr_errors_only([&] { (void)nnr::transform::grid_from_json(j.at("grid"), source); });
  if (j.contains("transform"))
    nnr_errors_only([&] {
      nnr::transform::StageOptions o;
      nnr::transform::apply_stage_config(j.at("transform"), o);
      for (const auto& item : o.params.items())  // structured bindings cannot be captured in C++17
        nnr_errors_only([&] { (void)nnr::transform::make_transform(item.key(), {item.value()}); });
    });
  if (j.contains("encode"))
    nnr_errors_only([&] {
      nnr::encode::EncodeOptions o;
      nnr::encode::apply_encode_config(j.at("encode"), o, source);
    });
  if (j.contains("evaluate"))
    nnr_errors_only([&] {
      nnr::eval::EvaluateOptions o;
      nnr::eval::apply_evaluate_config(j.at("evaluate"), o, source);
      for (const auto& d : o.audio_distances)
        nnr_errors_only([&] { (void)nnr::distance::make_sequence_distance(d.name, d.params); });
    });
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnr::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static nnr::fuzz::InputFile file("config.json");
  const auto& path = file.write(data, size);
  nnr_errors_only([&] { sections(nnr::io::load_json(path), path.string()); });
  return 0;
}
