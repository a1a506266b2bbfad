// The engine on datasets from the data module's prepare(): the shapes real runs see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, trainRun } from '../../../src/core/engine';
import { prepare } from '../../../src/core/data';
import { RunSpec } from '../../../src/core/experiment/schema';

const ctx = { baseDir: process.cwd(), workspaceRoot: process.cwd() };
const base = { id: 'r', group: 'g', kind: 'model' } as const;

for (const [name, raw] of [
  ['moons', { data: { kind: 'moons' }, training: { epochs: 40 } }],
  ['window (1-D)', { data: { kind: 'window' }, model: { hidden: [8] }, training: { epochs: 40 } }],
  ['tabular, 10 features, test split', { data: { kind: 'tabular', samples: 300, test: 0.2 }, training: { epochs: 20, batchSize: 32 } }],
  ['blobs, 4 classes', { data: { kind: 'blobs', classes: 4 }, loss: 'cross-entropy', training: { epochs: 40 } }],
] as const) {
  test(`trains on prepare()d ${name}`, async () => {
    await initBackend('wasm');
    const spec = RunSpec.parse({ ...raw, record: { every: 20, grid: 16 } });
    const data = prepare(spec.data, ctx);
    const before = tf.memory().numTensors;
    const { record } = await trainRun(spec, data, base);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(record.stopReason, 'completed');
    assert.equal(record.history.length, spec.training.epochs);
    const cells = record.grid!.nx * record.grid!.ny;
    const k = data.classNames.length;
    assert.equal(record.snapshots.at(-1)!.probs.length, k === 2 ? cells : cells * k);
    assert.equal(record.grid!.ny, data.train.d === 1 ? 1 : 16);
    assert.ok(Number.isFinite(record.final!.trainLoss));
    if (data.test) assert.ok(record.report!.test && record.final!.testAcc !== undefined);
  });
}
