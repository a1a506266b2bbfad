// The training loop on real tfjs: stop paths, determinism, leaks, recording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, initialWeights, layerSizes, trainRun, type LayerWeights, type TrainOptions } from '../../../src/core/engine';
import type { PreparedData } from '../../../src/core/data/types';
import type { RunSpec } from '../../../src/core/experiment/schema';
import type { EpochRecord } from '../../../src/core/engine/types';
import { Rng } from '../../../src/core/rng';
import { blobs, moons, spec, windowData } from './helpers';

const data = moons(200, 0.15, 3);
const base = { id: 'r', group: 'g', kind: 'model' } as const;

/** Train and check that no tensor leaks: flat across epochs, back to the start after the run. */
async function trainChecked(s: RunSpec, d: PreparedData, opts: Partial<TrainOptions> = {}) {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const perEpoch: number[] = [];
  const result = await trainRun(s, d, {
    ...base,
    ...opts,
    onEvent: (event) => {
      if (event.type === 'epoch') perEpoch.push(tf.memory().numTensors);
      opts.onEvent?.(event);
    },
  });
  assert.ok(perEpoch.every((n) => n === perEpoch[0]), `tensor count changed across epochs: ${[...new Set(perEpoch)].join(', ')}`);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked by the run');
  return result;
}

const losses = (h: EpochRecord[]) => h.map((e) => [e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, ...e.alive]);

test('a full-batch run completes and records everything', async () => {
  const s = spec({ seed: 1, training: { epochs: 60 }, record: { every: 20, grid: 20 } });
  const { record, weights } = await trainChecked(s, data);
  assert.equal(record.stopReason, 'completed');
  assert.equal(record.status, 'completed');
  assert.equal(record.backend, 'wasm');
  assert.equal(record.history.length, 60);
  assert.equal(record.params, 2 * 16 + 16 + 16 + 1);
  assert.deepEqual(record.snapshots.map((x) => x.epoch), [20, 40, 60]);
  for (const snap of record.snapshots) {
    assert.equal(snap.probs.length, 400);
    assert.ok(snap.probs.every((p) => p >= 0 && p <= 1));
    assert.ok(snap.linearRegions! >= 2, 'a trained ReLU net has several linear regions on the grid');
  }
  assert.deepEqual(record.grid!.features, [0, 1]);
  assert.equal(record.neuronMaps!.units, 16);
  assert.equal(record.neuronMaps!.values[0].length, 400);
  assert.ok(record.final!.trainAcc > 0.8, `train acc ${record.final!.trainAcc}`);
  assert.equal(record.report!.train.confusion.flat().reduce((a, b) => a + b), data.train.n);
  assert.equal(record.valPredictions!.p.length, data.val.n);
  assert.equal(record.points!.train.x.length, data.train.n);
  assert.equal(record.stuckAtLn2, false);
  assert.equal(weights.length, 2);
  // The train loss falls, and the final train loss is evaluated on the final weights.
  assert.ok(record.history[59].trainLoss < record.history[0].trainLoss);
});

test('same seed and backend give identical histories; another seed differs', async () => {
  const s = spec({ seed: 4, model: { hidden: [8], dropout: 0.2 }, training: { epochs: 30, batchSize: 40 }, record: { every: 100, grid: 8 } });
  const a = await trainChecked(s, data);
  const b = await trainChecked(s, data);
  const c = await trainChecked({ ...s, seed: 5 }, data);
  assert.deepEqual(losses(a.record.history), losses(b.record.history));
  assert.deepEqual(a.record.snapshots, b.record.snapshots);
  assert.notDeepEqual(losses(a.record.history), losses(c.record.history));
});

test('early stopping stops, records the best epoch and restores its weights', async () => {
  // A large minDelta makes "improvement" rare, so patience runs out while the loss still drifts.
  const s = spec({ seed: 2, optimizer: { kind: 'adam', lr: 0.01 }, training: { epochs: 400, earlyStopping: { monitor: 'valLoss', patience: 5, minDelta: 0.02 } }, record: { every: 1000, grid: 8 } });
  const { record } = await trainChecked(s, data);
  assert.equal(record.stopReason, 'early-stopped');
  const last = record.history.at(-1)!;
  assert.ok(record.bestEpoch !== undefined && record.bestEpoch < last.epoch);
  assert.equal(last.epoch - record.bestEpoch!, 5);
  const best = record.history[record.bestEpoch! - 1];
  assert.ok(Math.abs(record.final!.valLoss! - best.valLoss!) < 1e-6, `final val loss ${record.final!.valLoss} is not the best epoch's ${best.valLoss}`);
  assert.ok(Math.abs(record.final!.valLoss! - last.valLoss!) > 1e-6, 'the last epoch and the best should differ');
  assert.equal(record.snapshots.at(-1)!.epoch, last.epoch);
});

