#!/usr/bin/python3
"""The nnr task networks in PyTorch, for comparing one training step with bench/bench_torch_train.cpp.

Same architecture (nnr/model/networks.hpp), batch 24, Adam(amsgrad, wd 1e-7), CPU.
Usage: /usr/bin/python3 scripts/bench_train_pytorch.py [--threads N] [--preset paper|paper-code|tiny] [--iters 3]
(Debian's python3-torch is visible to /usr/bin/python3 only.)
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "paper": (128, 512, [16, 32, 64, 128, 256, 256]),
    "paper-code": (173, 513, [16, 32, 64, 128, 256, 256, 256]),
    "tiny": (32, 64, [8, 16, 32]),
}


class Encoder(nn.Module):
    def __init__(self, channels):
        super().__init__()
        ins = [1] + channels[:-1]
        self.convs = nn.ModuleList([nn.Conv2d(i, o, 3, bias=False) for i, o in zip(ins, channels)])
        self.bns = nn.ModuleList([nn.BatchNorm2d(o) for o in channels])

    def forward(self, x, full=False, keep=False):
        idx, sizes, acts = [], [], []
        for conv, bn in zip(self.convs, self.bns):
            x = F.relu(bn(conv(F.pad(x, (1, 1, 1, 1), mode="reflect"))))
            sizes.append(x.shape[2:])
            if keep:
                acts.append(x)
            if full:
                x, i = F.max_pool2d(x, 2, 2, return_indices=True)
                idx.append(i)
            else:
                x = F.max_pool2d(x, 2, 2)
        z = x.mean((2, 3))
        return (z, x, idx, sizes, acts) if full else z


class Decoder(nn.Module):
    def __init__(self, channels, skip):
        super().__init__()
        self.skip = skip
        L = len(channels)
        self.deconvs = nn.ModuleList()
        self.bns = nn.ModuleList()
        for k in range(L):
            i = L - 1 - k
            out = 1 if i == 0 else channels[i - 1]
            self.deconvs.append(nn.ConvTranspose2d(channels[i], out, 3, padding=1, bias=(i == 0)))
            if i > 0:
                self.bns.append(nn.BatchNorm2d(out))

    def forward(self, z, last, idx, sizes, acts):
        h = z[:, :, None, None].expand_as(last).contiguous()
        L = len(idx)
        for k in range(L):
            i = L - 1 - k
            h = F.max_unpool2d(h, idx[i], 2, 2, output_size=sizes[i])
            if self.skip:
                h = h + acts[i]
            h = self.deconvs[k](h)
            if i > 0:
                h = F.relu(self.bns[k](h))
        return h


class Classifier(nn.Module):
    def __init__(self, channels, k):
        super().__init__()
        d = channels[-1]
        self.encoder = Encoder(channels)
        self.fc1, self.bn, self.drop, self.fc2 = nn.Linear(d, d), nn.BatchNorm1d(d), nn.Dropout(0.5), nn.Linear(d, k)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.bn(self.fc1(self.encoder(x))))))


class EncDec(nn.Module):
    def __init__(self, channels, skip):
        super().__init__()
        self.skip = skip
        self.encoder = Encoder(channels)
        self.decoder = Decoder(channels, skip)

    def forward(self, x):
        return self.decoder(*self.encoder(x, full=True, keep=self.skip))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--preset", default="paper")
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--tasks", default="ae,at,ir,vs")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    T, Fb, ch = PRESETS[a.preset]
    B = 24
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, preset {a.preset}, batch {B}")
    for task in a.tasks.split(","):
        x = torch.randn(B, 1, T, Fb)
        if task in ("at", "ir"):
            net = Classifier(ch, 50 if task == "at" else 11)
        else:
            net = EncDec(ch, skip=(task == "vs"))
        y_tags = (torch.rand(B, 50) > 0.9).float()
        y_cls = torch.randint(0, 11, (B,))
        voc, acc = torch.rand(B, 1, T, Fb), torch.rand(B, 1, T, Fb)
        mix = voc + acc
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-7, amsgrad=True)
        net.train()

        def step():
            out = net(x)
            if task == "ae":
                loss = F.mse_loss(out, x)
            elif task == "at":
                loss = F.binary_cross_entropy_with_logits(out, y_tags)
            elif task == "ir":
                loss = F.cross_entropy(out, y_cls)
            else:
                m = torch.sigmoid(out)
                loss = F.l1_loss(m * mix, voc) + F.l1_loss((1 - m) * mix, acc)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss.item()

        step()  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.iters):
            step()
        dt = (time.perf_counter() - t0) / a.iters
        ct = (time.process_time() - c0) / a.iters
        print(f"{task}: {dt * 1000:.0f} ms/step (CPU {ct * 1000:.0f} ms), {B / dt:.1f} samples/s")


if __name__ == "__main__":
    main()
