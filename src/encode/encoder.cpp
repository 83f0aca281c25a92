#include "nnr/encode/encoder.hpp"

#include "members.hpp"
#include "nnr/core/error.hpp"

namespace nnr::encode {

void Encoder::encode(const std::vector<std::vector<float>>& windows,
                     const std::vector<std::vector<float>>& references, MatrixF& embeddings,
                     MatrixF& predictions) {
  for (const auto& w : windows)
    if (w.size() != info_.window_samples)
      throw_input("encode: window of " + std::to_string(w.size()) + " samples given to encoder " + info_.name +
                  " (window_samples=" + std::to_string(info_.window_samples) + ")");
  if (!references.empty() && references.size() != windows.size())
    throw_input("encode: " + std::to_string(references.size()) + " reference windows for " +
                std::to_string(windows.size()) + " input windows (encoder=" + info_.name + ")");
  embeddings = MatrixF(windows.size(), info_.dim);
  predictions = MatrixF(windows.size(), info_.prediction_columns.size());
  if (windows.empty()) return;
  do_encode(windows, references, embeddings, predictions);
}

namespace {
std::pair<std::string, std::string> split_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos) return {spec, ""};
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

std::string valid_names() {
  std::vector<std::string> names;
  for (const auto& e : encoder_registry().entries()) names.push_back(e.name + (e.takes_argument ? ":FILE" : ""));
  std::string s = join_names(names);
  if (encoder_registry().entries().size() == detail::core_encoder_count())
    s += " (the trained-network and TorchScript encoders need LibTorch: this program was built with "
         "NNR_WITH_TORCH=OFF)";
  return s;
}
}  // namespace

std::unique_ptr<Encoder> make_encoder(const std::string& spec, const EncoderSettings& settings) {
  const auto [name, arg] = split_spec(spec);
  const EncoderEntry* e = encoder_registry().try_find(name);
  if (!e) throw_config("encode: unknown encoder (--encoder=" + spec + "); valid: " + valid_names());
  if (e->takes_argument && arg.empty())
    throw_config("encode: encoder " + name + " needs an argument (--encoder=" + spec + "); e.g. " + name +
                 ":model.pt");
  if (!e->takes_argument && !arg.empty())
    throw_config("encode: encoder " + name + " takes no argument (--encoder=" + spec + ")");
  if (settings.batch < 1)
    throw_config("encode: batch must be >= 1 (--batch=" + std::to_string(settings.batch) + ")");
  const io::Json given = settings.config.is_object() && settings.config.contains(name) ? settings.config.at(name)
                                                                                       : io::Json();
  const Params params = validate_params(e->parameters, given, "config: encode." + name);
  return e->make(arg, params, settings);
}

std::string default_encoder_name(const std::string& spec) {
  const auto [name, arg] = split_spec(spec);
  if (arg.empty()) return name;
  return std::filesystem::path(arg).stem().string();
}

}  // namespace nnr::encode
