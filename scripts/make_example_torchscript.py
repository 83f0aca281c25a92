#!/usr/bin/python3
"""Writes a tiny TorchScript encoder that nnr-encode can load with --encoder torchscript:FILE.

Run with Debian's Python (python3-torch): /usr/bin/python3 scripts/make_example_torchscript.py example.pt

The nnr-encode TorchScript contract (see the README section "nnr-encode"):
  forward(x: Tensor) -> Tensor
  input "spectrogram" (default): x is float32 [B, 1, T, F]: T frames x F=513 bins of the nnr network input
      (STFT n_fft 1024, hop 256, centred, power in dB floored at max-80 dB per window; standardised per bin
      when the config gives encode.torchscript.scaler); T = 1 + samples // 256 (173 for 2 s).
  input "audio": x is float32 [B, samples] mono at 22,050 Hz, samples = round(seconds * 22050).
  output: float [B, D], one embedding per input row; rows must not depend on each other (eval mode).
The weights here are random (seeded): the point is the contract, not the embedding's quality.
"""
import argparse

import torch
import torch.nn as nn


class SpectrogramEncoder(nn.Module):
    """[B, 1, T, F] -> [B, dim]: two conv blocks and global average pooling."""

    def __init__(self, dim: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.proj = nn.Linear(16, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x).mean(dim=(2, 3))
        return self.proj(h)


class AudioEncoder(nn.Module):
    """[B, samples] -> [B, dim]: strided 1-D convolutions on the waveform."""

    def __init__(self, dim: int):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, 8, 64, stride=16), nn.ReLU(),
            nn.Conv1d(8, 16, 16, stride=8), nn.ReLU())
        self.proj = nn.Linear(16, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x.unsqueeze(1)).mean(dim=2)
        return self.proj(h)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("output", help="TorchScript file to write, e.g. example.pt")
    p.add_argument("--input", choices=["spectrogram", "audio"], default="spectrogram")
    p.add_argument("--dim", type=int, default=32, help="embedding dimension D")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    model = SpectrogramEncoder(a.dim) if a.input == "spectrogram" else AudioEncoder(a.dim)
    scripted = torch.jit.script(model.eval())
    scripted.save(a.output)
    x = torch.zeros(2, 1, 173, 513) if a.input == "spectrogram" else torch.zeros(2, 44100)
    print(f"wrote {a.output}: {a.input} input {list(x.shape)} -> {list(scripted(x).shape)}")


if __name__ == "__main__":
    main()
