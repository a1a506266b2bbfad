// The plain-JS kernel (plain.ts), the wide kernel (wide.ts) and the tfjs kernel train the same
// specs to the same numbers: per-epoch losses, accuracies, alive counts, snapshots and final
// metrics, within float tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { chooseKernel, initBackend, layerSizes, trainRun, type TrainResult } from '../../../src/core/engine';
import type { PreparedData } from '../../../src/core/data/types';
import { blobs, moons, spec, windowData } from './helpers';

const base = { id: 'k', group: 'g', kind: 'model' } as const;
const two = moons(200, 0.15, 3);
const three = blobs(150, 3, 4);

const cases: { name: string; data: PreparedData; overrides: Record<string, unknown>; epochs: number; grid?: number }[] = [
  // A 60×60 grid: more cells than one block of the tfjs snapshot.
  { name: 'relu adam full batch', data: two, epochs: 60, grid: 60, overrides: { model: { hidden: [16] } } },
  { name: 'relu 3 layers, full batch', data: two, epochs: 30, grid: 60, overrides: { model: { hidden: [12, 10, 8] } } },
  { name: 'tanh adamw minibatch shuffled', data: two, epochs: 25, overrides: { model: { hidden: [8, 8], activation: 'tanh', init: 'glorot' }, optimizer: { kind: 'adamw', lr: 0.02, weightDecay: 0.05 }, training: { batchSize: 32 } } },
  { name: 'relu dropout sgd+nesterov minibatch', data: two, epochs: 25, overrides: { model: { hidden: [12, 6], dropout: 0.3 }, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.001 }, training: { batchSize: 50 } } },
  { name: '3-class cross-entropy adam+wd', data: three, epochs: 40, overrides: { model: { hidden: [8, 8], init: 'torch' }, loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01, weightDecay: 0.001 } } },
  { name: '3-class mse leaky-relu', data: three, epochs: 40, overrides: { model: { hidden: [8], activation: 'leaky-relu' }, loss: 'mse' } },
  { name: 'binary mse sigmoid', data: two, epochs: 40, overrides: { model: { hidden: [6], activation: 'sigmoid' }, loss: 'mse', optimizer: { kind: 'sgd', lr: 0.5 } } },
  { name: 'gelu bce', data: two, epochs: 40, overrides: { model: { hidden: [16], activation: 'gelu' }, loss: 'bce', optimizer: { kind: 'sgd', lr: 0.5 } } },
  { name: '2 outputs cross-entropy on 2 classes', data: two, epochs: 30, overrides: { model: { hidden: [10] }, loss: 'cross-entropy' } },
  { name: 'logistic regression 1-D', data: windowData(), epochs: 30, overrides: { model: { hidden: [] }, optimizer: { kind: 'adam', lr: 0.1 } } },
  { name: 'rmsprop centered, cosine schedule, l1, minibatch', data: two, epochs: 30, overrides: { model: { hidden: [12, 6], penalty: { kind: 'l1', rate: 0.001 } }, optimizer: { kind: 'rmsprop', lr: 0.005, centered: true, schedule: { kind: 'cosine', etaMin: 0.0005 } }, training: { batchSize: 40 } } },
  { name: '3-class plateau schedule on valAcc, l2', data: three, epochs: 40, overrides: { model: { hidden: [8], penalty: { kind: 'l2', rate: 0.001 } }, loss: 'cross-entropy', optimizer: { kind: 'sgd', lr: 0.3, schedule: { kind: 'plateau', monitor: 'valAcc', patience: 3 } } } },
  // BatchNorm: batch statistics per minibatch, the boundary from the folded eval-mode network on the
  // js kernel and from the running statistics on tfjs; early stopping restores the running ones too.
  { name: 'batchnorm relu minibatch, early stopping restores best', data: two, epochs: 60, grid: 20, overrides: { model: { hidden: [12, 8], batchNorm: true, dropout: 0.1 }, optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.9 }, training: { batchSize: 32, earlyStopping: { monitor: 'valLoss', patience: 8 } } } },
  // Input features: the kernels read derived columns, every grid computes them for its cells (the js
  // grid's row-separable first layer and one-layer ReLU path cannot be used then).
  { name: 'all seven input features, one relu layer', data: two, epochs: 30, grid: 20, overrides: { model: { hidden: [6], inputs: ['x0', 'x1', 'x0^2', 'x1^2', 'x0*x1', 'sin(x0)', 'sin(x1)'] } } },
  { name: 'elu minibatch, exponential schedule', data: two, epochs: 25, overrides: { model: { hidden: [8, 8], activation: 'elu' }, optimizer: { kind: 'sgd', lr: 0.3, schedule: { kind: 'exponential', gamma: 0.95 } }, training: { batchSize: 50 } } },
  { name: 'linear activation, early stopping restores best', data: two, epochs: 200, overrides: { model: { hidden: [4], activation: 'linear' }, optimizer: { kind: 'adam', lr: 0.05 }, training: { earlyStopping: { monitor: 'valLoss', patience: 5, minDelta: 0.01 } } } },
];

