// scikit-learn 1.2's make_classification (Guyon's Madelon design) drawing from NumPy's legacy
// RandomState in scikit-learn's order: cluster centres on hypercube vertices, standard-normal
// points given a random covariance per cluster, redundant features as random linear combinations
// of the informative ones, repeated copies, pure-noise features, flipped labels, then shift,
// scale and the shuffles of rows and columns. Float64 here, row-major, as NumPy computes it.
import { NumpyRandomState } from '../random/numpyRandomState';
import { sampleWithoutReplacement } from '../random/sampleWithoutReplacement';
import { shuffleRows, type Points64 } from './sklearn';

export interface ClassificationParameters {
  samples: number;
  features: number;
  informative: number;
  redundant: number;
  repeated: number;
  classes: number;
  clustersPerClass: number;
  /** Per class, or for all classes but the last (which gets the rest); undefined: balanced. */
  weights?: number[];
  flipY: number;
  classSep: number;
  hypercube: boolean;
  /** null: drawn per feature, as scikit-learn's shift=None. */
  shift: number | number[] | null;
  /** null: drawn per feature, as scikit-learn's scale=None. */
  scale: number | number[] | null;
  shuffle: boolean;
}

/** The class weights scikit-learn uses: balanced, or the given list completed to sum to 1. */
export function classWeights(p: Pick<ClassificationParameters, 'classes' | 'weights'>): number[] {
  if (p.weights === undefined) return Array.from({ length: p.classes }, () => 1 / p.classes);
  if (p.weights.length === p.classes - 1) return [...p.weights, 1 - p.weights.reduce((a, b) => a + b, 0)];
  return p.weights;
}

/** Samples per cluster (cluster k belongs to class k % classes); the remainder goes round-robin. */
export function clusterSizes(p: Pick<ClassificationParameters, 'samples' | 'classes' | 'clustersPerClass' | 'weights'>): number[] {
  const weights = classWeights(p);
  const clusters = p.classes * p.clustersPerClass;
  const sizes = Array.from({ length: clusters }, (_, k) => Math.trunc((p.samples * weights[k % p.classes]) / p.clustersPerClass));
  const remainder = p.samples - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < remainder; i++) sizes[i % clusters] += 1;
  return sizes;
}

/** `count` distinct vertices of the unit hypercube in `dimensions` dimensions, one 0/1 row each. */
function hypercubeVertices(count: number, dimensions: number, rng: NumpyRandomState): number[][] {
  if (dimensions > 30) {
    // scikit-learn draws the leading bits freely (randint(2)) and only the last 30 distinct.
    const leading = Array.from({ length: count }, () => Array.from({ length: dimensions - 30 }, () => rng.randint(0, 2)));
    const trailing = hypercubeVertices(count, 30, rng);
    return leading.map((row, i) => [...row, ...trailing[i]]);
  }
  // The vertex numbers' binary digits, most significant first (NumPy's unpackbits of big-endian words).
  return sampleWithoutReplacement(2 ** dimensions, count, rng)
    .map((vertex) => Array.from({ length: dimensions }, (_, c) => Math.floor(vertex / 2 ** (dimensions - 1 - c)) % 2));
}

/** `2 * uniform(size=(rows, cols)) - 1`, row-major: a random matrix with entries in [-1, 1). */
function randomMatrix(rows: number, cols: number, rng: NumpyRandomState): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.randomSample() - 1));
}

/** One value per feature: the scalar for all, the list as given, or drawn when null. */
function perFeature(value: number | number[] | null, features: number, draw: () => number): number[] {
  if (value === null) return Array.from({ length: features }, draw);
  return typeof value === 'number' ? Array.from({ length: features }, () => value) : value;
}

export function sklearnClassification(p: ClassificationParameters, randomState: number): Points64 {
  const rng = new NumpyRandomState(randomState);
  const { samples: n, features: d, informative, redundant, repeated, classes } = p;
  const sizes = clusterSizes(p);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);

  const centroids = hypercubeVertices(sizes.length, informative, rng).map((vertex) => vertex.map((bit) => bit * (2 * p.classSep) - p.classSep));
  if (!p.hypercube) {
    const perCluster = Array.from({ length: sizes.length }, () => rng.randomSample());
    const perDimension = Array.from({ length: informative }, () => rng.randomSample());
    centroids.forEach((centroid, k) => centroid.forEach((c, j) => { centroid[j] = c * perCluster[k] * perDimension[j]; }));
  }

  for (let i = 0; i < n; i++) for (let j = 0; j < informative; j++) x[i * d + j] = rng.standardNormal();

  let start = 0;
  sizes.forEach((size, k) => {
    const covariance = randomMatrix(informative, informative, rng);
    for (let i = start; i < start + size; i++) {
      y[i] = k % classes;
      const row = Array.from({ length: informative }, (_, j) => x[i * d + j]);
      for (let c = 0; c < informative; c++) {
        let sum = 0;
        for (let j = 0; j < informative; j++) sum += row[j] * covariance[j][c];
        x[i * d + c] = sum + centroids[k][c];
      }
    }
    start += size;
  });

  if (redundant > 0) {
    const mix = randomMatrix(informative, redundant, rng);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < redundant; c++) {
        let sum = 0;
        for (let j = 0; j < informative; j++) sum += x[i * d + j] * mix[j][c];
        x[i * d + informative + c] = sum;
      }
    }
  }

  if (repeated > 0) {
    const copied = informative + redundant;
    const sources = Array.from({ length: repeated }, () => Math.trunc((copied - 1) * rng.randomSample() + 0.5));
    for (let i = 0; i < n; i++) sources.forEach((source, c) => { x[i * d + copied + c] = x[i * d + source]; });
  }

  const useless = d - informative - redundant - repeated;
  for (let i = 0; i < n; i++) for (let j = d - useless; j < d; j++) x[i * d + j] = rng.standardNormal();

  // scikit-learn draws the flip mask for every row, then one random class per flipped row.
  const flipped = Array.from({ length: n }, () => rng.randomSample() < p.flipY);
  flipped.forEach((flip, i) => { if (flip) y[i] = rng.randint(0, classes); });

  const shift = perFeature(p.shift, d, () => (2 * rng.randomSample() - 1) * p.classSep);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] += shift[j];
  const scale = perFeature(p.scale, d, () => 1 + 100 * rng.randomSample());
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] *= scale[j];

  const points: Points64 = { x, y, n, d };
  return p.shuffle ? shuffleColumns(shuffleRows(points, rng), rng) : points;
}

/** `indices = arange(d); shuffle(indices); X[:, :] = X[:, indices]`. */
function shuffleColumns(points: Points64, rng: NumpyRandomState): Points64 {
  const order = rng.permutation(points.d);
  const x = new Float64Array(points.x.length);
  for (let i = 0; i < points.n; i++) order.forEach((from, to) => { x[i * points.d + to] = points.x[i * points.d + from]; });
  return { ...points, x };
}
