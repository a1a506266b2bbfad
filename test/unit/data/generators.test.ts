import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSpec, type DataKind } from '../../../src/core/experiment/schema';
import { DATASETS, describeData, generate, prepare } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';
import { compileRule, ruleLogit } from '../../../src/core/data/datasets/tabular';

const ctx = { baseDir: __dirname, workspaceRoot: __dirname };
const GENERATED = ['moons', 'circles', 'blobs', 'classification', 'clusters', 'ring', 'xor', 'spiral', 'window', 'tabular', 'iris'] as const;

const counts = (y: Int32Array, k: number) => Array.from({ length: k }, (_, c) => y.filter((label) => label === c).length);

test('every kind has a registry entry with a description', () => {
  for (const kind of [...GENERATED, 'csv'] as DataKind[]) assert.match(DATASETS[kind].describe, /\w{3}/);
});

test('same data seed gives identical arrays, another seed different ones', () => {
  for (const kind of GENERATED) {
    const a = generate(DataSpec.parse({ kind, seed: 3 }), ctx);
    const b = generate(DataSpec.parse({ kind, seed: 3 }), ctx);
    assert.deepEqual(a.x, b.x, kind);
    assert.deepEqual(a.y, b.y, kind);
    const pa = prepare(DataSpec.parse({ kind, seed: 3 }), ctx);
    const pb = prepare(DataSpec.parse({ kind, seed: 3 }), ctx);
    assert.deepEqual(pa.train.x, pb.train.x, kind);
    assert.deepEqual(pa.val.y, pb.val.y, kind);
    const pc = prepare(DataSpec.parse({ kind, seed: 4 }), ctx);
    // Window and iris have fixed points; the split (and for the others the points too) moves.
    assert.notDeepEqual(pa.train.x, pc.train.x, kind);
    if (kind !== 'window' && kind !== 'iris') {
      assert.notDeepEqual(a.x, generate(DataSpec.parse({ kind, seed: 4 }), ctx).x, kind);
    }
  }
});

test('shapes and class counts of every generated kind (defaults)', () => {
  const expected: Record<(typeof GENERATED)[number], { n: number; d: number; counts?: number[]; classes: number }> = {
    moons: { n: 300, d: 2, counts: [150, 150], classes: 2 },
    circles: { n: 300, d: 2, counts: [150, 150], classes: 2 },
    blobs: { n: 300, d: 2, counts: [100, 100, 100], classes: 3 },
    classification: { n: 100, d: 20, classes: 2 },
    clusters: { n: 200, d: 2, counts: [100, 100], classes: 2 },
    ring: { n: 300, d: 2, counts: [150, 150], classes: 2 },
    xor: { n: 400, d: 2, classes: 2 },
    spiral: { n: 400, d: 2, counts: [200, 200], classes: 2 },
    window: { n: 40, d: 1, counts: [33, 7], classes: 2 },
    tabular: { n: 1000, d: 10, classes: 2 },
    iris: { n: 150, d: 4, counts: [50, 50, 50], classes: 3 },
  };
  for (const kind of GENERATED) {
    const spec = DataSpec.parse({ kind });
    const data = generate(spec, ctx);
    const want = expected[kind];
    assert.equal(data.n, want.n, kind);
    assert.equal(data.d, want.d, kind);
    assert.equal(data.x.length, data.n * data.d, kind);
    assert.equal(data.featureNames.length, data.d, kind);
    assert.equal(data.classNames.length, want.classes, kind);
    const c = counts(data.y, want.classes);
    if (want.counts) assert.deepEqual(c, want.counts, kind);
    else assert.ok(c.every((k) => k > data.n * 0.2), `${kind} is roughly balanced: ${c}`);
    assert.ok(data.x.every(Number.isFinite), kind);
    const info = describeData(spec, ctx);
    assert.deepEqual([info.samples, info.features, info.classes], [data.n, data.d, want.classes], kind);
    assert.deepEqual(info.featureNames, data.featureNames, kind);
  }
});

