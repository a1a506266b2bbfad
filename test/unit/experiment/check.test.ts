import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diagnoseExperimentText, outputsFor, type RunSpec } from '../../../src/core/experiment';
import type { LogitLabError } from '../../../src/core/errors';
import { assertAt, errorAt } from './fixtures';

// A real workspace on disk: the data module reads the CSV and enforces the workspace boundary.
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'logit-lab-outside-'));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logit-lab-ws-'));
fs.mkdirSync(path.join(root, 'experiments'));
fs.mkdirSync(path.join(root, 'data'));
fs.writeFileSync(path.join(root, 'data', 'heart.csv'), 'age,chol,sex,target\n50,200,m,1\n60,180,f,0\n40,220,m,1\n55,210,f,0\n45,190,m,1\n65,230,f,0\n');
fs.writeFileSync(path.join(outside, 'secret.csv'), 'a,target\n1,0\n2,1\n');
after(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});
const FILE = path.join(root, 'experiments', 'check.experiment.json');

function diagnose(text: string): LogitLabError[] {
  return diagnoseExperimentText(text, FILE, root).diagnostics;
}
const severities = (list: LogitLabError[]) => list.map((d) => d.details.severity);

describe('checkExperiment', () => {
  it('a sound experiment has no findings', () => {
    assert.deepEqual(diagnose('{ "data": { "kind": "moons" }, "training": { "batchSize": 32 } }').map((d) => d.format()), []);
  });

  it('input features need 2-D data and each once; a plateau schedule on valLoss needs a validation split', () => {
    const tabular = errorAt(diagnose('{ "data": { "kind": "tabular", "features": 5 },\n  "model": { "inputs": ["x0^2"] } }'), ['model', 'inputs']);
    assert.match(tabular.message, /2-D points .* 5 features/);
    assert.equal(tabular.details.location?.line, 2);
    const twice = errorAt(diagnose('{ "data": { "kind": "moons" }, "model": { "inputs": ["x0^2", "x1", "x0^2"] } }'), ['model', 'inputs', 2]);
    assert.match(twice.message, /"x0\^2" twice/);
    const plateau = errorAt(diagnose('{ "data": { "kind": "moons", "validation": 0 }, "optimizer": { "schedule": { "kind": "plateau" } } }'), ['optimizer', 'schedule', 'monitor']);
    assert.match(plateau.message, /plateau schedule monitors valLoss, but data.validation is 0/);
    assert.deepEqual(diagnose('{ "data": { "kind": "moons", "validation": 0 }, "optimizer": { "schedule": { "kind": "plateau", "monitor": "trainLoss" } } }').map((d) => d.format()), []);
  });

  it('warns when the batch is larger than the training split, with the train count', () => {
    const text = '{ "data": { "kind": "moons", "samples": 100, "validation": 0.2 },\n  "training": { "batchSize": 128 } }';
    const d = errorAt(diagnose(text), ['training', 'batchSize']);
    assert.equal(d.details.severity, 'warning');
    assert.match(d.message, /batch size 128 is larger than the 80 training samples/);
    assertAt(d, text, '128');
  });

  it('cross-entropy with one output on two classes', () => {
    const text = '{ "data": { "kind": "moons" }, "loss": "cross-entropy",\n  "model": { "outputs": 1 } }';
    const d = errorAt(diagnose(text), ['model', 'outputs']);
    assert.equal(d.message, 'cross-entropy needs class-index targets: this dataset has 2 classes, use 2 outputs or bce-with-logits');
    assert.equal(d.details.severity, 'error');
    assertAt(d, text, '1 }', 0, 1);
  });

  it('binary losses on more than two classes point at the loss', () => {
    const text = '{ "data": { "kind": "iris" }, "loss": "bce" }';
    const d = errorAt(diagnose(text), ['loss']);
    assert.match(d.message, /bce is for two classes, but this dataset has 3 classes \(setosa, versicolor, virginica\)/);
    assert.match(d.hint ?? '', /cross-entropy/);
    assertAt(d, text, '"bce"');
  });

  it('model.outputs must match the loss and the classes', () => {
    const text = '{ "data": { "kind": "blobs", "classes": 4 }, "loss": "cross-entropy", "model": { "outputs": 3 } }';
    assert.match(errorAt(diagnose(text), ['model', 'outputs']).message, /cross-entropy on 4 classes needs 4 outputs, got 3/);
    const binary = '{ "data": { "kind": "xor" }, "model": { "outputs": 2 } }';
    assert.match(errorAt(diagnose(binary), ['model', 'outputs']).message, /bce-with-logits on 2 classes uses 1 output/);
  });

  it('mse is allowed, with the contrast lesson as a warning', () => {
    const text = '{ "data": { "kind": "moons" }, "loss": "mse" }';
    const d = errorAt(diagnose(text), ['loss']);
    assert.equal(d.details.severity, 'warning');
    assert.match(d.message, /mse treats class labels as numbers/);
  });

  it('early stopping on validation metrics needs a validation split', () => {
    const text = '{ "data": { "kind": "moons", "validation": 0 },\n  "training": { "earlyStopping": { "monitor": "valAcc" } } }';
    const d = errorAt(diagnose(text), ['training', 'earlyStopping', 'monitor']);
    assert.match(d.message, /monitors valAcc, but data.validation is 0/);
    assertAt(d, text, '"valAcc"');
    // The monitor defaults to valLoss: blame the earlyStopping key then.
    const implicit = '{ "data": { "kind": "moons", "validation": 0 }, "training": { "earlyStopping": {} } }';
    assertAt(errorAt(diagnose(implicit), ['training', 'earlyStopping', 'monitor']), implicit, '"earlyStopping"');
    assert.deepEqual(diagnose('{ "data": { "kind": "moons", "validation": 0 }, "training": { "earlyStopping": { "monitor": "trainLoss" } } }'), []);
  });

  it('success on testAcc needs a test split', () => {
    const text = '{ "data": { "kind": "moons" }, "success": { "metric": "testAcc", "atLeast": 0.9 } }';
    const d = errorAt(diagnose(text), ['success', 'metric']);
    assert.match(d.message, /data.test is 0/);
    assertAt(d, text, '"testAcc"');
    assert.deepEqual(diagnose('{ "data": { "kind": "moons", "test": 0.2 }, "success": { "metric": "testAcc", "atLeast": 0.9 } }'), []);
  });

  it('CSV columns must exist, with the data module\'s did-you-mean', () => {
    const text = '{ "data": { "kind": "csv", "path": "../data/heart.csv", "target": "targt" } }';
    const d = errorAt(diagnose(text), ['data', 'target']);
    assert.match(d.message, /no column "targt"/);
    assert.match(d.hint ?? '', /did you mean "target"/);
    assertAt(d, text, '"targt"');
    const numeric = '{ "data": { "kind": "csv", "path": "../data/heart.csv", "target": "target", "numeric": ["age", "chl"] } }';
    assertAt(errorAt(diagnose(numeric), ['data', 'numeric', 1]), numeric, '"chl"');
    assert.deepEqual(diagnose('{ "data": { "kind": "csv", "path": "../data/heart.csv", "target": "target" }, "training": { "batchSize": 4 } }'), []);
  });

  it('data paths may not leave the workspace', () => {
    const rel = path.relative(path.dirname(FILE), path.join(outside, 'secret.csv')).split(path.sep).join('/');
    const text = `{ "data": { "kind": "csv", "path": "${rel}", "target": "target" } }`;
    const d = errorAt(diagnose(text), ['data', 'path']);
    assert.match(d.message, /outside the workspace/);
    assertAt(d, text, `"${rel}"`);
    const abs = JSON.stringify(path.join(root, 'data', 'heart.csv'));
    assert.match(errorAt(diagnose(`{ "data": { "kind": "csv", "path": ${abs}, "target": "target" } }`), ['data', 'path']).message, /absolute path/);
  });

  it('record.features must name features, and only matter beyond two', () => {
    const text = '{ "data": { "kind": "iris" }, "loss": "cross-entropy", "record": { "features": ["petal_length", "petal_widht"] } }';
    const d = errorAt(diagnose(text), ['record', 'features', 1]);
    assert.match(d.message, /unknown feature "petal_widht"/);
    assert.equal(d.hint, 'did you mean `petal_width`?');
    assertAt(d, text, '"petal_widht"');
    const two = '{ "data": { "kind": "moons" }, "record": { "features": ["x0", "x1"] } }';
    const w = errorAt(diagnose(two), ['record', 'features']);
    assert.equal(w.details.severity, 'warning');
    assert.match(w.message, /only 2 features/);
  });

  it('places a finding caused by a variant on the variant, and one by a sweep value on that value', () => {
    const text = `{ "data": { "kind": "moons", "samples": 100 },
      "variants": [ { "name": "ok" }, { "name": "ce", "loss": "cross-entropy", "model": { "outputs": 1 } } ],
      "sweep": { "training.batchSize": [16, 500] } }`;
    const list = diagnose(text);
    assert.deepEqual(severities(list), ['error', 'warning']);
    assertAt(errorAt(list, ['variants', 1, 'model', 'outputs']), text, '1 }', 0, 1);
    assertAt(errorAt(list, ['sweep', 'training.batchSize', 1]), text, '500');
  });

  it('outputsFor: one logit for binary losses on two classes, else one per class', () => {
    const spec = (loss: RunSpec['loss'], outputs?: number) => ({ loss, model: { hidden: [], activation: 'relu' as const, dropout: 0, init: 'he' as const, outputs } });
    assert.equal(outputsFor(spec('bce-with-logits'), 2), 1);
    assert.equal(outputsFor(spec('bce'), 2), 1);
    assert.equal(outputsFor(spec('mse'), 2), 1);
    assert.equal(outputsFor(spec('cross-entropy'), 2), 2);
    assert.equal(outputsFor(spec('mse'), 3), 3);
    assert.equal(outputsFor(spec('cross-entropy', 5), 3), 5);
  });
});
