// A frame's epochs travel to the panel as one Float64Array and come back as the same records.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { packEpochs, sameShape, unpackEpochs } from '../../../src/core/run/packedEpochs';
import type { EpochRecord } from '../../../src/core/engine/types';

const msg = (epoch: Partial<EpochRecord> & { epoch: number }, runId = 'run-0', totalEpochs = 500) => ({
  type: 'epoch' as const, runId, totalEpochs,
  epoch: { trainLoss: 0.5 / epoch.epoch, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75, alive: [16, 7], ms: epoch.epoch * 0.25, ...epoch },
});

test('epochs with validation figures, NaN, Infinity and -0 come back exactly', () => {
  const msgs = [msg({ epoch: 1 }), msg({ epoch: 2, trainLoss: NaN, valLoss: Infinity }), msg({ epoch: 3, trainAcc: -0, alive: [0, 3] })];
  const packed = packEpochs(msgs)!;
  assert.equal(packed.values.length, 3 * 8);
  assert.deepEqual(unpackEpochs(packed), msgs);
  assert.ok(Object.is(unpackEpochs(packed)[2].epoch.trainAcc, -0));
});

test('a scheduled run\'s learning rate travels with each epoch; with and without it are not packed together', () => {
  const msgs = [msg({ epoch: 1, lr: 0.1 }), msg({ epoch: 2, lr: 0.05 })];
  const packed = packEpochs(msgs)!;
  assert.equal(packed.hasLr, true);
  assert.deepEqual(unpackEpochs(packed), msgs);
  assert.equal(packEpochs([msg({ epoch: 1 }), msg({ epoch: 2, lr: 0.1 })]), undefined);
});

test('epochs without a validation split keep their nulls; mixed shapes are not packed together', () => {
  const noVal = [msg({ epoch: 1, valLoss: null, valAcc: null }), msg({ epoch: 2, valLoss: null, valAcc: null })];
  assert.deepEqual(unpackEpochs(packEpochs(noVal)!), noVal);
  assert.equal(packEpochs([noVal[0], msg({ epoch: 2 })]), undefined);
  assert.equal(sameShape(msg({ epoch: 1 }), msg({ epoch: 2 }, 'run-1')), false, 'another run');
  assert.equal(sameShape(msg({ epoch: 1 }), msg({ epoch: 2, alive: [4] })), false, 'another depth');
  assert.equal(sameShape(msg({ epoch: 1 }), msg({ epoch: 2 }, 'run-0', 600)), false, 'another total');
});
