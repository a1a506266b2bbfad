// randomState reproduces NumPy's legacy RandomState and scikit-learn's generators and
// train_test_split exactly: integers equal, floats within 1e-12 (V8's and libm's log/cos/sin may
// round the last bit differently), for several seeds, sizes and noise levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pythonReference } from './pythonReference';
import { NumpyRandomState } from '../../../src/core/random/numpyRandomState';
import { numpyMoons, sklearnBlobs, sklearnCircles, sklearnMoons, trainTestSplit, type Points64 } from '../../../src/core/data/sklearn';
import { DataSpec } from '../../../src/core/experiment/schema';
import { describeData, generate, prepare } from '../../../src/core/data';

const SCRIPT = path.resolve(__dirname, '../../parity/sklearn_random_state.py');
const ctx = { baseDir: __dirname, workspaceRoot: __dirname };

const request = {
  draws: [[0, 50], [42, 1001], [12345, 7], [4294967295, 300]],
  moons: [[300, 0.1, 42], [300, 0.2, 0], [101, 0.05, 7], [1000, 0.3, 123], [8, 0, 1]],
  circles: [[300, 0.05, 0.5, 42], [201, 0.1, 0.3, 0], [1000, 0.2, 0.8, 99]],
  blobs: [[300, 3, 2, 1, [-10, 10], 42], [400, 4, 2, 1.5, [-10, 10], 42], [101, 5, 7, 0.5, [-3, 3], 0], [1000, 12, 1, 2, [-10, 10], 2024]],
  splits: [[300, 0.2, 42], [300, 0.2, 0], [150, 0.25, 7], [1001, 0.33, 123], [10, 0.5, 1]],
  numpyMoons: [[150, 0.1, 42], [50, 0.3, 0]],
};

interface Points { x: number[]; y: number[] }
interface Reference {
  versions: Record<string, string>;
  draws: { seed: number; randomSample: number[]; standardNormal: number[]; uniform: number[]; randint: number[]; permutation: number[]; afterOdd: number[] }[];
  moons: Points[];
  circles: Points[];
  blobs: Points[];
  splits: { train: number[]; test: number[] }[];
  numpyMoons: Points[];
}

const reference = pythonReference<Reference>(SCRIPT, request);
const skip = typeof reference === 'string' ? reference : false;
const ref = () => reference as Reference;
if (skip) console.log(`# skipping NumPy/scikit-learn randomState parity: ${skip}`);
else console.log(`# compared with NumPy ${ref().versions.numpy}, scikit-learn ${ref().versions.sklearn}`);

function assertFloats(ours: ArrayLike<number>, theirs: number[], what: string): void {
  assert.equal(ours.length, theirs.length, `${what}: length`);
  for (let i = 0; i < theirs.length; i++) {
    assert.ok(Math.abs(ours[i] - theirs[i]) <= 1e-12, `${what}[${i}]: ours ${ours[i]} vs NumPy ${theirs[i]}`);
  }
}

function assertPoints(ours: Points64, theirs: Points, what: string): void {
  assert.deepEqual(Array.from(ours.y), theirs.y, `${what}: labels`);
  assertFloats(ours.x, theirs.x, `${what}: x`);
}

test('NumpyRandomState draws what np.random.RandomState draws', { skip }, () => {
  for (const r of ref().draws) {
    const rs = new NumpyRandomState(r.seed);
    const count = r.randomSample.length;
    // Consumed in the same order as the script, so each method also leaves the stream where NumPy does.
    assertFloats(Array.from({ length: count }, () => rs.randomSample()), r.randomSample, `seed ${r.seed} random_sample`);
    assertFloats(Array.from({ length: count }, () => rs.standardNormal()), r.standardNormal, `seed ${r.seed} standard_normal`);
    assertFloats(Array.from({ length: count }, () => rs.uniform(-3.5, 10)), r.uniform, `seed ${r.seed} uniform`);
    assert.deepEqual([1, 2, 3, 7, 100, 1000, 2 ** 31, 2 ** 32].map((high) => rs.randint(0, high)), r.randint, `seed ${r.seed} randint`);
    assert.deepEqual(Array.from(rs.permutation(count)), r.permutation, `seed ${r.seed} permutation`);
    assertFloats([rs.standardNormal(), rs.standardNormal(), rs.standardNormal()], r.afterOdd, `seed ${r.seed} randn(3)`);
  }
});

