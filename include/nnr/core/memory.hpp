#pragma once
/// Process-wide allocator policy for nnr's apps and benchmarks (never set by the library on its own).

namespace nnr {

/// Serve large blocks from the heap instead of mmap and keep freed memory (not trimmed), so a stage that
/// allocates tens of MB per item reuses pages the last item touched instead of having the kernel zero-fill
/// fresh ones: page faults were 40 % of a training step and 70 % of a pooled-bootstrap setup at 1,000 x 1,000
/// before (docs/performance.md). The peak stays resident. glibc only; idempotent.
void retain_freed_memory();

}  // namespace nnr
