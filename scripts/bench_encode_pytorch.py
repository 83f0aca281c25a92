#!/usr/bin/python3
"""The AT encoder plus head of nnr in PyTorch, for comparing inference with bench/bench_torch_encode.cpp.

One batch of 32 two-second windows (22,050 Hz) -> dB STFT (n_fft 1024, hop 256, Hann), standardised,
128 frames x 512 bins -> the paper preset's AT network in eval mode -> the 256-d embedding and the tag
probabilities, as nnr-encode computes them. Two paths, same weights:
  eager      plain eval-mode PyTorch
  optimized  torch.jit.optimize_for_inference(torch.jit.script(net)) (freezes, folds batch-norm into the
             convolutions, fuses ReLUs, oneDNN layouts)
Prints windows/s for each and checks that both give the same outputs (max relative difference).
Usage: /usr/bin/python3 scripts/bench_encode_pytorch.py [--threads 2] [--task at|ir] [--seconds 8]
(Debian's python3-torch is visible to /usr/bin/python3 only.)
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_train_pytorch import PRESETS, Classifier  # noqa: E402  (the same networks as the training twin)


class EmbedAndPredict(torch.nn.Module):
    """Audio windows -> (embedding after the head's ReLU, sigmoid tag probabilities)."""

    def __init__(self, net: Classifier, frames: int, bins: int):
        super().__init__()
        self.frames, self.bins = frames, bins
        self.fc1, self.bn, self.fc2 = net.fc1, net.bn, net.fc2
        # The encoder's blocks as one Sequential over the same modules (scriptable; the training twin's
        # forward has Python-only branches).
        blocks = []
        for conv, bn in zip(net.encoder.convs, net.encoder.bns):
            blocks += [torch.nn.ReflectionPad2d(1), conv, bn, torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2)]
        self.blocks = torch.nn.Sequential(*blocks)
        self.register_buffer("window", torch.hann_window(1024))
        self.register_buffer("mean", torch.zeros(bins))
        self.register_buffer("std", torch.ones(bins))

    def forward(self, audio: torch.Tensor):
        spec = torch.stft(audio, 1024, 256, 1024, self.window, center=True, return_complex=True).abs()
        db = 20 * torch.log10(spec.clamp_min(1e-10))                      # [B, 513, T]
        t0 = (db.shape[2] - self.frames) // 2
        x = db[:, : self.bins, t0 : t0 + self.frames].transpose(1, 2)     # [B, T, F]
        x = ((x - self.mean) / self.std).unsqueeze(1)
        z = F.relu(self.bn(self.fc1(self.blocks(x).mean((2, 3)))))
        return z, torch.sigmoid(self.fc2(z))


def rate(fn, batch, seconds):
    fn()  # warm-up (primitive creation, first allocations)
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return batch * n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--task", default="at", choices=["at", "ir"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=8.0, help="timing per path")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    frames, bins, channels = PRESETS["paper"]
    net = Classifier(channels, 50 if a.task == "at" else 11)
    model = EmbedAndPredict(net, frames, bins).eval()
    audio = 0.1 * torch.randn(a.batch, 44100)
    with torch.no_grad():
        eager = rate(lambda: model(audio), a.batch, a.seconds)
        optimized_model = torch.jit.optimize_for_inference(torch.jit.script(model))
        optimized = rate(lambda: optimized_model(audio), a.batch, a.seconds)
        z, p = model(audio)
        zo, po = optimized_model(audio)
    diff = max(((z - zo).abs().max() / z.abs().max()).item(), ((p - po).abs().max() / p.abs().max()).item())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {a.task} paper preset, batch {a.batch}")
    print(f"eager:     {eager:7.1f} windows/s")
    print(f"optimized: {optimized:7.1f} windows/s (torch.jit.optimize_for_inference)")
    print(f"max relative difference optimized vs eager: {diff:.2e}")


if __name__ == "__main__":
    main()
