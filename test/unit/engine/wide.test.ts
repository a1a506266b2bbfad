// The wide kernel (wide.ts): chosen for wide models, the same numbers on one thread or split over
// several, and the same training whichever SIMD build runs. Its parity with PyTorch is in
// parity.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, initialWeights, layerSizes, trainRun, useWideThreads } from '../../../src/core/engine';
import { loadWideKernel, preferWideSimd } from '../../../src/core/engine/wide-kernel';
import { Rng } from '../../../src/core/rng';
import type { RunRecord } from '../../../src/core/engine/types';
import type { LayerWeights } from '../../../src/core/engine/model';
import { moons, spec } from './helpers';

const data = moons(210, 0.3, 1);
const wide = spec({ model: { hidden: [256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.002 }, training: { epochs: 8, batchSize: 'full' }, record: { every: 4, grid: 12 }, seed: 3 });
const weights = initialWeights(layerSizes(2, wide.model, 2), wide.model.init, new Rng(7));

async function train(kernel?: 'wide' | 'tfjs'): Promise<{ record: RunRecord; weights: LayerWeights[] }> {
  await initBackend('wasm');
  return trainRun(wide, data, { id: 'w', group: 'w', kind: 'model', initialWeights: weights, kernel });
}

test('a wide model trains on the wide kernel by default, with the tfjs kernel\'s results', async () => {
  const ours = await train();
  assert.equal(ours.record.kernel, 'wide');
  const tfjs = await train('tfjs');
  assert.equal(tfjs.record.kernel, 'tfjs');
  ours.record.history.forEach((e, i) => {
    const t = tfjs.record.history[i];
    assert.ok(Math.abs(e.trainLoss - t.trainLoss) <= 1e-4 * Math.abs(t.trainLoss), `epoch ${i + 1}: ${e.trainLoss} vs tfjs ${t.trainLoss}`);
    assert.deepEqual(e.alive, t.alive);
  });
  assert.ok(ours.record.history.at(-1)!.trainLoss < ours.record.history[0].trainLoss, 'the loss went down');
  // Snapshots and the final report: same probabilities to rounding, same linear regions nearly.
  assert.equal(ours.record.snapshots.length, tfjs.record.snapshots.length);
  const [a, b] = [ours.record.snapshots.at(-1)!, tfjs.record.snapshots.at(-1)!];
  let worst = 0;
  for (let i = 0; i < a.probs.length; i++) worst = Math.max(worst, Math.abs(Number(a.probs[i]) - Number(b.probs[i])));
  assert.ok(worst <= 2e-3, `snapshot probabilities differ by ${worst}`);
  assert.ok(Math.abs(a.linearRegions! - b.linearRegions!) <= 2, `linear regions ${a.linearRegions} vs ${b.linearRegions}`);
  assert.equal(ours.record.final!.trainAcc, tfjs.record.final!.trainAcc);
  assert.equal(ours.record.neuronMaps!.units, 64);
  assert.equal(ours.record.neuronMaps!.values[5].length, 144);
});

test('products split over threads give the same numbers, bit for bit', async () => {
  useWideThreads(1);
  const one = await train();
  useWideThreads(3);
  try {
    const three = await train();
    assert.deepEqual(three.record.history.map((e) => [e.trainLoss, e.trainAcc]), one.record.history.map((e) => [e.trainLoss, e.trainAcc]));
    three.weights.forEach((w, l) => assert.deepEqual(w.W, one.weights[l].W, `layer ${l} weights`));
    // Lanes are kept for the next run: a second threaded run works too.
    const again = await train();
    assert.deepEqual(again.weights[1].W, one.weights[1].W);
  } finally {
    useWideThreads(1);
  }
});

test('the plain-SIMD and relaxed-SIMD builds train alike', async () => {
  const plain = loadWideKernel('simd');
  assert.ok(plain, 'the wide kernel loads (run npm run build first)');
  assert.equal(plain.simd, 'simd');
  const relaxed = loadWideKernel('relaxed');
  if (relaxed?.simd !== 'relaxed') return console.log('# this runtime has no relaxed SIMD: only the plain build runs');
  const fused = await train();
  preferWideSimd('simd');
  try {
    const separate = await train();
    fused.record.history.forEach((e, i) => {
      const t = separate.record.history[i].trainLoss;
      assert.ok(Math.abs(e.trainLoss - t) <= 1e-4 * t, `epoch ${i + 1}: relaxed ${e.trainLoss} vs plain SIMD ${t}`);
    });
  } finally {
    preferWideSimd('relaxed');
  }
});
