"""PyTorch reference for the lesson-reproduction test (test/unit/engine/torchSeed.test.ts).

Reads JSON on stdin: {"cases": [{name, data: {samples, noise, randomState, validation},
torchSeed, hidden, activation, optimizer, epochs}], "inits": [[sizes, seed]]}. Each case is the lesson's notebook: scikit-learn's
make_moons and train_test_split with random_state, torch.manual_seed(torchSeed), nn.Linear layers
created in order, full-batch training with BCEWithLogitsLoss. Writes {"versions", "inits": [[{weight, bias}]], "cases": [{name,
weights: [{weight, bias}] (initial, PyTorch's [out][in] order), trainLoss, valLoss}]} on stdout.
"""
import json
import sys

import torch
import torch.nn as nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

from torch_mlp import full_batch  # the same loop as the engine parity test (this folder is on sys.path)

torch.set_num_threads(1)
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh}


def run(case):
    d = case["data"]
    X, y = make_moons(n_samples=d["samples"], noise=d["noise"], random_state=d["randomState"])
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=d["validation"], random_state=d["randomState"])
    x = torch.tensor(X_train, dtype=torch.float32)
    t = torch.tensor(y_train, dtype=torch.float32).reshape(-1, 1)
    xv = torch.tensor(X_val, dtype=torch.float32)
    tv = torch.tensor(y_val, dtype=torch.float32).reshape(-1, 1)

    torch.manual_seed(case["torchSeed"])
    widths = [2, *case["hidden"], 1]
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(ACTIVATIONS[case["activation"]]())
    model = nn.Sequential(*layers)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    weights = [{"weight": m.weight.detach().flatten().tolist(), "bias": m.bias.detach().tolist()} for m in linears]

    o = case["optimizer"]
    if o["kind"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=o["lr"], momentum=o.get("momentum", 0))
    else:
        opt = torch.optim.Adam(model.parameters(), lr=o["lr"])
    criterion = nn.BCEWithLogitsLoss()
    train_losses, val_losses = full_batch(model, criterion, opt, x, t, xv, tv, case["epochs"])
    return {"name": case["name"], "weights": weights, "trainLoss": train_losses, "valLoss": val_losses}


def init(sizes, seed):
    """The initial weights of nn.Linear layers of these widths created in order after manual_seed."""
    torch.manual_seed(seed)
    layers = [nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)]
    return [{"weight": m.weight.detach().flatten().tolist(), "bias": m.bias.detach().tolist()} for m in layers]


def main():
    import sklearn
    request = json.load(sys.stdin)
    json.dump({"versions": {"torch": torch.__version__, "sklearn": sklearn.__version__},
               "inits": [init(sizes, seed) for sizes, seed in request["inits"]],
               "cases": [run(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