test('odd sample counts: class 0 gets n // 2 like sklearn', () => {
  for (const kind of ['moons', 'circles', 'clusters', 'ring', 'spiral'] as const) {
    const data = generate(DataSpec.parse({ kind, samples: 301 }), ctx);
    assert.deepEqual(counts(data.y, 2), [150, 151], kind);
  }
});

test('ring: disc radius ≤ 0.5 is class 0, annulus 0.7..1 class 1', () => {
  const data = generate(DataSpec.parse({ kind: 'ring' }), ctx);
  for (let i = 0; i < data.n; i++) {
    const r = Math.hypot(data.x[2 * i], data.x[2 * i + 1]);
    if (data.y[i] === 0) assert.ok(r <= 0.5 + 1e-6, `disc r=${r}`);
    else assert.ok(r >= 0.7 - 1e-6 && r <= 1 + 1e-6, `annulus r=${r}`);
  }
});

test('clusters sit at (∓0.5, ∓0.5) with std 0.4', () => {
  const data = generate(DataSpec.parse({ kind: 'clusters', samples: 4000 }), ctx);
  for (const [label, centre] of [[0, -0.5], [1, 0.5]]) {
    const xs = Array.from({ length: data.n }, (_, i) => i).filter((i) => data.y[i] === label).map((i) => data.x[2 * i]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean - centre) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.4) < 0.03, `std ${std}`);
  }
});

test('xor without noise: class 1 exactly where x·y ≥ 0, points kept 0.3 off the axes', () => {
  const data = generate(DataSpec.parse({ kind: 'xor' }), ctx);
  for (let i = 0; i < data.n; i++) {
    const [x, y] = [data.x[2 * i], data.x[2 * i + 1]];
    assert.equal(data.y[i], x * y >= 0 ? 1 : 0);
    assert.ok(Math.abs(x) >= 0.3 - 1e-6 && Math.abs(x) <= 5.3 + 1e-6);
  }
  const noisy = generate(DataSpec.parse({ kind: 'xor', noise: 0.5 }), ctx);
  const flipped = Array.from(noisy.y).filter((label, i) => label !== (noisy.x[2 * i] * noisy.x[2 * i + 1] >= 0 ? 1 : 0)).length;
  assert.ok(flipped > 0 && flipped < noisy.n / 2, `noise flips some labels: ${flipped}`);
});

test('spiral without noise: radius grows to 5 and the two spirals are point reflections', () => {
  const data = generate(DataSpec.parse({ kind: 'spiral', samples: 400 }), ctx);
  // Class 1 (first 200 rows) is Playground's +1 spiral; class 0 is the same rotated by π.
  for (let i = 0; i < 200; i++) {
    assert.equal(data.y[i], 1);
    assert.equal(data.y[200 + i], 0);
    assert.ok(Math.abs(data.x[2 * i] + data.x[2 * (200 + i)]) < 1e-5);
    assert.ok(Math.abs(Math.hypot(data.x[2 * i], data.x[2 * i + 1]) - (i / 200) * 5) < 1e-5);
  }
});

