#include "nnr/core/memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nnr {

void retain_freed_memory() {
#if defined(__GLIBC__)
  static const bool done = [] {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 256 << 20);
    return true;
  }();
  (void)done;
#endif
}

}  // namespace nnr
