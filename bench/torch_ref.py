"""PyTorch reference workloads for `npm run bench` (run with Debian's /usr/bin/python3).

Serves requests: one JSON workload per stdin line, one JSON result per stdout line, so the bench
can time PyTorch right after (interleaved with) its own runs in one process each. A workload holds
the same training data the TF.js side uses and the model/optimizer/batch settings; the result is
{id, ms_per_epoch, ms_total, ms_grid}. float32, the lessons' plain training loop, `threads`
intra-op threads (default 1); timings are medians over `repeats`.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn


def mlp(sizes, activation, dropout):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU() if activation == "relu" else nn.Tanh())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def tensors(split, outputs):
    x = torch.tensor(split["x"], dtype=torch.float32).reshape(split["n"], split["d"])
    y = torch.tensor(split["y"], dtype=torch.long)
    return (x, y.float().reshape(-1, 1)) if outputs == 1 else (x, y)


def train_once(w, seed):
    torch.manual_seed(seed)
    model = mlp(w["sizes"], w["activation"], w.get("dropout", 0))
    outputs = w["sizes"][-1]
    loss_fn = nn.BCEWithLogitsLoss() if outputs == 1 else nn.CrossEntropyLoss()
    kind = torch.optim.Adam if w["optimizer"] == "adam" else torch.optim.SGD
    opt = kind(model.parameters(), lr=w["lr"], weight_decay=w.get("weight_decay", 0))
    x, y = tensors(w["train"], outputs)
    xv, yv = tensors(w["val"], outputs) if w.get("val") else (None, None)
    n = x.shape[0]
    batch = w["batch"] or n
    gen = torch.Generator().manual_seed(seed)
    for _ in range(w["epochs"]):
        model.train()
        order = torch.randperm(n, generator=gen) if batch < n else None
        for s in range(0, n, batch):
            idx = order[s:s + batch] if order is not None else slice(None)
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        if xv is not None:
            model.eval()
            with torch.no_grad():
                _ = loss_fn(model(xv), yv).item()
    return model


def grid_ms(model, nx, repeats=20):
    g = torch.rand(nx * nx, 2)
    times = []
    with torch.no_grad():
        for _ in range(repeats):
            t = time.perf_counter()
            _ = torch.sigmoid(model(g)).numpy()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(w):
    torch.set_num_threads(w.get("threads", 1))
    seeds = w.get("seeds", [0])
    totals = []
    for _ in range(w.get("repeats", 1)):
        t = time.perf_counter()
        for seed in seeds:
            model = train_once(w, seed)
        totals.append((time.perf_counter() - t) * 1000)
    total = statistics.median(totals)
    r = {"id": w["id"], "ms_total": total, "ms_per_epoch": total / (w["epochs"] * len(seeds))}
    if w.get("grids"):
        r["ms_grid"] = {str(nx): grid_ms(model, nx) for nx in w["grids"]}
    return r


def main():
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(run(json.loads(line))) + "\n")
            sys.stdout.flush()


main()
