"""scikit-learn reference for Logit Lab's dataset parity test (test/unit/data/parity.test.ts).

Reads a JSON request from argv[1] and prints JSON: noiseless make_moons / make_circles points
(shuffle=False, so the order is sklearn's construction order) and make_blobs class counts.
Exits with status 3 and a reason on stderr when scikit-learn cannot be imported.
"""
import json
import sys

try:
    import numpy as np
    from sklearn.datasets import make_blobs, make_circles, make_moons
except ImportError as error:  # the test skips with this reason
    print(f"scikit-learn unavailable: {error}", file=sys.stderr)
    sys.exit(3)

request = json.loads(sys.argv[1])
result = {"moons": [], "circles": [], "blobs": []}
for n in request["moons"]:
    x, y = make_moons(n_samples=n, shuffle=False, noise=None)
    result["moons"].append({"n": n, "x": x.tolist(), "y": y.tolist()})
for n, factor in request["circles"]:
    x, y = make_circles(n_samples=n, shuffle=False, noise=None, factor=factor)
    result["circles"].append({"n": n, "factor": factor, "x": x.tolist(), "y": y.tolist()})
for n, k, d in request["blobs"]:
    x, y = make_blobs(n_samples=n, centers=k, n_features=d, random_state=0)
    result["blobs"].append({"n": n, "k": k, "d": d, "counts": np.bincount(y, minlength=k).tolist(), "shape": list(x.shape)})
print(json.dumps(result))