test('randomState moons, circles and blobs equal scikit-learn\'s make_* with random_state', { skip }, () => {
  request.moons.forEach(([n, noise, rs], i) => assertPoints(sklearnMoons(n, noise, rs), ref().moons[i], `make_moons(${n}, noise=${noise}, random_state=${rs})`));
  request.circles.forEach(([n, noise, factor, rs], i) => assertPoints(sklearnCircles(n, noise, factor, rs), ref().circles[i], `make_circles(${n}, noise=${noise}, factor=${factor}, random_state=${rs})`));
  request.blobs.forEach(([samples, classes, features, std, centerBox, rs], i) => {
    const ours = sklearnBlobs({ samples, classes, features, std, centerBox } as Parameters<typeof sklearnBlobs>[0], rs as number);
    assertPoints(ours, ref().blobs[i], `make_blobs(${samples}, centers=${classes}, n_features=${features}, random_state=${rs})`);
  });
});

test('the NumPy moons formula equals the lesson\'s NumPy code after np.random.seed', { skip }, () => {
  request.numpyMoons.forEach(([perClass, noise, seed], i) => assertPoints(numpyMoons(perClass, noise, seed), ref().numpyMoons[i], `numpy moons ${perClass}/${noise}/${seed}`));
});

test('trainTestSplit picks train_test_split\'s rows, in its order', { skip }, () => {
  request.splits.forEach(([n, size, rs], i) => {
    const ours = trainTestSplit(n, size, rs);
    assert.deepEqual(Array.from(ours.heldOut), ref().splits[i].test, `test rows n=${n} size=${size} rs=${rs}`);
    assert.deepEqual(Array.from(ours.train), ref().splits[i].train, `train rows n=${n} size=${size} rs=${rs}`);
  });
});

test('an experiment\'s randomState gives scikit-learn\'s points (as float32) and train_test_split\'s validation rows', { skip }, () => {
  const spec = DataSpec.parse({ kind: 'moons', samples: 300, noise: 0.1, randomState: 42, validation: 0.2 });
  const raw = generate(spec, ctx);
  assertFloats(raw.x, Array.from(Float32Array.from(ref().moons[0].x)), 'generated x');
  const data = prepare(spec, ctx);
  const split = ref().splits[0];
  const rowsOf = (rows: number[]) => Float32Array.from(rows.flatMap((r) => ref().moons[0].x.slice(2 * r, 2 * r + 2)));
  assert.deepEqual(Array.from(data.val.x), Array.from(rowsOf(split.test)), 'validation rows = X_test');
  assert.deepEqual(Array.from(data.train.x), Array.from(rowsOf(split.train)), 'training rows = X_train');
  assert.deepEqual(Array.from(data.val.y), split.test.map((r) => ref().moons[0].y[r]));
});

test('the checker knows a randomState dataset\'s size and features without drawing it', () => {
  for (const data of [{ kind: 'numpy-moons', perClass: 40 }, { kind: 'moons', samples: 77, randomState: 1 }, { kind: 'blobs', samples: 50, classes: 5, features: 3, randomState: 2 }]) {
    const spec = DataSpec.parse(data);
    const info = describeData(spec, ctx);
    const raw = generate(spec, ctx);
    assert.deepEqual([info.samples, info.features, info.classes, info.featureNames], [raw.n, raw.d, raw.classNames.length, raw.featureNames]);
  }
});

test('without randomState the generators are Logit Lab\'s own (unchanged by this option)', () => {
  const ours = generate(DataSpec.parse({ kind: 'moons', samples: 300, noise: 0.1, seed: 42 }), ctx);
  const sk = sklearnMoons(300, 0.1, 42);
  assert.deepEqual(Array.from(ours.y.slice(0, 150)), new Array(150).fill(0), 'our moons are not shuffled');
  assert.notDeepEqual(Array.from(ours.x), Array.from(Float32Array.from(sk.x)));
});
