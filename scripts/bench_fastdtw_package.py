#!/usr/bin/python3
"""FastDTW radius 1 against the python `fastdtw` package in the same run (issue 14): the package's CPU time
per pair of 173 x 24 sequences (random walks, as bench_distance's; scipy's euclidean as the frame distance,
as the paper's code called it), then nnr's from bench_distance (BM_FastDtwR1/173, one thread, median of 5),
and the ratio.

The package is not in Debian and nnr does not vendor it: point --package at a checkout of slaypni/fastdtw
(its pure-python fastdtw/fastdtw.py is what runs), or have `fastdtw` importable.

Usage: /usr/bin/python3 scripts/bench_fastdtw_package.py [--package DIR] [--pairs 36]   (after scripts/build.sh)
"""
import argparse
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", help="checkout of slaypni/fastdtw (default: an installed fastdtw)")
    ap.add_argument("--pairs", type=int, default=36, help="pairs timed in the package (default 36)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "bench", "bench_distance"))
    a = ap.parse_args()
    if a.package:
        sys.path.insert(0, a.package)
    try:
        from fastdtw.fastdtw import fastdtw  # the pure-python module, as the paper's code ran it
        from scipy.spatial.distance import euclidean
    except ImportError as e:
        sys.exit(f"bench_fastdtw_package: cannot import the fastdtw package ({e}); pass --package DIR, a checkout "
                 "of https://github.com/slaypni/fastdtw")
    if not os.access(a.bench, os.X_OK):
        sys.exit(f"bench_fastdtw_package: {a.bench} not found; build with scripts/build.sh")
    rng = np.random.default_rng(1)
    side = int(np.ceil(np.sqrt(a.pairs)))
    walks = [np.cumsum(rng.standard_normal((173, 24)), axis=0) for _ in range(2 * side)]
    t, n = time.process_time(), 0
    for i in range(side):
        for j in range(side, 2 * side):
            if n == a.pairs:
                break
            fastdtw(walks[i], walks[j], radius=1, dist=euclidean)
            n += 1
    package_ms = (time.process_time() - t) / n * 1e3
    out = subprocess.run([a.bench, "--benchmark_filter=BM_FastDtwR1/173/1/", "--benchmark_repetitions=5",
                          "--benchmark_report_aggregates_only=true"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"_median.*pairs/s=([0-9.]+)(k?)/s", out)
    if not m:
        sys.exit("bench_fastdtw_package: no median in bench_distance's output:\n" + out)
    nnr_us = 1e6 / (float(m.group(1)) * (1e3 if m.group(2) else 1.0))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"fastdtw package (pure python, scipy euclidean): {package_ms:.2f} ms CPU per 173x24 pair ({n} pairs)")
    print(f"nnr fastdtw r1 (bench_distance, one thread, median of 5): {nnr_us:.1f} us per pair")
    print(f"ratio: {package_ms * 1e3 / nnr_us:.0f}x")


if __name__ == "__main__":
    main()
