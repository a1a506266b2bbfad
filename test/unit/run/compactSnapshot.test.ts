// Snapshots travel to the panel as thousandths: lossless for what a run records (probabilities
// rounded by roundProbability, NaN and ±Infinity of a diverged model), refused for anything else.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compactSnapshot, expandSnapshot } from '../../../src/core/run/compactSnapshot';
import { roundProbability } from '../../../src/core/engine/plain-grid';
import { Mt19937 } from '../../../src/core/random/mt19937';

test('a recorded snapshot comes back as the very same doubles, in a quarter of the bytes', () => {
  const mt = new Mt19937(7);
  const rng = () => mt.nextUint32() / 2 ** 32;
  const probs = Float64Array.from({ length: 100 * 100 }, () => roundProbability(1 / (1 + Math.exp(-8 * (rng() - 0.5)))));
  probs[0] = 0;
  probs[1] = 1;
  const compact = compactSnapshot({ epoch: 40, probs, linearRegions: 12 });
  assert.ok(compact, 'a rounded snapshot compacts');
  assert.equal(compact.milli.byteLength * 4, probs.byteLength);
  const back = expandSnapshot(compact);
  assert.equal(back.epoch, 40);
  assert.equal(back.linearRegions, 12);
  assert.ok(back.probs instanceof Float64Array);
  assert.deepEqual(Array.from(back.probs), Array.from(probs));
});

test('NaN and ±Infinity (a diverged model) survive; a value finer than 0.1% or outside [0, 1] is not compacted', () => {
  const back = expandSnapshot(compactSnapshot({ epoch: 3, probs: [NaN, Infinity, -Infinity, 0.5, 0.001] })!);
  assert.deepEqual(Array.from(back.probs), [NaN, Infinity, -Infinity, 0.5, 0.001]);
  assert.equal(compactSnapshot({ epoch: 3, probs: [0.5, 0.1234] }), undefined);
  assert.equal(compactSnapshot({ epoch: 3, probs: [1.002] }), undefined);
  assert.equal(compactSnapshot({ epoch: 3, probs: [-0.001] }), undefined);
});
