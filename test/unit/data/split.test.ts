import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSpec } from '../../../src/core/experiment/schema';
import { prepare } from '../../../src/core/data';
import { stratifiedSplit } from '../../../src/core/data/split';
import { Rng } from '../../../src/core/rng';

const ctx = { baseDir: __dirname, workspaceRoot: __dirname };
const counts = (y: Int32Array, k: number) => Array.from({ length: k }, (_, c) => y.filter((label) => label === c).length);

test('stratified split keeps each class in the same proportion', () => {
  // 3 classes of very different sizes.
  const y = Int32Array.from([...Array(500).fill(0), ...Array(100).fill(1), ...Array(40).fill(2)]);
  const split = stratifiedSplit(y, 3, { validation: 0.2, test: 0.1 }, new Rng(1));
  const pick = (rows: Int32Array) => Int32Array.from(rows, (i) => y[i]);
  assert.deepEqual(counts(pick(split.val), 3), [100, 20, 8]);
  assert.deepEqual(counts(pick(split.test), 3), [50, 10, 4]);
  assert.deepEqual(counts(pick(split.train), 3), [350, 70, 28]);
  const all = [...split.train, ...split.val, ...split.test].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: y.length }, (_, i) => i), 'a partition of the rows');
});

test('every class keeps at least one training sample', () => {
  const y = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2]);
  const split = stratifiedSplit(y, 3, { validation: 0.5, test: 0.4 }, new Rng(7));
  const trainCounts = counts(Int32Array.from(split.train, (i) => y[i]), 3);
  assert.ok(trainCounts.every((c) => c >= 1), `train counts ${trainCounts}`);
});

test('the split depends on the data seed only, and is mixed rather than sorted by class', () => {
  const a = prepare(DataSpec.parse({ kind: 'moons', seed: 5, test: 0.2 }), ctx);
  const b = prepare(DataSpec.parse({ kind: 'moons', seed: 5, test: 0.2 }), ctx);
  assert.deepEqual(a.train.x, b.train.x);
  assert.deepEqual(a.test?.x, b.test?.x);
  assert.deepEqual([a.train.n, a.val.n, a.test?.n], [180, 60, 60]);
  assert.deepEqual(counts(a.val.y, 2), [30, 30]);
  const firstHalf = Array.from(a.train.y.subarray(0, 90));
  assert.ok(firstHalf.includes(0) && firstHalf.includes(1));
  const noTest = prepare(DataSpec.parse({ kind: 'moons' }), ctx);
  assert.equal(noTest.test, undefined);
  const noVal = prepare(DataSpec.parse({ kind: 'moons', validation: 0 }), ctx);
  assert.deepEqual([noVal.train.n, noVal.val.n], [300, 0]);
});