test('window labels are exactly the open interval', () => {
  const data = generate(DataSpec.parse({ kind: 'window' }), ctx);
  assert.deepEqual(Array.from(data.x), Array.from({ length: 40 }, (_, i) => i - 20));
  assert.deepEqual(Array.from(data.y), Array.from(data.x, (x) => (x > -4 && x < 4 ? 1 : 0)));
  const custom = generate(DataSpec.parse({ kind: 'window', from: 0, to: 9, interval: [2.5, 5] }), ctx);
  assert.deepEqual(Array.from(custom.y), [0, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  assert.throws(() => generate(DataSpec.parse({ kind: 'window', from: 3, to: 1 }), ctx),
    (e: unknown) => e instanceof LogitLabError && e.details.jsonPath?.join('.') === 'data.to');
  assert.throws(() => describeData(DataSpec.parse({ kind: 'window', from: 3, to: 1 }), ctx), LogitLabError);
});

test('tabular labels follow the rule (recomputed from the features)', () => {
  const exact = DataSpec.parse({ kind: 'tabular', rule: { linear: { x0: 1.4, x1: -1 }, product: [['x2', 'x3', 0.8]], square: { x4: -0.5 }, noise: 0, bias: 0.1 } });
  if (exact.kind !== 'tabular') throw new Error('unreachable');
  const data = generate(exact, ctx);
  const rule = compileRule(exact.rule, exact.features);
  for (let i = 0; i < data.n; i++) {
    const x = data.x.subarray(i * data.d, (i + 1) * data.d);
    const byHand = 0.1 + 1.4 * x[0] - 1.0 * x[1] + 0.8 * x[2] * x[3] - 0.5 * x[4] * x[4];
    assert.equal(data.y[i], byHand > 0 ? 1 : 0, `row ${i}`);
    assert.ok(Math.abs(ruleLogit(rule, x) - byHand) < 1e-9);
  }
  // The default rule adds 0.25·ε: labels agree with the noiseless rule on most rows, not all.
  const noisy = generate(DataSpec.parse({ kind: 'tabular' }), ctx);
  const defaultRule = compileRule({ linear: { x0: 1.4, x1: -1 }, product: [['x2', 'x3', 0.8]], square: { x4: -0.5 }, noise: 0, bias: 0 }, 10);
  let agree = 0;
  for (let i = 0; i < noisy.n; i++) agree += Number(noisy.y[i] === (ruleLogit(defaultRule, noisy.x.subarray(i * 10, i * 10 + 10)) > 0 ? 1 : 0));
  assert.ok(agree > 900 && agree < 1000, `agreement ${agree}/1000`);
});

test('tabular rule naming a feature beyond d is an error at its JSON path', () => {
  const spec = DataSpec.parse({ kind: 'tabular', features: 4 });
  assert.throws(() => generate(spec, ctx), (e: unknown) =>
    e instanceof LogitLabError && e.details.jsonPath?.join('.') === 'data.rule.square.x4' && /x4/.test(e.message) && /features/.test(e.hint ?? ''));
  assert.throws(() => describeData(spec, ctx), LogitLabError);
  const product = DataSpec.parse({ kind: 'tabular', features: 3, rule: { linear: {}, product: [['x0', 'x7', 1]], square: {} } });
  assert.throws(() => generate(product, ctx), (e: unknown) => e instanceof LogitLabError && e.details.jsonPath?.join('.') === 'data.rule.product.0.1');
});

test('iris: real data, species names, standardised with training statistics', () => {
  const raw = generate(DataSpec.parse({ kind: 'iris' }), ctx);
  assert.deepEqual(Array.from(raw.x.subarray(0, 4)), [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  assert.deepEqual(raw.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(raw.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  const prepared = prepare(DataSpec.parse({ kind: 'iris' }), ctx);
  for (let j = 0; j < 4; j++) {
    const column = Array.from({ length: prepared.train.n }, (_, i) => prepared.train.x[i * 4 + j]);
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5, `feature ${j}: mean ${mean} std ${std}`);
  }
});

test('the 2-D lesson data is used raw: prepared points are generated points', () => {
  const spec = DataSpec.parse({ kind: 'moons', validation: 0 });
  const raw = generate(spec, ctx);
  const prepared = prepare(spec, ctx);
  const key = (x: ArrayLike<number>, i: number) => `${x[2 * i]},${x[2 * i + 1]}`;
  const rawPoints = new Set(Array.from({ length: raw.n }, (_, i) => key(raw.x, i)));
  assert.equal(prepared.train.n, 300);
  for (let i = 0; i < prepared.train.n; i++) assert.ok(rawPoints.has(key(prepared.train.x, i)));
  assert.deepEqual(prepared.preprocessing.features.map((f) => f.kind === 'numeric' && [f.mean, f.std]), [[0, 1], [0, 1]]);
});
