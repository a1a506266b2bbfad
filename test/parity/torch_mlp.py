"""PyTorch reference for the engine parity test (run with Debian's /usr/bin/python3).

Reads JSON on stdin: {"cases": [{name, activation, loss, outputs, epochs, optimizer, weights,
train: {x, y, n, d}, val: {...}}]} where weights are the engine's initial layers
{W (row-major [in][out]), b, inDim, outDim}. Trains the same MLP full batch in float32 the way
the lessons' loops do (train step, then validation under no_grad) and writes
{"cases": [{name, trainLoss: [...], valLoss: [...]}]} on stdout.
"""
import json
import sys

import torch
import torch.nn as nn

torch.set_num_threads(1)

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky-relu": lambda: nn.LeakyReLU(0.01),
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "silu": nn.SiLU,
    "linear": nn.Identity,
}


def build(case):
    layers = []
    n_layers = len(case["weights"])
    for i, w in enumerate(case["weights"]):
        lin = nn.Linear(w["inDim"], w["outDim"])
        with torch.no_grad():
            W = torch.tensor(w["W"], dtype=torch.float32).reshape(w["inDim"], w["outDim"])
            lin.weight.copy_(W.t())
            lin.bias.copy_(torch.tensor(w["b"], dtype=torch.float32))
        layers.append(lin)
        if i < n_layers - 1:
            if case.get("batchNorm"):
                layers.append(nn.BatchNorm1d(w["outDim"]))
            layers.append(ACTIVATIONS[case["activation"]]())
    return nn.Sequential(*layers)


def tensors(split, outputs):
    x = torch.tensor(split["x"], dtype=torch.float32).reshape(split["n"], split["d"])
    y = torch.tensor(split["y"], dtype=torch.long)
    if outputs == 1:
        return x, y.float().reshape(-1, 1)
    return x, y


def loss_fn(name, outputs):
    if name == "bce-with-logits":
        return nn.BCEWithLogitsLoss()
    if name == "cross-entropy":
        return nn.CrossEntropyLoss()
    if name == "multi-margin":
        return nn.MultiMarginLoss()
    if name == "bce":
        bce = nn.BCELoss()
        return lambda z, y: bce(torch.sigmoid(z), y)
    if name == "mse":
        mse = nn.MSELoss()
        if outputs == 1:
            return lambda z, y: mse(torch.sigmoid(z), y)
        return lambda z, y: mse(torch.softmax(z, 1), nn.functional.one_hot(y, outputs).float())
    raise ValueError(name)


def optimizer(spec, params):
    if spec["kind"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=spec["lr"], alpha=spec.get("alpha", 0.99), eps=spec["eps"],
                                   weight_decay=spec["weightDecay"], momentum=spec["momentum"],
                                   centered=spec.get("centered", False))
    if spec["kind"] == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec["momentum"],
                               nesterov=spec["nesterov"], weight_decay=spec["weightDecay"])
    cls = torch.optim.AdamW if spec["kind"] == "adamw" else torch.optim.Adam
    return cls(params, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"],
               weight_decay=spec["weightDecay"])


def scheduler(spec, opt, epochs):
    """torch.optim.lr_scheduler for the engine's optimizer.schedule (None without one)."""
    if not spec:
        return None
    sched = torch.optim.lr_scheduler
    if spec["kind"] == "step":
        return sched.StepLR(opt, step_size=spec["stepSize"], gamma=spec["gamma"])
    if spec["kind"] == "exponential":
        return sched.ExponentialLR(opt, gamma=spec["gamma"])
    if spec["kind"] == "cosine":
        return sched.CosineAnnealingLR(opt, T_max=spec.get("tMax") or epochs, eta_min=spec["etaMin"])
    if spec["kind"] == "plateau":
        assert spec["monitor"] == "valLoss", "the parity loop feeds ReduceLROnPlateau the validation loss"
        mode = "max" if spec["monitor"] in ("valAcc", "trainAcc") else "min"
        return sched.ReduceLROnPlateau(opt, mode=mode, factor=spec["factor"], patience=spec["patience"],
                                       threshold=spec["threshold"], threshold_mode=spec["thresholdMode"],
                                       cooldown=spec["cooldown"], min_lr=spec["minLr"], eps=spec["eps"])
    raise ValueError(spec["kind"])


def penalty_term(model, spec):
    """The lessons' `loss + λ·Σ|w|` (or Σw²) over the Linear layers' weights."""
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    if spec["kind"] == "l1":
        return spec["rate"] * sum(w.abs().sum() for w in weights)
    return spec["rate"] * sum(w.pow(2).sum() for w in weights)


def full_batch(model, criterion, opt, x, y, xv, yv, epochs, sched=None, penalty=None):
    """The lessons' loop: one full-batch step per epoch, then the validation loss in eval mode,
    then the scheduler's step. The recorded training loss is the data loss (without the penalty)."""
    train_losses, val_losses = [], []
    for _ in range(epochs):
        model.train()
        loss = criterion(model(x), y)
        total = loss + penalty_term(model, penalty) if penalty else loss
        opt.zero_grad()
        total.backward()
        opt.step()
        train_losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            val_losses.append(criterion(model(xv), yv).item())
        if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
            sched.step(val_losses[-1])
        elif sched:
            sched.step()
    return train_losses, val_losses


def run(case):
    model = build(case)
    outputs = case["outputs"]
    x, y = tensors(case["train"], outputs)
    xv, yv = tensors(case["val"], outputs)
    criterion = loss_fn(case["loss"], outputs)
    opt = optimizer(case["optimizer"], model.parameters())
    sched = scheduler(case["optimizer"].get("schedule"), opt, case["epochs"])
    train_losses, val_losses = full_batch(model, criterion, opt, x, y, xv, yv, case["epochs"], sched, case.get("penalty"))
    return {"name": case["name"], "trainLoss": train_losses, "valLoss": val_losses}


def main():
    request = json.load(sys.stdin)
    json.dump({"cases": [run(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
