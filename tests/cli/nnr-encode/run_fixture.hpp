#pragma once
// A tiny synthetic run directory and helpers shared by the nnr-encode CLI tests.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/json.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/io/npy.hpp"
#include "support/signals.hpp"

namespace fs = std::filesystem;
using nnr::io::NpyArray;

namespace encode_cli {

inline const fs::path kRoot = fs::path(NNR_BINARY_DIR) / "test_tmp" / "cli_nnr_encode";

inline int run(const std::string& args, const std::string& log = "") {
  const std::string cmd = std::string(NNR_ENCODE_APP) + " " + args + (log.empty() ? " -q" : " 2>" + log);
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/// 4 clips (a: 4 s chirp, b: 1.5 s chirp, c: 5 s noise, d: corrupt file) x {OG, PN_[10]} = 8 rows;
/// clip a has a vocal stem; row 3 (d OG) cannot be decoded and row 7 (d PN) has status "failed": both must be NaN rows.
inline fs::path make_run(const std::string& name) {
  using namespace nnr::test;
  const fs::path dir = kRoot / name;
  fs::remove_all(dir);
  fs::create_directories(dir / "audio" / "original");
  const std::vector<std::vector<float>> clips = {chirp(200.0, 6000.0, 4.0), chirp(100.0, 4000.0, 1.5),
                                                 white_noise(5.0, 0.1, 7)};
  const std::vector<std::string> ids = {"a", "b", "c", "d"};
  std::vector<nnr::io::ManifestRow> rows;
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < ids.size(); ++i) {
      nnr::io::ManifestRow r;
      r.clip_id = ids[i];
      r.transform = pass ? "PN" : "OG";
      r.magnitude = pass ? 10.0 : 0.0;
      r.setting = pass ? "PN_[10]" : "OG";
      r.status = "ok";
      r.path = pass ? "audio/PN/10/" + ids[i] + ".flac" : "audio/original/" + ids[i] + ".wav";
      if (i == 0) {  // clip a has a "vocal stem": the clip itself at half level (VS reference)
        r.vocals_path = pass ? "audio/PN/10/a.vocals.wav" : "audio/original/a.vocals.wav";
        auto v = clips[0];
        for (auto& s : v) s *= 0.5f;
        nnr::audio::write_audio(dir / r.vocals_path, v, kSr, nnr::audio::SampleFormat::float32);
      }
      if (i < clips.size()) {
        auto x = clips[i];
        if (pass) {
          const auto n = white_noise(static_cast<double>(x.size()) / kSr + 0.01, 0.05, 11 + i);
          for (std::size_t k = 0; k < x.size(); ++k) x[k] += n[k];
        }
        nnr::audio::write_audio(dir / r.path, x, kSr,
                                pass ? nnr::audio::SampleFormat::pcm24 : nnr::audio::SampleFormat::float32);
        r.n_samples = static_cast<std::int64_t>(x.size());
      } else if (pass == 0) {
        nnr::io::write_file_atomic(dir / r.path, "this is not audio");
      } else {
        r.status = "failed";
        r.error = "transform failed";
      }
      rows.push_back(r);
    }
  nnr::io::write_run_manifest(dir / "manifest.csv", rows);
  return dir;
}

inline NpyArray<float> load(const fs::path& p) { return nnr::io::read_npy<float>(p); }

inline void expect_nan_rows(const NpyArray<float>& a, const std::vector<std::size_t>& nan_rows) {
  ASSERT_EQ(a.shape.size(), 2u);
  for (std::size_t i = 0; i < a.shape[0]; ++i) {
    const bool want_nan = std::find(nan_rows.begin(), nan_rows.end(), i) != nan_rows.end();
    for (std::size_t j = 0; j < a.shape[1]; ++j)
      ASSERT_EQ(std::isnan(a.data[i * a.shape[1] + j]), want_nan) << "row " << i << " col " << j;
  }
}

/// Writes the example TorchScript module once; empty when Python's torch is not installed.
inline fs::path example_model(const std::string& input) {
  const fs::path out = kRoot / ("example_" + input + ".pt");
  if (fs::exists(out)) return out;
  fs::create_directories(kRoot);
  const std::string cmd = "/usr/bin/python3 " + std::string(NNR_EXAMPLE_SCRIPT) + " " + out.string() +
                          " --input " + input + " > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return out;
}

inline std::string read(const fs::path& p) { return nnr::io::read_file(p); }

}  // namespace encode_cli
