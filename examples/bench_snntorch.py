#!/usr/bin/env python3
"""snnTorch reference for `examples/bench_train.rs`: training throughput of the same models.

FC-SNN 784-1000-10 and the CSNN (Conv 1->32 k5, maxpool 2, Leaky, Conv 32->64 k5, maxpool 2,
Leaky, FC 1024->10, Leaky), snnTorch `Leaky` (beta 0.95, threshold 1, subtract reset,
arctan surrogate), 25 time steps, direct-current encoding, batch 128, Adam lr 5e-4; loss
cross-entropy summed over steps on the membrane (FC) or on spike counts (CSNN), as
spinspice's `snn::train::loss`. CPU PyTorch limited to 2 threads (the machine's cores).

    pip install torch snntorch   # CPU is used whatever the wheel
    python3 examples/bench_snntorch.py [DATA_DIR] [BATCHES] [--model fc/leaky,conv/leaky]

Prints the median seconds per batch and images/s of each model after one warm-up batch,
in the same format as bench_train.
"""

import gzip
import os
import statistics
import struct
import sys
import time

import numpy as np
import snntorch as snn
import torch
import torch.nn as nn
from snntorch import surrogate


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(directory, stem):
    for name in (stem + "-ubyte.gz", stem + "-ubyte", stem + ".gz", stem):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{stem} not found in {directory}")


class Fc(nn.Module):
    def __init__(self, beta, spike_grad):
        super().__init__()
        self.fc1 = nn.Linear(784, 1000)
        self.lif1 = snn.Leaky(beta=beta, spike_grad=spike_grad)
        self.fc2 = nn.Linear(1000, 10)
        self.lif2 = snn.Leaky(beta=beta, spike_grad=spike_grad)

    def forward(self, x, steps):
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        mems = []
        cur1 = self.fc1(x.flatten(1))  # direct encoding: the same input every step
        for _ in range(steps):
            spk1, mem1 = self.lif1(cur1, mem1)
            spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
            mems.append(mem2)
        return torch.stack(mems)


class Conv(nn.Module):
    def __init__(self, beta, spike_grad):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 5)
        self.l1 = snn.Leaky(beta=beta, spike_grad=spike_grad)
        self.c2 = nn.Conv2d(32, 64, 5)
        self.l2 = snn.Leaky(beta=beta, spike_grad=spike_grad)
        self.fc = nn.Linear(64 * 4 * 4, 10)
        self.l3 = snn.Leaky(beta=beta, spike_grad=spike_grad)

    def forward(self, x, steps):
        m1, m2, m3 = self.l1.init_leaky(), self.l2.init_leaky(), self.l3.init_leaky()
        spikes = []
        cur1 = nn.functional.max_pool2d(self.c1(x), 2)
        for _ in range(steps):
            s1, m1 = self.l1(cur1, m1)
            s2, m2 = self.l2(nn.functional.max_pool2d(self.c2(s1), 2), m2)
            s3, m3 = self.l3(self.fc(s2.flatten(1)), m3)
            spikes.append(s3)
        return torch.stack(spikes)


def loss_fc(mems, labels):
    ce = nn.CrossEntropyLoss()
    return sum(ce(m, labels) for m in mems)


def loss_conv(spikes, labels):
    return nn.CrossEntropyLoss()(spikes.sum(0), labels)


def bench(name, model, lossf, images, labels, batches, steps=25, bs=128):
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    times, cpus = [], []
    for i in range(batches + 1):
        idx = [(i * bs + k) % len(images) for k in range(bs)]
        x = torch.from_numpy(images[idx].astype(np.float32) / 255.0).unsqueeze(1)
        y = torch.from_numpy(labels[idx].astype(np.int64))
        t0, c0 = time.perf_counter(), time.process_time()
        out = model(x, steps)
        loss = lossf(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if i > 0:
            times.append(dt)
            cpus.append(dc)
    med, cpu = statistics.median(times), statistics.median(cpus)
    print(
        f"{name:<28} median {med:.3f} s/batch of {bs} -> {bs / med:.1f} images/s "
        f"({cpu:.3f} CPU s/batch)",
        flush=True,
    )


def main():
    args, models = [], None
    argv = iter(sys.argv[1:])
    for a in argv:
        if a == "--model":
            models = [m.strip() for m in next(argv, "").split(",")]
        else:
            args.append(a)
    directory = args[0] if len(args) > 0 else "tests/data/mnist"
    batches = int(args[1]) if len(args) > 1 else 5
    torch.set_num_threads(2)
    torch.manual_seed(1)
    images = read_idx(find(directory, "train-images-idx3"))
    labels = read_idx(find(directory, "train-labels-idx1"))
    grad = surrogate.atan(alpha=2.0)
    print(f"snnTorch {snn.__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    if models is None or "fc/leaky" in models:
        bench("snntorch fc/leaky", Fc(0.95, grad), loss_fc, images, labels, batches)
    if models is None or "conv/leaky" in models:
        bench("snntorch conv/leaky", Conv(0.95, grad), loss_conv, images, labels, batches)


if __name__ == "__main__":
    main()
