#include <cmath>
#include <string>

#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"
#include "nnr/io/json.hpp"

namespace nnr::distance {

namespace {

struct Entry {
  const char* name;
  const char* description;
  const char* keys;
  std::unique_ptr<SequenceDistance> (*make)(const nlohmann::json&);
};

// The sequence distance family: one line per member.
const Entry kRegistry[] = {
    {"dtw", "exact DTW, Euclidean frame cost, accumulated path cost", "band", &detail::make_dtw},
    {"fastdtw", "FastDTW as the python fastdtw package", "radius", &detail::make_fastdtw},
    {"simple", "SiMPle join profile median (asymmetric)", "m", &detail::make_simple},
};

}  // namespace

void detail::check_sequence(const MatrixF& s, const std::string& what, std::size_t dims) {
  if (s.empty() || s.data.size() != s.rows * s.cols)
    throw_input("distance: empty sequence (" + what + " frames=" + std::to_string(s.rows) + "); every clip needs frames");
  if (dims > 0 && s.cols != dims)
    throw_input("distance: sequence dims differ (" + what + " dims=" + std::to_string(s.cols) +
                ", expected " + std::to_string(dims) + "); use the same features for both");
  for (std::size_t i = 0; i < s.data.size(); ++i)
    if (!std::isfinite(s.data[i]))
      throw_input("distance: non-finite value in sequence (" + what + " frame=" + std::to_string(i / s.cols) +
                  "); recompute its features");
}

int detail::int_param(const nlohmann::json& params, const std::string& key, int fallback, int min_value,
                      const std::string& context) {
  const int v = io::get_or<int>(params, key, fallback, context);
  if (v < min_value)
    throw_config(context + ": value out of range (" + key + "=" + std::to_string(v) + "); must be >= " +
                 std::to_string(min_value));
  return v;
}

double SequenceDistance::operator()(const MatrixF& a, const MatrixF& b) const {
  detail::check_sequence(a, "a");
  detail::check_sequence(b, "b", a.cols);
  return compute(a, b);
}

MatrixD SequenceDistance::rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs,
                                  int threads, Range rows) const {
  MatrixD out(rows.size(), refs.size());
  const std::size_t n = refs.size();
  parallel_for(0, rows.size() * n, threads, [&](std::size_t p) {
    out.data[p] = compute(queries[rows.begin + p / n], refs[p % n]);
  });
  return out;
}

std::vector<std::string> sequence_distance_names() {
  std::vector<std::string> names;
  for (const auto& e : kRegistry) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<SequenceDistance> make_sequence_distance(const std::string& name, const nlohmann::json& params) {
  for (const auto& e : kRegistry) {
    if (name != e.name) continue;
    if (!params.is_null() && !params.is_object())
      throw_config("distance " + name + ": params must be a JSON object (params=" + params.dump() + ")");
    if (params.is_object()) io::check_keys(params, {e.keys}, "distance " + name);
    return e.make(params);
  }
  std::string valid;
  for (const auto& e : kRegistry) valid += std::string(valid.empty() ? "" : ", ") + e.name + " (" + e.description + ")";
  throw_config("distance: unknown sequence distance (name=" + name + "); valid: " + valid);
}

MatrixD all_pairs(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, const SequenceDistance& d,
                  int threads, const Shard& shard) {
  const Range rows = shard_range(queries.size(), shard);
  const std::size_t dims = refs.empty() ? (queries.empty() ? 0 : queries[0].cols) : refs[0].cols;
  for (std::size_t n = 0; n < refs.size(); ++n) detail::check_sequence(refs[n], "ref " + std::to_string(n), dims);
  for (std::size_t q = rows.begin; q < rows.end; ++q)
    detail::check_sequence(queries[q], "query " + std::to_string(q), dims);
  return d.rows_of(queries, refs, threads, rows);
}

}  // namespace nnr::distance
