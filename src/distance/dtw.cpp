// Exact DTW. The kernels (kernels/dtw_<isa>.cpp, picked at run time) run one query against a group of
// references of equal length at once, one reference per SIMD lane, so the DP's serial dependency along a
// row is spread across lanes and every lane performs the same operation sequence: the single-pair dtw()
// and all_pairs (both through the kernel) give bit-identical values.
#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "kernels/kernels.hpp"
#include "members.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

namespace {

std::size_t band_width(std::size_t na, std::size_t nb, int band) {
  const std::size_t diff = na > nb ? na - nb : nb - na;
  if (band < 0) return std::max(na, nb);
  return std::max(static_cast<std::size_t>(band), diff);
}

class Dtw final : public SequenceDistance {
 public:
  explicit Dtw(int band) : band_(band) {}
  std::string name() const override { return "dtw"; }
  nlohmann::json params() const override { return {{"band", band_}}; }

  MatrixD rows_of(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs, int threads,
                  Range rows) const override {
    MatrixD out(rows.size(), refs.size());
    if (rows.size() == 0 || refs.empty()) return out;
    const std::size_t d = refs[0].cols;
    const kernels::DtwKernel kernel = kernels::dtw_kernel();
    const std::size_t lanes = kernel.lanes;
    // Groups of up to `lanes` references of equal length, packed [j][k][lane]; a short group repeats
    // its first reference in the spare lanes (their results are discarded).
    std::vector<std::size_t> order(refs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return refs[x].rows < refs[y].rows; });
    struct Group {
      std::vector<std::size_t> idx;
      std::size_t nb = 0;
      std::vector<float> packed;
    };
    std::vector<Group> groups;
    for (std::size_t p = 0; p < order.size();) {
      Group g;
      g.nb = refs[order[p]].rows;
      while (p < order.size() && g.idx.size() < lanes && refs[order[p]].rows == g.nb) g.idx.push_back(order[p++]);
      g.packed.resize(g.nb * d * lanes);
      for (std::size_t l = 0; l < lanes; ++l) {
        const MatrixF& r = refs[g.idx[l < g.idx.size() ? l : 0]];
        for (std::size_t j = 0; j < g.nb; ++j)
          for (std::size_t k = 0; k < d; ++k) g.packed[(j * d + k) * lanes + l] = r(j, k);
      }
      groups.push_back(std::move(g));
    }
    // Tasks: (group, block of queries); a group's packed data stays in cache across its block.
    constexpr std::size_t kQueryBlock = 16;
    const std::size_t blocks = (rows.size() + kQueryBlock - 1) / kQueryBlock;
    parallel_for(0, groups.size() * blocks, threads, [&](std::size_t task) {
      const Group& g = groups[task / blocks];
      const std::size_t q0 = rows.begin + (task % blocks) * kQueryBlock;
      const std::size_t q1 = std::min(rows.end, q0 + kQueryBlock);
      std::vector<unsigned char> work(kernel.work_bytes(g.nb));
      std::vector<double> res(lanes);
      for (std::size_t q = q0; q < q1; ++q) {
        const MatrixF& a = queries[q];
        kernel.run(a.data.data(), a.rows, g.packed.data(), g.nb, d, band_width(a.rows, g.nb, band_), work.data(),
                   res.data());
        for (std::size_t l = 0; l < g.idx.size(); ++l) out(q - rows.begin, g.idx[l]) = res[l];
      }
    });
    return out;
  }

 protected:
  double compute(const MatrixF& a, const MatrixF& b) const override {
    // The pair through the same kernel as all_pairs (b in every lane), so both give the same bits.
    const kernels::DtwKernel kernel = kernels::dtw_kernel();
    const std::size_t d = a.cols, lanes = kernel.lanes;
    std::vector<float> packed(b.rows * d * lanes);
    for (std::size_t j = 0; j < b.rows; ++j)
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t l = 0; l < lanes; ++l) packed[(j * d + k) * lanes + l] = b(j, k);
    std::vector<unsigned char> work(kernel.work_bytes(b.rows));
    std::vector<double> res(lanes);
    kernel.run(a.data.data(), a.rows, packed.data(), b.rows, d, band_width(a.rows, b.rows, band_), work.data(),
               res.data());
    return res[0];
  }

 private:
  int band_;
};

}  // namespace

double dtw(const MatrixF& a, const MatrixF& b, int band) {
  if (band < -1) throw_config("distance: dtw band must be >= -1 (band=" + std::to_string(band) + ")");
  return Dtw(band)(a, b);
}

std::unique_ptr<SequenceDistance> detail::make_dtw(const Params& params) {
  return std::make_unique<Dtw>(static_cast<int>(params.integer("band")));
}

}  // namespace nnr::distance
