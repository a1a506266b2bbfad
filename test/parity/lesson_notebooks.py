"""The lessons' notebooks in PyTorch, as examples/blobs, moons-width-depth and numpy-moons
reconstruct them (run with Debian's /usr/bin/python3; used by test/unit/examples/examples.test.ts).

Prints JSON: {"versions", "blobs": {trainAcc, valAcc}, "widthDepth": {name: valAcc},
"numpyMoons": {loss499, acc499}}. Exits with status 3 and a reason on stderr when PyTorch or
scikit-learn cannot be imported.
"""
import json
import sys

try:
    import numpy as np
    import sklearn
    import torch
    import torch.nn as nn
    from sklearn.datasets import make_blobs, make_moons
    from sklearn.model_selection import train_test_split
except ImportError as error:
    print(f"PyTorch or scikit-learn unavailable: {error}", file=sys.stderr)
    sys.exit(3)

torch.set_num_threads(1)


def mlp(widths, activation):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def accuracy(model, X, y):
    with torch.no_grad():
        z = model(torch.tensor(X, dtype=torch.float32))
        predicted = z.argmax(1) if z.shape[1] > 1 else (z[:, 0] > 0).long()
    return float((predicted.numpy() == y).mean())


def fit(model, X, y, epochs, optimizer, multiclass):
    x = torch.tensor(X, dtype=torch.float32)
    t = torch.tensor(y) if multiclass else torch.tensor(y, dtype=torch.float32).reshape(-1, 1)
    criterion = nn.CrossEntropyLoss() if multiclass else nn.BCEWithLogitsLoss()
    history = []
    for _ in range(epochs):
        z = model(x)
        loss = criterion(z, t)
        predicted = z.argmax(1) if multiclass else (z[:, 0] > 0).long()
        history.append((loss.item(), float((predicted.numpy() == y).mean())))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return history


def blobs():
    X, y = make_blobs(n_samples=1000, centers=4, cluster_std=1.5, random_state=42)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42)
    torch.manual_seed(42)
    model = mlp([2, 16, 4], nn.ReLU)
    fit(model, X_train, y_train, 300, torch.optim.Adam(model.parameters(), lr=0.01), True)
    return {"trainAcc": accuracy(model, X_train, y_train), "valAcc": accuracy(model, X_val, y_val)}


def width_depth():
    X, y = make_moons(n_samples=300, noise=0.2, random_state=42)
    result = {}
    for hidden in ([4], [16], [32], [8, 8], [16, 16]):
        torch.manual_seed(42)
        model = mlp([2, *hidden, 1], nn.ReLU)
        fit(model, X[:240], y[:240], 500, torch.optim.Adam(model.parameters(), lr=0.01), False)
        result["-".join(map(str, [2, *hidden, 1]))] = accuracy(model, X[240:], y[240:])
    return result


def numpy_moons():
    np.random.seed(42)
    t = np.linspace(0, np.pi, 150)
    X0 = np.c_[np.cos(t), np.sin(t)] + 0.1 * np.random.randn(150, 2)
    X1 = np.c_[1 - np.cos(t), 0.5 - np.sin(t)] + 0.1 * np.random.randn(150, 2)
    X, y = np.vstack([X0, X1]), np.r_[np.zeros(150, int), np.ones(150, int)]
    torch.manual_seed(42)
    model = mlp([2, 4, 1], nn.Tanh)
    history = fit(model, X, y, 500, torch.optim.SGD(model.parameters(), lr=1.0), False)
    return {"loss499": history[499][0], "acc499": history[499][1]}


print(json.dumps({"versions": {"torch": torch.__version__, "sklearn": sklearn.__version__},
                  "blobs": blobs(), "widthDepth": width_depth(), "numpyMoons": numpy_moons()}))
