"""NumPy / scikit-learn reference for the random_state parity test (test/unit/data/randomState.test.ts).

Reads a JSON request from argv[1] and prints JSON with, per request entry, what NumPy's legacy
RandomState draws, what make_moons / make_circles / make_blobs / make_classification return with
random_state, what sample_without_replacement picks, the indices train_test_split picks, and the
NumPy moons lesson's formula after np.random.seed.
Exits with status 3 and a reason on stderr when NumPy or scikit-learn cannot be imported.
"""
import json
import sys

try:
    import numpy as np
    import sklearn
    from sklearn.datasets import make_blobs, make_circles, make_classification, make_moons
    from sklearn.model_selection import train_test_split
    from sklearn.utils.random import sample_without_replacement
except ImportError as error:  # the test skips with this reason
    print(f"scikit-learn unavailable: {error}", file=sys.stderr)
    sys.exit(3)


def draws(seed, count):
    r = np.random.RandomState(seed)
    return {
        "seed": seed,
        "randomSample": r.random_sample(count).tolist(),
        "standardNormal": r.standard_normal(count).tolist(),
        "uniform": r.uniform(-3.5, 10.0, count).tolist(),
        "randint": [int(r.randint(0, high)) for high in (1, 2, 3, 7, 100, 1000, 2**31, 2**32)],
        "permutation": r.permutation(count).tolist(),
        # randn after an odd number of normals: the cached second value must be used first
        "afterOdd": r.randn(3).tolist(),
    }


def points(x, y):
    return {"x": x.ravel().tolist(), "y": y.tolist()}


def numpy_moons(per_class, noise, seed):
    np.random.seed(seed)
    t = np.linspace(0, np.pi, per_class)
    x0 = np.c_[np.cos(t), np.sin(t)] + noise * np.random.randn(per_class, 2)
    x1 = np.c_[1 - np.cos(t), 0.5 - np.sin(t)] + noise * np.random.randn(per_class, 2)
    return points(np.vstack([x0, x1]), np.r_[np.zeros(per_class, int), np.ones(per_class, int)])


request = json.loads(sys.argv[1])
result = {"versions": {"numpy": np.__version__, "sklearn": sklearn.__version__}}
result["draws"] = [draws(seed, count) for seed, count in request["draws"]]
result["moons"] = [points(*make_moons(n_samples=n, noise=noise, random_state=rs)) for n, noise, rs in request["moons"]]
result["circles"] = [points(*make_circles(n_samples=n, noise=noise, factor=f, random_state=rs)) for n, noise, f, rs in request["circles"]]
result["blobs"] = [
    points(*make_blobs(n_samples=n, centers=k, n_features=d, cluster_std=std, center_box=tuple(box), random_state=rs))
    for n, k, d, std, box, rs in request["blobs"]
]
result["splits"] = []
for n, size, rs in request["splits"]:
    train, test = train_test_split(np.arange(n), test_size=size, random_state=rs)
    result["splits"].append({"train": train.tolist(), "test": test.tolist()})
result["numpyMoons"] = [numpy_moons(*args) for args in request["numpyMoons"]]
# make_classification takes its keyword arguments as sent (scikit-learn's names).
result["classification"] = [points(*make_classification(**kwargs)) for kwargs in request.get("classification", [])]
result["sampleWithoutReplacement"] = [
    sample_without_replacement(population, count, random_state=np.random.RandomState(seed)).tolist()
    for population, count, seed in request.get("sampleWithoutReplacement", [])
]
print(json.dumps(result))
