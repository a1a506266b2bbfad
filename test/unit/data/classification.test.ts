// make_classification (and the sample_without_replacement its hypercube uses) against scikit-learn
// 1.2 for several seeds and shapes: labels equal, features within 1e-12 (NumPy multiplies the
// matrices with BLAS, which may sum in another order; the largest difference seen is printed). Then the dataset itself:
// defaults, located errors for what scikit-learn refuses, the checker's facts, a >2-feature slice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pythonReference } from './pythonReference';
import { NumpyRandomState } from '../../../src/core/random/numpyRandomState';
import { sampleWithoutReplacement } from '../../../src/core/random/sampleWithoutReplacement';
import { sklearnClassification, type ClassificationParameters } from '../../../src/core/data/makeClassification';
import { DataSpec } from '../../../src/core/experiment/schema';
import { ClassificationData } from '../../../src/core/data/datasets/classification';
import { describeData, generate, prepare } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';
import { diagnoseExperimentText } from '../../../src/core/experiment';
import { assertAt, errorAt } from '../experiment/fixtures';

const SCRIPT = path.resolve(__dirname, '../../parity/sklearn_random_state.py');
const ctx = { baseDir: __dirname, workspaceRoot: __dirname };

const DEFAULTS: ClassificationParameters = {
  samples: 100, features: 20, informative: 2, redundant: 2, repeated: 0, classes: 2, clustersPerClass: 2,
  flipY: 0.01, classSep: 1, hypercube: true, shift: 0, scale: 1, shuffle: true,
};

/** Each case covers a path: the hypercube's permutation, tracking selection and >30-dimension branch; weights; random shift/scale. */
const CASES: { params: Partial<ClassificationParameters>; randomState: number }[] = [
  { params: {}, randomState: 42 },
  { params: { samples: 300, features: 2, informative: 2, redundant: 0, clustersPerClass: 1 }, randomState: 0 },
  { params: { samples: 500, features: 10, informative: 4, redundant: 3, repeated: 2, classes: 4, weights: [0.1, 0.2, 0.3], flipY: 0.05, classSep: 2, hypercube: false, shift: null, scale: null }, randomState: 7 },
  { params: { samples: 101, features: 7, informative: 3, redundant: 1, repeated: 1, classes: 3, clustersPerClass: 1, weights: [0.5, 0.3, 0.2], shuffle: false, shift: [1, -2, 0.5, 0, 3, -1, 2], scale: [1, 2, 0.5, 10, 1, 3, 7] }, randomState: 123 },
  { params: { samples: 60, features: 35, informative: 32, redundant: 1, classes: 2 }, randomState: 1 },
  { params: { samples: 200, features: 5, informative: 5, redundant: 0, classes: 12, flipY: 0.2 }, randomState: 2024 },
  { params: { samples: 150, features: 12, informative: 10, redundant: 1, repeated: 1, classes: 3, shift: 5, scale: 3 }, randomState: 4294967295 },
];

const SAMPLES: [number, number, number][] = [[1000, 995, 3], [1000, 5, 3], [10, 4, 1], [64, 64, 9], [2 ** 20, 3, 5], [50, 0, 2]];

const toSklearn = (p: ClassificationParameters, randomState: number) => ({
  n_samples: p.samples, n_features: p.features, n_informative: p.informative, n_redundant: p.redundant,
  n_repeated: p.repeated, n_classes: p.classes, n_clusters_per_class: p.clustersPerClass, weights: p.weights ?? null,
  flip_y: p.flipY, class_sep: p.classSep, hypercube: p.hypercube, shift: p.shift, scale: p.scale,
  shuffle: p.shuffle, random_state: randomState,
});

