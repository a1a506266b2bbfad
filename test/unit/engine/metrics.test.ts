// Metrics and losses against values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { classReport, confusionMatrix, gridInputs, initBackend, lossValue, targetTensor } from '../../../src/core/engine';

test('confusion matrix is [actual][predicted]; precision/recall/F1 per class', () => {
  const actual = [0, 0, 0, 1, 1, 2];
  const predicted = [0, 1, 0, 1, 1, 1];
  assert.deepEqual(confusionMatrix(actual, predicted, 3), [[2, 1, 0], [0, 2, 0], [0, 1, 0]]);
  const r = classReport(actual, predicted, ['a', 'b', 'c']);
  assert.equal(r.accuracy, 4 / 6);
  assert.deepEqual(r.perClass[0], { name: 'a', precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  assert.equal(r.perClass[1].precision, 0.5);
  assert.equal(r.perClass[1].recall, 1);
  // Never predicted: precision and F1 are 0, not NaN.
  assert.deepEqual(r.perClass[2], { name: 'c', precision: 0, recall: 0, f1: 0, support: 1 });
});

test('losses match their definitions, and bce-with-logits stays finite where bce clamps', async () => {
  await initBackend('cpu');
  const z = tf.tensor2d([[2], [-1], [50], [-50]]);
  const y = targetTensor(Int32Array.from([1, 0, 0, 0]), 1);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  // log σ(v) = −softplus(−v), log(1 − σ(v)) = −softplus(v)
  const expectBce = (softplus(-2) + softplus(-1) + softplus(50) + softplus(-50)) / 4;
  const withLogits = tf.tidy(() => lossValue('bce-with-logits', z, y).dataSync()[0]);
  assert.ok(Math.abs(withLogits - expectBce) < 1e-5, `${withLogits} vs ${expectBce}`);
  // sigmoid(50) is exactly 1 in float32, so log(1 − p) is clamped at −100 like torch.nn.BCELoss.
  const clamped = tf.tidy(() => lossValue('bce', z, y).dataSync()[0]);
  const expectClamped = -(Math.log(sig(2)) + Math.log(1 - sig(-1)) - 100 + Math.log(1 - sig(-50))) / 4;
  assert.ok(Math.abs(clamped - expectClamped) < 1e-4, `${clamped} vs ${expectClamped}`);

  const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
  const oneHot = targetTensor(Int32Array.from([2, 0]), 3);
  const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
  const ce = tf.tidy(() => lossValue('cross-entropy', logits, oneHot).dataSync()[0]);
  assert.ok(Math.abs(ce - ((lse - 3) + Math.log(3)) / 2) < 1e-6);
  const mse = tf.tidy(() => lossValue('mse', logits, oneHot).dataSync()[0]);
  const p = [1, 2, 3].map((v) => Math.exp(v - lse));
  const expectMse = ((p[0] ** 2 + p[1] ** 2 + (p[2] - 1) ** 2) + ((1 / 3 - 1) ** 2 + 2 * (1 / 3) ** 2)) / 6;
  assert.ok(Math.abs(mse - expectMse) < 1e-6);
  tf.dispose([z, y, logits, oneHot]);
});

test('grid inputs hold the other features at the slice base', () => {
  const g = { features: [2, 0] as [number, number], xMin: 0, xMax: 1, yMin: -1, yMax: 1, nx: 2, ny: 3, classes: 2 };
  const x = gridInputs(g, Float32Array.from([9, 7, 5]));
  assert.equal(x.length, 6 * 3);
  // cell (i=1, j=2): feature 2 = x = 1, feature 0 = y = 1, feature 1 stays 7.
  assert.deepEqual(Array.from(x.subarray(5 * 3, 6 * 3)), [1, 7, 1]);
  assert.deepEqual(Array.from(x.subarray(0, 3)), [-1, 7, 0]);
});