test('divergence stops the run with a message naming the epoch and the learning rate', async () => {
  const s = spec({ seed: 0, optimizer: { kind: 'sgd', lr: 1e4, momentum: 0.9 }, training: { epochs: 500 }, record: { every: 1000, grid: 8 } });
  const { record } = await trainChecked(s, data);
  assert.equal(record.stopReason, 'diverged');
  const m = /^diverged at epoch (\d+) \(lr 10000 may be too high\)/.exec(record.message ?? '');
  assert.ok(m, `message: ${record.message}`);
  assert.equal(record.history.length, Number(m[1]), 'the epochs before the divergence are kept, and the one it happened in');
  assert.equal(record.divergedAt ?? Number(m[1]), Number(m[1]));
  const broken = record.history.at(-1)!;
  assert.ok(!Number.isFinite(broken.trainLoss) || !Number.isFinite(broken.valLoss ?? 0), 'the diverged epoch records its loss as it was');
  assert.ok(Number(m[1]) < 500);
  assert.equal(record.final, undefined);
});

test('cancelling keeps the epochs trained so far', async () => {
  const controller = new AbortController();
  const s = spec({ seed: 0, training: { epochs: 1000 }, record: { every: 5, grid: 8 } });
  const { record } = await trainChecked(s, data, {
    signal: controller.signal,
    yieldEvery: 1,
    onEvent: (e) => { if (e.type === 'epoch' && e.epoch.epoch === 7) controller.abort(); },
  });
  assert.equal(record.stopReason, 'cancelled');
  assert.equal(record.history.length, 7);
  assert.deepEqual(record.snapshots.map((x) => x.epoch), [5, 7]);
  assert.ok(record.final, 'a cancelled run still reports its final metrics');
});

test('an abort from outside gets through while training', async () => {
  const controller = new AbortController();
  const s = spec({ seed: 0, training: { epochs: 100000 }, record: { every: 1000, grid: 8 } });
  setTimeout(() => controller.abort(), 150);
  const { record } = await trainChecked(s, data, { signal: controller.signal, yieldEvery: 2 });
  assert.equal(record.stopReason, 'cancelled');
  assert.ok(record.history.length > 0 && record.history.length < 100000);
});

test('mini-batches: shuffled per epoch from the run seed, last partial batch kept', async () => {
  const s = spec({ seed: 3, training: { epochs: 40, batchSize: 48 }, record: { every: 1000, grid: 8 } });
  const shuffled = await trainChecked(s, data);
  const ordered = await trainChecked({ ...s, training: { ...s.training, shuffle: false } }, data);
  const full = await trainChecked({ ...s, training: { ...s.training, batchSize: 'full' } }, data);
  assert.notDeepEqual(losses(shuffled.record.history), losses(ordered.record.history));
  // 160 samples in batches of 48: four updates per epoch learn faster than one.
  assert.ok(shuffled.record.history[39].trainLoss < full.record.history[39].trainLoss);
  assert.ok(shuffled.record.final!.trainAcc > 0.8);
});

test('multi-class cross-entropy records k probabilities per cell', async () => {
  const d = blobs(150, 3, 4);
  const s = spec({ seed: 1, model: { hidden: [8, 8] }, loss: 'cross-entropy', training: { epochs: 80 }, record: { every: 40, grid: 10 } });
  const { record } = await trainChecked(s, d);
  assert.equal(record.grid!.classes, 3);
  const probs = record.snapshots.at(-1)!.probs;
  assert.equal(probs.length, 100 * 3);
  for (let c = 0; c < 100; c++) assert.ok(Math.abs(probs[3 * c] + probs[3 * c + 1] + probs[3 * c + 2] - 1) < 2e-3); // each recorded to 0.1%
  assert.equal(record.report!.train.confusion.length, 3);
  assert.equal(record.report!.train.perClass.length, 3);
  assert.ok(record.final!.valAcc! > 0.85, `val acc ${record.final!.valAcc}`);
  assert.equal(record.valPredictions, undefined);
  assert.equal(record.history[0].alive.length, 2);
});

