import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSpec } from '../../../src/core/experiment/schema';
import { prepare } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';
import { sliceBase } from '../../../src/core/data/slice';

const ctx = { baseDir: __dirname, workspaceRoot: __dirname };

test('default slice: the first two features, or the only one for 1-D data', () => {
  assert.deepEqual(prepare(DataSpec.parse({ kind: 'tabular' }), ctx).sliceFeatures, [0, 1]);
  assert.deepEqual(prepare(DataSpec.parse({ kind: 'moons' }), ctx).sliceFeatures, [0, 1]);
  assert.deepEqual(prepare(DataSpec.parse({ kind: 'window' }), ctx).sliceFeatures, [0]);
});

test('named slice features and the training means of the others', () => {
  const prepared = prepare(DataSpec.parse({ kind: 'tabular' }), ctx, ['x3', 'x2']);
  assert.deepEqual(prepared.sliceFeatures, [3, 2]);
  const { train } = prepared;
  for (let j = 0; j < train.d; j++) {
    let sum = 0;
    for (let i = 0; i < train.n; i++) sum += train.x[i * train.d + j];
    assert.ok(Math.abs(prepared.sliceBase[j] - sum / train.n) < 1e-6);
  }
});

test('unknown slice feature names get a did-you-mean at record.features[i]', () => {
  assert.throws(() => prepare(DataSpec.parse({ kind: 'iris' }), ctx, ['petal_length', 'petal_widht']), (e: unknown) =>
    e instanceof LogitLabError && e.details.jsonPath?.join('.') === 'record.features.1' && /did you mean "petal_width"/.test(e.hint ?? ''));
  assert.throws(() => prepare(DataSpec.parse({ kind: 'iris' }), ctx, ['petal_length', 'petal_length']), LogitLabError);
});

test('a one-hot group is held at its most frequent training category, not at its mean', () => {
  const train = { x: Float32Array.from([1.5, 0, 1, 0, 0.5, 0, 1, 0, 2.5, 1, 0, 0, 3.5, 0, 1, 0]), y: new Int32Array(4), n: 4, d: 4 };
  const base = sliceBase(train, {
    inputColumns: ['a', 'c'],
    classNames: ['0', '1'],
    features: [
      { kind: 'numeric', name: 'a', column: 'a', mean: 0, std: 1 },
      { kind: 'one-hot', name: 'c=p', column: 'c', category: 'p' },
      { kind: 'one-hot', name: 'c=q', column: 'c', category: 'q' },
      { kind: 'unknown-category', name: 'c=<unknown>', column: 'c', known: ['p', 'q'] },
    ],
  });
  assert.deepEqual(Array.from(base), [2, 0, 1, 0]);
});
