// The encoder registry: one line per member.
#include "members.hpp"

namespace nnr::encode {

const std::vector<EncoderEntry>& encoder_registry() {
  using detail::make_task_encoder;
  static const std::vector<EncoderEntry> table = {
      {"mfcc", "144-d MFCC baseline: mean/std of MFCC 1..24, delta, delta-delta (no model)",
       [](const std::string&, const EncoderSettings& s) { return detail::make_mfcc_encoder(s); }, false},
      {"ae", "autoencoder encoder, 256-d (models/ae); predictions: reconstruction MSE",
       [](const std::string&, const EncoderSettings& s) { return make_task_encoder("ae", s); }, false},
      {"at", "auto-tagging network, 256-d (models/at); predictions: tag probabilities",
       [](const std::string&, const EncoderSettings& s) { return make_task_encoder("at", s); }, false},
      {"ir", "instrument recognition network, 256-d (models/ir); predictions: class probabilities",
       [](const std::string&, const EncoderSettings& s) { return make_task_encoder("ir", s); }, false},
      {"vs", "vocal separation U-Net encoder, 256-d (models/vs); predictions: vocals SDR (dB)",
       [](const std::string&, const EncoderSettings& s) { return make_task_encoder("vs", s); }, false},
      {"torchscript", "your own TorchScript module: [B,1,T,F] dB spectrogram or [B,samples] audio -> [B,D]",
       [](const std::string& file, const EncoderSettings& s) { return detail::make_torchscript_encoder(file, s); },
       true},
  };
  return table;
}

}  // namespace nnr::encode
