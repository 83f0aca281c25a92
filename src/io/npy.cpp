#include "nnr/io/npy.hpp"

#include <cstring>
#include <limits>
#include <numeric>
#include <type_traits>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::io {

template <> std::string npy_descr<float>() { return "<f4"; }
template <> std::string npy_descr<double>() { return "<f8"; }
template <> std::string npy_descr<std::int32_t>() { return "<i4"; }
template <> std::string npy_descr<std::int64_t>() { return "<i8"; }
template <> std::string npy_descr<std::uint8_t>() { return "|u1"; }

namespace {

std::size_t product(const std::vector<std::size_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

std::string shape_tuple(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) s += ",";
    if (i + 1 < shape.size()) s += " ";
  }
  return s + ")";
}

/// Elements in `shape`, or SIZE_MAX if the product overflows (a header no file could hold).
std::size_t checked_product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) return std::numeric_limits<std::size_t>::max();
    n *= d;
  }
  return n;
}

/// Converts n values; returns the index of the first that Dst cannot hold (a NaN or 1e30 read as an integer,
/// 300 as uint8), or n. Casting those would be undefined behaviour, not a number.
template <typename Src, typename Dst>
std::size_t convert(const char* raw, std::size_t n, std::vector<Dst>& out) {
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    Src v;
    std::memcpy(&v, raw + i * sizeof(Src), sizeof(Src));
    if constexpr (std::is_integral_v<Dst> && !std::is_same_v<Src, Dst>) {
      // long double holds every int64 exactly on x86-64, and a NaN fails both comparisons.
      const auto x = static_cast<long double>(v);
      if (!(x >= static_cast<long double>(std::numeric_limits<Dst>::min()) &&
            x <= static_cast<long double>(std::numeric_limits<Dst>::max())))
        return i;
    }
    out[i] = static_cast<Dst>(v);
  }
  return n;
}

}  // namespace

template <typename T>
std::string npy_bytes(const T* data, const std::vector<std::size_t>& shape) {
  std::string header = "{'descr': '" + npy_descr<T>() + "', 'fortran_order': False, 'shape': " +
                       shape_tuple(shape) + ", }";
  // Pad so that magic(6)+version(2)+len(2)+header is a multiple of 64, ending in '\n'.
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  out += header;
  const std::size_t n = product(shape);
  out.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  return out;
}

template <typename T>
void write_npy(const std::filesystem::path& path, const T* data, const std::vector<std::size_t>& shape) {
  write_file_atomic(path, npy_bytes(data, shape));
}

template <typename T>
NpyArray<T> read_npy(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  auto bad = [&](const std::string& why) -> NpyArray<T> {
    throw_input("npy: " + why + " (" + path.string() + "); expected a .npy written by numpy.save or nnr");
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) return bad("not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return bad("truncated header");
    header_len = 0;
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    offset = 12;
  } else {
    return bad("unsupported .npy version");
  }
  if (bytes.size() < offset + header_len) return bad("truncated header");
  const std::string header = bytes.substr(offset, header_len);
  auto field = [&](const std::string& key) -> std::string {
    const auto k = header.find("'" + key + "'");
    if (k == std::string::npos) return {};
    auto v = header.find(':', k) + 1;
    while (v < header.size() && header[v] == ' ') ++v;
    return header.substr(v);
  };
  std::string descr = field("descr");
  if (descr.size() < 2) return bad("no dtype");
  descr = descr.substr(1, descr.find('\'', 1) - 1);
  if (field("fortran_order").rfind("True", 0) == 0) return bad("Fortran order is not supported");
  const std::string shape_text = field("shape");
  NpyArray<T> arr;
  {
    std::size_t i = 1;
    while (i < shape_text.size() && shape_text[i] != ')') {
      if (std::isdigit(static_cast<unsigned char>(shape_text[i]))) {
        std::size_t j = i;
        while (j < shape_text.size() && std::isdigit(static_cast<unsigned char>(shape_text[j]))) ++j;
        if (j - i > 19) return bad("a dimension in the shape is too large");  // 20 digits may overflow stoull
        arr.shape.push_back(std::stoull(shape_text.substr(i, j - i)));
        i = j;
      } else {
        ++i;
      }
    }
  }
  const std::size_t n = checked_product(arr.shape);
  const char* raw = bytes.data() + offset + header_len;
  const std::size_t avail = bytes.size() - offset - header_len;
  auto need = [&](std::size_t item) {
    if (n > avail / item) bad("truncated data: the shape " + shape_tuple(arr.shape) + " needs more bytes than the file holds");
  };
  std::size_t fit = n;
  if (descr == "<f4") { need(4); fit = convert<float>(raw, n, arr.data); }
  else if (descr == "<f8") { need(8); fit = convert<double>(raw, n, arr.data); }
  else if (descr == "<i4") { need(4); fit = convert<std::int32_t>(raw, n, arr.data); }
  else if (descr == "<i8") { need(8); fit = convert<std::int64_t>(raw, n, arr.data); }
  else if (descr == "|u1" || descr == "|b1") { need(1); fit = convert<std::uint8_t>(raw, n, arr.data); }
  else return bad("unsupported dtype " + descr);
  if (fit < n)
    return bad("element " + std::to_string(fit) + " of the " + descr + " data does not fit " + npy_descr<T>() +
               " (NaN, infinite or out of range)");
  return arr;
}

#define NNR_NPY_INSTANTIATE(T)                                                                   \
  template std::string npy_bytes<T>(const T*, const std::vector<std::size_t>&);                 \
  template void write_npy<T>(const std::filesystem::path&, const T*, const std::vector<std::size_t>&); \
  template NpyArray<T> read_npy<T>(const std::filesystem::path&);
NNR_NPY_INSTANTIATE(float)
NNR_NPY_INSTANTIATE(double)
NNR_NPY_INSTANTIATE(std::int32_t)
NNR_NPY_INSTANTIATE(std::int64_t)
NNR_NPY_INSTANTIATE(std::uint8_t)
#undef NNR_NPY_INSTANTIATE

}  // namespace nnr::io
