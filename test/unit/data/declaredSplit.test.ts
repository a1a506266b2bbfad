// Splits a lesson fixes by hand (ordered, index lists), train_test_split with a test fraction,
// CSV without standardisation, and the experiment checks that place their mistakes on the field.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSpec } from '../../../src/core/experiment/schema';
import { diagnoseExperimentText } from '../../../src/core/experiment';
import { generate, prepare } from '../../../src/core/data';
import { LogitLabError } from '../../../src/core/errors';
import { trainTestSplit } from '../../../src/core/data/sklearn';
import { assertAt, errorAt } from '../experiment/fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logit-lab-split-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const ctx = { baseDir: root, workspaceRoot: root };

/** The generated rows (as float32 pairs) at these indices, to recognise which rows a split took. */
function rowsOf(spec: DataSpec, rows: ArrayLike<number>): number[] {
  const raw = generate(spec, ctx);
  return Array.from(rows).flatMap((r) => Array.from(raw.x.slice(r * raw.d, (r + 1) * raw.d)));
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

test('an ordered split trains on the first rows and validates on the last, in order (X[:240], X[240:])', () => {
  const spec = DataSpec.parse({ kind: 'moons', samples: 300, noise: 0.2, randomState: 42, split: { kind: 'ordered', validation: 60 } });
  const data = prepare(spec, ctx);
  assert.equal(data.train.n, 240);
  assert.equal(data.val.n, 60);
  assert.equal(data.test, undefined);
  assert.deepEqual(Array.from(data.train.x), rowsOf(spec, range(0, 240)));
  assert.deepEqual(Array.from(data.val.x), rowsOf(spec, range(240, 300)));
});

test('an ordered split with test rows keeps the very last rows for the test split', () => {
  const spec = DataSpec.parse({ kind: 'circles', samples: 100, split: { kind: 'ordered', validation: 20, test: 10 } });
  const data = prepare(spec, ctx);
  assert.deepEqual([data.train.n, data.val.n, data.test?.n], [70, 20, 10]);
  assert.deepEqual(Array.from(data.test!.x), rowsOf(spec, range(90, 100)));
});

test('index lists pick exactly the listed rows; train defaults to the rest', () => {
  const spec = DataSpec.parse({ kind: 'blobs', samples: 30, split: { kind: 'indices', validation: [29, 0, 5], test: [7] } });
  const data = prepare(spec, ctx);
  assert.deepEqual(Array.from(data.val.x), rowsOf(spec, [29, 0, 5]));
  assert.deepEqual(Array.from(data.test!.x), rowsOf(spec, [7]));
  assert.deepEqual(Array.from(data.train.x), rowsOf(spec, range(0, 30).filter((r) => ![29, 0, 5, 7].includes(r))));
});

test('a declared split that does not fit the data is a LogitLabError on its field', () => {
  const cases: [object, RegExp, (string | number)[]][] = [
    [{ kind: 'ordered', validation: 300 }, /nothing is left to train on/, ['data', 'split', 'validation']],
    [{ kind: 'indices', validation: [3, 300] }, /split.validation\[1\] is row 300, but the data has 300 rows/, ['data', 'split', 'validation', 1]],
    [{ kind: 'indices', validation: [3], test: [4, 3] }, /row 3 is listed twice \(in split.validation and split.test\)/, ['data', 'split', 'test', 1]],
    [{ kind: 'indices', train: [], validation: [1] }, /no training rows/, ['data', 'split']],
  ];
  for (const [split, message, jsonPath] of cases) {
    assert.throws(() => prepare(DataSpec.parse({ kind: 'moons', split }), ctx), (err: unknown) => {
      assert.ok(err instanceof LogitLabError);
      assert.match(err.message, message);
      assert.deepEqual(err.details.jsonPath, jsonPath);
      assert.ok(err.hint, 'a fix hint');
      return true;
    });
  }
});

test('randomState with a test fraction: validation as train_test_split, test rows next in its permutation', () => {
  const spec = DataSpec.parse({ kind: 'moons', samples: 200, randomState: 3, validation: 0.2, test: 0.1 });
  const data = prepare(spec, ctx);
  const permutation = [...trainTestSplit(200, 0.2, 3).heldOut, ...trainTestSplit(200, 0.2, 3).train];
  assert.deepEqual(Array.from(data.val.x), rowsOf(spec, permutation.slice(0, 40)));
  assert.deepEqual(Array.from(data.test!.x), rowsOf(spec, permutation.slice(40, 60)));
  assert.deepEqual(Array.from(data.train.x), rowsOf(spec, permutation.slice(60)));
});

test('CSV "standardize": false feeds the numbers as they are; the default standardises with training statistics', () => {
  fs.writeFileSync(path.join(root, 'scores.csv'), 'a,b,label\n1,10,0\n2,30,1\n3,20,0\n4,50,1\n5,40,0\n6,60,1\n');
  const base = { kind: 'csv', path: 'scores.csv', target: 'label', split: { kind: 'ordered', validation: 2 } };
  const raw = prepare(DataSpec.parse({ ...base, standardize: false }), ctx);
  assert.deepEqual(Array.from(raw.train.x), [1, 10, 2, 30, 3, 20, 4, 50]);
  assert.deepEqual(Array.from(raw.val.x), [5, 40, 6, 60]);
  assert.deepEqual(raw.preprocessing.features.map((f) => f.kind === 'numeric' && [f.mean, f.std]), [[0, 1], [0, 1]]);
  const scaled = prepare(DataSpec.parse(base), ctx);
  const first = scaled.preprocessing.features[0];
  assert.ok(first.kind === 'numeric' && first.mean === 2.5, 'mean of the four training rows');
});

test('the experiment check places a split that does not fit, and a torchSeed without init torch, on their fields', () => {
  const file = path.join(root, 'lesson.experiment.json');
  const text = '{ "data": { "kind": "moons", "samples": 100, "split": { "kind": "indices", "validation": [1, 100] } },\n  "model": { "hidden": [8], "torchSeed": 7 } }';
  const diagnostics = diagnoseExperimentText(text, file, root).diagnostics;
  const split = errorAt(diagnostics, ['data', 'split', 'validation', 1]);
  assert.match(split.message, /row 100, but the data has 100 rows/);
  assertAt(split, text, '100', 1);
  const seed = errorAt(diagnostics, ['model', 'torchSeed']);
  assert.match(seed.message, /init is "he"/);
  assertAt(seed, text, '7');
  assert.deepEqual(diagnoseExperimentText('{ "data": { "kind": "moons", "split": { "kind": "ordered", "validation": 60 } }, "model": { "init": "torch", "torchSeed": 0 }, "training": { "earlyStopping": {} } }', file, root).diagnostics.map((d) => d.format()), []);
});