function close(a: number | null, b: number | null, tol: number, what: string): void {
  if (a === null || b === null) return assert.equal(a, b, what);
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: js ${a} vs tfjs ${b}`);
}

function compare(js: TrainResult, tfjs: TrainResult, name: string, kernel: 'js' | 'wide' = 'js'): void {
  const a = js.record;
  const b = tfjs.record;
  assert.equal(a.kernel, kernel);
  assert.equal(b.kernel, 'tfjs');
  assert.equal(a.stopReason, b.stopReason, `${name}: stop reason`);
  assert.equal(a.history.length, b.history.length, `${name}: epochs`);
  assert.equal(a.bestEpoch, b.bestEpoch, `${name}: best epoch`);
  a.history.forEach((e, i) => {
    const f = b.history[i];
    const at = `${name}, epoch ${e.epoch}`;
    close(e.trainLoss, f.trainLoss, 1e-4, `${at} train loss`);
    close(e.valLoss, f.valLoss, 1e-4, `${at} val loss`);
    close(e.trainAcc, f.trainAcc, 0.011, `${at} train acc`);
    close(e.valAcc, f.valAcc, 0.03, `${at} val acc`);
    assert.deepEqual(e.alive, f.alive, `${at} alive`);
  });
  assert.deepEqual(a.snapshots.map((s) => s.epoch), b.snapshots.map((s) => s.epoch));
  a.snapshots.forEach((s, i) => {
    const t = b.snapshots[i];
    assert.equal(s.probs.length, t.probs.length);
    s.probs.forEach((p, j) => assert.ok(Math.abs(p - t.probs[j]) <= 2e-3, `${name} snapshot ${s.epoch} cell ${j}: ${p} vs ${t.probs[j]}`));
    if (t.linearRegions === undefined) assert.equal(s.linearRegions, undefined);
    else assert.ok(Math.abs(s.linearRegions! - t.linearRegions) <= Math.max(1, 0.02 * t.linearRegions), `${name} regions ${s.linearRegions} vs ${t.linearRegions}`);
  });
  close(a.final!.trainLoss, b.final!.trainLoss, 1e-4, `${name} final train loss`);
  close(a.final!.valLoss, b.final!.valLoss, 1e-4, `${name} final val loss`);
  assert.equal(a.neuronMaps?.units, b.neuronMaps?.units);
  assert.equal(a.valPredictions?.p.length, b.valPredictions?.p.length);
  a.valPredictions?.p.forEach((p, j) => assert.ok(Math.abs(p - b.valPredictions!.p[j]) <= 1e-3));
  js.weights.forEach((w, l) => w.W.forEach((v, j) => assert.ok(Math.abs(v - tfjs.weights[l].W[j]) <= 1e-3 * Math.max(1, Math.abs(v)), `${name} W${l}[${j}] ${v} vs ${tfjs.weights[l].W[j]}`)));
}

for (const c of cases) {
  test(`js, wide and tfjs kernels agree: ${c.name}`, async () => {
    await initBackend('wasm');
    const s = spec({ seed: 3, ...c.overrides, training: { epochs: c.epochs, ...(c.overrides.training as object) }, record: { every: 10, grid: c.grid ?? 12 } });
    const before = tf.memory().numTensors;
    const js = await trainRun(s, c.data, { ...base, kernel: 'js' });
    assert.equal(tf.memory().numTensors, before, 'the js kernel creates no tensors');
    // The tfjs kernel does not leak: flat across epochs (snapshots included), back to the start after.
    const perEpoch: number[] = [];
    const tfjs = await trainRun(s, c.data, { ...base, kernel: 'tfjs', onEvent: (e) => e.type === 'epoch' && perEpoch.push(tf.memory().numTensors) });
    assert.ok(perEpoch.every((n) => n === perEpoch[0]), `tensor count changed across epochs: ${[...new Set(perEpoch)].join(', ')}`);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by the tfjs run');
    compare(js, tfjs, c.name);
    // The wide kernel has no BatchNorm: it hands those models to tfjs.
    if (s.model.batchNorm) assert.equal((await trainRun({ ...s, training: { ...s.training, epochs: 1 } }, c.data, { ...base, kernel: 'wide' })).record.kernel, 'tfjs');
    else compare(await trainRun(s, c.data, { ...base, kernel: 'wide' }), tfjs, `${c.name} (wide kernel)`, 'wide');
  });
}

test('auto picks js for small models, the wide kernel for wide ones (tfjs on tfjs-node), and records it', async () => {
  await initBackend('wasm');
  const small = spec({ model: { hidden: [16] } });
  const wide = spec({ model: { hidden: [256, 256, 256] }, loss: 'cross-entropy' });
  const big = moons(400, 0.1, 1);
  assert.equal(chooseKernel(small, big, layerSizes(2, small.model, 1)), 'js');
  assert.equal(chooseKernel(wide, big, layerSizes(2, wide.model, 2)), 'wide');
  assert.equal(chooseKernel(wide, big, layerSizes(2, wide.model, 2), 'auto', 'wasm'), 'wide');
  // Where tfjs-node runs (it cannot install here), wide models are left to its native kernels.
  assert.equal(chooseKernel(wide, big, layerSizes(2, wide.model, 2), 'auto', 'tensorflow'), 'tfjs');
  assert.equal(chooseKernel(wide, big, layerSizes(2, wide.model, 2), 'js'), 'js');
  const { record } = await trainRun({ ...small, training: { ...small.training, epochs: 2 } }, two, base);
  assert.equal(record.kernel, 'js');
});

test('the js kernel diverges like the tfjs one', async () => {
  await initBackend('wasm');
  const s = spec({ seed: 0, optimizer: { kind: 'sgd', lr: 1e4, momentum: 0.9 }, training: { epochs: 500 }, record: { every: 1000, grid: 8 } });
  const js = await trainRun(s, two, { ...base, kernel: 'js' });
  const tfjs = await trainRun(s, two, { ...base, kernel: 'tfjs' });
  assert.equal(js.record.stopReason, 'diverged');
  assert.equal(tfjs.record.stopReason, 'diverged');
  assert.ok(Math.abs(js.record.history.length - tfjs.record.history.length) <= 2, `${js.record.message} / ${tfjs.record.message}`);
});
