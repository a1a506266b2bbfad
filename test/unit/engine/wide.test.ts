// The wide kernel (wide.ts): chosen for wide models, the same numbers on one thread or split over
// several, and the same training whichever SIMD build runs. Its parity with PyTorch is in
// parity.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GridThread } from '../../../src/core/runner';
import { distinctPatterns } from '../../../src/core/engine/session';
import { distinctRows } from '../../../src/core/engine/wide-grid';
import { initBackend, initialWeights, layerSizes, trainRun, useWideThreads } from '../../../src/core/engine';
import { loadWideKernel, preferWideSimd } from '../../../src/core/engine/wide-kernel';
import { Rng } from '../../../src/core/rng';
import type { RunRecord } from '../../../src/core/engine/types';
import type { LayerWeights } from '../../../src/core/engine/model';
import { moons, spec } from './helpers';

const root = resolve(__dirname, '../../..');
let thread: GridThread;

before(() => {
  // `npm test` builds first; build here only when run on its own from a clean checkout.
  if (!existsSync(join(root, 'dist', 'wide-kernels.wasm')) || !existsSync(join(root, 'dist', 'grid-worker.js'))) {
    const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  thread = new GridThread(join(root, 'dist', 'grid-worker.js'));
});
after(() => thread.dispose());

const data = moons(210, 0.3, 1);
const wide = spec({ model: { hidden: [256, 256] }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.002 }, training: { epochs: 8, batchSize: 'full' }, record: { every: 4, grid: 12 }, seed: 3 });
const weights = initialWeights(layerSizes(2, wide.model, 2), wide.model.init, new Rng(7));

async function train(kernel?: 'wide' | 'tfjs', offloadSnapshots?: GridThread): Promise<{ record: RunRecord; weights: LayerWeights[] }> {
  await initBackend('wasm');
  return trainRun(wide, data, { id: 'w', group: 'w', kind: 'model', initialWeights: weights, kernel, offloadSnapshots });
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

test('a wide run\'s snapshots computed on the grid thread equal inline ones, bit for bit', async () => {
  const inline = await train();
  const offloaded = await train(undefined, thread);
  assert.equal(offloaded.record.snapshots.length, 2);
  assert.deepEqual(offloaded.record.snapshots, inline.record.snapshots);
  assert.deepEqual(offloaded.record.history, inline.record.history.map((e, i) => ({ ...e, ms: offloaded.record.history[i].ms })));
});

test('linear regions counted from packed patterns equal the count from bits', () => {
  const cells = 3000;
  for (const units of [20, 40, 70, 300]) {
    const words = Math.ceil(units / 32);
    const bits = new Uint8Array(cells * units);
    const packed = new Uint32Array(cells * words);
    // Few distinct patterns, repeated: duplicates must be merged, near-duplicates kept apart.
    for (let c = 0; c < cells; c++) {
      const pattern = (c * 7919) % 97;
      for (let u = 0; u < units; u++) {
        const on = ((pattern * (u + 3)) % 11 < 5) !== (u === units - 1 && pattern % 2 === 0);
        bits[c * units + u] = on ? 1 : 0;
        if (on) packed[c * words + (u >>> 5)] |= 1 << (u & 31);
      }
    }
    assert.equal(distinctRows(packed, 0, cells, words), distinctPatterns(bits, cells, units), `${units} units`);
  }
});