const parameters = CASES.map(({ params }) => ({ ...DEFAULTS, ...params }));
const request = {
  draws: [], moons: [], circles: [], blobs: [], splits: [], numpyMoons: [],
  classification: CASES.map(({ randomState }, i) => toSklearn(parameters[i], randomState)),
  sampleWithoutReplacement: SAMPLES,
};
interface Reference {
  versions: Record<string, string>;
  classification: { x: number[]; y: number[] }[];
  sampleWithoutReplacement: number[][];
}
const reference = pythonReference<Reference>(SCRIPT, request);
const skip = typeof reference === 'string' ? reference : false;
const ref = () => reference as Reference;
if (skip) console.log(`# skipping make_classification parity: ${skip}`);
else console.log(`# compared with NumPy ${ref().versions.numpy}, scikit-learn ${ref().versions.sklearn}`);

test('sampleWithoutReplacement picks what sample_without_replacement picks (permutation, tracking and reservoir)', { skip }, () => {
  SAMPLES.forEach(([population, count, seed], i) => {
    assert.deepEqual(sampleWithoutReplacement(population, count, new NumpyRandomState(seed)), ref().sampleWithoutReplacement[i], `${count} of ${population}, seed ${seed}`);
  });
});

test('sklearnClassification equals make_classification(random_state=…)', { skip }, () => {
  let worst = 0;
  CASES.forEach(({ randomState }, i) => {
    const p = parameters[i];
    const ours = sklearnClassification(p, randomState);
    const theirs = ref().classification[i];
    const what = `make_classification(${JSON.stringify(toSklearn(p, randomState))})`;
    assert.deepEqual(Array.from(ours.y), theirs.y, `${what}: labels`);
    assert.equal(ours.x.length, theirs.x.length, `${what}: size`);
    for (let k = 0; k < theirs.x.length; k++) {
      worst = Math.max(worst, Math.abs(ours.x[k] - theirs.x[k]));
      assert.ok(Math.abs(ours.x[k] - theirs.x[k]) <= 1e-12, `${what}: x[${k}] ours ${ours.x[k]} vs scikit-learn ${theirs.x[k]}`);
    }
  });
  console.log(`# largest difference from scikit-learn: ${worst}`);
});

test('an experiment\'s classification data is make_classification\'s, as float32, with train_test_split\'s rows', { skip }, () => {
  const spec = DataSpec.parse({ kind: 'classification', randomState: 42 });
  const raw = generate(spec, ctx);
  assert.deepEqual([raw.n, raw.d, raw.classNames], [100, 20, ['0', '1']]);
  assert.deepEqual(Array.from(raw.x), Array.from(Float32Array.from(ref().classification[0].x)));
  assert.deepEqual(Array.from(raw.y), ref().classification[0].y);
  assert.equal(prepare(spec, ctx).val.n, 20);
});

test('scikit-learn\'s defaults; the data seed draws the same stream when randomState is absent', () => {
  const spec = ClassificationData.parse({ kind: 'classification' });
  assert.deepEqual(
    [spec.samples, spec.features, spec.informative, spec.redundant, spec.repeated, spec.classes, spec.clustersPerClass, spec.weights, spec.flipY, spec.classSep, spec.hypercube, spec.shift, spec.scale, spec.shuffle],
    [100, 20, 2, 2, 0, 2, 2, undefined, 0.01, 1, true, 0, 1, true],
  );
  const bySeed = generate(DataSpec.parse({ kind: 'classification', seed: 5 }), ctx);
  const byRandomState = generate(DataSpec.parse({ kind: 'classification', randomState: 5 }), ctx);
  assert.deepEqual(bySeed.x, byRandomState.x);
  assert.notDeepEqual(bySeed.x, generate(DataSpec.parse({ kind: 'classification', seed: 6 }), ctx).x);
});

