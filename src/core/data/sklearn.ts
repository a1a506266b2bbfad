// scikit-learn's generators and train_test_split drawing from NumPy's legacy RandomState in the
// order scikit-learn 1.2 draws (shuffle=True as by default, then noise), so `randomState: 42`
// gives the points and the split of `random_state=42`. Coordinates stay float64 here; the frame
// rounds them to float32 as `torch.tensor(X, dtype=torch.float32)` does.
import { NumpyRandomState } from '../random/numpyRandomState';
import { linspace } from './builder';
import type { Column, Frame } from './frame';

/** Row-major n × d float64 points with their class labels. */
export interface Points64 {
  x: Float64Array;
  y: Int32Array;
  n: number;
  d: number;
}

/** sklearn.utils.shuffle: one RandomState.shuffle of arange(n), then rows taken in that order. */
export function shuffleRows(points: Points64, rng: NumpyRandomState): Points64 {
  const order = rng.permutation(points.n);
  const x = new Float64Array(points.x.length);
  const y = new Int32Array(points.n);
  order.forEach((from, to) => {
    for (let j = 0; j < points.d; j++) x[to * points.d + j] = points.x[from * points.d + j];
    y[to] = points.y[from];
  });
  return { ...points, x, y };
}

/** `X += generator.normal(scale=noise, size=X.shape)`, row-major. */
function addNoise(points: Points64, noise: number, rng: NumpyRandomState): Points64 {
  for (let i = 0; i < points.x.length; i++) points.x[i] += rng.normal(0, noise);
  return points;
}

function twoCurves(outer: [number[], number[]], inner: [number[], number[]]): Points64 {
  const n = outer[0].length + inner[0].length;
  const x = new Float64Array(2 * n);
  const y = new Int32Array(n);
  const xs = [...outer[0], ...inner[0]];
  const ys = [...outer[1], ...inner[1]];
  for (let i = 0; i < n; i++) {
    x[2 * i] = xs[i];
    x[2 * i + 1] = ys[i];
    y[i] = i < outer[0].length ? 0 : 1;
  }
  return { x, y, n, d: 2 };
}

export function sklearnMoons(samples: number, noise: number, randomState: number): Points64 {
  const rng = new NumpyRandomState(randomState);
  const outer = linspace(0, Math.PI, Math.floor(samples / 2));
  const inner = linspace(0, Math.PI, samples - Math.floor(samples / 2));
  const points = twoCurves(
    [outer.map(Math.cos), outer.map(Math.sin)],
    [inner.map((t) => 1 - Math.cos(t)), inner.map((t) => 1 - Math.sin(t) - 0.5)],
  );
  return addNoise(shuffleRows(points, rng), noise, rng);
}

export function sklearnCircles(samples: number, noise: number, factor: number, randomState: number): Points64 {
  const rng = new NumpyRandomState(randomState);
  const outer = linspace(0, 2 * Math.PI, Math.floor(samples / 2), false);
  const inner = linspace(0, 2 * Math.PI, samples - Math.floor(samples / 2), false);
  const points = twoCurves(
    [outer.map(Math.cos), outer.map(Math.sin)],
    [inner.map((t) => Math.cos(t) * factor), inner.map((t) => Math.sin(t) * factor)],
  );
  return addNoise(shuffleRows(points, rng), noise, rng);
}

export interface BlobsParameters {
  samples: number;
  classes: number;
  features: number;
  std: number;
  centerBox: [number, number];
}

/** make_blobs with `centers` an integer: centres from uniform(center_box), then each blob's normal draws. */
export function sklearnBlobs(p: BlobsParameters, randomState: number): Points64 {
  const rng = new NumpyRandomState(randomState);
  const centers = Array.from({ length: p.classes }, () => Array.from({ length: p.features }, () => rng.uniform(p.centerBox[0], p.centerBox[1])));
  const x = new Float64Array(p.samples * p.features);
  const y = new Int32Array(p.samples);
  let row = 0;
  for (let k = 0; k < p.classes; k++) {
    const size = Math.floor(p.samples / p.classes) + (k < p.samples % p.classes ? 1 : 0);
    for (let i = 0; i < size; i++, row++) {
      for (let j = 0; j < p.features; j++) x[row * p.features + j] = rng.normal(centers[k][j], p.std);
      y[row] = k;
    }
  }
  return shuffleRows({ x, y, n: p.samples, d: p.features }, rng);
}

/**
 * The NumPy moons lesson's own formula after `np.random.seed(seed)`: t = linspace(0, π, n), class 0
 * at (cos t, sin t) + noise·randn(n, 2), then class 1 at (1 − cos t, 0.5 − sin t) + noise·randn(n, 2).
 */
export function numpyMoons(perClass: number, noise: number, seed: number): Points64 {
  const rng = new NumpyRandomState(seed);
  const t = linspace(0, Math.PI, perClass);
  const x = new Float64Array(4 * perClass);
  const y = new Int32Array(2 * perClass);
  const curves: [(t: number) => number, (t: number) => number][] = [
    [Math.cos, Math.sin],
    [(s) => 1 - Math.cos(s), (s) => 0.5 - Math.sin(s)],
  ];
  curves.forEach(([fx, fy], label) => {
    t.forEach((s, i) => {
      const row = label * perClass + i;
      x[2 * row] = fx(s) + noise * rng.standardNormal();
      x[2 * row + 1] = fy(s) + noise * rng.standardNormal();
      y[row] = label;
    });
  });
  return { x, y, n: 2 * perClass, d: 2 };
}

/**
 * train_test_split(X, y, test_size=heldOut, random_state) without stratification: one permutation,
 * its first ceil(heldOut·n) rows held out, the rest training (in the permutation's order).
 */
export function trainTestSplit(n: number, heldOut: number, randomState: number): { train: Int32Array; heldOut: Int32Array } {
  const permutation = new NumpyRandomState(randomState).permutation(n);
  const nHeldOut = Math.ceil(heldOut * n);
  return { heldOut: permutation.slice(0, nHeldOut), train: permutation.slice(nHeldOut) };
}

/** The points as a frame of float64 columns x0..x{d-1}, used raw (not standardised) like the lessons. */
export function frameFromPoints(points: Points64, classNames: string[]): Frame {
  const columns: Column[] = Array.from({ length: points.d }, (_, j) => {
    const values = new Float64Array(points.n);
    for (let i = 0; i < points.n; i++) values[i] = points.x[i * points.d + j];
    return { kind: 'numeric', name: `x${j}`, values };
  });
  return { columns, y: points.y, n: points.n, classNames, notes: [], standardise: false, impute: false };
}