test('1-D data draws a line of grid points', async () => {
  const d = windowData();
  const s = spec({ seed: 0, model: { hidden: [8] }, training: { epochs: 20 }, record: { every: 10, grid: 50 } });
  const { record } = await trainChecked(s, d);
  assert.deepEqual(record.grid!.features, [0, -1]);
  assert.equal(record.grid!.ny, 1);
  assert.equal(record.grid!.nx, 50);
  assert.equal(record.snapshots[0].probs.length, 50);
  assert.ok(record.points!.train.y.every((y) => y === 0));
});

/** He weights for 2-16-1 with some first-layer units killed by a large negative bias. */
function withDeadUnits(dead: number): LayerWeights[] {
  const w = initialWeights(layerSizes(2, spec().model, 1), 'he', new Rng(9));
  for (let u = 0; u < dead; u++) w[0].b[u] = -100;
  return w;
}

test('alive counts units that fire on a training sample; an all-dead net is stuck at ln 2', async () => {
  const s = spec({ seed: 0, training: { epochs: 30 }, record: { every: 1000, grid: 8 } });
  const some = await trainChecked(s, data, { initialWeights: withDeadUnits(5) });
  assert.equal(some.record.history[0].alive[0], 11);
  const all = await trainChecked({ ...s, training: { ...s.training, epochs: 300 }, optimizer: { ...s.optimizer, lr: 0.05 } }, data, { initialWeights: withDeadUnits(16) });
  assert.ok(all.record.history.every((e) => e.alive[0] === 0));
  assert.equal(all.record.stuckAtLn2, true, `final loss ${all.record.final!.trainLoss}`);
});

test('non-ReLU nets count non-constant units and record no linear regions', async () => {
  const s = spec({ seed: 0, model: { hidden: [6], activation: 'tanh', init: 'glorot' }, training: { epochs: 5 }, record: { every: 5, grid: 8 } });
  const { record } = await trainChecked(s, data);
  assert.equal(record.history[0].alive[0], 6);
  assert.equal(record.snapshots[0].linearRegions, undefined);
});

test('logistic regression (no hidden layer) trains', async () => {
  const s = spec({ seed: 0, model: { hidden: [] }, optimizer: { kind: 'adam', lr: 0.1 }, training: { epochs: 100 }, record: { every: 50, grid: 8 } });
  const { record } = await trainChecked(s, data, { kind: 'baseline' });
  assert.equal(record.params, 3);
  assert.deepEqual(record.history[0].alive, []);
  assert.equal(record.neuronMaps, undefined);
  assert.ok(record.final!.trainAcc > 0.7);
});

test('the cpu backend trains too and names itself', async () => {
  await initBackend('cpu');
  const s = spec({ seed: 1, training: { epochs: 10 }, record: { every: 10, grid: 8 } });
  const before = tf.memory().numTensors;
  const { record } = await trainRun(s, data, { ...base, backend: 'cpu' });
  assert.equal(record.backend, 'cpu');
  assert.equal(tf.memory().numTensors, before);
  await initBackend('wasm');
});

test('a seed gives the same run on wasm and cpu (init, shuffling and dropout come from our Rng)', async () => {
  const s = spec({ seed: 6, model: { hidden: [8], dropout: 0.3 }, training: { epochs: 15, batchSize: 50 }, record: { every: 100, grid: 8 } });
  await initBackend('wasm');
  const onWasm = await trainRun(s, data, { ...base, backend: 'wasm' });
  const onCpu = await trainRun(s, data, { ...base, backend: 'cpu' });
  await initBackend('wasm');
  onWasm.record.history.forEach((e, i) => {
    const c = onCpu.record.history[i];
    assert.ok(Math.abs(e.trainLoss - c.trainLoss) <= 1e-4 * c.trainLoss, `epoch ${i + 1}: ${e.trainLoss} vs ${c.trainLoss}`);
  });
});

test('weights that do not fit the model are a LogitLabError, and nothing leaks', async () => {
  await initBackend('wasm');
  const before = tf.memory().numTensors;
  const wrong = initialWeights([2, 4, 1], 'he', new Rng(1));
  await assert.rejects(trainRun(spec(), data, { ...base, initialWeights: wrong }), (e: Error) => e.name === 'LogitLabError' && /do not fit the model 2-16-1/.test(e.message));
  await assert.rejects(trainRun(spec({ model: { hidden: [4] }, loss: 'bce-with-logits' }), blobs(30, 3, 1), base), (e: Error & { hint?: string }) => /two classes/.test(e.message) && /cross-entropy/.test(e.hint ?? ''));
  assert.equal(tf.memory().numTensors, before);
});
