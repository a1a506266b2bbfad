// A saved model reproduces the engine's own predictions, through TF.js layers format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadPredictor, Mlp, probabilities, saveModel, trainRun } from '../../../src/core/engine';
import { blobs, moons, spec } from './helpers';
import { ACTIVATION_NAMES } from '../../../src/core/nn/activations';

const base = { id: 'r', group: 'g', kind: 'model' } as const;

test('a model with input features (model.inputs) saves them: predictions take 2-D points and derive its inputs', async () => {
  await initBackend('wasm');
  const data = moons(200, 0.15, 3);
  const s = spec({ seed: 2, model: { hidden: [], inputs: ['x0^2', 'x0*x1', 'sin(x1)'] }, training: { epochs: 40 }, record: { every: 100, grid: 8 } });
  const { record, weights } = await trainRun(s, data, base);
  assert.equal(weights[0].inDim, 3, 'the first layer reads the three derived features');
  assert.equal(record.params, 4);
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-save-'));
  try {
    await saveModel(dir, weights, s, data.preprocessing, data.classNames);
    const predictor = await loadPredictor(dir);
    assert.deepEqual(predictor.info.inputFeatures, ['x0^2', 'x0*x1', 'sin(x1)']);
    const rows = predictor.predict(data.val.x, data.val.n);
    rows.forEach((row, i) => assert.ok(Math.abs(row[1] - record.valPredictions!.p[i]) < 1e-5, `row ${i}: ${row[1]} vs ${record.valPredictions!.p[i]}`));
    // Points are drawn where they are, not at their derived coordinates.
    assert.deepEqual(record.points!.val.x, Array.from({ length: data.val.n }, (_, r) => data.val.x[2 * r]));
    predictor.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every activation of the registry saves as a TF.js layers model that predicts like the engine', async () => {
  await initBackend('wasm');
  const data = moons(120, 0.15, 5);
  for (const activation of ACTIVATION_NAMES) {
    const s = spec({ seed: 4, model: { hidden: [6, 5], activation }, training: { epochs: 15 }, record: { every: 100, grid: 8 } });
    const { record, weights } = await trainRun(s, data, base);
    const dir = mkdtempSync(join(tmpdir(), 'logit-lab-save-'));
    try {
      await saveModel(dir, weights, s, data.preprocessing, data.classNames);
      const predictor = await loadPredictor(dir);
      predictor.predict(data.val.x, data.val.n).forEach((row, i) => assert.ok(Math.abs(row[1] - record.valPredictions!.p[i]) < 1e-5, `${activation} row ${i}: ${row[1]} vs ${record.valPredictions!.p[i]}`));
      predictor.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('saveModel → loadPredictor gives the engine\'s P(class 1) on the validation split (binary)', async () => {
  await initBackend('wasm');
  const data = moons(200, 0.15, 3);
  const s = spec({ seed: 1, model: { hidden: [12, 6], activation: 'leaky-relu' }, training: { epochs: 40 }, record: { every: 100, grid: 8 } });
  const { record, weights } = await trainRun(s, data, base);
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-save-'));
  try {
    await saveModel(dir, weights, s, data.preprocessing, data.classNames);
    for (const f of ['model.json', 'weights.bin', 'preprocessing.json', 'model-info.json']) assert.ok(existsSync(join(dir, f)), f);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.equal(modelJson.format, 'layers-model');
    assert.equal(modelJson.modelTopology.config.layers.at(-1).config.activation, 'linear', 'the saved net outputs logits');
    const before = tf.memory().numTensors;
    const predictor = await loadPredictor(dir);
    assert.deepEqual(predictor.classNames, data.classNames);
    assert.deepEqual(predictor.preprocessing, data.preprocessing);
    const rows = predictor.predict(data.val.x, data.val.n);
    assert.equal(rows.length, data.val.n);
    rows.forEach((row, i) => {
      assert.equal(row.length, 2);
      assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-6);
      assert.ok(Math.abs(row[1] - record.valPredictions!.p[i]) < 1e-5, `row ${i}: ${row[1]} vs ${record.valPredictions!.p[i]}`);
    });
    predictor.dispose();
    assert.equal(tf.memory().numTensors, before, 'the predictor leaks no tensors');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saveModel → loadPredictor reproduces softmax probabilities (multi-class, gelu)', async () => {
  await initBackend('wasm');
  const data = blobs(120, 3, 5);
  const s = spec({ seed: 2, model: { hidden: [8], activation: 'gelu' }, loss: 'cross-entropy', training: { epochs: 30 }, record: { every: 100, grid: 8 } });
  const { weights } = await trainRun(s, data, base);
  const dir = mkdtempSync(join(tmpdir(), 'logit-lab-save-'));
  try {
    await saveModel(dir, weights, s, data.preprocessing, data.classNames);
    const predictor = await loadPredictor(dir);
    const rows = predictor.predict(data.train.x, data.train.n);
    const model = new Mlp([2, 8, 3], 'gelu', 0, weights);
    const expected = tf.tidy(() => probabilities(model.forward(tf.tensor2d(data.train.x, [data.train.n, 2])).logits)).arraySync() as number[][];
    model.dispose();
    rows.forEach((row, i) => row.forEach((p, k) => assert.ok(Math.abs(p - expected[i][k]) < 1e-5, `row ${i} class ${k}`)));
    assert.equal(predictor.info.link, 'softmax');
    predictor.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