test('what scikit-learn refuses is a LogitLabError at the field, with a hint', () => {
  const cases: [Record<string, unknown>, (string | number)[], RegExp][] = [
    [{ features: 3 }, ['data', 'features'], /2 \+ 2 \+ 0 = 4 features/],
    [{ classes: 3, informative: 2, redundant: 0 }, ['data', 'informative'], /6 distinct hypercube vertices/],
    [{ classes: 3, clustersPerClass: 1, weights: [0.5] }, ['data', 'weights'], /1 entries for 3 classes/],
    [{ weights: [0.7, 0.6] }, ['data', 'weights'], /more than 1/],
    [{ classes: 3, clustersPerClass: 1, weights: [0.7, 0.6] }, ['data', 'weights'], /more than 1/],
    [{ shift: [1, 2] }, ['data', 'shift'], /2 entries but there are 20 features/],
    [{ scale: [1] }, ['data', 'scale'], /1 entries/],
    [{ seed: 2 ** 32 }, ['data', 'seed'], /2\^32/],
    [{ samples: 1_000_000, features: 256, informative: 8 }, ['data', 'samples'], /1,000,000 × 256 = 256,000,000 values, more than the limit/],
  ];
  for (const [fields, jsonPath, message] of cases) {
    const spec = DataSpec.parse({ kind: 'classification', ...fields });
    for (const run of [() => describeData(spec, ctx), () => generate(spec, ctx)]) {
      assert.throws(run, (error: unknown) => {
        assert.ok(error instanceof LogitLabError, String(error));
        assert.deepEqual(error.details.jsonPath, jsonPath, JSON.stringify(fields));
        assert.match(error.message, message);
        assert.ok(error.hint && error.hint.length > 10);
        return true;
      });
    }
  }
});

test('in an experiment file the error is located at the field (file:line:col)', () => {
  const file = path.join(__dirname, 'classification.experiment.json');
  const text = '{ "data": { "kind": "classification",\n  "classes": 4, "informative": 2, "redundant": 0 } }';
  const d = errorAt(diagnoseExperimentText(text, file, __dirname).diagnostics, ['data', 'informative']);
  assert.match(d.message, /8 distinct hypercube vertices/);
  assert.match(d.hint ?? '', /at least 3/);
  assertAt(d, text, '2');
});

test('the checker\'s facts match the generated data without drawing it; class weights are honoured', () => {
  const spec = DataSpec.parse({ kind: 'classification', samples: 1000, features: 6, informative: 3, classes: 3, weights: [0.6, 0.3], flipY: 0, randomState: 3 });
  const info = describeData(spec, ctx);
  const raw = generate(spec, ctx);
  assert.deepEqual([info.samples, info.features, info.classes, info.featureNames], [raw.n, raw.d, raw.classNames.length, raw.featureNames]);
  const counts = [0, 1, 2].map((k) => raw.y.filter((label) => label === k).length);
  assert.deepEqual(counts, [600, 300, 100]);
});

test('the boundary slice over two chosen features of many holds the others at their training means', () => {
  const spec = DataSpec.parse({ kind: 'classification', features: 8, randomState: 11 });
  const data = prepare(spec, ctx, ['x5', 'x2']);
  assert.deepEqual(data.sliceFeatures, [5, 2]);
  assert.equal(data.sliceBase.length, 8);
  for (const j of [0, 7]) {
    let mean = 0;
    for (let i = 0; i < data.train.n; i++) mean += data.train.x[i * 8 + j] / data.train.n;
    assert.ok(Math.abs(data.sliceBase[j] - mean) < 1e-5, `feature ${j}: ${data.sliceBase[j]} vs ${mean}`);
  }
});

test('with shuffle off and no label flips, more features only append noise columns (the noise-features example)', () => {
  const base = { kind: 'classification', samples: 200, informative: 2, redundant: 2, flipY: 0, shuffle: false, seed: 1 };
  const four = generate(DataSpec.parse({ ...base, features: 4 }), ctx);
  const wide = generate(DataSpec.parse({ ...base, features: 24 }), ctx);
  assert.deepEqual(wide.y, four.y);
  for (let i = 0; i < four.n; i++) assert.deepEqual(Array.from(wide.x.subarray(i * 24, i * 24 + 4)), Array.from(four.x.subarray(i * 4, i * 4 + 4)), `row ${i}`);
  // With shuffling on, the row order follows the draws after the noise: the points move.
  const shuffled = (features: number) => generate(DataSpec.parse({ ...base, shuffle: true, features }), ctx);
  assert.notDeepEqual(shuffled(24).y, shuffled(4).y);
});
