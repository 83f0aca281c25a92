#!/usr/bin/python3
"""Writes N seeded 4-second music-like clips (22,050 Hz mono, 16-bit WAV) and a noise recording for the
paper-scale evaluation benchmark (scripts/bench_paper_evaluation.sh). Each clip: a few harmonic notes with
envelopes over a drone, plus a little noise, so MFCC sequences vary as music's do. Evaluation time does not
depend on the content, only on lengths and counts; the clips only need to be distinct and non-silent.

Usage: /usr/bin/python3 scripts/bench_paper_clips.py --clips 1000 --out DIR   (writes DIR/clips.csv)
"""
import argparse
import os
import wave

import numpy as np

SR = 22050


def clip(rng: np.random.Generator, seconds: float = 4.0) -> np.ndarray:
    n = int(seconds * SR)
    t = np.arange(n) / SR
    y = np.zeros(n)
    base = 55.0 * 2 ** (rng.integers(0, 36) / 12)
    y += 0.2 * np.sin(2 * np.pi * base * t)
    for _ in range(rng.integers(6, 14)):
        start = rng.uniform(0, seconds - 0.3)
        dur = rng.uniform(0.15, 1.2)
        f0 = base * 2 ** (rng.integers(12, 40) / 12)
        env = np.clip((t - start) / 0.01, 0, 1) * np.exp(-np.clip(t - start, 0, None) / dur) * (t >= start)
        for h in range(1, 6):
            y += env * rng.uniform(0.05, 0.3) / h * np.sin(2 * np.pi * f0 * h * t + rng.uniform(0, 6.3))
    y += 0.01 * rng.standard_normal(n)
    return 0.5 * y / np.max(np.abs(y))


def write_wav(path: str, y: np.ndarray) -> None:
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=int, default=1000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "clips"), exist_ok=True)
    rows = ["path"]
    for i in range(a.clips):
        p = os.path.join(a.out, "clips", f"bench_{i:05d}.wav")
        if not os.path.exists(p):  # a rerun keeps what is there: each clip has its own seed
            write_wav(p, clip(np.random.default_rng([a.seed, i])))
        rows.append(os.path.abspath(p))
    with open(os.path.join(a.out, "clips.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    noise = np.random.default_rng(a.seed + 1).standard_normal(10 * SR)
    noise = np.convolve(noise, np.ones(8) / 8, mode="same")  # a little colour
    write_wav(os.path.join(a.out, "noise.wav"), 0.3 * noise / np.max(np.abs(noise)))


if __name__ == "__main__":
    main()
