#pragma once
/// The encoder family: anything that maps fixed-length audio windows to D-dimensional embeddings
/// (and, for the paper's task networks, to task predictions). Members are reached by name through
/// encoder_registry():
///
///   mfcc               144-d MFCC baseline (mean/std of MFCC 1..24, delta, delta-delta), no model;
///                      nnr::core, src/encode/builtin.cpp
///   ae | at | ir | vs  the trained task networks in <models>/<task>/ (256-d embeddings + predictions),
///                      one member per line of the task table (nnr/tasks/task.hpp)
///   torchscript:FILE   a user's TorchScript module (docs/encoders.md)
///                      these need LibTorch: nnr::torch adds them, src/encode/torch/builtin.cpp, when a
///                      program calls register_torch_encoders() (nnr/encode/torch_encoders.hpp)
///
/// This header is LibTorch-free; torch lives only in the members' translation units.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/registry.hpp"
#include "nnr/io/json.hpp"

namespace nnr::encode {

/// What a member needs to build itself.
struct EncoderSettings {
  std::filesystem::path models_dir;  ///< trained task models: <models_dir>/<task>/
  std::string device = "cpu";        ///< "cpu", "cuda", "cuda:N"
  int batch = 32;                    ///< windows per forward pass (torch members pad to exactly this)
  int threads = 0;                   ///< worker threads (0: resolve_threads default)
  /// Task networks: batch-norm folded into the convolutions (TaskNet::fuse_for_inference), the default;
  /// false runs the plain eval-mode network (the benchmark's and the equality test's reference).
  bool fused_inference = true;
  io::Json config;                   ///< the config's "encode" section; encode.<member> holds its parameters
};

/// Facts about a built encoder.
struct EncoderInfo {
  std::string name;                  ///< default output name (embeddings/<name>.npy)
  std::size_t dim = 0;               ///< embedding dimension D
  std::size_t window_samples = 0;    ///< input window length in samples at 22,050 Hz
  std::string task;                  ///< "ae", "at", "ir", "vs"; "" when the encoder makes no predictions
  std::vector<std::string> prediction_columns;  ///< AT tags / IR classes; AE {"mse", "train_mean_mse"}; VS {"sdr_db", "mixture_sdr_db"}
  bool needs_reference = false;      ///< VS: wants the vocal stem windows aligned with the input windows
  /// A task model on another encoder's embedding (mfcc-<task>: the head on the MFCC baseline): the encoder
  /// its performance is reported under ("mfcc"), and no consistency of its own (it is that encoder's).
  std::string scored_as;
  bool consistency = true;
  io::Json describe = io::Json::object();  ///< provenance written beside the embeddings
};

/// An encoder instance. Not thread-safe: one caller at a time (it may use threads internally).
class Encoder {
 public:
  virtual ~Encoder() = default;
  const EncoderInfo& info() const { return info_; }

  /// Encodes `windows` (1..batch of them, each exactly info().window_samples samples).
  /// `references`: empty, or one vocal stem window per input window (empty vector where there is none).
  /// Writes `embeddings` (B x dim) and `predictions` (B x prediction_columns.size(); NaN where a value
  /// cannot be computed, e.g. SDR without a stem). Each window's result is independent of the others
  /// in the batch. Throws Error(input) on wrong window lengths.
  void encode(const std::vector<std::vector<float>>& windows,
              const std::vector<std::vector<float>>& references, MatrixF& embeddings, MatrixF& predictions);

 protected:
  EncoderInfo info_;

 private:
  virtual void do_encode(const std::vector<std::vector<float>>& windows,
                         const std::vector<std::vector<float>>& references, MatrixF& embeddings,
                         MatrixF& predictions) = 0;
};

/// One table line. `spec` on the command line is "name" or, when takes_argument, "name:ARGUMENT"
/// (e.g. "torchscript:my.pt"). `parameters` are read from the config's encode.<name> object.
struct EncoderEntry : EntryBase {
  std::function<std::unique_ptr<Encoder>(const std::string& argument, const Params& params,
                                         const EncoderSettings& settings)>
      make;
  bool takes_argument = false;
};

/// The table, in help order: nnr::core's members, then those added by add_encoders().
const Registry<EncoderEntry>& encoder_registry();

/// Adds another library's members (nnr::torch: register_torch_encoders()). Call before encoding starts.
/// Error(config) on a name already taken.
void add_encoders(const std::vector<EncoderEntry>& entries);

/// Builds the encoder named by `spec` with its parameters from settings.config[name]; throws Error(config)
/// listing the valid names for an unknown one (and saying when the LibTorch members are absent from this
/// build), Error(io)/Error(input) when its model files are missing or unusable.
std::unique_ptr<Encoder> make_encoder(const std::string& spec, const EncoderSettings& settings);

/// The default output name for `spec`: "mfcc", "at", or the file stem for "torchscript:FILE".
std::string default_encoder_name(const std::string& spec);

}  // namespace nnr::encode
