#pragma once
/// NumPy .npy arrays (format 1.0, little-endian, C order), loadable with numpy.load. Writes are atomic.
/// Reading accepts float32, float64, int32, int64, uint8 and bool, converted to the requested type.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnr::io {

template <typename T>
struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<T> data;  ///< C order
  std::size_t size() const { return data.size(); }
};

/// dtype descr for T: "<f4", "<f8", "<i4", "<i8", "|u1".
template <typename T>
std::string npy_descr();

template <typename T>
void write_npy(const std::filesystem::path& path, const T* data, const std::vector<std::size_t>& shape);

template <typename T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& data,
               const std::vector<std::size_t>& shape) {
  write_npy(path, data.data(), shape);
}

/// Serialised bytes of a .npy file (header + data), for writers that stream or batch.
template <typename T>
std::string npy_bytes(const T* data, const std::vector<std::size_t>& shape);

/// Throws Error(io) if missing, Error(input) if not a supported .npy (naming the file).
template <typename T>
NpyArray<T> read_npy(const std::filesystem::path& path);

}  // namespace nnr::io
